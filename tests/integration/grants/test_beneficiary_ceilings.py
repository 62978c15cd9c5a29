"""Each beneficiary's own rate and ceiling, enforced by the services, the lock and the database.

reference.md §3: innovation actions fund profit-making entities at 70 %; pre-financing and
interim payments stay within 90 %; nobody is ever paid above its awarded share.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.calls.rules.lifecycle import CallStatus
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.grants.models import (
    Disbursement,
    DisbursementShare,
    ExpenseClaim,
    Grant,
    GrantBeneficiary,
)
from app.grants.rules.amendments import movable
from app.grants.rules.lifecycle import ClaimStatus, DisbursementStatus, InstallmentStatus
from app.grants.services import amendment_history, amendments, claims, disbursements
from tests.factories.grants import MINIMAL_PDF, PAYMENT_MODEL

D = Decimal
INNOVATION = {"default": "1", "by_org_type": {"PRC": "0.70"}}
# Coordinator (PRC, 70 %): 75,000 eligible -> 52,500; partner (REC, 100 %): 50,000 -> 50,000.
AWARDED = "102500.00"


@pytest.fixture
def innovation_grant(make_grant, make_call):
    def make():
        call = make_call(status=CallStatus.PUBLISHED, payment_model=PAYMENT_MODEL,
                         funding_rates=INNOVATION)
        # Started long ago, so that every reporting period has begun and may be claimed.
        return make_grant(call=call, awarded=AWARDED, start=date(2024, 1, 1))

    return make


def _claim(case, period: int, lines, *, approve: bool = True, amount=None, reason: str = ""):
    claim = claims.open_claim(case.grant.id, by=case.coordinator, period=period)
    for index, category, ict, costs in lines:
        claims.add_claim_line(claim.id, by=case.coordinator,
                              beneficiary_id=case.grant.beneficiaries[index].id,
                              category=category, ict_category=ict, amount=costs)
    claims.add_claim_document(claim.id, by=case.coordinator, filename="costs.pdf",
                              data=MINIMAL_PDF)
    claims.submit_claim(claim.id, by=case.coordinator)
    if approve:
        claims.decide_claim(claim.id, by=case.finance, approve=True, amount=amount,
                            reason=reason)
    db.session.commit()
    return claim


def _pay(case, sequence: int):
    result = disbursements.execute_installment(
        case.installment(sequence).id, by=case.finance, value_date=date(2026, 2, 1),
        bank_reference=f"BANK-{sequence}", idempotency_key=disbursements.new_idempotency_key())
    db.session.commit()
    return result.disbursement


def _assert_books_balance(grant_id: int) -> None:
    """Each beneficiary within its share; its total is its shares; they add up to the grant."""
    db.session.expire_all()
    grant = db.session.get(Grant, grant_id)
    for beneficiary in grant.beneficiaries:
        booked = db.session.scalar(select(func.coalesce(func.sum(DisbursementShare.amount), 0))
                                   .where(DisbursementShare.beneficiary_id == beneficiary.id))
        assert D("0.00") <= beneficiary.disbursed_amount <= beneficiary.awarded_amount
        assert beneficiary.disbursed_amount == D(booked)
    assert sum(b.disbursed_amount for b in grant.beneficiaries) == grant.disbursed_amount


def test_each_beneficiary_keeps_its_own_funding_rate(innovation_grant):
    case = innovation_grant()
    coordinator, partner = case.grant.beneficiaries
    assert (coordinator.funding_rate, partner.funding_rate) == ("0.70", "1")
    assert (coordinator.awarded_amount, partner.awarded_amount) == (D("52500.00"), D("50000.00"))
    claim = _claim(case, 1, [(0, "A", "broadband", "20000.00"),
                             (1, "A", "online_communication", "20000.00")])
    own = claim.assessment["by_beneficiary"]
    # 20,000 + 25 % indirect = 25,000 each: 17,500 at 70 %, 25,000 at 100 %.
    assert own[str(coordinator.id)]["contribution"] == "17500.00"
    assert own[str(partner.id)]["contribution"] == "25000.00"
    assert claim.payable_amount == D("42500.00")


def test_payments_are_split_per_beneficiary_and_reversals_give_each_its_part_back(
        innovation_grant):
    case = innovation_grant()
    prefinancing = _pay(case, 1)  # 41,000 gross - 5,125 retention = 35,875
    coordinator, partner = case.grant.beneficiaries
    assert prefinancing.amount == D("35875.00")
    assert (coordinator.disbursed_amount, partner.disbursed_amount) == (
        D("18375.00"), D("17500.00"))  # in proportion to 52,500 : 50,000
    _assert_books_balance(case.grant.id)
    disbursements.reverse_disbursement(prefinancing.id, by=case.finance, reason="Bank return",
                                       value_date=date(2026, 2, 3),
                                       idempotency_key=disbursements.new_idempotency_key())
    db.session.commit()
    _assert_books_balance(case.grant.id)
    assert case.grant.disbursed_amount == D("0.00")


def test_a_claim_for_one_beneficiary_pays_it_within_its_own_ceiling(innovation_grant):
    case = innovation_grant()
    _pay(case, 1)
    # The partner claims far more than its share: it gets 90 % of 50,000 less what it had.
    claim = _claim(case, 1, [(1, "A", "online_communication", "30000.00"),
                             (1, "C3", "cloud_software", "10000.00")])
    partner = case.grant.beneficiaries[1]
    assert claim.payable_amount == D("45000.00") - D("17500.00") - D("2500.00")  # retention
    _pay(case, 2)
    assert partner.disbursed_amount == D("42500.00") <= D("45000.00")
    _assert_books_balance(case.grant.id)


def test_the_database_refuses_a_beneficiary_total_above_its_share(innovation_grant):
    beneficiary = innovation_grant().grant.beneficiaries[0]
    with pytest.raises(IntegrityError, match="beneficiary_disbursed_within_awarded"):
        db.session.execute(update(GrantBeneficiary).where(GrantBeneficiary.id == beneficiary.id)
                           .values(disbursed_amount=beneficiary.awarded_amount + D("0.01")))
    db.session.rollback()


def test_an_officers_cut_stays_cut_in_the_final_balance(innovation_grant):
    case = innovation_grant()
    _pay(case, 1)
    first = _claim(case, 1, [(1, "A", "online_communication", "8000.00")],
                   amount="6000.00", reason="One invoice is not eligible")
    assert first.payable_amount == D("6000.00")  # 10,000 computed, 4,000 cut
    _pay(case, 2)
    final = _claim(case, 2, [(1, "A", "online_communication", "8000.00")])
    partner = final.assessment["by_beneficiary"][str(case.grant.beneficiaries[1].id)]
    # Earned 20,000 (16,000 + 25 %) less the 4,000 cut = 16,000; paid 17,500 + 6,000.
    assert partner["final_grant"] == "16000.00"
    assert partner["recovery"] == "7500.00"


def _amend(case, kind: str, changes: dict) -> None:
    """The officer proposes, the coordinator accepts; a refused acceptance is withdrawn."""
    amendment = amendments.propose(case.grant.id, by=case.officer, kind=kind,
                                   reason="Re-planned", changes=changes)
    db.session.commit()
    try:
        amendments.decide(amendment.id, by=case.coordinator, decision="accept")
        db.session.commit()
    except DomainError:
        db.session.rollback()
        amendments.decide(amendment.id, by=case.officer, decision="withdraw")
        db.session.commit()
        raise


# A random finance office: claims for either beneficiary, approvals (some cut), payments,
# cancellations and amendments (share transfers either way, the partner leaving) in any
# order. Whatever is refused, nobody is ever paid above its share in force.
STEPS = st.lists(st.one_of(
    st.tuples(st.just("claim"), st.integers(0, 1), st.integers(1, 80_000),
              st.sampled_from([None, "0.5"])),
    st.tuples(st.just("pay"), st.integers(1, 3)),
    st.tuples(st.just("cancel")),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(1, 60_000)),
    st.tuples(st.just("leave")),
), min_size=3, max_size=10)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_no_sequence_of_operations_pays_a_beneficiary_above_its_share(innovation_grant, steps):
    case = innovation_grant()
    period = 1
    for step in steps:
        try:
            if step[0] == "claim" and period <= 2:
                _, index, euros, cut = step
                claim = _claim(case, period, [(index, "A", "broadband", f"{euros}.00")],
                               approve=False)
                amount = None
                if cut is not None:
                    computed = claims.assess_claim(claim).payable
                    amount = str((computed * D(cut)).quantize(D("0.01")))
                claims.decide_claim(claim.id, by=case.finance, approve=True, amount=amount,
                                    reason="Cut" if amount else "")
                db.session.commit()
                period += 1
            elif step[0] == "pay":
                _pay(case, step[1])
            elif step[0] == "cancel":
                last = db.session.scalar(select(Disbursement).where(
                    Disbursement.grant_id == case.grant.id,
                    Disbursement.status == DisbursementStatus.EXECUTED)
                    .order_by(Disbursement.id.desc()))
                if last is not None:
                    disbursements.reverse_disbursement(
                        last.id, by=case.finance, reason="Returned", value_date=date(2026, 3, 1),
                        idempotency_key=disbursements.new_idempotency_key())
                    db.session.commit()
            elif step[0] == "transfer":
                giver, receiver = (case.grant.beneficiaries[i] for i in (step[1], 1 - step[1]))
                _amend(case, "beneficiary_transfer", {
                    "giver": str(giver.id), "receiver": str(receiver.id),
                    "amount": f"{step[2]}.00"})
            elif step[0] == "leave":
                coordinator, partner = case.grant.beneficiaries
                unpaid = movable(amendment_history.states(case.grant)[str(partner.id)])
                _amend(case, "beneficiary_leaving", {"leaver": str(partner.id),
                                                     "to": {str(coordinator.id): str(unpaid)}})
        except DomainError:
            db.session.rollback()
        _assert_books_balance(case.grant.id)
        grant = db.session.get(Grant, case.grant.id)
        # The version in force today holds the shares the ceilings are checked against.
        assert amendment_history.shares_on(grant, utcnow().date())[1] == {
            str(b.id): b.awarded_amount for b in grant.beneficiaries}
        assert sum(b.awarded_amount for b in grant.beneficiaries) == grant.awarded_amount


def _race(app, actions) -> list[str]:
    """Each action runs in its own thread, app context and session, all released at once."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        with app.app_context():
            db.session.close()  # 20 threads outnumber the pool: no connection while waiting
            try:
                barrier.wait(timeout=30)
                action()
                db.session.commit()
                outcomes.append("done")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # recorded, so the test fails with the reason
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


# Row locks are PostgreSQL's (SQLite serialises writers), so this race runs there only.
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_twenty_officers_approving_and_paying_at_once_keep_each_ceiling(app, innovation_grant):
    case = innovation_grant()
    claim = _claim(case, 1, [(0, "A", "broadband", "40000.00"),
                             (0, "C2", "web_content_management", "20000.00"),
                             (1, "A", "online_communication", "40000.00")], approve=False)
    installment_id, claim_id, finance_id = case.installment(1).id, claim.id, case.finance.id

    def pay():
        officer = db.session.get(User, finance_id)
        disbursements.execute_installment(
            installment_id, by=officer, value_date=date(2026, 2, 1), bank_reference="RACE",
            idempotency_key=disbursements.new_idempotency_key())

    def approve():
        claims.decide_claim(claim_id, by=db.session.get(User, finance_id), approve=True)

    outcomes = _race(app, [pay, approve] * 10)
    assert outcomes.count("done") == 2, outcomes
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    db.session.expire_all()
    assert db.session.get(ExpenseClaim, claim_id).status == ClaimStatus.APPROVED
    assert case.installment(2).status == InstallmentStatus.PAYABLE
    _pay(case, 2)
    grant = db.session.get(Grant, case.grant.id)
    for beneficiary in grant.beneficiaries:
        ceiling = (beneficiary.awarded_amount * D("0.90")).quantize(D("0.01"), "ROUND_DOWN")
        assert beneficiary.disbursed_amount <= ceiling, beneficiary.organisation.name
    # The coordinator claimed far above its ceiling: it is paid exactly up to it, less its
    # part of the retention (2,625 of 5,125), which the final payment releases.
    assert grant.beneficiaries[0].disbursed_amount == D("47250.00") - D("2625.00")
    _assert_books_balance(grant.id)


def test_the_grant_page_shows_each_beneficiarys_rate_paid_and_what_is_left(
        client, sign_in, innovation_grant):
    case = innovation_grant()
    _pay(case, 1)
    coordinator, partner = case.grant.beneficiaries
    sign_in(case.finance)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert "70%" in page and "Left of the share" in page
    assert f'data-paid="{coordinator.id}">€18,375.00' in page.replace("\xa0", "")
    assert "34,125.00" in page and "32,500.00" in page  # 52,500 - 18,375; 50,000 - 17,500
