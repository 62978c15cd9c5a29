"""Grant amendments: one side proposes, the other accepts; accepted, it is the next version.

Accepting holds the grant's row lock (the one payments and claim decisions take), reads what
each beneficiary was paid or promised, and refuses any share below that (the rule), while
the conditional UPDATE of each share and the CHECK disbursed <= awarded guard the database.
Shares are kept per version (grant_share_versions) with the day they took effect.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Organisation, User
from app.applications.models import Participant, ParticipantRole
from app.calls.rules.finance import COST_CATEGORY_LABELS, INDIRECT_CATEGORY, ICTCategory
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.grants.models import (
    Grant,
    GrantAmendment,
    GrantBeneficiary,
    GrantPlanLine,
    GrantShareVersion,
    Installment,
)
from app.grants.rules import amendments as rule
from app.grants.rules.agreement import AgreementError, duration_in_months
from app.grants.rules.amendments import AmendmentKind, AmendmentStatus, Side
from app.grants.rules.lifecycle import GrantStatus, InstallmentStatus
from app.grants.rules.payments import PaymentModel, payment_schedule
from app.grants.services import agreement_document, state_aid
from app.grants.services import shares as positions
from app.grants.services.amendment_history import current_version, open_proposal, side_of, states
from app.grants.services.permissions import get_grant, require

AMENDABLE = (GrantStatus.SIGNED, GrantStatus.ACTIVE)


def amendable_grant(grant_id: int, by: User, *, for_update: bool = False) -> tuple[Grant, Side]:
    grant = get_grant(grant_id, by=by, for_update=for_update)
    side = side_of(by, grant)
    require(side is not None, "Only the funder's programme officer and the coordinator agree "
                              "amendments.")
    if grant.status not in AMENDABLE:
        raise Conflict("Only a signed grant that is not closed can be amended.")
    return grant, side


def _refused(error: rule.AmendmentError | AgreementError | ValueError) -> DomainError:
    return DomainError(str(error), field=getattr(error, "field", None))


def _amount(value) -> Decimal:
    return Decimal(value or 0).quantize(rule.CENT)


def _beneficiary(grant: Grant, beneficiary_id) -> GrantBeneficiary:
    found = next((b for b in grant.beneficiaries if str(b.id) == str(beneficiary_id)), None)
    if found is None:
        raise NotFound("There is no such beneficiary in this grant.")
    return found


def _organisation(identifier: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.identifier == (identifier or "").strip()))
    if organisation is None:
        raise DomainError("No organisation registered in OpenCall has this identifier.",
                          field="organisation")
    return organisation


def new_shares(grant: Grant, kind: str, changes: dict) -> dict[str, Decimal] | None:
    """The shares the amendment leads to from today's positions (None: shares unchanged)."""
    current = states(grant)
    try:
        if kind == AmendmentKind.BENEFICIARY_TRANSFER:
            new = rule.transfer_between(current, changes["giver"], changes["receiver"],
                                        _amount(changes["amount"]))
        elif kind == AmendmentKind.BENEFICIARY_LEAVING:
            new = rule.leaving(current, changes["leaver"],
                               {k: _amount(v) for k, v in changes["to"].items()})
        elif kind == AmendmentKind.BENEFICIARY_ADDED:
            new = rule.added(current, "new", {k: _amount(v)
                                              for k, v in changes["taken_from"].items()})
        else:
            return None
        rule.check_new_shares(current, new, grant.awarded_amount)
    except rule.AmendmentError as error:
        raise _refused(error) from None
    return new


def _check_kind(grant: Grant, kind: str, changes: dict) -> str:
    """Validate what is proposed against today's figures; a one-line summary of it."""
    cur = grant.call.currency
    new = new_shares(grant, kind, changes)
    if kind == AmendmentKind.BENEFICIARY_TRANSFER:
        giver, receiver = (_beneficiary(grant, changes[k]) for k in ("giver", "receiver"))
        return (f"{_amount(changes['amount']):,.2f} {cur} of {giver.organisation.name}'s share"
                f" to {receiver.organisation.name}")
    if kind == AmendmentKind.BENEFICIARY_LEAVING:
        leaver = _beneficiary(grant, changes["leaver"])
        return (f"{leaver.organisation.name} leaves; it keeps "
                f"{new[str(leaver.id)]:,.2f} {cur}, its unpaid share goes to the others")
    if kind == AmendmentKind.BENEFICIARY_ADDED:
        organisation = db.session.get(Organisation, changes["organisation_id"])
        if any(b.organisation_id == organisation.id for b in grant.beneficiaries):
            raise DomainError("This organisation is already a beneficiary of the grant.",
                              field="organisation")
        if grant.de_minimis:
            raise DomainError("A beneficiary cannot join a de minimis grant by amendment: its "
                              "de minimis headroom was not checked.", field="organisation")
        if not positions.rate_for(grant.call, organisation):  # its costs would earn nothing
            raise DomainError("The call funds this kind of organisation at 0 %: it cannot "
                              "receive a share.", field="organisation")
        return f"{organisation.name} joins with a share of {new['new']:,.2f} {cur}"
    if kind == AmendmentKind.CATEGORY_TRANSFER:
        beneficiary = _beneficiary(grant, changes["beneficiary"])
        _category_cuts(grant, beneficiary, changes)
        return (f"{_amount(changes['amount']):,.2f} {cur} of {beneficiary.organisation.name}'s"
                f" planned costs from {COST_CATEGORY_LABELS[changes['source']]} to"
                f" {COST_CATEGORY_LABELS[changes['target']]}")
    if kind == AmendmentKind.END_DATE:
        end = date.fromisoformat(changes["end_date"])
        try:
            rule.check_end_date(grant.start_date, grant.end_date, end, utcnow().date())
            _schedule(grant, duration_in_months(grant.start_date, end))
        except (rule.AmendmentError, AgreementError, ValueError) as error:
            raise _refused(error) from None
        return f"The grant ends on {end:%d %B %Y} instead of {grant.end_date:%d %B %Y}"
    raise DomainError("Choose what the amendment changes.")


def _category_cuts(grant: Grant, beneficiary: GrantBeneficiary, changes: dict) -> dict:
    if {changes["source"], changes["target"]} & {INDIRECT_CATEGORY} or not {
            changes["source"], changes["target"]} <= set(COST_CATEGORY_LABELS):
        raise DomainError("Choose two direct cost categories.", field="target")
    own = positions.positions(grant)[str(beneficiary.id)]
    lines = {str(line.id): (line.category, line.amount) for line in grant.plan_lines
             if line.beneficiary_id == beneficiary.id}
    try:
        return rule.category_transfer(lines, own.accepted_before, changes["source"],
                                      changes["target"], _amount(changes["amount"]))
    except rule.AmendmentError as error:
        raise _refused(error) from None


def _schedule(grant: Grant, duration: int):
    return payment_schedule(grant.awarded_amount, PaymentModel.from_dict(grant.payment_model),
                            start=grant.start_date, duration_months=duration)


def propose(grant_id: int, *, by: User, kind: str, reason: str, changes: dict) -> GrantAmendment:
    """Record a proposal; the other side is asked to accept it. Checked against today's
    figures now, and again, under the grant lock, when it is accepted."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the grant is amended.", field="reason")
    if kind not in {k.value for k in AmendmentKind}:
        raise DomainError("Choose what the amendment changes.")
    grant, side = amendable_grant(grant_id, by=by)
    if kind == AmendmentKind.BENEFICIARY_ADDED:
        changes = {**changes, "organisation_id": _organisation(changes.pop("organisation")).id}
        if changes.get("ict_category") not in {c.value for c in ICTCategory}:
            raise DomainError("Choose an ICT category.", field="ict_category")
        if changes.get("category") not in set(COST_CATEGORY_LABELS) - {INDIRECT_CATEGORY}:
            raise DomainError("Choose a direct cost category.", field="category")
    if open_proposal(grant) is not None:
        raise Conflict("An amendment of this grant is already proposed: accept, refuse or "
                       "withdraw it first.")
    summary = _check_kind(grant, kind, changes)
    amendment = GrantAmendment(
        grant_id=grant.id, kind=kind, status=AmendmentStatus.PROPOSED, reason=reason[:4000],
        changes={**changes, "summary": summary}, proposed_side=side, proposed_by_id=by.id)
    try:
        with db.session.begin_nested():  # the partial unique index refuses a second proposal
            db.session.add(amendment)
    except IntegrityError:  # sent at the same moment as another one
        raise Conflict("An amendment of this grant is already proposed: accept, refuse or "
                       "withdraw it first.") from None
    audit.record(by, "grant.amendment_proposed", amendment, {
        "grant_id": grant.id, "kind": kind, "summary": summary, "reason": amendment.reason})
    return amendment


def get_amendment(amendment_id: int, *, by: User) -> GrantAmendment:
    amendment = db.session.get(GrantAmendment, amendment_id)
    if amendment is None:
        raise NotFound("There is no such amendment, or you may not see it.")
    get_grant(amendment.grant_id, by=by)
    return amendment


def _close(amendment: GrantAmendment, status: AmendmentStatus, by: User, **values) -> None:
    """Move a proposal on by a conditional UPDATE: two decisions at once cannot both win."""
    moved = db.session.execute(update(GrantAmendment).where(
        GrantAmendment.id == amendment.id, GrantAmendment.status == AmendmentStatus.PROPOSED)
        .values(status=status, decided_by_id=by.id, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict("This amendment was decided meanwhile; reload the page.")
    db.session.expire(amendment)


def decide(amendment_id: int, *, by: User, decision: str, reason: str = "") -> GrantAmendment:
    """accept (the other side), refuse (the other side, with a reason) or withdraw (the
    side that proposed)."""
    amendment = get_amendment(amendment_id, by=by)
    grant, side = amendable_grant(amendment.grant_id, by=by, for_update=True)
    db.session.refresh(amendment)
    if amendment.status != AmendmentStatus.PROPOSED:
        raise Conflict("This amendment is no longer open: it was "
                       f"{AmendmentStatus(amendment.status).label.lower()}.")
    if decision not in ("accept", "refuse", "withdraw"):
        raise DomainError("Choose accept, refuse or withdraw.")
    try:
        rule.check_decision(Side(amendment.proposed_side), side,
                            withdraw=decision == "withdraw")
    except rule.AmendmentError as error:
        raise DomainError(str(error)) from None
    reason = (reason or "").strip()[:4000]
    if decision == "refuse" and not reason:
        raise DomainError("Say why the amendment is refused.", field="reason")
    if decision != "accept":
        status = AmendmentStatus.WITHDRAWN if decision == "withdraw" else AmendmentStatus.REFUSED
        _close(amendment, status, by, decision_reason=reason or None)
        audit.record(by, f"grant.amendment_{status.value}", amendment,
                     {"grant_id": grant.id, "reason": reason})
        return amendment
    return _accept(grant, amendment, by)


def _accept(grant: Grant, amendment: GrantAmendment, by: User) -> GrantAmendment:
    today = utcnow().date()
    version = current_version(grant) + 1
    _keep_first_version(grant)
    before = {str(b.id): str(b.awarded_amount) for b in grant.beneficiaries}
    _check_kind(grant, amendment.kind, amendment.changes)  # again, on today's locked figures
    new = new_shares(grant, amendment.kind, amendment.changes)
    if new is not None:
        if "new" in new:
            share = new.pop("new")
            new[str(_add_beneficiary(grant, amendment.changes, share, today).id)] = share
        _set_shares(grant, new)
    if amendment.kind == AmendmentKind.BENEFICIARY_LEAVING:
        _beneficiary(grant, amendment.changes["leaver"]).left_on = today
    elif amendment.kind == AmendmentKind.CATEGORY_TRANSFER:
        _move_category(grant, amendment)
    elif amendment.kind == AmendmentKind.END_DATE:
        _move_end_date(grant, date.fromisoformat(amendment.changes["end_date"]))
    _close(amendment, AmendmentStatus.ACCEPTED, by, version=version, valid_from=today)
    db.session.flush()
    for beneficiary in grant.beneficiaries:
        db.session.refresh(beneficiary)
        db.session.add(GrantShareVersion(grant_id=grant.id, beneficiary_id=beneficiary.id,
                                         version=version, share=beneficiary.awarded_amount,
                                         valid_from=today))
    db.session.flush()
    db.session.refresh(amendment)  # _close expired it: its version and day are needed now
    agreement_document.store_amended_agreement(grant, amendment)
    audit.record(by, "grant.amendment_accepted", amendment, {
        "grant_id": grant.id, "version": version, "kind": amendment.kind,
        "document_sha256": amendment.document_sha256,
        "summary": amendment.changes.get("summary"), "shares_before": before,
        "shares_after": {str(b.id): str(b.awarded_amount) for b in grant.beneficiaries}})
    return amendment


def _keep_first_version(grant: Grant) -> None:
    """Before the first amendment changes anything: the agreement's shares as version 1."""
    exists = db.session.scalar(select(GrantShareVersion.id).where(
        GrantShareVersion.grant_id == grant.id).limit(1))
    if exists is None:
        for beneficiary in grant.beneficiaries:
            db.session.add(GrantShareVersion(
                grant_id=grant.id, beneficiary_id=beneficiary.id, version=rule.FIRST_VERSION,
                share=beneficiary.awarded_amount, valid_from=grant.start_date))


def _set_shares(grant: Grant, new: dict[str, Decimal]) -> None:
    """Each changed share by a conditional UPDATE (never below what was paid), its planned
    costs scaled with it; a raised de minimis share fits its undertaking's headroom today."""
    if grant.de_minimis:
        state_aid.check_raised_shares(grant, new, on=utcnow().date())
    for beneficiary in list(grant.beneficiaries):
        old, share = beneficiary.awarded_amount, new[str(beneficiary.id)]
        if share == old:
            continue
        lines = [line for line in grant.plan_lines if line.beneficiary_id == beneficiary.id]
        scaled = rule.scaled_plan({str(x.id): x.amount for x in lines}, old, share)
        for line in lines:
            line.amount = scaled[str(line.id)]
        changed = db.session.execute(update(GrantBeneficiary).where(
            GrantBeneficiary.id == beneficiary.id,
            GrantBeneficiary.disbursed_amount <= share).values(awarded_amount=share)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise Conflict(f"{beneficiary.organisation.name} was paid more than its new share "
                           "meanwhile; nothing was changed.")
        db.session.expire(beneficiary)


def _add_beneficiary(grant: Grant, changes: dict, share: Decimal,
                     today: date) -> GrantBeneficiary:
    """The newcomer joins the consortium (an accepted participant) and the grant."""
    organisation = db.session.get(Organisation, changes["organisation_id"])
    application = grant.application
    participant = next((p for p in application.participants
                        if p.organisation_id == organisation.id), None)
    if participant is None:
        contact = db.session.scalar(select(User.id).where(
            User.organisation_id == organisation.id).order_by(User.id).limit(1))
        participant = Participant(application_id=application.id, organisation_id=organisation.id,
                                  role=ParticipantRole.PARTNER, accepted_at=utcnow(),
                                  contact_user_id=contact)
        db.session.add(participant)
    rate = positions.rate_for(grant.call, organisation)
    beneficiary = GrantBeneficiary(
        grant_id=grant.id, participant=participant, organisation=organisation,
        role=ParticipantRole.PARTNER, requested_amount=Decimal("0.00"), awarded_amount=share,
        funding_rate=str(rate))
    db.session.add(beneficiary)
    db.session.flush()
    # Planned costs that earn its share at its own rate, so it can claim them.
    db.session.add(GrantPlanLine(
        grant_id=grant.id, beneficiary_id=beneficiary.id, category=changes["category"],
        ict_category=changes["ict_category"], amount=(share / rate).quantize(rule.CENT),
        description=f"Joined by amendment on {today.isoformat()}"))
    db.session.flush()
    db.session.refresh(grant)
    return beneficiary


def _move_category(grant: Grant, amendment: GrantAmendment) -> None:
    changes = amendment.changes
    beneficiary = _beneficiary(grant, changes["beneficiary"])
    cuts = _category_cuts(grant, beneficiary, changes)
    by_id = {str(line.id): line for line in grant.plan_lines}
    for key, cut in cuts.items():
        by_id[key].amount -= cut
    largest = max((by_id[key] for key in cuts), key=lambda line: line.amount + cuts[str(line.id)])
    db.session.add(GrantPlanLine(
        grant_id=grant.id, beneficiary_id=beneficiary.id, category=changes["target"],
        ict_category=largest.ict_category, open_source=largest.open_source,
        amount=_amount(changes["amount"]),
        description=f"Moved from {COST_CATEGORY_LABELS[changes['source']]} by amendment"))


def _move_end_date(grant: Grant, end: date) -> None:
    """The new end and duration; installments not yet payable move to the new schedule."""
    duration = duration_in_months(grant.start_date, end)
    due = {item.sequence: item.due_date for item in _schedule(grant, duration)}
    grant.end_date, grant.duration_months = end, duration
    for installment in db.session.scalars(select(Installment).where(
            Installment.grant_id == grant.id, Installment.status == InstallmentStatus.PLANNED)):
        installment.due_date = due.get(installment.sequence, installment.due_date)
