"""A finance officer's day in the browser: approve a claim, pay it, report on it."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.core.extensions import db
from app.demo.grants import seed_grants
from app.demo.seed import DEMO_PASSWORD, seed_demo
from app.grants.models import ExpenseClaim, Grant
from app.grants.rules.lifecycle import ClaimStatus
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    seed_demo()
    seed_grants()


def test_finance_officer_approves_pays_and_downloads_a_pdf_report(demo, page):
    waiting = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.status == ClaimStatus.SUBMITTED))
    number = waiting.grant.agreement_number
    sign_in_as(page, "finance@demo.opencall.eu", DEMO_PASSWORD)

    page.locator("#main-menu").get_by_role("link", name="Grants", exact=True).click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("link", name="Period 1").click()
    computed = page.locator("#decision-title + dl #computed-payable").inner_text()
    page.get_by_role("combobox", name="Decision").select_option("approve")
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#claim-status").inner_text() == "approved"

    page.get_by_role("link", name=f"Grant {number}").click()
    page.locator("#schedule").get_by_role("link", name="Pay").click()
    assert page.locator("#amount-to-pay").inner_text() == computed
    page.get_by_label("Bank reference").fill("SEPA-2026-0042")
    page.get_by_label("I have sent this transfer").check()
    page.get_by_role("button", name="Execute the payment").click()
    assert "recorded" in page.get_by_role("status").first.inner_text()
    assert "SEPA-2026-0042" in page.locator("#payments").inner_text()

    page.locator("#main-menu").get_by_role("link", name="Reports").click()
    page.get_by_role("combobox", name="Format").select_option("pdf")
    page.get_by_role("button", name="Produce the report").click()
    bar = page.locator("#report-progress")
    # A locator assertion, not wait_for_function: the CSP forbids evaluating strings.
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    assert bar.inner_text() == "100 %"
    with page.expect_download() as download_info:
        page.locator("#report-download").click()
    data = Path(download_info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    db.session.expire_all()
    total = sum(db.session.scalars(select(Grant.disbursed_amount)))
    assert "Disbursement report" in text and "SEPA-2026-0042" in text
    assert f"€{total:,.2f}" in text  # the report's total is every payment, this one included

    page.goto("/reports/")
    assert "done" in page.locator("#past-reports").inner_text()
