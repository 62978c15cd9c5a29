"""Call pages, forms and messages are marked for translation (issue 14): in a pseudo-language
whose every translation is ⟪English⟫, what the calls package writes comes out translated."""

import pytest

from app.accounts.models import Role
from tests.conftest import csrf_token
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/calls/**/*.py", "app/templates/calls/*.html")
GERMAN = {"Accept-Language": "de"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


def test_the_public_list_and_a_call_page(client, make_call):
    call = make_call(title="Broadband vouchers")
    listing = client.get("/calls/", headers=GERMAN).get_data(as_text=True)
    for text in ("Calls for proposals and tenders", "Words in the title or summary",
                 "Broadband connectivity", "Grant call", "Open", "1 call found."):
        assert pseudo(text) in listing, text
    page = client.get(f"/calls/{call.reference}", headers=GERMAN).get_data(as_text=True)
    for text in ("Who can apply", "Total budget", "Download the call document (PDF)"):
        assert pseudo(text) in page, text
    assert "Broadband vouchers" in page  # the officer's own words stay as written


def test_the_editor_its_labels_and_its_messages(client, make_call, make_user, sign_in):
    call = make_call()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    editor = client.get(f"/calls/{call.reference}/edit", headers=GERMAN).get_data(as_text=True)
    for text in ("Money and dates", "Maximum grant per proposal", "Dates below are in this "
                 "time zone.", "Save call", "2. Eligibility rules"):
        assert pseudo(text) in editor, text
    rules = client.get(f"/calls/{call.reference}/rules", headers=GERMAN).get_data(as_text=True)
    assert pseudo("Horizon Europe standard") in rules and pseudo("EU Member States") in rules
    criteria = client.get(f"/calls/{call.reference}/criteria",
                          headers=GERMAN).get_data(as_text=True)
    for text in ("Panel decision", "The panel orders the proposals still tied and records its "
                 "reason.", "Horizon Europe – Innovation Action", "Tie-breaks, in order"):
        assert pseudo(text) in criteria, text
    answer = client.post(f"/calls/{call.reference}/status/archive", headers=GERMAN,
                         data={"csrf_token": csrf_token(client, "/calls/manage")},
                         follow_redirects=True)
    assert pseudo("Tick “I understand” to ⟪archive⟫: it cannot be undone.").lower() in \
        answer.get_data(as_text=True).lower()


def test_the_translations_step_and_the_note_on_the_call_page(client, make_call, make_user,
                                                             sign_in):
    from app.calls.models import CallTranslation
    from app.core.extensions import db

    call = make_call(title="Broadband vouchers")
    db.session.add(CallTranslation(call_id=call.id, language="it", title="Voucher banda larga"))
    db.session.commit()
    page = client.get(f"/calls/{call.reference}", headers=GERMAN).get_data(as_text=True)
    assert pseudo("This call is also available in:") in page
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    step = client.get(f"/calls/{call.reference}/translations",
                      headers=GERMAN).get_data(as_text=True)
    for text in ("4. Translations", "The call in other languages", "Save language", "Remove"):
        assert pseudo(text) in step, text
    form = client.get(f"/calls/{call.reference}/translations/de",
                      headers=GERMAN).get_data(as_text=True)
    for text in ("Save translation", "Back to the translations", "Call text"):
        assert pseudo(text) in form, text
    answer = client.post(f"/calls/{call.reference}/translations/de", headers=GERMAN,
                         data={"title": "Breitband", "csrf_token": csrf_token(client, "/")},
                         follow_redirects=True)
    assert pseudo("The %(language)s translation is saved.").replace(
        "%(language)s", "Deutsch") in answer.get_data(as_text=True)
