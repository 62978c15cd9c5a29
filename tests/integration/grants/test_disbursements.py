"""Payments: never more than the grant, never twice, never for an unapproved claim; reversals."""

import re
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.grants.models import Disbursement, DisbursementShare, ExpenseClaim, Grant
from app.grants.rules.lifecycle import (
    ClaimStatus,
    DisbursementStatus,
    GrantStatus,
    InstallmentStatus,
)
from app.grants.services import disbursements
from tests.conftest import csrf_token

D = Decimal
_KEY = re.compile(r'name="idempotency_key"[^>]*value="([^"]+)"')


def _pay_form(client, installment):
    url = f"/grants/installments/{installment.id}/pay"
    page = client.get(url).get_data(as_text=True)
    return url, {"value_date": "2026-02-01", "bank_reference": "SEPA-0001", "understood": "y",
                 "idempotency_key": _KEY.search(page).group(1),
                 "csrf_token": csrf_token(client, url)}


def _disbursements() -> list[Disbursement]:
    return list(db.session.scalars(select(Disbursement).order_by(Disbursement.id)))


def test_finance_officer_pays_the_prefinancing(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.finance)
    url, form = _pay_form(client, case.installment(1))
    response = client.post(url, data=form)
    assert response.status_code == 302
    [payment] = _disbursements()
    assert (payment.amount, payment.bank_reference, payment.status) == (
        D("43750.00"), "SEPA-0001", DisbursementStatus.EXECUTED)
    assert case.grant.disbursed_amount == D("43750.00")
    assert case.grant.status == GrantStatus.ACTIVE
    assert case.installment(1).status == InstallmentStatus.PAID
    assert sum(share.amount for share in payment.shares) == payment.amount
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "disbursement.executed")).data["amount"] == "43750.00"
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert "SEPA-0001" in page and "81,250.00" in page  # remaining balance


def test_the_same_idempotency_key_twice_pays_once(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.finance)
    url, form = _pay_form(client, case.installment(1))
    client.post(url, data=form)
    again = client.post(url, data=form, follow_redirects=True)  # a double click
    assert "already recorded; nothing was paid twice" in again.get_data(as_text=True)
    assert len(_disbursements()) == 1 and case.grant.disbursed_amount == D("43750.00")
    replay = disbursements.execute_installment(
        case.installment(1).id, by=case.finance, value_date=case.grant.start_date,
        bank_reference="retry", idempotency_key=form["idempotency_key"])  # a retried job
    assert replay.replayed and replay.disbursement.id == _disbursements()[0].id


def test_two_officers_paying_one_installment_pay_it_once(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.finance)
    url, first = _pay_form(client, case.installment(1))
    _, second = _pay_form(client, case.installment(1))  # another tab, another key
    assert first["idempotency_key"] != second["idempotency_key"]
    client.post(url, data=first)
    page = client.post(url, data=second).get_data(as_text=True)
    assert "not payable" in page
    assert len(_disbursements()) == 1


def test_a_key_cannot_be_reused_for_another_installment(make_grant, make_claim, pay_installment):
    case = make_grant()
    make_claim(case, approve=True)
    first = pay_installment(case, 1)
    with pytest.raises(Conflict, match="already used for another payment"):
        pay_installment(case, 2, key=first.disbursement.idempotency_key)


def test_overpayment_is_refused(make_grant, make_claim, pay_installment):
    case = make_grant()
    make_claim(case, approve=True)
    pay_installment(case, 1)
    # Corrupt the schedule: the interim now asks for more than the grant has left.
    case.installment(2).payable_amount = D("90000.00")
    db.session.commit()
    with pytest.raises(Conflict, match="above the awarded 125,000.00; at most 81,250.00"):
        pay_installment(case, 2)
    db.session.rollback()
    assert case.grant.disbursed_amount == D("43750.00") and len(_disbursements()) == 1
    assert case.installment(2).status == InstallmentStatus.PAYABLE


def test_the_database_refuses_a_total_above_the_grant(make_grant):
    grant = make_grant().grant
    with pytest.raises(IntegrityError, match="disbursed_within_awarded"):
        db.session.execute(update(Grant).where(Grant.id == grant.id)
                           .values(disbursed_amount=grant.awarded_amount + D("0.01")))
    db.session.rollback()


def test_an_installment_of_an_unapproved_claim_cannot_be_paid(make_grant, make_claim,
                                                                pay_installment):
    case = make_grant()
    claim = make_claim(case, approve=True)
    claim.status = ClaimStatus.SUBMITTED  # e.g. reopened by a faulty migration
    db.session.commit()
    with pytest.raises(Conflict, match="claim behind this installment is not approved"):
        pay_installment(case, 2)
    db.session.rollback()
    assert _disbursements() == []


@pytest.mark.parametrize("status", [InstallmentStatus.PLANNED, InstallmentStatus.PAID])
def test_only_payable_installments_are_paid(make_grant, pay_installment, status):
    case = make_grant()
    case.installment(1).status = status
    db.session.commit()
    with pytest.raises(Conflict, match="not payable"):
        pay_installment(case, 1)


def test_paying_the_claim_marks_it_paid(make_grant, make_claim, pay_installment):
    case = make_grant()
    claim = make_claim(case, approve=True)
    pay_installment(case, 2)
    db.session.expire_all()
    assert db.session.get(ExpenseClaim, claim.id).status == ClaimStatus.PAID
    payment = _disbursements()[0]
    # The claim's lines decide where its money is booked.
    assert {(s.beneficiary_id, s.ict_category) for s in payment.shares} == {
        (case.grant.beneficiaries[0].id, "broadband")}


def _reverse(client, disbursement, **changes):
    url = f"/grants/disbursements/{disbursement.id}/reverse"
    page = client.get(url).get_data(as_text=True)
    data = {"reason": "Wrong IBAN", "value_date": "2026-02-03", "understood": "y",
            "idempotency_key": _KEY.search(page).group(1), "csrf_token": csrf_token(client, url),
            **changes}
    return url, data


def test_cancellation_adds_a_reversing_record(client, sign_in, make_grant, pay_installment):
    case = make_grant()
    original = pay_installment(case, 1).disbursement
    sign_in(case.finance)
    url, form = _reverse(client, original, reason="")
    assert "This field is required." in client.post(url, data=form).get_data(as_text=True)
    url, form = _reverse(client, original)
    client.post(url, data=form)
    client.post(url, data=form)  # a double click changes nothing
    first, reversal = _disbursements()
    assert (first.status, reversal.status) == (DisbursementStatus.CANCELLED,
                                               DisbursementStatus.REVERSAL)
    assert (reversal.amount, reversal.reverses_id, reversal.reason) == (
        D("-43750.00"), first.id, "Wrong IBAN")
    assert sum(s.amount for s in reversal.shares) == D("-43750.00")
    assert case.grant.disbursed_amount == D("0.00")
    assert case.installment(1).status == InstallmentStatus.PAYABLE
    assert "cannot be cancelled: it is cancelled" in client.get(url).get_data(as_text=True)
    stale_tab = {**form, "idempotency_key": disbursements.new_idempotency_key()}
    assert "already cancelled" in client.post(url, data=stale_tab).get_data(as_text=True)
    assert len(_disbursements()) == 2
    pay_installment(case, 1)  # paid again, correctly this time
    assert case.grant.disbursed_amount == D("43750.00")


def test_a_reversal_cannot_be_reversed_and_rows_are_never_deleted(make_grant, pay_installment):
    case = make_grant()
    original = pay_installment(case, 1).disbursement
    reversal = disbursements.reverse_disbursement(
        original.id, by=case.finance, reason="Duplicate", value_date=case.grant.start_date,
        idempotency_key=disbursements.new_idempotency_key()).disbursement
    db.session.commit()
    with pytest.raises(Conflict, match="cannot itself be reversed"):
        disbursements.reverse_disbursement(
            reversal.id, by=case.finance, reason="x", value_date=case.grant.start_date,
            idempotency_key=disbursements.new_idempotency_key())
    db.session.rollback()
    duplicate = Disbursement(grant_id=case.grant.id, installment_id=original.installment_id,
                             amount=D("-1.00"), value_date=case.grant.start_date,
                             bank_reference="x", idempotency_key="k", reverses_id=original.id,
                             executed_by_id=case.finance.id)
    db.session.add(duplicate)
    # reverses_id is unique: one reversal per payment (SQLite and PostgreSQL word it apart)
    with pytest.raises(IntegrityError,
                       match=r"disbursements\.reverses_id|uq_disbursements_reverses_id"):
        db.session.commit()
    db.session.rollback()


def _pay_in_threads(app, installment_ids: list[int], finance_id: int) -> list[str]:
    """Each thread is one officer's request: its own app context, session and form key."""
    barrier = threading.Barrier(len(installment_ids))
    outcomes: list[str] = []

    def attempt(installment_id: int) -> None:
        with app.app_context():
            officer = db.session.get(User, finance_id)
            # Give the connection back while waiting: 20 threads outnumber the pool (15).
            db.session.close()
            try:
                barrier.wait(timeout=30)
                result = disbursements.execute_installment(
                    installment_id, by=officer, value_date=date(2026, 2, 1),
                    bank_reference="RACE", idempotency_key=disbursements.new_idempotency_key())
                db.session.commit()
                outcomes.append("paid" if not result.replayed else "replayed")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # recorded, so the test fails with the reason
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in installment_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


# Row locks (SELECT ... FOR UPDATE) are PostgreSQL's; SQLite serialises writers and is
# covered by the next test. So this one runs on PostgreSQL only, instead of skipping.
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_twenty_officers_paying_one_installment_at_once_pay_it_once(app, make_grant):
    case = make_grant()
    installment_id, grant_id = case.installment(1).id, case.grant.id
    outcomes = _pay_in_threads(app, [installment_id] * 20, case.finance.id)
    db.session.expire_all()
    assert len(outcomes) == 20 and outcomes.count("paid") == 1, outcomes
    assert db.session.scalar(select(func.count(Disbursement.id))) == 1
    grant = db.session.get(Grant, grant_id)
    assert grant.disbursed_amount == D("43750.00") <= grant.awarded_amount


def test_concurrent_payments_never_exceed_the_grant(app, make_grant, make_claim):
    case = make_grant()
    make_claim(case, approve=True)
    # Corrupt the schedule so that the three installments ask for 168,750 of a 125,000 grant.
    final = case.installment(3)
    final.status, final.payable_amount = InstallmentStatus.PAYABLE, D("62500.00")
    case.installment(2).payable_amount = D("62500.00")
    db.session.commit()
    ids = [case.installment(n).id for n in (1, 2, 3)] * 4
    outcomes = _pay_in_threads(app, ids, case.finance.id)
    db.session.expire_all()
    grant = db.session.get(Grant, case.grant.id)
    payments = _disbursements()
    assert len(outcomes) == 12 and outcomes.count("paid") == len(payments) == 2, outcomes
    assert grant.disbursed_amount == sum(p.amount for p in payments) <= grant.awarded_amount
    assert len({p.installment_id for p in payments}) == 2  # no installment paid twice
    assert db.session.scalar(select(func.sum(DisbursementShare.amount))) == grant.disbursed_amount


def test_the_final_payment_closes_the_grant_and_its_reversal_reopens_it(
        make_grant, make_claim, pay_installment):
    case = make_grant(start=date(2024, 1, 1))  # the final period has begun
    pay_installment(case, 1)
    make_claim(case, approve=True)  # 20,000 + 25 % indirect: 25,000
    pay_installment(case, 2)
    final_claim = make_claim(case, period=2, lines=(("A", "broadband", "20000.00"),
                                                    ("C2", "web_content_management", "20000.00")),
                             approve=True)
    # The coordinator's own budget is used up: it earned its whole 75,000 share and was paid
    # 26,250 + 25,000; the partner claimed nothing, so its 17,500 pre-financing is recovered.
    assert case.installment(3).payable_amount == D("23750.00")
    assert final_claim.recovery_amount == D("17500.00")
    final = pay_installment(case, 3).disbursement
    assert case.grant.status == GrantStatus.CLOSED and case.grant.closed_at is not None
    disbursements.reverse_disbursement(final.id, by=case.finance, reason="Returned by bank",
                                       value_date=date(2028, 2, 1),
                                       idempotency_key=disbursements.new_idempotency_key())
    db.session.commit()
    assert case.grant.status == GrantStatus.ACTIVE and case.grant.closed_at is None
    assert case.grant.disbursed_amount == D("68750.00")
