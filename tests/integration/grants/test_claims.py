"""Expense claims: lines and PDFs from the coordinator, decisions by the finance officer."""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.grants.models import ClaimDocument, ExpenseClaim
from app.grants.rules.lifecycle import ClaimStatus, InstallmentStatus
from tests.conftest import csrf_token
from tests.factories.grants import MINIMAL_PDF
from tests.factories.pdfs import JAVASCRIPT_PDF

D = Decimal


def _post(client, url, page, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)},
                       content_type="multipart/form-data" if "document" in data else None)


def test_coordinator_builds_and_submits_a_claim(client, sign_in, make_grant):
    case = make_grant()
    grant, beneficiary = case.grant, case.grant.beneficiaries[1]
    sign_in(case.coordinator)
    new = f"/grants/{grant.id}/claims/new"
    assert "Period 2: 2027-01-01 to 2027-12-31 (final)" in client.get(new).get_data(as_text=True)
    response = _post(client, new, new, period="1")
    claim = db.session.scalar(select(ExpenseClaim))
    assert response.location.endswith(f"/grants/claims/{claim.id}")
    page = f"/grants/claims/{claim.id}"
    _post(client, f"{page}/lines", page, beneficiary_id=beneficiary.id, category="C3",
          ict_category="cloud_software", amount="8,000.00", description="Cloud licences")
    _post(client, f"{page}/lines", page, beneficiary_id=beneficiary.id, category="A",
          ict_category="online_communication", amount="12000")
    assert claim.claimed_amount == D("20000.00") and len(claim.lines) == 2
    refused = _post(client, f"{page}/submit", page, understood="y").get_data(as_text=True)
    assert "Attach at least one supporting PDF" in refused
    fake = _post(client, f"{page}/documents", page,
                 document=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "invoice.pdf"))
    assert "this file is not a PDF" in fake.get_data(as_text=True)  # the shared PDF rule
    scripted = _post(client, f"{page}/documents", page,
                     document=(io.BytesIO(JAVASCRIPT_PDF), "invoice.pdf"))
    assert "This PDF contains JavaScript" in scripted.get_data(as_text=True)
    assert db.session.scalar(select(ClaimDocument)) is None
    _post(client, f"{page}/documents", page,
          document=(io.BytesIO(MINIMAL_PDF), "../../Invoices March.pdf"))
    document = db.session.scalar(select(ClaimDocument))
    assert document.filename == "Invoices_March.pdf" and document.size == len(MINIMAL_PDF)
    download = client.get(f"{page}/documents/{document.id}")
    assert download.status_code == 200 and download.data == MINIMAL_PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    _post(client, f"{page}/submit", page, understood="y")
    assert claim.status == ClaimStatus.SUBMITTED and claim.submitted_at is not None
    finance_mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == case.finance.email))
    assert "20,000.00" in finance_mail.body
    late = _post(client, f"{page}/lines", page, beneficiary_id=beneficiary.id, category="A",
                 ict_category="broadband", amount="1.00")
    assert "can no longer change" in late.get_data(as_text=True) and len(claim.lines) == 2


@pytest.mark.parametrize(("line", "message"), [
    ({"category": "E"}, "Not a valid choice"),
    ({"amount": "0"}, "must be positive"),
    ({"amount": "-5"}, "cannot be negative"),
    ({"ict_category": "space_travel"}, "Not a valid choice"),
])
def test_claim_lines_are_validated(client, sign_in, make_grant, make_claim, line, message):
    case = make_grant()
    claim = make_claim(case, submit=False)
    sign_in(case.coordinator)
    page = f"/grants/claims/{claim.id}"
    data = {"beneficiary_id": case.grant.beneficiaries[0].id, "category": "A",
            "ict_category": "broadband", "amount": "10.00", **line}
    assert message in _post(client, f"{page}/lines", page, **data).get_data(as_text=True)
    assert len(claim.lines) == 1


def test_only_the_coordinator_edits_claims(client, sign_in, make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case, submit=False)
    sign_in(case.partner)
    page = f"/grants/claims/{claim.id}"
    assert client.get(page).status_code == 200  # a partner may follow the claim
    response = _post(client, f"{page}/lines", page, beneficiary_id=case.grant.beneficiaries[1].id,
                     category="A", ict_category="broadband", amount="10.00")
    assert response.status_code == 403


def test_periods_are_claimed_in_order(client, sign_in, make_grant, make_claim):
    case = make_grant()
    sign_in(case.coordinator)
    new = f"/grants/{case.grant.id}/claims/new"
    assert "Period 1 needs an approved claim first." in _post(client, new, new,
                                                               period="2").get_data(as_text=True)
    make_claim(case, period=1)
    assert "This period already has a claim." in _post(client, new, new,
                                                        period="1").get_data(as_text=True)


def _decide(client, claim, **data):
    page = f"/grants/claims/{claim.id}"
    return _post(client, f"{page}/decision", page, **data)


def test_finance_officer_approves_and_the_installment_becomes_payable(client, sign_in,
                                                                      make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case, lines=(("A", "broadband", "40000.00"),))
    sign_in(case.finance)
    page = client.get(f"/grants/claims/{claim.id}").get_data(as_text=True)
    assert "50,000.00" in page  # 40,000 direct + 25 % indirect, at the 100 % rate
    _decide(client, claim, decision="approve")
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by_id == case.finance.id
    # The coordinator's own ceiling (reference.md §3): 90 % of its 75,000 share less its
    # 26,250 pre-financing and its 3,750 retention leaves 37,500 of the 50,000 earned.
    assert (claim.accepted_costs_amount, claim.payable_amount) == (D("50000.00"), D("37500.00"))
    interim = case.installment(2)
    assert (interim.status, interim.payable_amount, interim.claim_id) == (
        InstallmentStatus.PAYABLE, D("37500.00"), claim.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "claim.approved"))


def test_interim_payments_stop_at_the_ceiling(client, sign_in, make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case, lines=(("A", "broadband", "40000.00"),
                                    ("A", "online_communication", "30000.00"),
                                    ("C2", "web_content_management", "20000.00")))
    sign_in(case.finance)
    _decide(client, claim, decision="approve")
    # All costs are the coordinator's: its own A budget (40,000) caps the category, and its
    # own ceiling (90 % of 75,000 less 26,250 pre-financing and 3,750 retention) the payment.
    assert claim.payable_amount == D("37500.00")
    assert [cut["reason"] for cut in claim.assessment["cuts"]] == [
        "over_category_budget", "ceiling"]


def test_partial_approval_needs_an_amount_below_the_computed_one_and_a_reason(
        client, sign_in, make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case)
    sign_in(case.finance)
    assert "Enter the amount to pay." in _decide(
        client, claim, decision="approve_partly").get_data(as_text=True)
    assert "Say why less than the computed €25,000.00 is paid." in _decide(
        client, claim, decision="approve_partly", amount="1000.00").get_data(as_text=True)
    # Above the computed amount the message says so, with or without a reason.
    for reason in ("", "x"):
        assert "€30,000.00 is more than the computed €25,000.00: approve in full, or enter a " \
            "lower amount." in _decide(client, claim, decision="approve_partly",
                                       amount="30000.00", reason=reason).get_data(as_text=True)
    assert claim.status == ClaimStatus.SUBMITTED
    _decide(client, claim, decision="approve_partly", amount="20000.00",
            reason="Travel without boarding passes")
    assert claim.payable_amount == D("20000.00")
    assert claim.assessment["cuts"][-1]["message"] == "Travel without boarding passes"


def test_a_claim_for_a_period_not_started_cannot_be_submitted(client, sign_in, make_grant,
                                                              make_claim):
    case = make_grant(start=date.today().replace(day=1))  # period 2 starts in a year
    make_claim(case, approve=True)
    draft = make_claim(case, period=2, submit=False)
    sign_in(case.coordinator)
    page = f"/grants/claims/{draft.id}"
    answer = _post(client, f"{page}/submit", page, understood="y").get_data(as_text=True)
    assert "Reporting period 2 starts on" in answer
    assert db.session.get(ExpenseClaim, draft.id).status == ClaimStatus.DRAFT


def test_rejection_needs_a_reason_and_lets_the_period_be_claimed_again(
        client, sign_in, make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case)
    sign_in(case.finance)
    assert "Say why the claim is rejected." in _decide(client, claim,
                                                       decision="reject").get_data(as_text=True)
    _decide(client, claim, decision="reject", reason="Invoices are illegible")
    assert claim.status == ClaimStatus.REJECTED and claim.decision_reason
    assert case.installment(2).status == InstallmentStatus.PLANNED
    assert make_claim(case, period=1).status == ClaimStatus.SUBMITTED


def test_a_decided_claim_cannot_be_decided_again(client, sign_in, make_grant, make_claim):
    case = make_grant()
    claim = make_claim(case, approve=True)
    sign_in(case.finance)
    page = _decide(client, claim, decision="reject", reason="changed my mind")
    assert "A claim that is approved cannot become rejected." in page.get_data(as_text=True)
    assert claim.status == ClaimStatus.APPROVED


def test_only_finance_officers_of_the_funder_decide(client, sign_in, make_grant, make_claim,
                                                   make_user, make_funder):
    case = make_grant()
    claim = make_claim(case)
    sign_in(make_user(Role.finance_officer, funder=make_funder()))
    assert client.get(f"/grants/claims/{claim.id}").status_code == 404
    sign_in(case.coordinator)
    assert client.get(f"/grants/claims/{claim.id}/decision").status_code == 405
    assert claim.status == ClaimStatus.SUBMITTED


def test_other_applicants_cannot_read_claim_documents(client, sign_in, make_grant, make_claim):
    case, other = make_grant(), make_grant()
    claim = make_claim(case)
    document = claim.documents[0]
    sign_in(other.coordinator)
    assert client.get(f"/grants/claims/{claim.id}").status_code == 404
    assert client.get(f"/grants/claims/{claim.id}/documents/{document.id}").status_code == 404


def test_a_final_claim_below_what_was_paid_records_a_recovery_and_closes_the_grant(
        make_grant, make_claim, pay_installment):
    case = make_grant(start=date(2024, 1, 1))  # the final period has begun
    pay_installment(case, 1)
    make_claim(case, lines=(("A", "broadband", "70000.00"), ("C2", "broadband", "10000.00")),
               approve=True)  # the coordinator's 40,000 of A + 10,000 + 25 % indirect
    pay_installment(case, 2)  # 37,500: the coordinator's 90 % ceiling with its retention
    final = make_claim(case, period=2, lines=(("C2", "broadband", "1000.00"),), approve=True)
    # The coordinator earned 62,500 + 1,250 and was paid 26,250 + 37,500: nothing is due.
    # The partner claimed nothing, so its 17,500 pre-financing is recovered.
    assert (final.payable_amount, final.recovery_amount) == (D("0.00"), D("17500.00"))
    assert final.assessment["retention_released"] == "6250.00"
    assert case.installment(3).status == InstallmentStatus.NOTHING_TO_PAY
    assert case.grant.status == "closed" and case.grant.closed_at is not None
