"""Bank details of grant beneficiaries and payment batches with their transfers: the tables
behind SEPA payment files (services/bank_accounts.py, batches.py, batch_files.py). Kept apart
from models.py for its size; models.py re-exports them, so they are imported from there."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Funder, User
from app.core.database import Money, UTCDateTime, utcnow
from app.core.extensions import db
from app.grants.models import Disbursement, GrantBeneficiary, Installment
from app.grants.rules.lifecycle import BankAccountStatus, BatchStatus


class BankAccount(db.Model):
    """A beneficiary's bank account: entered by the beneficiary, in force once a finance
    officer (someone else) confirms it. Rows are never deleted: they are the history."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'confirmed', 'replaced', 'rejected', "
                        "'withdrawn')", name="bank_account_status_known"),
        # Dual confirmation: a decided change names its decider, never the person who asked.
        CheckConstraint("status IN ('pending', 'withdrawn') OR (decided_by_id IS NOT NULL "
                        "AND decided_by_id <> requested_by_id)", name="decided_by_someone_else"),
        # One pending change and one account in force per beneficiary, whatever races.
        Index("uq_bank_accounts_one_pending", "beneficiary_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("uq_bank_accounts_one_confirmed", "beneficiary_id", unique=True,
              sqlite_where=text("status = 'confirmed'"),
              postgresql_where=text("status = 'confirmed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("grant_beneficiaries.id", ondelete="CASCADE"), index=True)
    holder: Mapped[str] = mapped_column(String(70))
    iban: Mapped[str] = mapped_column(String(34))  # compact, as schwifty writes it
    bic: Mapped[str] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(12), default=BankAccountStatus.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    beneficiary: Mapped[GrantBeneficiary] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def iban_grouped(self) -> str:
        """The IBAN in groups of four, as printed on bank statements."""
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))


class PaymentBatch(db.Model):
    """Payable installments of one funder in one currency, paid by one bank file."""

    __tablename__ = "payment_batches"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'executed')", name="batch_status_known"),
        # Executed exactly when the bank's reference, who and when are recorded, so a batch
        # cannot be marked paid without them, nor lose them afterwards.
        CheckConstraint(
            "(status = 'open' AND bank_reference IS NULL AND executed_at IS NULL"
            " AND executed_by_id IS NULL) OR (status = 'executed'"
            " AND bank_reference IS NOT NULL AND executed_at IS NOT NULL"
            " AND executed_by_id IS NOT NULL)", name="executed_with_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.OPEN, index=True)
    execution_date: Mapped[date] = mapped_column(Date)  # asked of the bank in the file
    # The funder's account the transfers leave from (checked with schwifty).
    debtor_holder: Mapped[str] = mapped_column(String(70))
    debtor_iban: Mapped[str] = mapped_column(String(34))
    debtor_bic: Mapped[str] = mapped_column(String(11))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    bank_reference: Mapped[str | None] = mapped_column(String(60))
    value_date: Mapped[date | None] = mapped_column(Date)
    executed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    funder: Mapped[Funder] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    executed_by: Mapped[User | None] = relationship(foreign_keys=[executed_by_id])
    items: Mapped[list["PaymentBatchItem"]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="PaymentBatchItem.id")


class PaymentBatchItem(db.Model):
    """One installment in a batch, with the amount it had when it was batched."""

    __tablename__ = "payment_batch_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "installment_id"),
        # An installment is in at most one open batch, whatever races.
        Index("uq_payment_batch_items_open_installment", "installment_id", unique=True,
              sqlite_where=text("is_open"), postgresql_where=text("is_open")),
        # An item leaves "open" only by being paid.
        CheckConstraint("is_open OR disbursement_id IS NOT NULL", name="closed_item_paid"),
        CheckConstraint("amount > 0", name="batch_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("payment_batches.id", ondelete="CASCADE"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    disbursement_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"),
                                                        unique=True)

    batch: Mapped[PaymentBatch] = relationship(back_populates="items")
    installment: Mapped[Installment] = relationship()
    disbursement: Mapped[Disbursement | None] = relationship()
    transfers: Mapped[list["PaymentBatchTransfer"]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="PaymentBatchTransfer.id")


class PaymentBatchTransfer(db.Model):
    """One transfer of a batched installment to one beneficiary, with the creditor account
    as confirmed when the batch was made: the SEPA file pays this account, whatever changes
    in the bank details afterwards (services/batch_files.py)."""

    __tablename__ = "payment_batch_transfers"
    __table_args__ = (
        UniqueConstraint("item_id", "beneficiary_id"),
        CheckConstraint("amount > 0", name="transfer_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("payment_batch_items.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiaries.id"),
                                                index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    # The confirmed account the details were copied from, and the copy itself.
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"), index=True)
    creditor_holder: Mapped[str] = mapped_column(String(70))
    creditor_iban: Mapped[str] = mapped_column(String(34))
    creditor_bic: Mapped[str] = mapped_column(String(11))

    item: Mapped[PaymentBatchItem] = relationship(back_populates="transfers")
    beneficiary: Mapped[GrantBeneficiary] = relationship()
