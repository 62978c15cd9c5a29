"""Two-factor sign-in (ASVS 5.0 6.5, 6.6; docs/security.md): enrolment with a QR code and a
first code, the code after the password, recovery codes, reuse refused, growing delays."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from app.accounts.models import RecoveryCode, Role, SecondFactor, UserSession
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.factories.accounts import PASSWORD, TOTP_SECRET

SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7]+)</code>')


def _password(client, email: str):
    return client.post("/accounts/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": csrf_token(client)})


def _code(client, code: str):
    return client.post("/accounts/login/code", data={
        "code": code, "csrf_token": csrf_token(client)})  # one token per session


def _wrong_code(secret: str) -> str:
    """Six digits that are no code of the current window (so the test cannot pass by luck)."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(utcnow())
    near = {totp.generate_otp(s) for s in (step - 1, step, step + 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/accounts/two-factor").get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    done = client.post("/accounts/two-factor", data={
        "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf_token(client, "/accounts/two-factor")}).get_data(as_text=True)
    return secret, re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_enrolment_shows_a_qr_code_and_the_secret_and_gives_ten_recovery_codes(
        app, client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    other_device = app.test_client()
    _password(other_device, user.email)
    page = client.get("/accounts/two-factor").get_data(as_text=True)
    assert "<svg" in page and 'class="segno"' in page  # inline: no image request
    assert "otpauth://" not in re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    secret = SECRET.search(page).group(1)
    assert client.get("/accounts/two-factor").get_data(as_text=True).count(secret) == 1

    wrong = client.post("/accounts/two-factor", data={
        "code": _wrong_code(secret), "csrf_token": csrf_token(client, "/accounts/two-factor")})
    assert 'id="code-error"' in wrong.get_data(as_text=True)
    assert db.session.scalar(select(SecondFactor.confirmed_at)) is None

    done = client.post("/accounts/two-factor", data={
        "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(client, "/accounts/two-factor")})
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert "no-store" in done.headers["Cache-Control"]
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not stored & set(codes)  # kept hashed only
    assert [e.target_id for e in _events("account.second_factor_enrolled")] == [str(user.id)]
    # The change ended every earlier session: the other device is signed out, this one
    # goes on with a new session.
    assert other_device.get("/accounts/account").status_code == 302
    assert client.get("/accounts/account").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.revoked_at.is_(None))) == 1


def test_the_code_comes_after_the_password_and_signs_in_only_then(client, make_user):
    user = make_user(Role.finance_officer)  # enrolled with TOTP_SECRET by the factory
    response = _password(client, user.email)
    assert response.headers["Location"].endswith("/accounts/login/code")
    assert client.get("/accounts/account").status_code == 302  # not signed in yet
    wrong = _code(client, _wrong_code(TOTP_SECRET))
    assert "not right, or it was already used" in wrong.get_data(as_text=True)
    assert client.get("/grants/").status_code == 302
    assert _code(client, pyotp.TOTP(TOTP_SECRET).now()).status_code == 302
    assert client.get("/grants/").status_code == 200


def test_a_code_is_accepted_once(app, client, make_user):
    user = make_user(Role.admin)
    code = pyotp.TOTP(TOTP_SECRET).now()
    _password(client, user.email)
    assert _code(client, code).status_code == 302
    again = app.test_client()  # someone who saw the code over the shoulder
    _password(again, user.email)
    refused = _code(again, code)
    assert "already used" in refused.get_data(as_text=True)
    assert again.get("/admin/users").status_code == 302


def test_a_recovery_code_works_once_instead_of_a_code(client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    _, codes = _enrol(client)
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    _password(client, user.email)
    signed = _code(client, codes[3].upper().replace("-", " "))
    assert signed.status_code == 302
    assert "9 unused recovery codes left" in client.get("/accounts/account").get_data(
        as_text=True)
    assert [e.data["left"] for e in _events("account.recovery_code_used")] == [9]
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    _password(client, user.email)
    assert "already used" in _code(client, codes[3]).get_data(as_text=True)


def test_wrong_codes_slow_down_like_wrong_passwords(app, client, make_user):
    user = make_user(Role.evaluator)
    _password(client, user.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _code(client, _wrong_code(TOTP_SECRET))
    waiting = _code(client, pyotp.TOTP(TOTP_SECRET).now()).get_data(as_text=True)
    assert "Too many wrong codes. Try again in" in waiting
    # A correct password again does not clear the count of wrong codes.
    _password(client, user.email)
    assert "Too many wrong codes" in _code(client, _wrong_code(TOTP_SECRET)).get_data(
        as_text=True)
    failed = _events("account.second_factor_failed")
    assert len(failed) == app.config["LOGIN_MAX_FAILURES"]
    assert failed[0].data == {"ip": "127.0.0.1", "stage": "code"}


def test_the_code_page_needs_a_recent_password(app, client, make_user, monkeypatch):
    user = make_user(Role.programme_officer)
    assert client.get("/accounts/login/code").headers["Location"].endswith("/accounts/login")
    monkeypatch.setitem(app.config, "SECOND_FACTOR_PENDING_MINUTES", 5)
    _password(client, user.email)
    with client.session_transaction() as session:
        pending = session["pending_second_factor"]
        session["pending_second_factor"] = {**pending, "at": pending["at"] - 6 * 60}
    response = _code(client, pyotp.TOTP(TOTP_SECRET).now())
    assert response.headers["Location"].endswith("/accounts/login")
    assert client.get("/calls/manage").status_code == 302


@pytest.mark.parametrize("role", [Role.admin, Role.programme_officer, Role.finance_officer,
                                  Role.evaluator])
def test_staff_without_a_factor_can_only_enrol(app, client, make_user, make_funder, role):
    user = make_user(role, funder=make_funder())
    db.session.delete(db.session.scalar(select(SecondFactor)))
    db.session.commit()
    assert _password(client, user.email).headers["Location"] == "/"  # signed in, but ...
    for url in ("/", "/calls/", "/accounts/account", "/organisations/"):
        response = client.get(url)
        assert response.headers.get("Location", "").endswith("/accounts/two-factor"), url
    _enrol(client)
    assert client.get("/accounts/account").status_code == 200
    assert client.get("/").status_code == 200


def test_applicants_are_offered_two_factors_but_not_forced(client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    page = client.get("/accounts/account").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    assert client.get("/applications/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    _, old = _enrol(client)
    page = client.post("/accounts/two-factor/recovery-codes",
                       data={"csrf_token": csrf_token(client, "/accounts/account")})
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page.get_data(as_text=True))
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert [e.target_id for e in _events("account.recovery_codes_replaced")] == [str(user.id)]
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    _password(client, user.email)
    assert "already used" in _code(client, old[0]).get_data(as_text=True)
    assert _code(client, new[0]).status_code == 302


def test_who_does_not_need_it_may_turn_it_off_and_every_other_session_ends(
        app, client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    _enrol(client)
    other_device = app.test_client()
    _password(other_device, user.email)
    _code(other_device, pyotp.TOTP(db.session.scalar(select(SecondFactor.secret))).at(
        utcnow(), counter_offset=1))
    assert other_device.get("/accounts/account").status_code == 200
    token = csrf_token(client, "/accounts/account")
    unconfirmed = client.post("/accounts/two-factor/off", data={"csrf_token": token})
    assert unconfirmed.status_code == 422
    assert db.session.scalar(select(SecondFactor.id)) is not None
    done = client.post("/accounts/two-factor/off", data={"confirm": "y", "csrf_token": token})
    assert done.headers["Location"] == "/accounts/account"
    assert db.session.scalar(select(SecondFactor.id)) is None
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert other_device.get("/accounts/account").status_code == 302
    assert "Off." in client.get("/accounts/account").get_data(as_text=True)
    assert len(_events("account.second_factor_removed")) == 1


def test_staff_cannot_turn_it_off(client, make_user, sign_in):
    sign_in(make_user(Role.evaluator))
    response = client.post("/accounts/two-factor/off", data={
        "confirm": "y", "csrf_token": csrf_token(client, "/accounts/account")})
    assert response.status_code == 403
    assert db.session.scalar(select(SecondFactor.id)) is not None
