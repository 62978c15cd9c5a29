"""Paying installments and reversing payments, so that nothing is ever paid twice or too much.

Three guards hold in one transaction: the grant row is locked (PostgreSQL
FOR UPDATE), every state change is a conditional UPDATE whose row count is
checked (which is what protects SQLite), and the database refuses a total above
the grant (CHECK) and a second use of a form's one-time key (UNIQUE).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.mail import send_mail
from app.grants.labels import INSTALLMENT_STATUS_NAMES
from app.grants.models import (
    ClaimLine,
    Disbursement,
    DisbursementShare,
    ExpenseClaim,
    Grant,
    GrantPlanLine,
    Installment,
    PaymentBatchItem,
)
from app.grants.rules.allocation import allocate_payment, reverse_allocation
from app.grants.rules.lifecycle import (
    ClaimStatus,
    DisbursementStatus,
    GrantStatus,
    InstallmentStatus,
)
from app.grants.rules.payments import InstallmentKind, OverpaymentError, check_disbursement
from app.grants.services import shares
from app.grants.services.languages import language_of
from app.grants.services.permissions import get_grant, require


def new_idempotency_key() -> str:
    """The one-time key a payment form carries (hidden), so its POST counts once."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class PaymentResult:
    disbursement: Disbursement
    replayed: bool  # True when the key had been used: nothing new was paid


def find_by_key(idempotency_key: str) -> Disbursement | None:
    return db.session.scalar(
        select(Disbursement).where(Disbursement.idempotency_key == idempotency_key))


def recorded_once(record: Callable[[], PaymentResult], idempotency_key: str) -> PaymentResult:
    """Run `record` (a payment or a cancellation) at most once per one-time form key.

    When a racing request with the same key stored its record first, the database refuses
    ours (UNIQUE): the transaction is spoilt, so it is rolled back, and the twin's record is
    the answer. Any other refusal by the database is a bug and goes on up.
    """
    try:
        return record()
    except IntegrityError:
        db.session.rollback()
        existing = find_by_key(idempotency_key)
        if existing is None:
            raise
        return PaymentResult(existing, replayed=True)


def get_installment(installment_id: int, *, by: User) -> Installment:
    installment = db.session.get(Installment, installment_id)
    if installment is None:
        raise NotFound(_("There is no such installment, or you may not see it."))
    get_grant(installment.grant_id, by=by)
    return installment


def get_disbursement(disbursement_id: int, *, by: User) -> Disbursement:
    disbursement = db.session.scalar(select(Disbursement).where(
        Disbursement.id == disbursement_id).options(selectinload(Disbursement.installment)))
    if disbursement is None:
        raise NotFound(_("There is no such payment, or you may not see it."))
    get_grant(disbursement.grant_id, by=by)
    return disbursement


def _replay(key: str, installment_id: int) -> PaymentResult | None:
    existing = find_by_key(key)
    if existing is None:
        return None
    if existing.installment_id != installment_id:
        raise Conflict(_("This form was already used for another payment; reload the page."))
    return PaymentResult(existing, replayed=True)


def _locked_grant(grant_id: int, by: User) -> Grant:
    grant = get_grant(grant_id, by=by, for_update=True)
    require(by.is_staff_of(grant.call.funder_id, Role.finance_officer),
            _("Only a finance officer of the funder executes payments."))
    return grant


def _conditional(statement) -> bool:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def _weights(grant: Grant, installment: Installment):
    """Beneficiary and ICT weights: the approved claim's lines, else the grant's plan."""
    if installment.claim_id is not None:
        rows = db.session.execute(select(ClaimLine.beneficiary_id, ClaimLine.ict_category,
                                         ClaimLine.amount)
                                  .where(ClaimLine.claim_id == installment.claim_id)).all()
        beneficiaries: dict[str, Decimal] = {}
        for beneficiary_id, _category, amount in rows:
            beneficiaries[str(beneficiary_id)] = beneficiaries.get(str(beneficiary_id), 0) + amount
    else:
        rows = db.session.execute(select(GrantPlanLine.beneficiary_id,
                                         GrantPlanLine.ict_category, GrantPlanLine.amount)
                                  .where(GrantPlanLine.grant_id == grant.id)).all()
        beneficiaries = {str(b.id): b.awarded_amount for b in grant.beneficiaries}
    ict: dict[str, dict[str, Decimal]] = {}
    for beneficiary_id, code, amount in rows:
        per = ict.setdefault(str(beneficiary_id), {})
        per[code] = per.get(code, 0) + amount
    if not any(beneficiaries.values()):  # nothing to weigh by: share by awarded amounts
        beneficiaries = {str(b.id): b.awarded_amount for b in grant.beneficiaries}
    return beneficiaries, ict


def _refuse_if_batched(installment_id: int, batch_id: int | None) -> None:
    """An installment in an open payment batch is paid by executing that batch only, so the
    bank file and the records never disagree."""
    other = db.session.scalar(select(PaymentBatchItem.batch_id).where(
        PaymentBatchItem.installment_id == installment_id, PaymentBatchItem.is_open))
    if other is not None and other != batch_id:
        raise Conflict(_("This installment is in payment batch #%(number)s: execute or discard "
                         "that batch.", number=other))


def execute_installment(installment_id: int, *, by: User, value_date: date,
                        bank_reference: str, idempotency_key: str,
                        batch_id: int | None = None) -> PaymentResult:
    """Pay one payable installment in full, or return the payment this key already made.

    `batch_id`: the payment batch executing it (payments.batches), the only way to pay an
    installment that is in an open batch.
    """
    if not idempotency_key:
        raise DomainError(_("The form has expired; reload the page and try again."))
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise DomainError(_("Enter the bank reference of the transfer."), field="bank_reference")
    installment = get_installment(installment_id, by=by)
    grant = _locked_grant(installment.grant_id, by)
    if replay := _replay(idempotency_key, installment.id):
        return replay
    _refuse_if_batched(installment.id, batch_id)
    db.session.refresh(installment)
    if installment.status != InstallmentStatus.PAYABLE:
        raise Conflict(_("This installment is not payable: it is %(status)s.",
                         status=INSTALLMENT_STATUS_NAMES[installment.status]))
    claim = db.session.get(ExpenseClaim, installment.claim_id) if installment.claim_id else None
    if claim is not None and claim.status != ClaimStatus.APPROVED:
        raise Conflict(_("The claim behind this installment is not approved."))
    amount = installment.payable_amount
    try:
        check_disbursement(grant.awarded_amount, grant.disbursed_amount, amount)
    except OverpaymentError as error:
        raise Conflict(str(error)) from None
    # The authoritative guards: each UPDATE changes exactly one row or nothing happens.
    if not _conditional(update(Installment).where(
            Installment.id == installment.id, Installment.status == InstallmentStatus.PAYABLE)
            .values(status=InstallmentStatus.PAID)):
        return _replay(idempotency_key, installment.id) or _refuse_paid()
    if not _conditional(update(Grant).where(
            Grant.id == grant.id,
            Grant.disbursed_amount + amount <= Grant.awarded_amount)
            .values(disbursed_amount=Grant.disbursed_amount + amount)):
        raise Conflict(_("Paying this would exceed the awarded grant."))
    if claim is not None and not _conditional(update(ExpenseClaim).where(
            ExpenseClaim.id == claim.id, ExpenseClaim.status == ClaimStatus.APPROVED)
            .values(status=ClaimStatus.PAID)):
        raise Conflict(_("The claim behind this installment is not approved."))
    next_status = (GrantStatus.CLOSED if installment.kind == InstallmentKind.FINAL
                   else GrantStatus.ACTIVE)
    db.session.execute(update(Grant).where(Grant.id == grant.id).values(
        status=next_status, closed_at=utcnow() if next_status == GrantStatus.CLOSED else None)
        .execution_options(synchronize_session=False))
    disbursement = Disbursement(
        grant_id=grant.id, installment_id=installment.id, amount=amount, value_date=value_date,
        bank_reference=bank_reference[:60], idempotency_key=idempotency_key,
        status=DisbursementStatus.EXECUTED, executed_by_id=by.id)
    # Each beneficiary gets its own part, within its own share (rules/shares.py).
    parts = shares.installment_parts(grant, installment)
    shares.book_parts(grant, parts)
    _shares, ict = _weights(grant, installment)
    for (beneficiary_id, code), part in allocate_payment(amount, parts, ict).items():
        disbursement.shares.append(DisbursementShare(
            beneficiary_id=int(beneficiary_id), ict_category=code, amount=part))
    db.session.add(disbursement)
    db.session.flush()  # a reused key fails here, on the unique constraint
    for stale in (grant, installment, claim):
        if stale is not None:
            db.session.expire(stale)
    audit.record(by, "disbursement.executed", disbursement, {
        "grant_id": grant.id, "installment_id": installment.id, "amount": str(amount),
        "value_date": value_date.isoformat(), "bank_reference": disbursement.bank_reference})
    with language_of(grant.application.created_by):
        send_mail(grant.application.created_by.email,
                  _("Payment for grant %(number)s", number=grant.agreement_number),
                  _("%(amount)s %(currency)s was paid for grant %(number)s (value date "
                    "%(date)s, reference %(reference)s).", amount=format(amount, ",.2f"),
                    currency=grant.call.currency, number=grant.agreement_number,
                    date=value_date.isoformat(), reference=disbursement.bank_reference))
    return PaymentResult(disbursement, replayed=False)


def _refuse_paid():
    raise Conflict(_("This installment was paid meanwhile, by someone else; nothing was paid now."))


def reverse_disbursement(disbursement_id: int, *, by: User, reason: str, value_date: date,
                         idempotency_key: str) -> PaymentResult:
    """Cancel a payment with a negative record; the installment becomes payable again."""
    if not idempotency_key:
        raise DomainError(_("The form has expired; reload the page and try again."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the payment is cancelled."), field="reason")
    original = get_disbursement(disbursement_id, by=by)
    grant = _locked_grant(original.grant_id, by)
    existing = find_by_key(idempotency_key)
    if existing is not None:
        if existing.reverses_id != original.id:
            raise Conflict(_("This form was already used for another payment; reload the page."))
        return PaymentResult(existing, replayed=True)
    if original.reverses_id is not None:
        raise Conflict(_("A reversal cannot itself be reversed."))
    if not _conditional(update(Disbursement).where(
            Disbursement.id == original.id, Disbursement.status == DisbursementStatus.EXECUTED)
            .values(status=DisbursementStatus.CANCELLED)):
        raise Conflict(_("This payment is already cancelled."))
    amount = original.amount
    if not _conditional(update(Grant).where(
            Grant.id == grant.id, Grant.disbursed_amount - amount >= 0)
            .values(disbursed_amount=Grant.disbursed_amount - amount,
                    status=GrantStatus.ACTIVE, closed_at=None)):
        raise Conflict(_("The grant's paid total is lower than this payment."))
    if not _conditional(update(Installment).where(
            Installment.id == original.installment_id,
            Installment.status == InstallmentStatus.PAID)
            .values(status=InstallmentStatus.PAYABLE)):
        raise Conflict(_("The installment of this payment is not marked paid."))
    installment = db.session.get(Installment, original.installment_id)
    if installment.claim_id is not None:
        db.session.execute(update(ExpenseClaim).where(
            ExpenseClaim.id == installment.claim_id, ExpenseClaim.status == ClaimStatus.PAID)
            .values(status=ClaimStatus.APPROVED).execution_options(synchronize_session=False))
    reversal = Disbursement(
        grant_id=grant.id, installment_id=original.installment_id, amount=-amount,
        value_date=value_date, bank_reference=original.bank_reference,
        idempotency_key=idempotency_key, status=DisbursementStatus.REVERSAL,
        reverses_id=original.id, reason=reason, executed_by_id=by.id)
    parts = {(str(s.beneficiary_id), s.ict_category): s.amount for s in original.shares}
    returned: dict[str, Decimal] = {}
    for (beneficiary_id, _category), part in parts.items():
        returned[beneficiary_id] = returned.get(beneficiary_id, Decimal("0.00")) - part
    shares.book_parts(grant, returned)
    for (beneficiary_id, code), part in reverse_allocation(parts).items():
        reversal.shares.append(DisbursementShare(
            beneficiary_id=int(beneficiary_id), ict_category=code, amount=part))
    db.session.add(reversal)
    db.session.flush()
    for stale in (grant, installment, original):
        db.session.expire(stale)
    audit.record(by, "disbursement.reversed", reversal, {
        "reverses_id": original.id, "amount": str(-amount), "reason": reason})
    return PaymentResult(reversal, replayed=False)
