"""Money out of OpenCall in the browser: bank details confirmed by a second person, then a
payment batch — two installments, its SEPA file, marked executed — and each beneficiary's
paid share within its ceiling on the grant page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.grants.models import BankAccount, GrantBeneficiary, PaymentBatch
from app.grants.rules.lifecycle import BankAccountStatus, BatchStatus
from app.grants.services.sepa import validate_pain_001
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD, current_code
from tests.integration.grants.test_payment_batches import confirm_accounts

pytestmark = pytest.mark.browser


def sign_in(page, email: str, *, code: bool) -> None:
    """The password, then the authenticator's code when the role has a second factor."""
    if not code:
        sign_in_as(page, email, PASSWORD)
        return
    page.goto("/accounts/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code from your authenticator app").fill(current_code(email))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#signed-in-as")


def test_coordinator_enters_bank_details_and_a_finance_officer_confirms(
        make_grant, page, browser, live_server):
    case = make_grant()
    partner = case.grant.beneficiaries[1]
    sign_in(page, case.coordinator.email, code=False)
    page.goto(f"/grants/{case.grant.id}")
    page.get_by_role("link", name="Bank details").click()
    page.locator(f"#beneficiary-{partner.id}").get_by_role(
        "link", name="Enter new bank details").click()
    page.get_by_label("Account holder").fill("Partner Research GmbH")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 01")  # one digit wrong
    page.get_by_role("button", name="Send for confirmation").click()
    assert "This IBAN is not valid" in page.locator("#iban-error").inner_text()
    assert page.get_by_label("Account holder").input_value() == "Partner Research GmbH"
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Send for confirmation").click()
    row = page.locator(f"#beneficiary-{partner.id}")
    assert "waits for a finance officer" in row.inner_text()

    context = browser.new_context(base_url=live_server)
    finance = context.new_page()
    sign_in(finance, case.finance.email, code=True)
    finance.locator("#main-menu").get_by_role("link", name="Payment batches").click()
    pending = finance.locator("#pending-bank-details")
    assert "DE89 3704 0044 0532 0130 00" in pending.inner_text()
    pending.get_by_role("link", name=case.grant.agreement_number).click()
    row = finance.locator(f"#beneficiary-{partner.id}")
    row.get_by_label(f"Decision on {partner.organisation.name}'s change").select_option("confirm")
    row.get_by_label("I have checked these bank details").check()
    row.get_by_role("button", name="Record the decision").click()
    assert "payments go to this account" in finance.get_by_role("status").first.inner_text()
    assert "COBADEFFXXX" in finance.locator(f"#beneficiary-{partner.id} td").first.inner_text()
    context.close()
    db.session.expire_all()
    account = db.session.scalar(select(BankAccount))
    assert (account.status, account.decided_by_id) == (BankAccountStatus.CONFIRMED,
                                                       case.finance.id)


def test_finance_officer_batches_two_installments_downloads_and_executes(
        app, make_grant, make_funded_application, page, monkeypatch):
    first = make_grant()
    second = make_grant(application=make_funded_application(call=first.grant.call))
    for case in (first, second):
        confirm_accounts(case)
    sign_in(page, first.finance.email, code=True)

    page.locator("#main-menu").get_by_role("link", name="Payment batches").click()
    page.get_by_role("link", name="New payment batch in EUR").click()
    for case in (first, second):
        page.get_by_label(case.grant.agreement_number).check()
    page.get_by_label("Funder's account holder").fill("Regional ICT Fund")
    page.get_by_label("Funder's IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Make the payment batch").click()
    assert page.locator("#batch-status").inner_text() == "open"
    assert "87,500.00" in page.locator("#batch-total").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the SEPA file (pain.001)").click()
    document = Path(download_info.value.path()).read_bytes()
    validate_pain_001(document)  # the file the bank gets is valid pain.001.001.03
    assert document.count(b"<CdtTrfTxInf>") == 4  # two installments × two beneficiaries

    # Paying needs a fresh second-factor code: the one given at sign-in is now stale.
    monkeypatch.setitem(app.config, "SECOND_FACTOR_STEP_UP_MINUTES", 0)
    page.get_by_label("Bank reference of the executed file").fill("BANK-2026-0815")
    page.get_by_label("The bank has executed this file").check()
    page.get_by_role("button", name="Mark the batch executed").click()
    page.wait_for_url("**/accounts/step-up**")
    monkeypatch.setitem(app.config, "SECOND_FACTOR_STEP_UP_MINUTES", 15)
    page.get_by_label("Code from your authenticator app").fill(current_code(first.finance.email))
    page.get_by_role("button", name="Confirm").click()
    assert "submit it again" in page.get_by_role("status").first.inner_text()
    assert page.locator("#batch-status").inner_text() == "open"  # nothing paid without the code
    # What was typed is kept: put back by a script once the page has loaded, so wait for it.
    expect(page.get_by_label("Bank reference of the executed file")).to_have_value(
        "BANK-2026-0815")
    page.get_by_label("The bank has executed this file").check()
    page.get_by_role("button", name="Mark the batch executed").click()
    assert page.locator("#batch-status").inner_text() == "executed"
    assert "BANK-2026-0815" in page.locator("#batch-executed").inner_text()
    db.session.expire_all()
    assert db.session.scalar(select(PaymentBatch.status)) == BatchStatus.EXECUTED

    page.get_by_role("link", name=first.grant.agreement_number).first.click()
    for beneficiary in db.session.scalars(select(GrantBeneficiary).where(
            GrantBeneficiary.grant_id == first.grant.id)):
        assert 0 < beneficiary.disbursed_amount <= beneficiary.awarded_amount
        paid = page.locator(f'[data-paid="{beneficiary.id}"]').inner_text()
        assert f"{beneficiary.disbursed_amount:,.2f}" in paid
    assert "BANK-2026-0815" in page.locator("#payments").inner_text()
