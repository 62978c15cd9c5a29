"""Grant amendments agreed by the programme officer and the coordinator (issue 12, item 2).

Each accepted amendment is a version; shares never go below what was paid or payable; the
grant total stays; the shares of each version are kept with the day they took effect.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden
from app.core.extensions import db
from app.grants.models import ExpenseClaim, Grant, GrantAmendment, GrantPlanLine, GrantShareVersion
from app.grants.rules.lifecycle import InstallmentStatus
from app.grants.services import amendment_history, amendments, claims
from tests.conftest import csrf_token
from tests.integration.grants.test_beneficiary_ceilings import _race

D = Decimal


def _ids(case):
    first, second = case.grant.beneficiaries[:2]
    return first, second


def _transfer(case, amount, *, by=None, reason="Work package 3 moves to the partner"):
    first, second = _ids(case)
    amendment = amendments.propose(
        case.grant.id, by=by or case.officer, kind="beneficiary_transfer", reason=reason,
        changes={"giver": str(first.id), "receiver": str(second.id), "amount": amount})
    db.session.commit()
    return amendment


def _decide(amendment, by, decision="accept", reason=""):
    amendments.decide(amendment.id, by=by, decision=decision, reason=reason)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(GrantAmendment, amendment.id)


def test_a_transfer_proposed_by_the_officer_and_accepted_by_the_coordinator_is_version_2(
        make_grant):
    case = make_grant()
    first, second = _ids(case)
    before = (first.awarded_amount, second.awarded_amount)
    planned_before = sum(line.amount for line in case.grant.plan_lines
                         if line.beneficiary_id == second.id)
    amendment = _decide(_transfer(case, "5000.00"), case.coordinator)
    assert (amendment.status, amendment.version) == ("accepted", 2)
    assert amendment.decided_by_id == case.coordinator.id
    assert amendment.valid_from == utcnow().date()
    assert (first.awarded_amount, second.awarded_amount) == (before[0] - 5000, before[1] + 5000)
    assert case.grant.awarded_amount == sum(b.awarded_amount for b in case.grant.beneficiaries)
    # The partner's planned costs grow with its share, so it can earn what it may be paid.
    planned_after = sum(line.amount for line in db.session.scalars(select(GrantPlanLine).where(
        GrantPlanLine.beneficiary_id == second.id)))
    assert planned_after > planned_before
    # Version 1 (the agreement, from the start date) and version 2 (from today) are kept.
    assert amendment_history.shares_on(case.grant, case.grant.start_date) == (
        1, {str(first.id): before[0], str(second.id): before[1]})
    assert amendment_history.shares_on(case.grant, utcnow().date())[0] == 2
    assert db.session.scalar(select(db.func.count(GrantShareVersion.id))) == 4
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "grant_amendments")).all()
    assert actions == ["grant.amendment_proposed", "grant.amendment_accepted"]


def test_only_the_other_side_accepts_and_only_the_proposer_withdraws(make_grant, make_user):
    case = make_grant()
    amendment = _transfer(case, "100.00", by=case.coordinator)
    with pytest.raises(DomainError, match="the programme officer"):
        amendments.decide(amendment.id, by=case.coordinator, decision="accept")
    db.session.rollback()
    with pytest.raises(DomainError, match="Only the coordinator who proposed"):
        amendments.decide(amendment.id, by=case.officer, decision="withdraw")
    db.session.rollback()
    # The finance officer is no party to amendments.
    with pytest.raises(Forbidden, match="agree amendments"):
        amendments.decide(amendment.id, by=case.finance, decision="accept")
    db.session.rollback()
    with pytest.raises(Conflict, match="already proposed"):
        _transfer(case, "50.00")
    db.session.rollback()
    with pytest.raises(DomainError, match="Say why"):
        amendments.decide(amendment.id, by=case.officer, decision="refuse")
    db.session.rollback()
    refused = _decide(amendment, case.officer, "refuse", "Not in the work plan")
    assert (refused.status, refused.version, refused.decision_reason) == (
        "refused", None, "Not in the work plan")
    withdrawn = _decide(_transfer(case, "50.00"), case.officer, "withdraw")
    assert withdrawn.status == "withdrawn"
    with pytest.raises(Conflict, match="no longer open"):
        amendments.decide(withdrawn.id, by=case.coordinator, decision="accept")
    db.session.rollback()


def test_a_share_never_goes_below_what_was_paid_or_is_payable(make_grant, pay_installment):
    case = make_grant()
    first, _ = _ids(case)
    pay_installment(case, 1)  # the pre-financing
    movable = first.awarded_amount - first.disbursed_amount
    with pytest.raises(DomainError, match="left to move"):
        _transfer(case, str(movable + D("0.01")))
    db.session.rollback()
    accepted = _decide(_transfer(case, str(movable)), case.coordinator)
    assert accepted.status == "accepted"
    assert first.awarded_amount == first.disbursed_amount


def test_acceptance_checks_again_what_was_promised_since_the_proposal(make_grant, make_claim):
    case = make_grant()
    first, _ = _ids(case)
    movable = first.awarded_amount - amendment_history.states(case.grant)[str(first.id)].floor
    amendment = _transfer(case, str(movable))  # all it has left, as things stood
    # Meanwhile a claim of the coordinator is approved: its installment promises it more.
    make_claim(case, approve=True)
    with pytest.raises(DomainError, match="left to move"):
        amendments.decide(amendment.id, by=case.coordinator, decision="accept")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(GrantAmendment, amendment.id).status == "proposed"


def test_a_leaving_beneficiary_keeps_what_it_was_paid_and_the_rest_goes_as_stated(
        make_grant, pay_installment):
    case = make_grant()
    first, second = _ids(case)
    pay_installment(case, 1)
    db.session.refresh(second)
    freed = second.awarded_amount - second.disbursed_amount
    share_first = first.awarded_amount
    amendment = amendments.propose(
        case.grant.id, by=case.coordinator, kind="beneficiary_leaving",
        reason="The partner is being wound up",
        changes={"leaver": str(second.id), "to": {str(first.id): str(freed)}})
    db.session.commit()
    _decide(amendment, case.officer)
    assert second.awarded_amount == second.disbursed_amount
    assert second.left_on == utcnow().date()
    assert first.awarded_amount == share_first + freed
    with pytest.raises(DomainError, match="current beneficiary"):
        _transfer(case, "1.00")  # it left: nothing moves from it any more
    db.session.rollback()
    claim = claims.open_claim(case.grant.id, by=case.coordinator, period=1)
    with pytest.raises(DomainError, match="left the grant on"):
        claims.add_claim_line(claim.id, by=case.coordinator, beneficiary_id=second.id,
                              category="A", ict_category="broadband", amount="100.00")
    db.session.rollback()


def test_a_new_beneficiary_joins_with_a_share_taken_from_another(make_grant,
                                                                  make_organisation):
    case = make_grant()
    first, _ = _ids(case)
    newcomer = make_organisation("Nova Research Institute", org_type="REC",
                                 identifier="PIC-999000111")
    share_first = first.awarded_amount
    with pytest.raises(DomainError, match="No organisation"):
        amendments.propose(case.grant.id, by=case.officer, kind="beneficiary_added",
                           reason="x", changes={"organisation": "PIC-nope", "category": "A",
                                                "ict_category": "broadband",
                                                "taken_from": {str(first.id): "1000.00"}})
    db.session.rollback()
    amendment = amendments.propose(
        case.grant.id, by=case.officer, kind="beneficiary_added", reason="Expertise needed",
        changes={"organisation": "PIC-999000111", "category": "A", "ict_category": "broadband",
                 "taken_from": {str(first.id): "10000.00"}})
    db.session.commit()
    _decide(amendment, case.coordinator)
    joined = next(b for b in case.grant.beneficiaries if b.organisation_id == newcomer.id)
    assert joined.awarded_amount == D("10000.00") and D(joined.funding_rate) == 1
    assert first.awarded_amount == share_first - D("10000.00")
    assert joined.participant.accepted_at is not None
    assert sum(line.amount for line in case.grant.plan_lines
               if line.beneficiary_id == joined.id) == D("10000.00")


def test_a_category_transfer_moves_planned_costs_within_one_beneficiary(make_grant):
    case = make_grant()
    first, _ = _ids(case)
    own = [line for line in case.grant.plan_lines if line.beneficiary_id == first.id]
    source = own[0].category
    target = next(code for code in ("A", "B", "C1", "C2", "C3", "D") if code != source)
    total_before = sum(line.amount for line in own)
    amendment = amendments.propose(
        case.grant.id, by=case.coordinator, kind="category_transfer", reason="Cloud, not servers",
        changes={"beneficiary": str(first.id), "source": source, "target": target,
                 "amount": "1000.00"})
    db.session.commit()
    _decide(amendment, case.officer)
    own = list(db.session.scalars(select(GrantPlanLine).where(
        GrantPlanLine.beneficiary_id == first.id)))
    assert sum(line.amount for line in own) == total_before
    assert sum(line.amount for line in own if line.category == target) >= D("1000.00")


def test_a_new_end_date_moves_the_planned_installments(make_grant):
    case = make_grant()
    grant = case.grant
    final = max(grant.installments, key=lambda i: i.sequence)
    old_due, old_end = final.due_date, grant.end_date
    new_end = date(old_end.year + 1, old_end.month, old_end.day)
    with pytest.raises(DomainError, match="in the past"):
        amendments.propose(grant.id, by=case.officer, kind="end_date", reason="Delay",
                           changes={"end_date": "2026-02-01"})
    db.session.rollback()
    amendment = amendments.propose(grant.id, by=case.officer, kind="end_date",
                                   reason="Supplier delay", changes={"end_date":
                                                                     new_end.isoformat()})
    db.session.commit()
    _decide(amendment, case.coordinator)
    assert grant.end_date == new_end
    assert final.status == InstallmentStatus.PLANNED and final.due_date > old_due


def test_the_database_refuses_an_amendment_accepted_by_its_proposer(make_grant):
    case = make_grant()
    amendment = _transfer(case, "10.00")
    with pytest.raises(IntegrityError, match="accepted_by_someone_else"):
        db.session.execute(update(GrantAmendment).where(GrantAmendment.id == amendment.id)
                           .values(status="accepted", version=2, valid_from=date(2026, 11, 1),
                                   decided_by_id=case.officer.id))
    db.session.rollback()



def test_the_grant_page_shows_the_history_and_the_shares_in_force(make_grant, client, sign_in):
    case = make_grant()
    _decide(_transfer(case, "5000.00"), case.coordinator)
    sign_in(case.finance)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert "Amendments" in page and "Budget transfer between beneficiaries" in page
    assert "Work package 3 moves to the partner" in page and "version 2" in page


def test_the_pages_propose_and_accept_and_bad_input_is_shown_next_to_its_field(
        make_grant, client, sign_in, pay_installment):
    case = make_grant()
    first, second = _ids(case)
    pay_installment(case, 1)
    url = f"/grants/{case.grant.id}/amendments/new/beneficiary_transfer"
    sign_in(case.officer)
    token = csrf_token(client, url)
    too_much = client.post(url, data={"csrf_token": token, "giver": str(first.id),
                                      "receiver": str(second.id), "amount": "900000.00",
                                      "reason": "Too much"})
    page = too_much.get_data(as_text=True)
    assert too_much.status_code == 422
    assert 'id="amount-error"' in page and "left to move" in page
    assert client.post(url, data={"csrf_token": token, "giver": str(first.id),
                                  "receiver": str(second.id), "amount": "1000.00",
                                  "reason": "Partner takes over testing"}).status_code == 302
    amendment = db.session.scalar(select(GrantAmendment))
    decision = f"/grants/amendments/{amendment.id}/decision"
    # The officer cannot accept their own proposal: told so, nothing changes.
    client.post(decision, data={"csrf_token": token, "decision": "accept"})
    db.session.expire_all()
    assert db.session.get(GrantAmendment, amendment.id).status == "proposed"
    sign_in(case.coordinator)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert "Accept the amendment" in page and "Partner takes over testing" in page
    token = csrf_token(client, f"/grants/{case.grant.id}")
    assert client.post(decision, data={"csrf_token": token, "decision": "accept"}
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(GrantAmendment, amendment.id).version == 2


def test_an_outsider_cannot_propose_and_an_unknown_kind_is_not_found(make_grant, client,
                                                                      sign_in):
    case = make_grant()
    sign_in(case.partner)  # a consortium member, but not the coordinator
    assert client.get(f"/grants/{case.grant.id}/amendments/new/end_date").status_code == 403
    sign_in(case.officer)
    assert client.get(f"/grants/{case.grant.id}/amendments/new/anything").status_code == 404


# Row locks are PostgreSQL's (SQLite serialises writers), so this race runs there only.
@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_accepting_while_a_claim_is_approved_keeps_every_share_above_its_promises(
        app, make_grant, make_claim, pay_installment):
    case = make_grant()
    first, _ = _ids(case)
    movable = first.awarded_amount - amendment_history.states(case.grant)[str(first.id)].floor
    amendment = _transfer(case, str(movable))  # everything the coordinator has left
    claim = make_claim(case, lines=(("A", "broadband", "40000.00"),))  # the coordinator's
    ids = (amendment.id, claim.id, case.coordinator.id, case.finance.id)

    def accept():
        amendments.decide(ids[0], by=db.session.get(User, ids[2]), decision="accept")

    def approve():
        claims.decide_claim(ids[1], by=db.session.get(User, ids[3]), approve=True)

    outcomes = _race(app, [accept, approve] * 10)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    db.session.expire_all()
    # Whichever held the lock first: accepted before the approval, which then priced the
    # claim on the new share; or refused after it, on the approval's promise.
    accepted = db.session.get(GrantAmendment, ids[0]).status == "accepted"
    assert outcomes.count("done") == (2 if accepted else 1), outcomes
    assert db.session.get(ExpenseClaim, ids[1]).status == "approved"
    pay_installment(case, 1)
    pay_installment(case, 2)
    grant = db.session.get(Grant, case.grant.id)
    assert grant.awarded_amount == sum(b.awarded_amount for b in grant.beneficiaries)
    for beneficiary in grant.beneficiaries:
        assert beneficiary.disbursed_amount <= beneficiary.awarded_amount


def test_an_organisation_the_call_funds_at_zero_cannot_join(make_grant, make_call,
                                                            make_organisation):
    from tests.factories.grants import PAYMENT_MODEL

    call = make_call(payment_model=PAYMENT_MODEL, funding_rates={
        "default": "1.00", "by_org_type": {"OTH": "0"}})
    case = make_grant(call=call)
    first, _ = _ids(case)
    make_organisation("Zero Rate Association", org_type="OTH", identifier="PIC-999000222")
    with pytest.raises(DomainError, match="at 0 %"):  # accepting it divided by zero: a 500
        amendments.propose(
            case.grant.id, by=case.officer, kind="beneficiary_added", reason="Expertise",
            changes={"organisation": "PIC-999000222", "category": "A",
                     "ict_category": "broadband", "taken_from": {str(first.id): "1000.00"}})


def test_two_proposals_sent_at_the_same_moment_give_one_conflict(make_grant, monkeypatch):
    case = make_grant()
    _transfer(case, "100.00")
    # The second request read "no open proposal" before the first one committed.
    monkeypatch.setattr(amendments, "open_proposal", lambda grant: None)
    with pytest.raises(Conflict, match="already proposed"):  # was an IntegrityError: a 500
        _transfer(case, "200.00", by=case.coordinator)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(GrantAmendment.id))) == 1
