"""Payment batches: a finance officer gathers payable installments of the funder, in one
currency, downloads their SEPA file (batch_files.py) and marks the batch executed.

Executing records every installment's payment through disbursements.execute_installment,
so the grant and beneficiary ceilings, locks and one-time keys all hold. A batch is paid
once: its row is locked (PostgreSQL FOR UPDATE) and moved open → executed by a conditional
UPDATE in the same transaction as the payments, each payment's one-time key is the batch's
and the installment's (UNIQUE), and the database ties "executed" to the bank's reference.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.calls.models import Call
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.grants.models import (
    Grant,
    GrantBeneficiary,
    Installment,
    PaymentBatch,
    PaymentBatchItem,
    PaymentBatchTransfer,
)
from app.grants.rules.lifecycle import BatchStatus, InstallmentStatus
from app.grants.services import disbursements, shares
from app.grants.services.bank_accounts import confirmed_accounts
from app.grants.services.sepa import checked_account

PER_PAGE = 25


@dataclass
class Candidate:
    """A payable installment of the funder, with each beneficiary's part and what, if
    anything, keeps it out of a batch."""

    installment: Installment
    parts: dict[GrantBeneficiary, Decimal]
    reasons: list[str] = field(default_factory=list)

    @property
    def batchable(self) -> bool:
        return not self.reasons


def require_finance(by: User) -> int:
    """The funder `by` pays for as a finance officer."""
    if not by.is_staff_of(by.funder_id, Role.finance_officer):
        raise Forbidden(_("Only a finance officer of a funder works with payment batches."))
    return by.funder_id


def parts_of(installment: Installment) -> dict[GrantBeneficiary, Decimal]:
    """Beneficiary -> its part of the installment, as the payment will book it."""
    grant = installment.grant
    by_id = {str(b.id): b for b in grant.beneficiaries}
    return {by_id[key]: part for key, part in shares.installment_parts(grant, installment).items()}


def candidates(*, by: User, currency: str) -> list[Candidate]:
    """The funder's payable installments in `currency`, oldest due first."""
    funder_id = require_finance(by)
    installments = list(db.session.scalars(
        select(Installment).join(Grant).join(Call)
        .where(Call.funder_id == funder_id, Call.currency == currency,
               Installment.status == InstallmentStatus.PAYABLE)
        .order_by(Installment.due_date, Installment.id)
        .options(selectinload(Installment.grant).selectinload(Grant.beneficiaries)
                 .selectinload(GrantBeneficiary.organisation))))
    open_items = dict(db.session.execute(select(
        PaymentBatchItem.installment_id, PaymentBatchItem.batch_id).where(
        PaymentBatchItem.installment_id.in_([i.id for i in installments]),
        PaymentBatchItem.is_open)).all())
    found = []
    for installment in installments:
        parts = parts_of(installment)
        accounts = confirmed_accounts(b.id for b in parts)
        reasons = [_("%(organisation)s has no confirmed bank details.",
                     organisation=b.organisation.name) for b in parts if b.id not in accounts]
        if not installment.payable_amount:
            reasons.insert(0, _("Nothing to pay."))
        if installment.id in open_items:
            reasons.insert(0, _("Already in payment batch #%(number)s.",
                                number=open_items[installment.id]))
        found.append(Candidate(installment, parts, reasons))
    return found


def payable_currencies(*, by: User) -> list[str]:
    funder_id = require_finance(by)
    return list(db.session.scalars(
        select(Call.currency).join(Grant, Grant.call_id == Call.id)
        .join(Installment, Installment.grant_id == Grant.id)
        .where(Call.funder_id == funder_id, Installment.status == InstallmentStatus.PAYABLE)
        .distinct().order_by(Call.currency)))


def last_debtor_account(*, by: User) -> PaymentBatch | None:
    """The funder's latest batch, whose debtor account a new batch starts from."""
    return db.session.scalar(select(PaymentBatch).where(
        PaymentBatch.funder_id == require_finance(by)).order_by(PaymentBatch.id.desc()))


def create_batch(*, by: User, currency: str, installment_ids: list[int], execution_date: date,
                 debtor_holder: str, debtor_iban: str, debtor_bic: str = "") -> PaymentBatch:
    funder_id = require_finance(by)
    if not installment_ids:
        raise DomainError(_("Choose at least one installment."), field="installment_ids")
    debtor = checked_account(debtor_holder, debtor_iban, debtor_bic)
    _lock_grants_of(installment_ids)
    offered = {c.installment.id: c for c in candidates(by=by, currency=currency)}
    refused = []
    for installment_id in installment_ids:
        candidate = offered.get(installment_id)
        if candidate is None:
            refused.append(_("Installment %(number)s is not payable in %(currency)s.",
                             number=installment_id, currency=currency))
        elif not candidate.batchable:
            number = candidate.installment.grant.agreement_number
            refused.extend(f"{number} #{candidate.installment.sequence}: {reason}"
                           for reason in candidate.reasons)
    if refused:
        raise DomainError(" ".join(refused), field="installment_ids")
    batch = PaymentBatch(funder_id=funder_id, currency=currency, execution_date=execution_date,
                         debtor_holder=debtor.holder, debtor_iban=debtor.iban,
                         debtor_bic=debtor.bic, created_by_id=by.id, status=BatchStatus.OPEN)
    chosen = [offered[installment_id] for installment_id in sorted(set(installment_ids))]
    # Read under the grant locks that confirming a bank account also takes: the accounts
    # copied here are the confirmed ones, and the file pays them whatever changes later.
    accounts = confirmed_accounts({b.id for candidate in chosen for b in candidate.parts})
    for candidate in chosen:
        item = PaymentBatchItem(installment_id=candidate.installment.id,
                                amount=candidate.installment.payable_amount)
        for beneficiary, part in candidate.parts.items():
            account = accounts[beneficiary.id]  # candidates() refused any without one
            item.transfers.append(PaymentBatchTransfer(
                beneficiary_id=beneficiary.id, amount=part, bank_account_id=account.id,
                creditor_holder=account.holder, creditor_iban=account.iban,
                creditor_bic=account.bic))
        batch.items.append(item)
    db.session.add(batch)
    db.session.flush()  # a concurrent batch of the same installment fails here (UNIQUE)
    audit.record(by, "payment_batch.created", batch, {
        "currency": currency, "installments": sorted(set(installment_ids)),
        "total": str(total_of(batch))})
    return batch


def _lock_grants_of(installment_ids: list[int]) -> None:
    """Hold the grant locks a single payment holds (in grant order, as everywhere), so that
    an installment is not paid on its own while it is being batched, nor batched while paid."""
    grant_ids = db.session.scalars(select(Installment.grant_id).where(
        Installment.id.in_(installment_ids)).distinct().order_by(Installment.grant_id)).all()
    if grant_ids:
        db.session.execute(select(Grant.id).where(Grant.id.in_(grant_ids))
                           .order_by(Grant.id).with_for_update())


def changed_since_batched(item: PaymentBatchItem) -> bool:
    """The installment is no longer paid as batched: paid meanwhile, a new amount, or (for
    a batch that kept its transfers) a new split between the beneficiaries."""
    installment = item.installment
    if installment.status != InstallmentStatus.PAYABLE \
            or installment.payable_amount != item.amount:
        return True
    if not item.transfers:  # batched before transfers were kept: judged by the file
        return False
    batched = {t.beneficiary_id: t.amount for t in item.transfers}
    return batched != {b.id: part for b, part in parts_of(installment).items()}


def total_of(batch: PaymentBatch) -> Decimal:
    return sum((item.amount for item in batch.items), Decimal("0.00"))


def get_batch(batch_id: int, *, by: User, for_update: bool = False) -> PaymentBatch:
    """The batch if `by` is a finance officer of its funder; NotFound otherwise."""
    query = select(PaymentBatch).where(PaymentBatch.id == batch_id)
    if for_update:
        query = query.with_for_update(of=PaymentBatch).execution_options(populate_existing=True)
    batch = db.session.scalar(query)
    if batch is None or not by.is_staff_of(batch.funder_id, Role.finance_officer):
        raise NotFound(_("There is no such payment batch, or you may not see it."))
    return batch


def list_batches(*, by: User, page: int = 1):
    """The funder's batches, newest first, a page at a time."""
    return db.paginate(
        select(PaymentBatch).where(PaymentBatch.funder_id == require_finance(by))
        .options(selectinload(PaymentBatch.items), selectinload(PaymentBatch.created_by))
        .order_by(PaymentBatch.id.desc()), page=page, per_page=PER_PAGE, error_out=False)


def _refuse_unless_open(batch: PaymentBatch) -> None:
    if batch.status != BatchStatus.OPEN:
        raise Conflict(_("Payment batch #%(number)s is executed (bank reference %(reference)s): "
                         "it cannot change and nothing was paid again.", number=batch.id,
                         reference=batch.bank_reference))


def execute_batch(batch_id: int, *, by: User, bank_reference: str,
                  value_date: date) -> PaymentBatch:
    """Record the payments of every installment of the batch, once, in one transaction."""
    bank_reference = bank_reference.strip()
    if not bank_reference:
        raise DomainError(_("Enter the bank's reference of the executed file."),
                          field="bank_reference")
    batch = get_batch(batch_id, by=by, for_update=True)
    _refuse_unless_open(batch)
    moved = db.session.execute(update(PaymentBatch).where(
        PaymentBatch.id == batch.id, PaymentBatch.status == BatchStatus.OPEN).values(
        status=BatchStatus.EXECUTED, bank_reference=bank_reference[:60],
        value_date=value_date, executed_by_id=by.id, executed_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:  # SQLite, which has no row locks, meets its twin here
        raise Conflict(_("Payment batch #%(number)s was executed meanwhile; nothing was paid "
                         "again.", number=batch.id))
    # Grants in a fixed order, so two batches sharing grants never wait on each other.
    items = sorted(batch.items, key=lambda item: (item.installment.grant_id, item.id))
    for item in items:
        db.session.refresh(item.installment)
        if changed_since_batched(item):
            raise Conflict(_("Installment #%(sequence)s of grant %(number)s changed since it "
                             "was batched; discard this batch and make a new one.",
                             sequence=item.installment.sequence,
                             number=item.installment.grant.agreement_number))
        result = disbursements.execute_installment(
            item.installment_id, by=by, value_date=value_date,
            bank_reference=bank_reference, batch_id=batch.id,
            idempotency_key=f"batch-{batch.id}-{item.installment_id}")
        if result.replayed:  # a key of this batch was used: it was paid before
            raise Conflict(_("Payment batch #%(number)s was paid already; nothing was paid "
                             "again.", number=batch.id))
        db.session.execute(update(PaymentBatchItem).where(PaymentBatchItem.id == item.id)
                           .values(is_open=False, disbursement_id=result.disbursement.id)
                           .execution_options(synchronize_session=False))
    db.session.expire(batch)
    audit.record(by, "payment_batch.executed", batch, {
        "bank_reference": bank_reference[:60], "value_date": value_date.isoformat(),
        "payments": len(items), "total": str(sum(item.amount for item in items))})
    return batch


def discard_batch(batch_id: int, *, by: User) -> None:
    """Drop an open batch: its installments become free to batch or pay again."""
    batch = get_batch(batch_id, by=by, for_update=True)
    _refuse_unless_open(batch)
    db.session.execute(delete(PaymentBatchItem).where(
        PaymentBatchItem.batch_id == batch.id, PaymentBatchItem.is_open))
    if db.session.execute(delete(PaymentBatch).where(
            PaymentBatch.id == batch.id, PaymentBatch.status == BatchStatus.OPEN)).rowcount != 1:
        raise Conflict(_("Payment batch #%(number)s was executed meanwhile; it stays.",
                         number=batch.id))
    audit.record(by, "payment_batch.discarded", None, {"batch_id": batch_id})
