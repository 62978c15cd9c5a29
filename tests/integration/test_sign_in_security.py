"""Sign-in as an attacker tries it (OWASP ASVS 5.0 chapter 6, docs/security.md): delays that
grow instead of a lock anyone can trigger, the same time and message for unknown e-mails,
passwords from the list of common ones refused, sign-ins audited with their address."""

import statistics
import time
from datetime import timedelta

from sqlalchemy import select, update

from app.accounts.models import LoginFailure, Role
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.factories.accounts import PASSWORD

ATTACKER, OWNER = "203.0.113.66", "198.51.100.10"


def _sign_in_from(client, address: str, email: str, password: str):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client)
    return client.post("/accounts/login", data={"email": email, "password": password,
                                                "csrf_token": token}, environ_base=environ)


def test_a_stranger_cannot_lock_the_admin_out(app, client, make_user):
    """The observed defect: five wrong passwords from anywhere locked any account."""
    admin = make_user(Role.admin)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        _sign_in_from(client, ATTACKER, admin.email, "not the password at all")
    refused = _sign_in_from(client, ATTACKER, admin.email, PASSWORD)
    assert "Too many failed sign-ins. Try again in" in refused.get_data(as_text=True)
    owner = app.test_client()
    assert _sign_in_from(owner, OWNER, admin.email, PASSWORD).status_code == 302


def test_delays_grow_with_each_failure_and_then_pass(app, client, make_user):
    user = make_user(Role.applicant)
    free, first = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_FIRST_DELAY_SECONDS"]
    now = utcnow()
    db.session.add_all(LoginFailure(email=user.email, ip=ATTACKER, at=now)
                       for _ in range(free + 2))
    db.session.commit()
    page = _sign_in_from(client, ATTACKER, user.email, PASSWORD).get_data(as_text=True)
    waited = int(page.split("Try again in ")[1].split(" seconds")[0])
    assert first * 4 - 5 <= waited <= first * 4 + 1  # free + 2 failures: the third doubling
    db.session.execute(update(LoginFailure).values(at=now - timedelta(seconds=first * 4 + 2)))
    db.session.commit()
    assert _sign_in_from(client, ATTACKER, user.email, PASSWORD).status_code == 302


def test_failures_from_many_addresses_only_slow_the_account_briefly(app, client, make_user):
    """Behind a load balancer or a botnet: the account-wide delay is capped at a minute."""
    user = make_user(Role.applicant)
    count = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 40
    db.session.add_all(LoginFailure(email=user.email, ip=f"10.0.{n // 250}.{n % 250}",
                                    at=utcnow()) for n in range(count))
    db.session.commit()
    page = _sign_in_from(client, OWNER, user.email, PASSWORD).get_data(as_text=True)
    waited = int(page.split("Try again in ")[1].split(" seconds")[0])
    assert 0 < waited <= app.config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"] + 1


def test_unknown_and_known_emails_take_the_same_time(app, client, make_user):
    """The observed defect: 400 ms for real accounts, 30 ms for unknown ones. Both now verify
    an argon2id hash; medians stay within the same order of magnitude."""
    user = make_user(Role.applicant)

    def median_time(email: str, address: str) -> float:
        times = []
        for _ in range(5):
            token = csrf_token(client)
            started = time.perf_counter()
            page = client.post("/accounts/login", data={
                "email": email, "password": "wrong password here", "csrf_token": token},
                environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
            times.append(time.perf_counter() - started)
            assert "E-mail address or password is wrong." in page
        return statistics.median(times)

    known = median_time(user.email, "192.0.2.1")
    unknown = median_time("nobody-here@example.org", "192.0.2.2")
    assert 1 / 3 < known / unknown < 3


def test_sign_ins_and_failures_are_audited_with_the_address(app, client, make_user):
    user = make_user(Role.applicant)
    _sign_in_from(client, ATTACKER, user.email, "not the password at all")
    _sign_in_from(client, OWNER, user.email, PASSWORD)
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.data).where(
        AuditEvent.target_id == str(user.id)).order_by(AuditEvent.id)).all()
    assert [(action, data.get("ip")) for action, data in rows] == [
        ("account.sign_in_failed", ATTACKER), ("account.signed_in", OWNER)]


def test_a_common_password_is_refused_at_registration(client):
    from tests.integration.test_accounts import REGISTRATION

    data = {**REGISTRATION, "password": "Password1234", "confirm": "Password1234",
            "csrf_token": csrf_token(client, "/accounts/register")}
    page = client.post("/accounts/register", data=data).get_data(as_text=True)
    assert "list of common or breached passwords" in page


def test_reset_mails_to_one_account_are_limited_per_hour(app, client, make_user):
    from app.core.mail import OutboxMessage

    user = make_user(Role.applicant)
    for _ in range(app.config["PASSWORD_RESETS_PER_HOUR"] + 2):
        answer = client.post("/accounts/reset", data={
            "email": user.email, "csrf_token": csrf_token(client, "/accounts/reset")})
        assert answer.status_code == 302  # the same answer every time: nothing to probe
    sent = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email)).all()
    assert len(sent) == app.config["PASSWORD_RESETS_PER_HOUR"]
