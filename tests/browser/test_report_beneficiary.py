"""The report form's beneficiary in the browser: typing suggests beneficiaries from the server
(no select of thousands), picking one narrows the report to it."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import User
from app.core.extensions import db
from app.core.jobs import Job
from app.demo.grants import seed_grants
from app.demo.seed import DEMO_PASSWORD, seed_demo
from app.grants.models import Grant
from tests.factories.accounts import current_code, enrol

FINANCE = "finance@demo.opencall.eu"

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    seed_demo()
    seed_grants()


def test_finance_officer_picks_a_beneficiary_from_suggestions(demo, page):
    grant = db.session.scalars(select(Grant).order_by(Grant.id)).first()
    organisation = grant.beneficiaries[0].organisation
    label = f"{organisation.name} ({organisation.country})"
    # Finance officers sign in with a second factor: a known authenticator secret.
    enrol(db.session.scalar(select(User).where(User.email == FINANCE)))
    page.goto("/accounts/login")
    page.get_by_label("E-mail address").fill(FINANCE)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(current_code(FINANCE))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#signed-in-as")
    page.goto("/reports/")
    field = page.get_by_role("combobox", name="Beneficiary", exact=True)
    field.press_sequentially(organisation.name[:5].lower(), delay=30)
    suggestion = page.locator(f'#beneficiary-options option[value="{label}"]')
    expect(suggestion).to_have_count(1)  # from /reports/beneficiaries, as the user typed
    field.fill(label)  # what choosing the suggestion puts in the field
    expect(page.locator("#organisation_id")).to_have_value(str(organisation.id))
    page.get_by_role("combobox", name="Format").select_option("csv")
    page.get_by_role("button", name="Produce the report").click()
    expect(page.locator("#report-progress")).to_be_visible()
    db.session.expire_all()
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert job.params["filters"]["organisation_id"] == organisation.id
