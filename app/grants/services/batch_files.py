"""A payment batch's transfers and its SEPA credit transfer file (pain.001, sepa.py).

Each installment is paid to each beneficiary directly, its part as the payment books it
(shares.installment_parts): one transfer per installment and beneficiary. The batch keeps
each transfer's part and creditor account as they were when it was made (PaymentBatchTransfer):
the file is built from that copy, never from the bank details in force at download, so a
change of account after batching cannot redirect or alter what the bank was asked to pay.
The file is validated against the XSD before it is offered.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.core.errors import DomainError
from app.core.extensions import db
from app.grants.models import BankAccount, GrantBeneficiary, PaymentBatch, PaymentBatchItem
from app.grants.rules.lifecycle import INSTALLMENT_KIND_LABELS, BankAccountStatus
from app.grants.services import batches
from app.grants.services.sepa import SEPA_CURRENCY, Account, Transfer, credit_transfer_file


@dataclass(frozen=True)
class BatchTransfer:
    item: PaymentBatchItem
    beneficiary: GrantBeneficiary
    # The creditor account kept with the batch; None for a batch made before batches kept
    # them (migration 0026), whose file is refused.
    account: Account | None
    amount: Decimal

    @property
    def iban_grouped(self) -> str:
        iban = self.account.iban if self.account else ""
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))

    @property
    def reference(self) -> str:
        """The end-to-end id the bank statement shows (35 characters at most)."""
        return f"B{self.item.batch_id}-I{self.item.installment_id}-P{self.beneficiary.id}"

    @property
    def description(self) -> str:
        installment = self.item.installment
        kind = INSTALLMENT_KIND_LABELS.get(installment.kind, installment.kind)
        return (f"Grant {installment.grant.agreement_number} {kind} "
                f"#{installment.sequence}")


def transfers_of(batch: PaymentBatch) -> list[BatchTransfer]:
    transfers = []
    for item in batch.items:
        if item.transfers:
            transfers.extend(BatchTransfer(
                item, kept.beneficiary,
                Account(kept.creditor_holder, kept.creditor_iban, kept.creditor_bic),
                kept.amount) for kept in item.transfers)
        else:  # batched before batches kept their transfers: shown as the payment books it
            transfers.extend(BatchTransfer(item, beneficiary, None, part) for beneficiary, part
                             in batches.parts_of(item.installment).items())
    return transfers


def file_refusal(batch: PaymentBatch, transfers: list[BatchTransfer]) -> str | None:
    """Why the batch's file cannot be offered, in words; None when it can."""
    if batch.currency != SEPA_CURRENCY:
        return _("SEPA credit transfers are in euro; this batch is in %(currency)s. Pay it "
                 "through your bank and record it here.", currency=batch.currency)
    changed = [item for item in batch.items if batches.changed_since_batched(item)]
    if changed:  # e.g. paid on its own meanwhile: the bank must not pay it a second time
        return _("Changed since it was batched, so not in a file: %(installments)s. Discard "
                 "this batch and make a new one.", installments=", ".join(
                     f"{item.installment.grant.agreement_number} #{item.installment.sequence}"
                     for item in changed))
    if any(not item.transfers for item in batch.items):
        return _("This batch was made before OpenCall kept each transfer's bank details with "
                 "the batch, so the accounts it was meant to pay are not known. Discard it and "
                 "make a new one.")
    if not batch.executed_at and (replaced := _accounts_no_longer_confirmed(batch)):
        # Closed or compromised accounts are replaced: a file must not pay the old one.
        return _("The bank details of %(beneficiaries)s were replaced since this batch was "
                 "made. Discard this batch and make a new one.", beneficiaries=", ".join(
                     sorted(replaced)))
    return None


def _accounts_no_longer_confirmed(batch: PaymentBatch) -> set[str]:
    account_ids = {t.bank_account_id for item in batch.items for t in item.transfers}
    stale = set(db.session.scalars(select(BankAccount.id).where(
        BankAccount.id.in_(account_ids), BankAccount.status != BankAccountStatus.CONFIRMED)))
    return {t.beneficiary.organisation.name for item in batch.items for t in item.transfers
            if t.bank_account_id in stale}


def sepa_file(batch_id: int, *, by: User) -> tuple[PaymentBatch, bytes]:
    """The batch and its pain.001 document, valid against the schema."""
    batch = batches.get_batch(batch_id, by=by)
    transfers = transfers_of(batch)
    if refusal := file_refusal(batch, transfers):
        raise DomainError(refusal)
    debtor = Account(batch.debtor_holder, batch.debtor_iban, batch.debtor_bic)
    document = credit_transfer_file(debtor, [
        Transfer(t.account, t.amount, t.reference, t.description) for t in transfers],
        execution_date=batch.execution_date, currency=batch.currency)
    return batch, document
