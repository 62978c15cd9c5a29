"""Rules as published (reference.md §1, §4): a third-country partner takes part with a note,
the coordinator makes a partner an associated partner, and an organisation declares its
control and SME figures."""

import pytest

from app.accounts.models import Role
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser

WITH_US_CENTRE = (("DE", "PRC", True, ["2.2"]), ("IT", "HES", False, ["1.2"]),
                  ("AT", "REC", False, ["5.2"]), ("US", "REC", False, ["1.2"]))


def _status(page) -> str:
    return page.locator("#checklist-status").get_attribute("data-passed")


def test_a_third_country_partner_takes_part_with_a_note(page, make_consortium):
    consortium = make_consortium(members=WITH_US_CENTRE)  # the Horizon Europe preset
    application = consortium.application
    sign_in_as(page, consortium.coordinator.email, PASSWORD)
    page.goto(f"/applications/{application.id}")
    assert _status(page) == "true"
    note = page.locator("#checklist-notes li[data-kind='outside_countries']")
    assert "(US) takes part; counts toward no minimum; no funding." in note.inner_text()
    assert "No requested grant" in page.locator("#budget-summary").inner_text()

    # Making the Austrian research centre an associated partner leaves two counted partners.
    austria = next(p for p in application.participants if p.organisation.country == "AT")
    page.locator(f"tr[data-participant='{austria.id}']").get_by_role(
        "link", name="Change role").click()
    page.get_by_label("Role in the consortium").select_option("associated_partner")
    page.get_by_role("button", name="Save role").click()
    page.wait_for_url(f"**/applications/{application.id}")
    assert "Role saved" in page.locator("main").inner_text()
    assert _status(page) == "false"
    checklist = page.locator("#checklist").inner_text()
    assert "Add 1 independent partner (3 required, 2 found)." in checklist
    assert "associated partner: takes part, signs nothing, receives nothing" in checklist


def test_an_organisation_declares_its_control_and_sme_figures(page, make_user,
                                                              make_organisation):
    make_organisation("Nordlys Holding AS", country="NO", identifier="NO999888777")
    user = make_user(Role.applicant, organisation=make_organisation(
        "Prishtina Web Sh.p.k.", country="XK", identifier="XK810000001"))
    sign_in_as(page, user.email, PASSWORD)
    page.goto(f"/organisations/{user.organisation_id}")
    assert "Kosovo" in page.locator("#facts").inner_text()
    page.get_by_role("link", name="Independence and SME status").click()
    page.get_by_label("Controlled by another organisation").check()
    page.get_by_label("Controlling organisation or public owner: VAT number or PIC").fill(
        "NO999888777")
    page.get_by_label("Staff headcount").fill("12")
    page.get_by_label("Annual turnover (EUR)").fill("1,800,000")
    page.get_by_label("Year of the figures").fill("2024")
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url(f"**/organisations/{user.organisation_id}")
    assert "SME status: Small enterprise." in page.locator("main").inner_text()
    facts = page.locator("#facts").inner_text()
    assert "Small enterprise (2024 figures)" in facts
    assert "12 staff < 50" in facts and "Nordlys Holding AS" in facts
