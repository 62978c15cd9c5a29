"""A call in several languages (issue 14 item 2): the officer's translations step, who may use
it, and what visitors see — their language when the call has it, else the call's main one."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.calls.models import Call, CallTranslation
from app.calls.rules.lifecycle import CallStatus
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.conftest import csrf_token

ITALIAN = {"title": "Banda larga per le piccole imprese",
           "summary": "Voucher per la banda larga.", "body": "## Ambito\nConnessioni veloci."}


@pytest.fixture
def call(make_call):
    return make_call(title="Broadband for small firms", summary="Vouchers for broadband.",
                     body="## Scope\nFast connections.")


@pytest.fixture
def officer(call, make_user):
    return make_user(Role.programme_officer, funder_id=call.funder_id)


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/calls/manage")})


def _translation(call, language="it"):
    db.session.expire_all()
    return db.session.scalar(select(CallTranslation).where(
        CallTranslation.call_id == call.id, CallTranslation.language == language))


def _add_italian(call):
    db.session.add(CallTranslation(call_id=call.id, language="it", **ITALIAN))
    db.session.commit()


# --- the officer's editor ------------------------------------------------------------------


def test_officer_adds_changes_and_removes_a_translation(client, call, officer, sign_in):
    sign_in(officer)
    page = client.get(f"/calls/{call.reference}/translations").get_data(as_text=True)
    assert "Italiano" in page and "Deutsch" in page
    assert 'id="translation-en"' not in page  # the main language is the call's own texts
    response = _post(client, f"/calls/{call.reference}/translations/it", ITALIAN)
    assert response.status_code == 302
    assert _translation(call).title == ITALIAN["title"]
    response = _post(client, f"/calls/{call.reference}/translations/it",
                     {**ITALIAN, "title": "Banda ultralarga"})
    assert _translation(call).title == "Banda ultralarga"
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("call.translation%")).order_by(AuditEvent.id)).all()
    assert actions == ["call.translation_added", "call.translation_changed"]
    response = _post(client, f"/calls/{call.reference}/translations/it/remove", {})
    assert response.status_code == 302 and _translation(call) is None


def test_a_translation_needs_its_title_shown_next_to_the_field(client, call, officer, sign_in):
    sign_in(officer)
    response = _post(client, f"/calls/{call.reference}/translations/it",
                     {"title": "", "summary": "Solo un riassunto."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page
    assert _translation(call) is None


@pytest.mark.parametrize("language", ["en", "xx", "fr"])
def test_the_main_language_and_unshipped_ones_are_not_translations(
        client, call, officer, sign_in, language):
    sign_in(officer)
    assert client.get(f"/calls/{call.reference}/translations/{language}").status_code == 404
    response = _post(client, f"/calls/{call.reference}/translations/{language}", ITALIAN)
    assert response.status_code == 404


def test_officers_of_another_funder_and_applicants_are_refused(
        client, call, make_user, make_funder, sign_in):
    sign_in(make_user(Role.programme_officer, funder_id=make_funder().id))
    assert client.get(f"/calls/{call.reference}/translations").status_code == 404
    assert _post(client, f"/calls/{call.reference}/translations/it",
                 ITALIAN).status_code == 404
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(make_user(Role.applicant))
    assert client.get(f"/calls/{call.reference}/translations/it").status_code == 403
    assert _translation(call) is None


def test_texts_may_change_after_submissions_but_not_under_evaluation(
        client, call, officer, sign_in):
    from app.calls.services.calls import mark_submitted
    from app.core.database import utcnow

    mark_submitted(call, utcnow())
    db.session.commit()
    sign_in(officer)
    assert _post(client, f"/calls/{call.reference}/translations/it",
                 ITALIAN).status_code == 302
    call.status = CallStatus.UNDER_EVALUATION
    db.session.commit()
    response = _post(client, f"/calls/{call.reference}/translations/it",
                     {**ITALIAN, "title": "Cambiato"})
    assert "A call under evaluation can no longer be edited." in response.get_data(as_text=True)
    assert _translation(call).title == ITALIAN["title"]


def test_the_main_language_cannot_take_a_translated_language(client, call, officer, sign_in):
    _add_italian(call)
    sign_in(officer)
    response = _post(client, f"/calls/{call.reference}/translations", {"main_language": "it"})
    assert response.status_code == 200
    assert 'id="main_language-error"' in response.get_data(as_text=True)
    response = _post(client, f"/calls/{call.reference}/translations", {"main_language": "de"})
    assert response.status_code == 302
    db.session.expire_all()
    assert call.main_language == "de"


def test_two_officers_adding_one_language_at_once_get_a_message_not_an_error(
        client, call, officer, sign_in, monkeypatch):
    from app.calls.services import translations

    _add_italian(call)  # the other officer's, saved after this page read none
    monkeypatch.setattr(translations, "translations_of",
                        lambda calls, **kwargs: {c.id: {} for c in calls})
    sign_in(officer)
    response = _post(client, f"/calls/{call.reference}/translations/it",
                     {**ITALIAN, "title": "Il mio titolo"})
    assert response.status_code == 200
    assert "Someone else saved this call meanwhile." in response.get_data(as_text=True)
    assert _translation(call).title == ITALIAN["title"]


def test_a_duplicate_keeps_the_translations(client, call, officer, sign_in):
    _add_italian(call)
    sign_in(officer)
    response = _post(client, f"/calls/{call.reference}/duplicate", {})
    assert response.status_code == 302
    copy_reference = response.headers["Location"].split("/")[-2]
    copy = db.session.scalar(select(Call).where(Call.reference == copy_reference))
    assert copy.id != call.id and _translation(copy).title == ITALIAN["title"]


# --- what visitors see ---------------------------------------------------------------------


def test_a_visitor_reading_italian_sees_the_italian_texts(client, call):
    _add_italian(call)
    italian = {"Accept-Language": "it"}
    page = client.get(f"/calls/{call.reference}", headers=italian).get_data(as_text=True)
    assert ITALIAN["title"] in page and "Connessioni veloci." in page
    assert "Broadband for small firms" not in page
    assert 'lang="it"><span' not in page  # in the page's language: no lang attribute needed
    assert f'/calls/{call.reference}?language=en' in page  # the call's own version
    listing = client.get("/calls/", headers=italian).get_data(as_text=True)
    assert ITALIAN["title"] in listing and ITALIAN["summary"] in listing
    home = client.get("/", headers=italian).get_data(as_text=True)
    assert ITALIAN["title"] in home


def test_other_readers_see_the_main_language_marked_and_a_switch(client, call):
    _add_italian(call)
    page = client.get(f"/calls/{call.reference}",
                      headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<span lang="en">Broadband for small firms</span>' in page
    assert ITALIAN["title"] not in page
    assert f'href="/calls/{call.reference}?language=it"' in page
    switched = client.get(f"/calls/{call.reference}?language=it",
                          headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert f'<span lang="it">{ITALIAN["title"]}</span>' in switched
    listing = client.get("/calls/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="en">Broadband for small firms</a>' in listing


def test_the_list_search_finds_words_of_a_translation(client, call, make_call):
    _add_italian(call)
    make_call(title="Cloud tender")
    found = client.get("/calls/?q=piccole+imprese").get_data(as_text=True)
    assert "1 call found." in found and f"/calls/{call.reference}" in found


def test_a_call_without_translations_shows_no_note(client, call):
    page = client.get(f"/calls/{call.reference}",
                      headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Broadband for small firms" in page and 'id="call-languages"' not in page


def _pdf_text(response) -> str:
    assert response.status_code == 200
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_call_pdf_follows_the_reader_language(client, call):
    _add_italian(call)
    italian = _pdf_text(client.get(f"/calls/{call.reference}/call.pdf",
                                   headers={"Accept-Language": "it"}))
    assert ITALIAN["title"] in italian and "Connessioni veloci." in italian
    english = _pdf_text(client.get(f"/calls/{call.reference}/call.pdf",
                                   headers={"Accept-Language": "en"}))
    assert "Broadband for small firms" in english and ITALIAN["title"] not in english
    assert "Italiano" in english  # the note naming the other version
    switched = _pdf_text(client.get(f"/calls/{call.reference}/call.pdf?language=it"))
    assert ITALIAN["title"] in switched


@pytest.mark.parametrize("reader", ["it", "de"])  # translated, and the main language shown
def test_the_call_list_reads_translations_in_one_query_whatever_their_number(
        client, make_call, count_queries, reader):
    def statements() -> int:
        db.session.expunge_all()  # as in production: no call already loaded
        with count_queries() as counted:
            assert client.get("/calls/", headers={"Accept-Language": reader}).status_code == 200
        return len(counted)

    for _ in range(2):
        _add_italian(make_call())
    few = statements()
    for _ in range(5):
        _add_italian(make_call())
    assert statements() == few
