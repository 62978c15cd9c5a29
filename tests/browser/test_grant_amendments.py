"""An amendment agreed in the browser (issue 12, item 2): the programme officer proposes a
budget transfer, the coordinator accepts it, and the grant page shows the new shares."""

import pytest

from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_officer_proposes_a_transfer_and_the_coordinator_accepts_it(make_grant, page):
    case = make_grant()
    giver, receiver = case.grant.beneficiaries[:2]
    shares = (giver.awarded_amount - 5000, receiver.awarded_amount + 5000)
    sign_in_as(page, case.officer.email, PASSWORD)
    page.goto(f"/grants/{case.grant.id}")
    page.get_by_role("link", name="Budget transfer between beneficiaries").click()
    page.get_by_label("From the share of").select_option(str(giver.id))
    page.get_by_label("To the share of").select_option(str(receiver.id))
    page.get_by_label("Amount moved").fill("5000.00")
    page.get_by_label("Reason").fill("The partner takes over the pilot sites")
    page.get_by_role("button", name="Propose the amendment").click()
    assert "The partner takes over the pilot sites" in page.locator("#open-amendment").inner_text()

    page.context.clear_cookies()
    sign_in_as(page, case.coordinator.email, PASSWORD)
    page.goto(f"/grants/{case.grant.id}")
    page.get_by_role("button", name="Accept the amendment").click()
    assert "version 2" in page.locator("#version-in-force").inner_text()
    table = page.locator("#beneficiaries-title + table").inner_text().replace("\xa0", " ")
    for share in shares:
        assert f"{share:,.2f}" in table
    history = page.locator("#amendment-history").inner_text()
    assert "Budget transfer between beneficiaries" in history and "Accepted" in history
