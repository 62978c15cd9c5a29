"""Forms say what they need before they refuse it: the required mark, one summary naming
every refused field with a link to it, and a form whose security token expired comes back
with what was typed, a fresh token and the reason in plain words."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.calls.models import Call
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def officer(make_user, make_funder):
    return make_user(Role.programme_officer, funder_id=make_funder().id)


def _new_call(**changes) -> dict:
    now = utcnow()
    data = {
        "reference": "ICT-2031-02", "kind": "grant", "title": "Open source for small firms",
        "summary": "Vouchers for open-source adoption.", "body": "", "strategic_areas": "",
        "ict_categories": ["cloud_software"], "currency": "EUR", "budget_amount": "500000",
        "max_per_proposal_amount": "100000", "default_funding_rate": "100",
        "profit_funding_rate": "", "indirect_rate": "25", "timezone": "Europe/Rome",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "required_attachments": "",
    }
    data.update(changes)
    return data


def test_required_fields_are_marked_and_the_mark_explained(client, officer, sign_in):
    sign_in(officer)
    page = client.get("/calls/new").get_data(as_text=True)
    assert 'id="required-note"' in page and "marks a required field" in page
    title = page[page.index('for="title"'):page.index('id="title"')]
    assert 'aria-hidden="true">*</span>' in title


def test_one_summary_names_each_refused_field_with_a_link(client, officer, sign_in):
    sign_in(officer)
    page = client.post("/calls/new", data={
        **_new_call(reference="ict 2031", budget_amount="0", title=""),
        "csrf_token": csrf_token(client, "/calls/new")}).get_data(as_text=True)
    summary = page[page.index('id="form-errors"'):]
    summary = summary[:summary.index("</div>")]
    assert "These 3 fields need correcting" in summary
    for anchor, label in (("reference", "Reference"), ("title", "Title"),
                          ("budget_amount", "Total budget")):
        assert f'href="#{anchor}" class="alert-link">{label}</a>' in summary
    assert "Enter a budget above zero." in summary
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_a_service_refusal_of_a_criterion_row_is_named_in_the_summary(
        client, make_call, make_user, sign_in):
    call = make_call(status="draft")
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    url = f"/calls/{call.reference}/criteria"
    data = {"csrf_token": csrf_token(client, url), "version": call.version,
            "criteria-0-code": "EXC", "criteria-0-label": "Excellence", "criteria-0-kind": "expert",
            "criteria-0-weight": "1", "criteria-0-min": "0", "criteria-0-max": "5",
            "criteria-0-step": "0.3", "criteria-0-threshold": "",
            "experts_per_proposal": "3", "consensus_method": "median",
            "min_comment_length": "0", **{f"tie_breaks-{i}": "" for i in range(6)}}
    page = client.post(url, data=data).get_data(as_text=True)
    summary = page[page.index('id="form-errors"'):]
    assert 'href="#criteria-0-step" class="alert-link">Criterion 1, Step</a>' in summary


def test_an_expired_token_keeps_the_input_and_explains_itself(client, officer, sign_in):
    sign_in(officer)
    response = client.post("/calls/new", data={**_new_call(), "csrf_token": "expired"},
                           headers={"Referer": "http://localhost/calls/new"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="token-refused"' in page and "Nothing was saved yet." in page
    assert 'value="Open source for small firms"' in page  # what was typed is still there
    fresh = _TOKEN.search(page).group(1)
    assert fresh != "expired"
    assert 'id="form-errors"' not in page  # the token is no field to correct
    assert db.session.scalar(select(func.count(Call.id))) == 0
    again = client.post("/calls/new", data={**_new_call(), "csrf_token": fresh})
    assert again.status_code == 302  # the fresh token is accepted
    assert db.session.scalar(select(func.count(Call.id))) == 1


def test_a_refused_token_on_the_sign_in_form_keeps_the_email_never_the_password(client):
    response = client.post("/accounts/login", data={
        "email": "someone@example.org", "password": "hunter2-hunter2", "csrf_token": "old"},
        headers={"Referer": "http://localhost/accounts/login"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="token-refused"' in page
    assert 'value="someone@example.org"' in page and "hunter2" not in page


def test_a_refused_token_where_no_form_can_come_back_explains_and_shows_the_text(
        client, officer, sign_in):
    """The second-factor code form would show the typed code: the explaining page instead,
    with the text but never the code."""
    sign_in(officer)
    form = client.get("/accounts/step-up?next=/calls/new")
    assert form.status_code == 200 and 'name="code"' in form.get_data(as_text=True)
    response = client.post("/accounts/step-up?next=/calls/new", data={
        "code": "123456", "note": "typed text", "csrf_token": "old"},
        headers={"Referer": "http://localhost/accounts/step-up?next=/calls/new"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not saved: please send the form again" in page
    assert "typed text" in page and "123456" not in page
    assert 'href="/accounts/step-up?next=/calls/new">Open the page again' in page


def test_a_forged_post_from_another_site_gets_no_form_back(client, officer, sign_in):
    sign_in(officer)
    response = client.post("/calls/new", data={**_new_call(), "csrf_token": "forged"},
                           headers={"Origin": "https://evil.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Open source for small firms" not in page
    assert db.session.scalar(select(func.count(Call.id))) == 0
