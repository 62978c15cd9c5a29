"""Registration tells nobody which e-mails exist (same answer, similar time, a mail to the
owner instead); a new account confirms its address before it can act; registration and reset
requests are rate-limited per client address and per e-mail address."""

import re
import statistics
import time

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services.registration import ATTEMPT_SUBJECT, VERIFY_SUBJECT
from app.accounts.views.verification import limiter
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.integration.test_accounts import REGISTRATION


def _register(client, **changes):
    data = {**REGISTRATION, "identifier": "", **changes,
            "csrf_token": csrf_token(client, "/accounts/register")}
    return client.post("/accounts/register", data=data)


def _mail(recipient: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                              .order_by(OutboxMessage.id.desc())).first()


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_known_and_an_unknown_email_get_the_same_answer(client, make_user):
    owner = make_user(Role.applicant, email="carla@example.org", name="Carla Rossi")
    before = _users()
    answers, pages = [], []
    for email in ("Carla@Example.org", "paola@example.org"):
        answer = _register(client, email=email, org_name=f"Firm of {email}")
        answers.append((answer.status_code, answer.location))
        page = client.get(answer.location).get_data(as_text=True)
        # The CSRF token carries a timestamp, so it differs when the second ticks between the two.
        page = re.sub(r'name="csrf_token"[^>]*>', "", page)
        pages.append(page.replace("carla", "X").replace("paola", "X"))
    assert answers == [(302, "/accounts/login")] * 2
    assert pages[0] == pages[1]
    assert "We sent an e-mail to X@example.org: open the link in it to confirm" in pages[0]
    assert _users() == before + 1  # only the new address got an account
    warned = _mail(owner.email)
    assert warned.subject == ATTEMPT_SUBJECT and "Nothing was changed" in warned.body
    assert "http://localhost/accounts/reset" in warned.body
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.target_id == str(owner.id))) == "account.registration_with_existing_email"


def test_registration_takes_a_similar_time_for_known_and_unknown_emails(client, make_user):
    make_user(Role.applicant, email="known@example.org")

    def timed(email: str, n: int) -> float:
        token = csrf_token(client, "/accounts/register")
        started = time.perf_counter()
        answer = client.post("/accounts/register", data={
            **REGISTRATION, "identifier": "", "org_name": f"Firm {email} {n}",
            "email": email, "csrf_token": token})
        assert answer.status_code == 302
        return time.perf_counter() - started

    # Taken in turns, so that a busy machine slows both kinds alike (two runs in a row once
    # put a burst of load on one of them only).
    known, unknown = [], []
    for n in range(7):
        known.append(timed("known@example.org", n))
        unknown.append(timed(f"new{n}@example.org", n))
    assert 1 / 3 < statistics.median(known) / statistics.median(unknown) < 3


def test_a_new_account_signs_in_but_must_confirm_its_address_first(client, sign_in):
    _register(client, email="paola@example.org")
    user = db.session.scalar(select(User).where(User.email == "paola@example.org"))
    assert user.email_unverified_since is not None
    mail = _mail(user.email)
    assert mail.subject == VERIFY_SUBJECT
    link = re.search(r"http://localhost(/accounts/verify/\S+)", mail.body).group(1)

    sign_in(user, "a long passphrase")
    blocked = client.get("/applications/")
    assert blocked.status_code == 302 and blocked.location == "/accounts/verify"
    notice = client.get("/accounts/verify").get_data(as_text=True)
    assert "We sent a link to <strong>paola@example.org</strong>" in notice
    assert client.get("/calls/").status_code == 200  # public pages stay open

    assert client.get(link[:-4] + "AAAA").location == "/accounts/login"  # a forged token
    db.session.refresh(user)
    assert user.email_unverified_since is not None
    assert client.get(link).location == "/"
    db.session.refresh(user)
    assert user.email_unverified_since is None
    assert client.get("/applications/").status_code == 200
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "account.email_verified", AuditEvent.actor_id == user.id))


def test_staff_and_existing_accounts_need_no_verification(client, make_user, sign_in):
    officer = make_user(Role.programme_officer)
    assert officer.email_unverified_since is None
    sign_in(make_user(Role.applicant))
    assert client.get("/applications/").status_code == 200


def test_sending_the_link_again_is_limited_per_hour(app, client, sign_in):
    _register(client, email="paola@example.org")
    user = db.session.scalar(select(User).where(User.email == "paola@example.org"))
    sign_in(user, "a long passphrase")
    for _ in range(app.config["ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR"] + 1):
        client.post("/accounts/verify", data={"csrf_token": csrf_token(client, "/accounts/verify")})
    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == user.email, OutboxMessage.subject == VERIFY_SUBJECT))
    assert sent == app.config["ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR"]
    page = client.get("/accounts/verify").get_data(as_text=True)
    assert "We sent several links in the last hour" in page


def test_registrations_are_limited_per_email_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_REQUESTS_PER_EMAIL", "2 per hour")
    limiter.reset()
    try:
        for n in range(2):
            assert _register(client, email="same@example.org",
                             org_name=f"Firm {n}").status_code in (200, 302)
        refused = _register(client, email="same@example.org", org_name="Firm 3")
        assert refused.status_code == 429
        assert "Too many requests" in refused.get_data(as_text=True)
        assert _register(client, email="other@example.org").status_code == 302
    finally:
        limiter.reset()


def test_reset_requests_are_limited_per_client_address(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_REQUESTS_PER_CLIENT", "3 per hour")
    limiter.reset()
    user = make_user(Role.applicant)

    def ask(email: str, address: str):
        return client.post("/accounts/reset", data={
            "email": email, "csrf_token": csrf_token(client, "/accounts/reset")},
            environ_base={"REMOTE_ADDR": address})

    try:
        for n in range(3):
            assert ask(f"someone{n}@example.org", "198.51.100.7").status_code == 302
        assert ask(user.email, "198.51.100.7").status_code == 429
        assert ask(user.email, "198.51.100.8").status_code == 302  # another client
        assert client.get("/accounts/reset").status_code == 200  # GETs are not counted
    finally:
        limiter.reset()


def test_a_weak_password_is_refused_for_known_emails_too(client, make_user):
    make_user(Role.applicant, email="carla@example.org")
    page = _register(client, email="carla@example.org", password="Password1234",
                     confirm="Password1234").get_data(as_text=True)
    assert "list of common or breached passwords" in page
    assert _mail("carla@example.org") is None

