"""Expense claim use cases: open, fill in, attach PDFs, submit, assess and decide."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from werkzeug.utils import secure_filename

from app.accounts.models import Role, User
from app.applications.rules.submission import attachment_problem
from app.calls.rules.finance import (
    INDIRECT_CATEGORY,
    CostCategory,
    ICTCategory,
    PaymentModel,
    validate_amount,
)
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import translate
from app.core.mail import send_mail
from app.core.money import format_money
from app.core.uploads import bytes_uploaded_by, pdf_problem, quota_problem
from app.grants.models import (
    ClaimDocument,
    ClaimLine,
    ExpenseClaim,
    Grant,
    GrantBeneficiary,
    Installment,
)
from app.grants.rules.agreement import period_not_started, reporting_periods
from app.grants.rules.lifecycle import (
    CLAIM_MOVES,
    LIVE_CLAIM_STATUSES,
    ClaimStatus,
    GrantStatus,
    InstallmentStatus,
    InvalidMove,
    check_move,
)
from app.grants.rules.shares import SplitAssessment, assess_by_beneficiary
from app.grants.services import shares
from app.grants.services.budgets import indirect_rate_of
from app.grants.services.languages import language_of
from app.grants.services.permissions import get_grant, is_coordinator, require

ZERO = Decimal("0.00")
CLAIMABLE_GRANT_STATUSES = frozenset({GrantStatus.SIGNED, GrantStatus.ACTIVE})
SETTLED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def periods_of(grant: Grant):
    model = PaymentModel.from_dict(grant.payment_model)
    return reporting_periods(grant.start_date, grant.duration_months, model.interim_count)


def get_claim(claim_id: int, *, by: User) -> ExpenseClaim:
    claim = db.session.scalar(select(ExpenseClaim).where(ExpenseClaim.id == claim_id).options(
        selectinload(ExpenseClaim.lines).selectinload(ClaimLine.beneficiary)
        .selectinload(GrantBeneficiary.organisation),
        selectinload(ExpenseClaim.documents)))
    if claim is None:
        raise NotFound(_("There is no such claim, or you may not see it."))
    get_grant(claim.grant_id, by=by)  # raises NotFound for those who may not see the grant
    return claim


def _editable(claim_id: int, by: User) -> ExpenseClaim:
    claim = get_claim(claim_id, by=by)
    require(is_coordinator(by, claim.grant), _("Only the coordinator prepares claims."))
    if claim.status != ClaimStatus.DRAFT:
        raise Conflict(_("This claim is submitted and can no longer change."))
    return claim


def _move(claim: ExpenseClaim, target: ClaimStatus) -> None:
    try:
        check_move(CLAIM_MOVES, claim.status, target, "claim")
    except InvalidMove as error:
        raise Conflict(str(error)) from None
    claim.status = target


def open_claim(grant_id: int, *, by: User, period: int) -> ExpenseClaim:
    """A draft claim for a reporting period, once every earlier period is settled."""
    grant = get_grant(grant_id, by=by)
    require(is_coordinator(by, grant), _("Only the coordinator submits claims."))
    if grant.status not in CLAIMABLE_GRANT_STATUSES:
        raise Conflict(_("Claims can be made once the grant agreement is signed."))
    periods = {p.number: p for p in periods_of(grant)}
    if period not in periods:
        raise DomainError(_("Choose a reporting period from 1 to %(last)s.", last=len(periods)),
                          field="period")
    statuses = db.session.execute(
        select(ExpenseClaim.period, ExpenseClaim.status).where(ExpenseClaim.grant_id == grant.id)
    ).all()
    if any(p == period and s in LIVE_CLAIM_STATUSES for p, s in statuses):
        raise DomainError(_("This period already has a claim."), field="period")
    settled = {p for p, s in statuses if s in SETTLED}
    if missing := [n for n in range(1, period) if n not in settled]:
        raise DomainError(_("Period %(number)s needs an approved claim first.",
                            number=missing[0]), field="period")
    claim = ExpenseClaim(grant_id=grant.id, period=period, is_final=periods[period].is_final,
                         status=ClaimStatus.DRAFT, created_by_id=by.id)
    db.session.add(claim)
    db.session.flush()
    audit.record(by, "claim.opened", claim, {"grant_id": grant.id, "period": period})
    return claim


def add_claim_line(claim_id: int, *, by: User, beneficiary_id: int, category: str,
                   ict_category: str, amount: Decimal | str, description: str = "") -> ClaimLine:
    claim = _editable(claim_id, by)
    beneficiary = db.session.get(GrantBeneficiary, beneficiary_id)
    if beneficiary is None or beneficiary.grant_id != claim.grant_id:
        raise DomainError(_("Choose a beneficiary of this grant."), field="beneficiary_id")
    if beneficiary.left_on is not None:  # by an amendment: its share is closed
        raise DomainError(_("%(name)s left the grant on %(day)s: no more costs are claimed "
                            "for it.", name=beneficiary.organisation.name,
                            day=beneficiary.left_on.isoformat()), field="beneficiary_id")
    if category == INDIRECT_CATEGORY or category not in {c.value for c in CostCategory}:
        raise DomainError(_("Choose a direct cost category; indirect costs are computed."),
                          field="category")
    if ict_category not in {c.value for c in ICTCategory}:
        raise DomainError(_("Choose an ICT category."), field="ict_category")
    try:
        amount = validate_amount(amount)
    except ValueError as error:
        raise DomainError(translate(error.args[0]), field="amount") from None
    if amount <= 0:
        raise DomainError(_("The amount must be positive."), field="amount")
    line = ClaimLine(beneficiary=beneficiary, category=category, ict_category=ict_category,
                     description=description.strip()[:300], amount=amount)
    claim.lines.append(line)
    claim.claimed_amount = sum((item.amount for item in claim.lines), ZERO)
    db.session.flush()
    audit.record(by, "claim.line_added", claim, {
        "beneficiary_id": beneficiary.id, "category": category, "ict_category": ict_category,
        "amount": str(amount)})
    return line


def remove_claim_line(claim_id: int, line_id: int, *, by: User) -> None:
    claim = _editable(claim_id, by)
    line = next((item for item in claim.lines if item.id == line_id), None)
    if line is None:
        raise NotFound(_("There is no such claim line."))
    claim.lines.remove(line)
    claim.claimed_amount = sum((item.amount for item in claim.lines), ZERO)
    db.session.flush()
    audit.record(by, "claim.line_removed", claim, {"amount": str(line.amount)})


def add_claim_document(claim_id: int, *, by: User, filename: str, data: bytes) -> ClaimDocument:
    """Store a supporting PDF; the content must really be a PDF, whatever its name says."""
    claim = _editable(claim_id, by)
    # The same rules as an application's attachments: PDF by content, size limit.
    config = current_app.config
    if problem := attachment_problem(data, max_bytes=config["ATTACHMENT_MAX_BYTES"]) \
            or pdf_problem(data):
        raise DomainError(translate(problem), field="document")
    # FOR NO KEY UPDATE: rows that merely reference the user (audit events) still go in.
    db.session.execute(select(User.id).where(User.id == by.id)
                       .with_for_update(key_share=True))
    if problem := quota_problem(used=bytes_uploaded_by(by.id), adding=len(data),
                                quota=config["USER_FILES_QUOTA_BYTES"], whose="One user"):
        raise DomainError(problem, field="document")
    name = (secure_filename(filename) or "document.pdf")[:200]
    key = storage.new_key("claims", ".pdf")
    digest = storage.save(key, data)
    document = ClaimDocument(filename=name, size=len(data), sha256=digest,
                             storage_key=key, uploaded_by_id=by.id)
    claim.documents.append(document)
    db.session.flush()
    audit.record(by, "claim.document_added", claim, {"filename": name, "sha256": digest})
    return document


def get_claim_document(claim_id: int, document_id: int, *, by: User) -> ClaimDocument:
    claim = get_claim(claim_id, by=by)
    document = next((d for d in claim.documents if d.id == document_id), None)
    if document is None:
        raise NotFound(_("There is no such document."))
    return document


def submit_claim(claim_id: int, *, by: User) -> ExpenseClaim:
    claim = _editable(claim_id, by)
    if not claim.lines:
        raise DomainError(_("Add at least one cost line before submitting."))
    if not claim.documents:
        raise DomainError(_("Attach at least one supporting PDF before submitting."))
    period = {p.number: p for p in periods_of(claim.grant)}[claim.period]
    today = utcnow().astimezone(ZoneInfo(claim.grant.call.timezone)).date()
    if period_not_started(period, today):  # the rule's reason, in the user's language
        raise DomainError(_("Reporting period %(number)s starts on %(date)s: its claim can be "
                            "submitted from that day.", number=period.number,
                            date=format_date(period.start, "dd MMM yyyy")))
    _move(claim, ClaimStatus.SUBMITTED)
    claim.submitted_at = utcnow()
    db.session.flush()
    audit.record(by, "claim.submitted", claim, {"claimed": str(claim.claimed_amount)})
    officers = db.session.scalars(select(User).where(
        User.funder_id == claim.grant.call.funder_id, User.is_active_account.is_(True)))
    for officer in officers:
        if officer.is_staff_of(claim.grant.call.funder_id, Role.finance_officer):
            with language_of(officer):
                send_mail(officer.email, _("Claim for grant %(number)s",
                                           number=claim.grant.agreement_number),
                          _("A claim of %(amount)s %(currency)s for period %(period)s of grant "
                            "%(number)s waits for your decision in OpenCall.",
                            amount=format(claim.claimed_amount, ",.2f"),
                            currency=claim.grant.call.currency, period=claim.period,
                            number=claim.grant.agreement_number))
    return claim


def assess_claim(claim: ExpenseClaim, *, officer_amount: Decimal | None = None,
                 officer_reason: str = "") -> SplitAssessment:
    """What the claim is worth now, per beneficiary at its own rate and within its own share
    (rules/shares.py), counting money already paid or committed to each."""
    grant = claim.grant
    claimed: dict[str, dict[str, Decimal]] = {}
    for line in claim.lines:
        own = claimed.setdefault(str(line.beneficiary_id), {})
        own[line.category] = own.get(line.category, ZERO) + line.amount
    model = PaymentModel.from_dict(grant.payment_model)
    return assess_by_beneficiary(
        claimed, shares.positions(grant, excluding_claim_id=claim.id), is_final=claim.is_final,
        ceiling_rate=model.ceiling_rate, indirect_rate=indirect_rate_of(grant.call),
        officer_amount=officer_amount, officer_reason=officer_reason)


def _officer_amount(claim: ExpenseClaim, amount: Decimal, reason: str) -> Decimal | None:
    """The lower amount an officer approves, checked against the computed one first, so that
    the message says which case it is; the computed amount itself is a full approval."""
    computed = assess_claim(claim).payable
    currency = claim.grant.call.currency
    if amount > computed:
        raise DomainError(
            _("%(amount)s is more than the computed %(computed)s: approve in full, or enter a "
              "lower amount.", amount=format_money(amount, currency),
              computed=format_money(computed, currency)),
            field="amount")
    if amount == computed:
        return None
    if not reason:
        raise DomainError(_("Say why less than the computed %(computed)s is paid.",
                            computed=format_money(computed, currency)), field="reason")
    return amount


def decide_claim(claim_id: int, *, by: User, approve: bool, amount: Decimal | str | None = None,
                 reason: str = "") -> ExpenseClaim:
    """Approve fully, approve a lower amount (with a reason) or reject (with a reason).

    Approval makes the period's installment payable with the assessed amount; the
    conditional UPDATE guarantees that one installment takes one claim only.
    """
    claim = get_claim(claim_id, by=by)
    # The payment's lock: what was paid or committed cannot change while the claim is priced.
    grant = get_grant(claim.grant_id, by=by, for_update=True)
    require(by.is_staff_of(grant.call.funder_id, Role.finance_officer),
            _("Only a finance officer of the funder decides on claims."))
    reason = reason.strip()
    if not approve:
        if not reason:
            raise DomainError(_("Say why the claim is rejected."), field="reason")
        _move(claim, ClaimStatus.REJECTED)
        claim.decision_reason, claim.decided_by_id, claim.decided_at = reason, by.id, utcnow()
        db.session.flush()
        audit.record(by, "claim.rejected", claim, {"reason": reason})
        _tell_coordinator(claim, lambda: _(
            "Your claim for period %(period)s of grant %(number)s was rejected: %(reason)s",
            period=claim.period, number=grant.agreement_number, reason=reason))
        return claim
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict(_("Only a submitted claim can be approved."))
    officer_amount = None
    if amount not in (None, ""):
        try:
            officer_amount = validate_amount(amount)
        except ValueError as error:
            raise DomainError(translate(error.args[0]), field="amount") from None
        officer_amount = _officer_amount(claim, officer_amount, reason)
    try:
        assessment = assess_claim(claim, officer_amount=officer_amount, officer_reason=reason)
    except ValueError as error:
        raise DomainError(translate(error.args[0]), field="amount") from None
    _move(claim, ClaimStatus.APPROVED)
    claim.assessment = assessment.to_dict()
    claim.accepted_costs_amount = assessment.accepted_costs
    claim.payable_amount, claim.recovery_amount = assessment.payable, assessment.recovery
    claim.decision_reason, claim.decided_by_id, claim.decided_at = reason or None, by.id, utcnow()
    db.session.flush()
    status = (InstallmentStatus.PAYABLE if assessment.payable > 0
              else InstallmentStatus.NOTHING_TO_PAY)
    done = db.session.execute(
        update(Installment)
        .where(Installment.grant_id == grant.id, Installment.sequence == claim.period + 1,
               Installment.status == InstallmentStatus.PLANNED, Installment.claim_id.is_(None))
        .values(status=status, payable_amount=assessment.payable, claim_id=claim.id)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(_("The installment of this period already has an approved claim."))
    for installment in grant.installments:
        db.session.expire(installment)
    if status == InstallmentStatus.NOTHING_TO_PAY and claim.is_final \
            and grant.status == GrantStatus.ACTIVE:
        # Nothing left to pay after the final claim (perhaps a recovery): the grant is done.
        grant.status, grant.closed_at = GrantStatus.CLOSED, utcnow()
    audit.record(by, "claim.approved", claim, {
        "payable": str(assessment.payable), "accepted_costs": str(assessment.accepted_costs),
        "recovery": str(assessment.recovery), "reason": reason})
    _tell_coordinator(claim, lambda: _(
        "Your claim for period %(period)s of grant %(number)s was approved: %(amount)s "
        "%(currency)s will be paid.", period=claim.period, number=grant.agreement_number,
        amount=format(assessment.payable, ",.2f"), currency=grant.call.currency))
    return claim


def _tell_coordinator(claim: ExpenseClaim, text) -> None:
    """`text()` is called in the coordinator's language."""
    grant = claim.grant
    with language_of(grant.application.created_by):
        send_mail(grant.application.created_by.email,
                  _("Your claim for grant %(number)s", number=grant.agreement_number), text())
