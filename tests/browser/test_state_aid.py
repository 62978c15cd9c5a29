"""De minimis in the browser: a firm declares the aid it received, the programme officer
preparing a de minimis grant sees the headroom and is refused a share that breaks it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.core.database import utcnow
from app.core.extensions import db
from app.grants.models import Grant
from tests.browser.test_payment_batches import sign_in
from tests.factories.grants import PAYMENT_MODEL

pytestmark = pytest.mark.browser


def test_a_firm_declares_aid_and_the_officer_prepares_within_its_headroom(
        make_funded_application, make_call, make_user, page, browser, live_server):
    application = make_funded_application(call=make_call(de_minimis=True,
                                                         payment_model=PAYMENT_MODEL))
    coordinator = application.created_by
    first, second = application.participants
    coordinator.organisation_id = first.organisation_id
    db.session.commit()
    officer = make_user(Role.programme_officer, funder=application.call.funder)

    sign_in(page, coordinator.email, code=False)
    page.locator("#main-menu").get_by_role("link", name="My grants").click()
    page.get_by_role("link", name="De minimis aid of your organisation").click()
    page.get_by_label("Date the aid was granted").fill("2099-01-01")
    page.get_by_label("Granted by").fill("Land Kärnten")
    page.get_by_label("Amount in euro").fill("260000.00")
    page.get_by_role("button", name="Declare this aid").click()
    assert "in the future" in page.locator("#granted_on-error").inner_text()
    assert page.get_by_label("Granted by").input_value() == "Land Kärnten"  # nothing lost
    today = utcnow().date()
    page.get_by_label("Date the aid was granted").fill((today - timedelta(days=150)).isoformat())
    page.get_by_role("button", name="Declare this aid").click()
    assert "Land Kärnten" in page.locator("#declarations").inner_text()
    assert "40,000.00" in page.locator("#headroom-today").inner_text()

    context = browser.new_context(base_url=live_server)
    officer_page = context.new_page()
    sign_in(officer_page, officer.email, code=True)
    officer_page.goto(f"/grants/prepare/{application.id}")
    assert "40,000.00" in officer_page.locator(f'[data-headroom="{first.id}"]').inner_text()
    officer_page.get_by_label("Awarded amount").fill("100000.00")
    officer_page.get_by_label("Start date").fill("2026-12-01")  # judged today, not on this day
    officer_page.get_by_role("button", name="Prepare grant agreement").click()
    error = officer_page.locator(f"#beneficiary_{first.id}-error").inner_text()
    judged_on = f"(?:{today.isoformat()}|{utcnow().date().isoformat()})"  # across midnight
    assert re.search(rf"breaks the de minimis ceiling.*headroom on {judged_on} is "
                     r"EUR 40,000\.00", error)
    officer_page.get_by_label("Awarded amount").fill("90000.00")
    officer_page.get_by_label(f"Amount for {first.organisation.name}").fill("40000.00")
    officer_page.get_by_label(f"Amount for {second.organisation.name}").fill("50000.00")
    officer_page.get_by_role("button", name="Prepare grant agreement").click()
    assert "prepared" in officer_page.get_by_role("status").first.inner_text()
    context.close()
    db.session.expire_all()
    grant = db.session.scalar(select(Grant))
    assert grant.de_minimis and sorted(b.awarded_amount for b in grant.beneficiaries) == [
        Decimal("40000.00"), Decimal("50000.00")]
