"""Pages, forms and messages are marked for translation (issue 14): with a catalogue that
translates a handful of their strings, the pages show the translations.

The catalogue is a small German one written by the test, so these tests do not depend on
what the translators have shipped; a string left unmarked stays English and fails here.
"""

from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import get_babel
from sqlalchemy import select

from app.accounts.models import Role
from app.core import i18n
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.integration.test_accounts import REGISTRATION

GERMAN = {
    # the page frame, the pager, the form macros
    "Skip to content": "Zum Inhalt springen",
    "Sign in": "Anmelden",
    "Sign out": "Abmelden",
    "Open data": "Offene Daten",
    "Times are shown in the call's time zone, or %(zone)s.":
        "Zeiten in der Zeitzone der Ausschreibung, sonst %(zone)s.",
    "marks a required field.": "kennzeichnet ein Pflichtfeld.",
    # the home page and the error pages
    "Your work": "Ihre Arbeit",
    "Not found": "Nicht gefunden",
    "There is nothing here, or you may not see it.":
        "Hier ist nichts, oder Sie dürfen es nicht sehen.",
    "Back to the home page": "Zurück zur Startseite",
    "Service unavailable": "Dienst nicht verfügbar",
    # the menu of every package
    "Users": "Benutzer",
    "Audit trail": "Prüfpfad",
    # accounts: form labels and choices, role labels, messages, e-mails
    "Your name": "Ihr Name",
    "Research organisation": "Forschungseinrichtung",
    "Admin": "Administration",
    "You are signed out.": "Sie sind abgemeldet.",
    "Confirm your e-mail address for OpenCall": "Bestätigen Sie Ihre E-Mail-Adresse",
    "Someone tried to register on OpenCall with your address":
        "Jemand wollte sich mit Ihrer Adresse registrieren",
    # API tokens: page, form and its choices
    "Personal access tokens": "Persönliche Zugangsschlüssel",
    "Read and write": "Lesen und schreiben",
    "Create token": "Schlüssel erstellen",
    # open data: the public page, dataset names, the admin's form
    "Personal data": "Personenbezogene Daten",
    "360Giving grants": "360Giving-Zuschüsse",
    "Publish open data now": "Offene Daten jetzt veröffentlichen",
    # events: both sides' pages, words for kinds and statuses, counts, e-mails
    "Brokerage": "Kontaktbörse",
    "Table plan": "Tischplan",
    "Meeting requests and meetings": "Anfragen und Treffen",
    "Requested": "Angefragt",
    "%(num)d participant.": ("%(num)d Teilnehmer.", "%(num)d Teilnehmende."),
    "Meeting request at %(event)s": "Treffen angefragt: %(event)s",
    # assistance: pages and forms; advisers' languages are named by Babel, not the catalogue
    "Assistance centres": "Beratungsstellen",
    "Languages you advise in": "Ihre Beratungssprachen",
    "Who has access": "Wer Zugang hat",
    # core: refusals of bad input and of uploads
    "The %(name)s must be a whole number from 1 to %(highest)s.":
        "%(name)s muss eine ganze Zahl von 1 bis %(highest)s sein.",
}


@pytest.fixture
def german(app, tmp_path, monkeypatch):
    """A German catalogue with the strings above, in place of the project's catalogues."""
    catalogue = Catalog(locale="de")  # German plural forms: one, other
    for english, translated in GERMAN.items():
        if isinstance(translated, tuple):  # singular and plural
            catalogue.add((english, english.replace(".", "s.")), translated)
        else:
            catalogue.add(english, translated)
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    (folder / "messages.mo").write_bytes(buffer.getvalue())
    monkeypatch.setattr(i18n, "shipped_languages", lambda: ("en", "de"))
    monkeypatch.setattr(get_babel(app), "translation_directories", [str(tmp_path)])
    monkeypatch.setattr(get_babel(app).instance.domain_instance, "cache", {})
    return {"Accept-Language": "de"}


def _page(client, path, headers) -> str:
    return client.get(path, headers=headers).get_data(as_text=True)


def test_the_page_frame_and_the_sign_in_form_are_translated(client, german):
    page = _page(client, "/accounts/login", german)
    for english in ("Skip to content", "Sign in", "Open data", "marks a required field."):
        assert GERMAN[english] in page
    assert "Zeiten in der Zeitzone der Ausschreibung, sonst" in page
    assert "Skip to content" not in page
    # English stays English when the browser asks for it.
    assert "Skip to content" in _page(client, "/accounts/login", {"Accept-Language": "en"})


def test_error_pages_are_translated(client, german):
    page = _page(client, "/no-such-page", german)
    assert "Nicht gefunden" in page and "Hier ist nichts" in page
    assert "Zurück zur Startseite" in page
    assert "page muss eine ganze Zahl von 1 bis 10,000 sein." in _page(
        client, "/events/?page=0", german)


def test_the_menu_and_the_home_page_are_translated(client, german, make_user, sign_in):
    sign_in(make_user(Role.admin))
    page = _page(client, "/", german)
    for english in ("Your work", "Users", "Audit trail", "Sign out"):
        assert GERMAN[english] in page, english


def test_registration_its_form_its_message_and_its_mail_are_translated(client, german):
    page = _page(client, "/accounts/register", german)
    assert "Ihr Name" in page and "Forschungseinrichtung" in page
    # Country names come from Babel in other languages, ISO's English names in English.
    assert ">Deutschland</option>" in page and ">Tschechien</option>" in page
    assert ">Czechia</option>" in _page(client, "/accounts/register", {"Accept-Language": "en"})
    client.post("/accounts/register", headers=german, data={
        **REGISTRATION, "identifier": "", "email": "neu@example.org",
        "csrf_token": csrf_token(client, "/accounts/register")})
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "neu@example.org")).one()
    # The new account has no language yet: the mail is in the language it registered in.
    assert mail.subject == "Bestätigen Sie Ihre E-Mail-Adresse"


def test_a_mail_to_an_account_is_in_its_language_whatever_the_page(
        app, client, german, make_user, monkeypatch):
    owner = make_user(Role.applicant, email="besitzer@example.org")
    owner.locale = "de"
    db.session.commit()
    monkeypatch.setitem(app.config, "ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR", 1)
    for _attempt in range(2):  # the hourly limit counts the mails sent in any language
        client.post("/accounts/register", headers={"Accept-Language": "en"}, data={
            **REGISTRATION, "identifier": "", "email": owner.email,
            "csrf_token": csrf_token(client, "/accounts/register")})
    mails = db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == owner.email)).all()
    assert mails == ["Jemand wollte sich mit Ihrer Adresse registrieren"]


def test_role_labels_and_messages_are_translated(client, german, make_user, sign_in):
    sign_in(make_user(Role.admin))
    assert "Administration" in _page(client, "/", german)
    client.post("/accounts/logout", headers=german, data={"csrf_token": csrf_token(client, "/")})
    assert "Sie sind abgemeldet." in _page(client, "/", german)


def test_the_token_page_and_its_form_are_translated(client, german, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    page = _page(client, "/account/tokens/", german)
    for english in ("Personal access tokens", "Read and write", "Create token"):
        assert GERMAN[english] in page, english


def test_the_open_data_pages_are_translated(client, german, make_user, sign_in):
    page = _page(client, "/open-data/", german)
    assert "Personenbezogene Daten" in page and "360Giving-Zuschüsse" in page
    sign_in(make_user(Role.admin))
    assert "Offene Daten jetzt veröffentlichen" in _page(client, "/open-data/admin", german)


def test_the_event_pages_and_mails_are_translated(client, german, make_event, register_org,
                                                  client_for, monkeypatch):
    from app.events.services import meetings

    event = make_event()
    mine, theirs = register_org(event), register_org(event)
    theirs.user.locale = "de"
    db.session.commit()
    meetings.request_meeting(event.id, by=mine.user, with_registration_id=theirs.id)
    db.session.commit()
    subject = db.session.scalar(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == theirs.user.email))
    assert subject == f"Treffen angefragt: {event.title}"  # the recipient's language

    organiser = client_for(event.organiser)
    assert "Kontaktbörse" in _page(organiser, "/events/manage", german)
    assert "Tischplan" in _page(organiser, f"/events/{event.id}/organise", german)
    participant = client_for(mine.user)
    page = _page(participant, f"/events/{event.id}/meetings", german)
    assert "Anfragen und Treffen" in page and "Angefragt" in page
    assert "1 Teilnehmer." in _page(participant, f"/events/{event.id}/participants", german)
    # Every other page of both sides still renders in the other language.
    for who, path in ((organiser, "report"), (organiser, "schedule"), (organiser, "tables"),
                      (organiser, "invite"), (participant, ""), (participant, "register")):
        url = f"/events/{event.id}/{path}".rstrip("/")
        assert who.get(url, headers=german).status_code == 200, path
    assert participant.get("/events/", headers=german).status_code == 200


def test_the_assistance_pages_are_translated(client, german, make_adviser, client_for,
                                             make_user, make_organisation, sign_in):
    adviser = make_adviser()
    page = _page(client, "/assistance/", german)
    assert "Beratungsstellen" in page and "Deutsch, Englisch" in page  # ["de", "en"]
    assert "German, English" in _page(client, "/assistance/", {"Accept-Language": "en"})
    profile = _page(client_for(adviser.user), "/assistance/profile", german)
    assert "Ihre Beratungssprachen" in profile and "Slowenisch" in profile
    firm = make_user(Role.applicant, organisation=make_organisation())
    assert "Wer Zugang hat" in _page(client_for(firm), "/assistance/access", german)
    for path in ("/assistance/dashboard", "/assistance/calls/NO-SUCH-CALL"):
        assert client_for(adviser.user).get(path, headers=german).status_code in (200, 404)
    sign_in(make_user(Role.admin))
    assert "Beratungsstellen" in _page(client, "/assistance/centres", german)


def test_a_database_outage_page_is_translated_without_the_database(app, german, count_queries,
                                                                    make_user, sign_in, client):
    from sqlalchemy.exc import OperationalError

    user = make_user(Role.applicant)
    user.locale = "it"  # the account is not read: the browser's language decides
    db.session.commit()
    sign_in(user)
    outage = OperationalError("SELECT 1", {}, Exception("connection refused"))
    with client.session_transaction() as session:
        cookie_session = dict(session)
    with app.test_request_context("/applications/", headers=german) as context, \
            count_queries() as counted:
        context.session.update(cookie_session)  # signed in, the user not loaded yet
        response = app.make_response(app.handle_user_exception(outage))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and counted == []
    assert "<title>Dienst nicht verfügbar · OpenCall</title>" in page
    assert '<html lang="de">' in page
