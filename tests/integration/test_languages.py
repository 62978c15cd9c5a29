"""The language of a page: the user's stored choice, else the visitor's choice in the session,
else the browser's Accept-Language, else the deployment default (issue 14, item 1)."""

import re

import pytest
from flask_babel import force_locale, gettext

from app.accounts.models import Role, User
from app.core import i18n
from app.core.extensions import db
from tests.conftest import csrf_token


@pytest.fixture(autouse=True)
def three_languages(monkeypatch):
    # The languages offered are those with a catalogue; these tests need three of them,
    # whatever catalogues the project ships today.
    monkeypatch.setattr(i18n, "shipped_languages", lambda: ("en", "de", "it"))


def _language(page) -> str:
    return re.search(r'<html lang="([a-z]+)"', page.get_data(as_text=True)).group(1)


def _choose(client, code: str, next_path: str = "/calls/"):
    return client.post("/accounts/language", data={
        "language": code, "next": next_path, "csrf_token": csrf_token(client, "/")})


def test_the_browser_language_is_used_until_the_visitor_chooses(client):
    assert _language(client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9"})) == "it"
    assert _language(client.get("/", headers={"Accept-Language": "fr-FR"})) == "en"
    switcher = client.get("/").get_data(as_text=True)
    assert '<option value="de" lang="de">Deutsch</option>' in switcher
    assert '<option value="it" lang="it">Italiano</option>' in switcher

    answer = _choose(client, "de")
    assert (answer.status_code, answer.location) == (302, "/calls/")
    assert _language(client.get("/", headers={"Accept-Language": "it"})) == "de"


def test_amounts_are_written_and_read_in_the_page_language(client):
    german = client.get("/accounts/register", headers={"Accept-Language": "de"})
    english = client.get("/accounts/register", headers={"Accept-Language": "en"})
    with force_locale("de"):  # the hint in German words when a German catalogue ships
        hint = gettext("For example %(amount)s.", amount="1.234,50")
    assert hint in german.get_data(as_text=True)
    assert "For example 1,234.50." in english.get_data(as_text=True)


def test_a_signed_in_choice_is_kept_on_the_account(app, client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    _choose(client, "it")
    assert db.session.get(User, user.id).locale == "it"
    other_browser = app.test_client()
    assert _language(other_browser.get("/")) == "en"
    from tests.factories.accounts import PASSWORD

    other_browser.post("/accounts/login", data={"email": user.email, "password": PASSWORD,
                                                "csrf_token": csrf_token(other_browser)})
    assert _language(other_browser.get("/", headers={"Accept-Language": "de"})) == "it"


def test_an_unknown_language_or_a_foreign_next_changes_nothing(client):
    answer = _choose(client, "xx", next_path="//evil.example/")
    assert (answer.status_code, answer.location) == (302, "/")
    assert _language(client.get("/")) == "en"


def test_the_switcher_needs_its_csrf_token(client):
    answer = client.post("/accounts/language", data={"language": "de", "next": "/"})
    assert answer.status_code == 400
    assert _language(client.get("/")) == "en"


def _register_and_read_locale(client, email: str, **headers) -> str | None:
    from tests.integration.test_accounts import REGISTRATION

    client.post("/accounts/register", headers=headers, data={
        **REGISTRATION, "email": email, "identifier": "",
        "csrf_token": csrf_token(client, "/accounts/register")})
    db.session.expire_all()
    return db.session.scalar(db.select(User.locale).where(User.email == email))


def test_an_account_keeps_the_language_it_was_registered_in(app, client):
    # Kept on the account: jobs (the submission receipt) and later sessions read it there.
    _choose(client, "it")
    assert _register_and_read_locale(client, "giulia@example.org") == "it"
    assert _register_and_read_locale(app.test_client(), "hans@example.org",
                                     **{"Accept-Language": "de"}) == "de"
    # The deployment's language is no choice: such an account follows the default.
    assert _register_and_read_locale(app.test_client(), "jane@example.org",
                                     **{"Accept-Language": "en"}) is None

def test_the_visitors_choice_survives_signing_in(client, make_user):
    user = make_user(Role.applicant)
    _choose(client, "it")
    from tests.factories.accounts import PASSWORD

    client.post("/accounts/login", data={"email": user.email, "password": PASSWORD,
                                         "csrf_token": csrf_token(client)})
    assert _language(client.get("/")) == "it"  # the session was renewed, the choice kept
    assert db.session.get(User, user.id).locale is None  # only the switcher stores one
