"""Creator fixtures: make_funder, make_organisation, make_user, and sign_in for the client."""

import itertools

import pytest

from app.accounts.models import Funder, Organisation, Role, User
from app.accounts.services.passwords import hash_password
from app.core.extensions import db

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


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
        return user

    return make


@pytest.fixture
def sign_in(client):
    """Sign `user` in through the real login form; returns the response."""
    from tests.conftest import csrf_token

    def sign(user: User, password: str = PASSWORD):
        return client.post("/accounts/login", data={
            "email": user.email, "password": password, "csrf_token": csrf_token(client)})

    return sign
