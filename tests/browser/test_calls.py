"""An officer builds a call from a preset and publishes it; a visitor finds it and reads it."""

from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.accounts.models import Role
from app.core.database import utcnow
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_officer_publishes_a_call_that_a_visitor_finds_and_downloads(
        app, page, browser, live_server, make_user, make_funder):
    officer = make_user(Role.programme_officer, funder_id=make_funder(name="Adriatic Agency").id)
    sign_in_as(page, officer.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Manage calls").click()
    page.get_by_role("link", name="New call").click()
    now = utcnow()
    page.get_by_label("Reference").fill("ICT-2031-07")
    page.get_by_label("Title").fill("Web content management for Adriatic SMEs")
    page.get_by_label("Summary").fill("Grants for web content management in small firms.")
    page.get_by_label("Web content management").check()
    page.get_by_label("Total budget").fill("800000")
    page.get_by_label("Maximum grant per proposal").fill("150000")
    page.get_by_label("Time zone of the call").select_option("Europe/Rome")
    page.get_by_label("Opens").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Deadline", exact=True).fill("2031-06-30T17:00")
    page.get_by_role("button", name="Save call").click()

    page.get_by_role("link", name="Horizon Europe standard").click()
    assert page.get_by_label("Minimum partners", exact=True).input_value() == "3"
    page.get_by_role("button", name="Save rules").click()

    page.get_by_role("link", name="Horizon Europe – Research and Innovation Action").click()
    page.locator("#criteria-1-threshold").fill("3.5")
    page.get_by_role("button", name="Save criteria").click()
    page.get_by_role("button", name="Publish").click()
    assert "published" in page.locator(".alert").first.inner_text().lower()

    visitor = browser.new_context(base_url=live_server, accept_downloads=True).new_page()
    visitor.goto("/calls/")
    visitor.get_by_label("Search").fill("adriatic")
    visitor.get_by_role("button", name="Find").click()
    visitor.get_by_role("link", name="Web content management for Adriatic SMEs").click()
    rules = visitor.locator("#eligibility").inner_text()
    assert "At least 3 partners from at least 3 different countries" in rules
    assert "Impact needs at least 3.5" in visitor.locator("#criteria").inner_text()
    deadline = visitor.locator("#deadline").inner_text()
    assert "30 Jun 2031, 17:00:00 (Europe/Rome)" in deadline
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="Download the call document (PDF)").click()
    pdf = PdfReader(download.value.path())
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "ICT-2031-07" in text and "30 Jun 2031, 17:00:00" in text
