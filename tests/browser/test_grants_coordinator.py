"""A coordinator in the browser: accept the grant agreement, then claim costs with a PDF."""

import pytest

from app.core.extensions import db
from app.grants.models import ExpenseClaim
from app.grants.rules.lifecycle import ClaimStatus, GrantStatus
from app.grants.services import agreements
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD
from tests.factories.grants import MINIMAL_PDF

pytestmark = pytest.mark.browser


def test_coordinator_accepts_and_submits_a_claim(make_grant, page, tmp_path):
    case = make_grant(status=GrantStatus.PREPARED)
    number = case.grant.agreement_number
    sign_in_as(page, case.coordinator.email, PASSWORD)
    page.locator("#main-menu").get_by_role("link", name="My grants").click()
    page.get_by_role("link", name=number).click()
    page.get_by_label("I have read the agreement and confirm.").check()
    page.get_by_role("button", name="Accept").click()
    assert page.locator("#grant-status").inner_text() == "accepted"

    db.session.expire_all()  # the browser changed the grant in another session
    agreements.sign_grant(case.grant.id, by=case.officer)  # the officer signs meanwhile
    db.session.commit()
    page.reload()
    assert "Pre-financing" in page.locator("#schedule").inner_text()
    page.get_by_role("link", name="New claim").click()
    page.get_by_role("button", name="Start the claim").click()
    page.get_by_role("combobox", name="Beneficiary").select_option(
        label=case.grant.beneficiaries[1].organisation.name)
    page.get_by_role("combobox", name="Cost category").select_option("C3")
    page.get_by_role("combobox", name="ICT category").select_option("cloud_software")
    page.get_by_label("Amount").fill("4,500.00")
    page.get_by_role("button", name="Add line").click()
    assert page.locator("#claimed-total").inner_text() == "€4,500.00"
    receipt = tmp_path / "licences.pdf"
    receipt.write_bytes(MINIMAL_PDF)
    page.get_by_label("Supporting document (PDF)").set_input_files(receipt)
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("link", name="licences.pdf").is_visible()
    page.get_by_label("The costs are real").check()
    page.get_by_role("button", name="Submit the claim").click()
    assert page.locator("#claim-status").inner_text() == "submitted"
    db.session.expire_all()
    claim = db.session.scalar(db.select(ExpenseClaim))
    assert claim.status == ClaimStatus.SUBMITTED and claim.documents[0].filename == "licences.pdf"
