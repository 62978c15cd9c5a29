"""Creator fixtures: make_funder, make_organisation, make_user, and sign_in for the client.

Users whose roles require a second factor are made already enrolled with TOTP_SECRET, and
sign_in answers the code, so tests about something else sign in as before.
"""

import itertools

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import Funder, Organisation, Role, SecondFactor, User
from app.accounts.rules.second_factor import second_factor_required
from app.accounts.services.passwords import hash_password
from app.core.database import utcnow
from app.core.extensions import db

PASSWORD = "correct horse battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_sequence = itertools.count(1)


def enrol(user: User, secret: str = TOTP_SECRET) -> SecondFactor:
    """Give the user a confirmed authenticator with a known secret (no recovery codes)."""
    factor = SecondFactor(user_id=user.id, secret=secret, confirmed_at=utcnow())
    db.session.add(factor)
    db.session.commit()
    return factor


def current_code(email: str) -> str:
    """The code the user's authenticator shows now. Tests sign one user in several times a
    minute, and a code is accepted once: the last accepted step is moved back first."""
    db.session.expire_all()
    factor = db.session.scalar(select(SecondFactor).join(User, User.id == SecondFactor.user_id)
                               .where(User.email == email.lower()))
    assert factor is not None, f"{email} has no second factor"
    totp = pyotp.TOTP(factor.secret)
    step = totp.timecode(utcnow())
    if factor.last_step is not None and factor.last_step >= step:
        factor.last_step = step - 1
        db.session.commit()
    return totp.generate_otp(step)


def answer_second_factor(client, response, email: str):
    """After the password: give the code if asked, or enrol if the role needs a factor."""
    from tests.conftest import csrf_token

    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.endswith("/accounts/login/code"):
        return client.post("/accounts/login/code", data={
            "code": current_code(email), "csrf_token": csrf_token(client, location)})
    return response


@pytest.fixture
def make_funder(app):
    def make(name: str | None = None, **fields) -> Funder:
        n = next(_sequence)
        funder = Funder(name=name or f"Funder {n}", short_name=fields.pop("short_name", f"F{n}"),
                        country=fields.pop("country", "AT"), **fields)
        db.session.add(funder)
        db.session.commit()
        return funder

    return make


@pytest.fixture
def make_organisation(app):
    def make(name: str | None = None, *, country: str = "DE", org_type: str = "PRC",
             **fields) -> Organisation:
        org = Organisation(name=name or f"Organisation {next(_sequence)}", country=country,
                           org_type=org_type, fields_of_science=fields.pop("fields_of_science", []),
                           **fields)
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_user(app):
    password_hash = hash_password(PASSWORD, app.config["PASSWORD_HASH_PARAMS"])

    def make(*roles: Role, email: str | None = None, **fields) -> User:
        user = User(email=email or f"user{next(_sequence)}@example.org",
                    name=fields.pop("name", "Test User"), password_hash=password_hash, **fields)
        for role in roles:
            user.grant(role)
        db.session.add(user)
        db.session.commit()
        if second_factor_required(user.roles):
            enrol(user)
        return user

    return make


@pytest.fixture
def sign_in(client):
    """Sign `user` in through the real login form; returns the response."""
    from tests.conftest import csrf_token

    def sign(user: User, password: str = PASSWORD):
        if second_factor_required(user.roles) and not db.session.scalar(
                select(SecondFactor.id).where(SecondFactor.user_id == user.id,
                                              SecondFactor.confirmed_at.is_not(None))):
            enrol(user)  # e.g. demo staff, who enrol at their first sign-in
        response = client.post("/accounts/login", data={
            "email": user.email, "password": password, "csrf_token": csrf_token(client)})
        return answer_second_factor(client, response, user.email)

    return sign
