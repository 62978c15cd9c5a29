"""A payment batch's transfers and its SEPA credit transfer file (pain.001, sepa.py).

Each installment is paid to each beneficiary directly, its part as the payment books it
(shares.installment_parts), to the beneficiary's confirmed account: one transfer per
installment and beneficiary. The file is validated against the XSD before it is offered.
"""

from dataclasses import dataclass
from decimal import Decimal

from app.accounts.models import User
from app.core.errors import DomainError
from app.grants.models import BankAccount, GrantBeneficiary, PaymentBatch, PaymentBatchItem
from app.grants.rules.lifecycle import INSTALLMENT_KIND_LABELS, InstallmentStatus
from app.grants.services import batches
from app.grants.services.bank_accounts import confirmed_accounts
from app.grants.services.sepa import SEPA_CURRENCY, Account, Transfer, credit_transfer_file


@dataclass(frozen=True)
class BatchTransfer:
    item: PaymentBatchItem
    beneficiary: GrantBeneficiary
    account: BankAccount | None  # None: the beneficiary has no confirmed account (yet)
    amount: Decimal

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
    rows = [(item, beneficiary, part) for item in batch.items
            for beneficiary, part in batches.parts_of(item.installment).items()]
    accounts = confirmed_accounts({beneficiary.id for _, beneficiary, _ in rows})
    return [BatchTransfer(item, beneficiary, accounts.get(beneficiary.id), part)
            for item, beneficiary, part in rows]


def missing_accounts(transfers: list[BatchTransfer]) -> list[str]:
    return sorted({t.beneficiary.organisation.name for t in transfers if t.account is None})


def file_refusal(batch: PaymentBatch, transfers: list[BatchTransfer]) -> str | None:
    """Why the batch's file cannot be offered, in words; None when it can."""
    if batch.currency != SEPA_CURRENCY:
        return (f"SEPA credit transfers are in euro; this batch is in {batch.currency}. "
                "Pay it through your bank and record it here.")
    changed = [item for item in batch.items
               if item.installment.status != InstallmentStatus.PAYABLE
               or item.installment.payable_amount != item.amount]
    if changed:  # e.g. paid on its own meanwhile: the bank must not pay it a second time
        return ("Changed since it was batched, so not in a file: " + ", ".join(
            f"{item.installment.grant.agreement_number} #{item.installment.sequence}"
            for item in changed) + ". Discard this batch and make a new one.")
    missing = missing_accounts(transfers)
    if missing:
        return "No confirmed bank details for " + ", ".join(missing) + "."
    return None


def sepa_file(batch_id: int, *, by: User) -> tuple[PaymentBatch, bytes]:
    """The batch and its pain.001 document, valid against the schema."""
    batch = batches.get_batch(batch_id, by=by)
    transfers = transfers_of(batch)
    if refusal := file_refusal(batch, transfers):
        raise DomainError(refusal)
    debtor = Account(batch.debtor_holder, batch.debtor_iban, batch.debtor_bic)
    document = credit_transfer_file(debtor, [
        Transfer(Account(t.account.holder, t.account.iban, t.account.bic), t.amount,
                 t.reference, t.description) for t in transfers],
        execution_date=batch.execution_date, currency=batch.currency)
    return batch, document
