"""Once proposals are in, the call editor shows what can no longer change read-only, with
the reason, before anyone edits it; what still may change is saved as before."""

from zoneinfo import ZoneInfo

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.calls.models import Call
from app.calls.services.calls import mark_submitted
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token


def _call_with_a_submission(make_call, make_consortium):
    call = make_call(timezone="Europe/Rome")
    make_consortium(call=call, status=ApplicationStatus.SUBMITTED)
    mark_submitted(call, utcnow())
    db.session.commit()
    return call


def test_rules_and_criteria_are_read_only_with_the_reason(client, make_call, make_consortium,
                                                           make_user, sign_in):
    call = _call_with_a_submission(make_call, make_consortium)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    for page_name, button in (("rules", "Save rules"), ("criteria", "Save criteria")):
        page = client.get(f"/calls/{call.reference}/{page_name}").get_data(as_text=True)
        notice = page[page.index('id="locked-notice"'):]
        assert "Read only." in notice[:400] and "Proposals have been submitted" in notice[:400]
        assert '<fieldset disabled class="mb-3">' in page
        assert button not in page and 'id="presets"' not in page


def test_rules_stay_editable_before_any_submission(client, make_call, make_user, sign_in):
    call = make_call()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    page = client.get(f"/calls/{call.reference}/rules").get_data(as_text=True)
    assert 'id="locked-notice"' not in page and "Save rules" in page


def test_the_call_form_greys_the_locked_fields_and_still_saves_the_texts(
        client, make_call, make_consortium, make_user, sign_in):
    call = _call_with_a_submission(make_call, make_consortium)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    url = f"/calls/{call.reference}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'id="locked-notice"' in page
    budget = page[page.rindex("<fieldset", 0, page.index('id="budget_amount"')):]
    assert budget.startswith('<fieldset disabled class="locked-field">')
    title = page.index('id="title"')  # the last disabled fieldset before it is closed
    assert page.rindex("</fieldset>", 0, title) > page.rindex("<fieldset disabled", 0, title)
    zone = ZoneInfo("Europe/Rome")
    # A browser sends no disabled field: only the texts, the deadline and the notice.
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "version": call.version,
        "title": "A clearer title", "summary": call.summary, "body": "", "strategic_areas": "",
        "closes_at": call.closes_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "deadline_notice_days": str(call.deadline_notice_days)})
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = db.session.get(Call, call.id)
    assert saved.title == "A clearer title" and saved.budget_amount == call.budget_amount
