"""Every form whose security (CSRF) token expired comes back with what was typed (passwords and
codes excepted), a fresh token and the reason in plain words; nothing is saved, and a POST
that would change something without a form to show gets the page that explains instead."""

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.views.verification import limiter
from app.applications.models import Application
from app.core.extensions import db
from app.grants.models import ClaimLine, ExpenseClaim
from tests.conftest import csrf_token
from tests.integration.test_accounts import REGISTRATION

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NOTICE = 'id="token-refused"'


def _expired(client, url: str, data: dict, page: str | None = None):
    """POST `data` to `url` with a token from a session that has ended, from `page`."""
    return client.post(url, data={**data, "csrf_token": "expired"},
                       headers={"Referer": f"http://localhost{page or url}"})


def _shown_again(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:300]
    assert page.count(NOTICE) == 1 and "Nothing was saved yet." in page
    assert _TOKEN.search(page).group(1) != "expired"  # a fresh token to send it again
    assert 'id="form-errors"' not in page  # the token is no field to correct
    return page


def test_the_application_editor_keeps_what_was_typed(client, sign_in, make_consortium):
    consortium = make_consortium(title="Old title", abstract="Old abstract")
    application = consortium.application
    sign_in(consortium.coordinator)
    url = f"/applications/{application.id}/edit"
    response = _expired(client, url, {
        "version": application.version, "acronym": application.acronym,
        "title": "Shops online for mountain villages", "duration_months": "18",
        "abstract": "Twelve village shops sell their cheese online & ship it twice a week."})
    page = _shown_again(response)
    assert 'value="Shops online for mountain villages"' in page
    assert "Twelve village shops sell their cheese online &amp; ship it twice a week." in page
    assert 'value="18"' in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Old title"
    fresh = _TOKEN.search(page).group(1)
    again = client.post(url, data={"version": application.version, "acronym": application.acronym,
                                   "title": "Shops online for mountain villages",
                                   "duration_months": "18", "csrf_token": fresh})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).title == "Shops online for mountain villages"


@pytest.fixture
def draft_claim(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.coordinator)
    new = f"/grants/{case.grant.id}/claims/new"
    client.post(new, data={"period": "1", "csrf_token": csrf_token(client, new)})
    claim = db.session.scalar(select(ExpenseClaim))
    return case, claim


def test_a_claim_line_keeps_what_was_typed(client, draft_claim):
    case, claim = draft_claim
    beneficiary = case.grant.beneficiaries[1]
    page_url = f"/grants/claims/{claim.id}"
    response = _expired(client, f"{page_url}/lines", {
        "beneficiary_id": beneficiary.id, "category": "C3", "ict_category": "cloud_software",
        "amount": "8,000.00", "description": "Cloud licences for the village shops"},
        page=page_url)
    page = _shown_again(response)
    assert 'value="Cloud licences for the village shops"' in page
    assert 'value="8,000.00"' in page
    assert db.session.scalar(select(func.count()).select_from(ClaimLine)) == 0


def test_an_action_that_would_change_something_without_a_form_explains_instead(
        client, draft_claim):
    case, claim = draft_claim
    page_url = f"/grants/claims/{claim.id}"
    client.post(f"{page_url}/lines", data={
        "beneficiary_id": case.grant.beneficiaries[1].id, "category": "C3",
        "ict_category": "cloud_software", "amount": "100", "description": "Licence",
        "csrf_token": csrf_token(client, page_url)})
    line = db.session.scalar(select(ClaimLine))
    response = _expired(client, f"{page_url}/lines/{line.id}/delete", {}, page=page_url)
    assert response.status_code == 400
    assert "Not saved: please send the form again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ClaimLine, line.id) is not None  # the removal was never carried out


def test_registration_keeps_what_was_typed_but_never_the_password(client):
    limiter.reset()
    users = db.session.scalar(select(func.count()).select_from(User))
    response = _expired(client, "/accounts/register", REGISTRATION)
    page = _shown_again(response)
    assert 'value="Adriatic Web Srl"' in page and 'value="Carla@Example.org"' in page
    assert 'value="J62.01"' in page
    assert "a long passphrase" not in page
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_the_link_back_never_leaves_the_site(client):
    """A Referer whose path starts with // would be another host in the browser."""
    page = client.post("/accounts/language", data={"language": "en", "csrf_token": "expired"},
                       headers={"Referer": "http://localhost//evil.example/path",
                                "Origin": "http://localhost"}).get_data(as_text=True)
    assert "evil.example" not in page

