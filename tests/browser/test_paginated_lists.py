"""A long list in pages in the browser: an officer pages through the call's proposals, sets a
rapporteur on the second page and is brought back to that page."""

import pytest
from playwright.sync_api import expect

from app.evaluation.services import assignment
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_officer_pages_through_proposals_and_stays_on_the_page(
        page, monkeypatch, make_evaluation_call, make_officer, make_expert,
        make_submitted_application, evaluation_driver):
    monkeypatch.setattr(assignment, "CALL_PAGE_PER_PAGE", 2)
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    for acronym in ("ALPHA", "BRAVO", "CHARLIE"):
        make_submitted_application(call, acronym=acronym)
    driver = evaluation_driver(call, officer)
    driver.assign()

    sign_in_as(page, officer.email, PASSWORD)
    page.goto(f"/evaluation/calls/{call.id}")
    proposals = page.locator("#proposals tbody tr")
    expect(proposals).to_have_count(2)
    expect(page.locator("#proposals")).not_to_contain_text("CHARLIE")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(proposals).to_have_count(1)
    expect(page.locator("#proposals")).to_contain_text("CHARLIE")
    choice = page.get_by_label("Rapporteur for CHARLIE")
    other = choice.locator("option:not([selected])").first
    name, value = other.inner_text(), other.get_attribute("value")
    choice.select_option(value)
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.get_by_text("Rapporteur set.")).to_be_visible()
    assert page.url.endswith("page=2")  # back on the page the officer was on
    expect(page.get_by_label("Rapporteur for CHARLIE").locator("option[selected]")).to_have_text(
        name)
