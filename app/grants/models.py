"""Grants, their beneficiaries, ICT plan and schedule; claims; disbursements and their shares."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.applications.models import Application, Participant
from app.calls.models import Call
from app.core.database import Money, StoredFile, UTCDateTime, utcnow
from app.core.extensions import db
from app.grants.rules.lifecycle import (
    ClaimStatus,
    DisbursementStatus,
    GrantStatus,
    InstallmentStatus,
)


class Grant(db.Model):
    __tablename__ = "grants"
    __table_args__ = (
        # The last line of defence against overpayment, whatever the code above it does.
        CheckConstraint("disbursed_amount <= awarded_amount", name="disbursed_within_awarded"),
        CheckConstraint("disbursed_amount >= 0", name="disbursed_not_negative"),
        CheckConstraint("awarded_amount > 0", name="awarded_positive"),
        # The grants lists: newest first, for every call of a funder or for one call.
        Index("ix_grants_prepared_at_id", "prepared_at", "id"),
        Index("ix_grants_call_id_prepared_at", "call_id", "prepared_at", "id"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        # The officer signs the very document the coordinator accepted.
        CheckConstraint("signed_sha256 IS NULL OR signed_sha256 = accepted_sha256",
                        name="signed_what_was_accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    agreement_number: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=GrantStatus.PREPARED, index=True)
    requested_amount: Mapped[Decimal] = mapped_column(Money)
    eligible_amount: Mapped[Decimal] = mapped_column(Money)
    awarded_amount: Mapped[Decimal] = mapped_column(Money)
    disbursed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # awarded / eligible: what a claim's accepted costs earn (payments.claim_payable).
    funding_rate: Mapped[str] = mapped_column(String(12))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    duration_months: Mapped[int] = mapped_column(Integer)
    payment_model: Mapped[dict] = mapped_column(JSON, default=dict)  # PaymentModel.to_dict()
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Aid under the de minimis regulation: each share counts against its undertaking's
    # ceiling (rules/state_aid.py), checked when the grant is prepared.
    de_minimis: Mapped[bool] = mapped_column(Boolean, default=False)
    # The agreement PDF (services/agreement_document.py) and the SHA-256 of what was accepted
    # and signed.
    agreement_storage_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    accepted_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_sha256: Mapped[str | None] = mapped_column(String(64))

    application: Mapped[Application] = relationship()
    call: Mapped[Call] = relationship()
    beneficiaries: Mapped[list["GrantBeneficiary"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantBeneficiary.id")
    plan_lines: Mapped[list["GrantPlanLine"]] = relationship(
        cascade="all, delete-orphan", order_by="GrantPlanLine.id")
    installments: Mapped[list["Installment"]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="Installment.sequence")

    @property
    def remaining_amount(self) -> Decimal:
        return self.awarded_amount - self.disbursed_amount


class GrantBeneficiary(db.Model):
    """A consortium member that signs the grant, with its share of the awarded amount."""

    __tablename__ = "grant_beneficiaries"
    __table_args__ = (
        UniqueConstraint("grant_id", "organisation_id"),
        # As for the grant: no beneficiary is ever paid more than its awarded share.
        CheckConstraint("disbursed_amount <= awarded_amount",
                        name="beneficiary_disbursed_within_awarded"),
        CheckConstraint("disbursed_amount >= 0", name="beneficiary_disbursed_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    requested_amount: Mapped[Decimal] = mapped_column(Money)
    awarded_amount: Mapped[Decimal] = mapped_column(Money)
    # The call's rate for this organisation's kind (rules/shares.py), e.g. "0.70" for PRC.
    funding_rate: Mapped[str] = mapped_column(String(12), default="1")
    disbursed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # De minimis grants: the headroom its undertaking had on the start date, as shown then.
    de_minimis_headroom: Mapped[Decimal | None] = mapped_column(Money)
    # Set by an accepted "beneficiary leaving" amendment: no new costs or money after it.
    left_on: Mapped[date | None] = mapped_column(Date)

    grant: Mapped[Grant] = relationship(back_populates="beneficiaries")
    participant: Mapped[Participant] = relationship()
    organisation: Mapped[Organisation] = relationship()

    @property
    def remaining_amount(self) -> Decimal:
        return self.awarded_amount - self.disbursed_amount


class GrantPlanLine(db.Model):
    """A planned cost copied from the application's budget when the grant was prepared."""

    __tablename__ = "grant_plan_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("grant_beneficiaries.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(2))
    ict_category: Mapped[str] = mapped_column(String(30))
    open_source: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Money)

    beneficiary: Mapped[GrantBeneficiary] = relationship()


class Installment(db.Model):
    """One payment of the schedule; payable at signature or once its claim is approved."""

    __tablename__ = "installments"
    __table_args__ = (
        UniqueConstraint("grant_id", "sequence"),
        CheckConstraint("payable_amount >= 0", name="payable_not_negative"),
        # Upcoming payments (grants overview): due first.
        Index("ix_installments_due_date_id", "due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # payments.InstallmentKind
    sequence: Mapped[int] = mapped_column(Integer)
    planned_amount: Mapped[Decimal] = mapped_column(Money)
    payable_amount: Mapped[Decimal | None] = mapped_column(Money)
    retention_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    condition: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=InstallmentStatus.PLANNED, index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("expense_claims.id"), unique=True)

    grant: Mapped[Grant] = relationship(back_populates="installments")
    claim: Mapped["ExpenseClaim | None"] = relationship(foreign_keys=[claim_id])

    @property
    def amount(self) -> Decimal:
        """What is (or will be) paid: the payable amount once known, else the plan."""
        return self.payable_amount if self.payable_amount is not None else self.planned_amount


class ExpenseClaim(db.Model):
    """Costs claimed for one reporting period; the last period's claim is the final one."""

    __tablename__ = "expense_claims"
    __table_args__ = (CheckConstraint("period >= 1", name="period_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(Integer)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=ClaimStatus.DRAFT, index=True)
    claimed_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    accepted_costs_amount: Mapped[Decimal | None] = mapped_column(Money)
    payable_amount: Mapped[Decimal | None] = mapped_column(Money)
    recovery_amount: Mapped[Decimal | None] = mapped_column(Money)
    assessment: Mapped[dict] = mapped_column(JSON, default=dict)  # ClaimAssessment.to_dict()
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[Grant] = relationship()
    lines: Mapped[list["ClaimLine"]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimLine.id")
    documents: Mapped[list["ClaimDocument"]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimDocument.id")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ClaimLine(db.Model):
    __tablename__ = "claim_lines"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("expense_claims.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiaries.id"), index=True)
    category: Mapped[str] = mapped_column(String(2))
    ict_category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Money)

    claim: Mapped[ExpenseClaim] = relationship(back_populates="lines")
    beneficiary: Mapped[GrantBeneficiary] = relationship()


class ClaimDocument(StoredFile, db.Model):
    """A supporting PDF of a claim, stored by app.core.storage under a generated key."""

    __tablename__ = "claim_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("expense_claims.id", ondelete="CASCADE"), index=True)


class Disbursement(db.Model):
    """Money sent (positive) or a reversal of it (negative); rows are never deleted."""

    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint(
            "(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)",
            name="sign_matches_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id"), index=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installments.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    value_date: Mapped[date] = mapped_column(Date, index=True)
    bank_reference: Mapped[str] = mapped_column(String(60))
    # The form's one-time key: a double click, a second officer or a retried job hits it.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=DisbursementStatus.EXECUTED)
    # Unique: a payment can be reversed once only.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("disbursements.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    executed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    executed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grant: Mapped[Grant] = relationship()
    installment: Mapped[Installment] = relationship()
    executed_by: Mapped[User] = relationship()
    shares: Mapped[list["DisbursementShare"]] = relationship(
        back_populates="disbursement", cascade="all, delete-orphan",
        order_by="DisbursementShare.id")


class DisbursementShare(db.Model):
    """The part of a disbursement booked to one beneficiary and ICT category."""

    __tablename__ = "disbursement_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    disbursement_id: Mapped[int] = mapped_column(
        ForeignKey("disbursements.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("grant_beneficiaries.id"), index=True)
    ict_category: Mapped[str] = mapped_column(String(30), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)

    disbursement: Mapped[Disbursement] = relationship(back_populates="shares")
    beneficiary: Mapped[GrantBeneficiary] = relationship()


class DeMinimisDeclaration(db.Model):
    """De minimis aid an organisation (its single undertaking) declares it has received."""

    __tablename__ = "de_minimis_declarations"
    __table_args__ = (CheckConstraint("amount > 0", name="de_minimis_amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    granted_on: Mapped[date] = mapped_column(Date)
    grantor: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Money)  # in euro, as the regulation counts
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    declared_by: Mapped[User] = relationship()


class GrantAmendment(db.Model):
    """A change to a signed grant, proposed by one side (programme officer or coordinator)
    and accepted by the other; accepted, it is the grant's next version (rules/amendments.py)."""

    __tablename__ = "grant_amendments"
    __table_args__ = (
        UniqueConstraint("grant_id", "version"),
        CheckConstraint("status IN ('proposed', 'accepted', 'refused', 'withdrawn')",
                        name="amendment_status_known"),
        CheckConstraint("proposed_side IN ('funder', 'consortium')", name="amendment_side_known"),
        # A version number exactly for accepted amendments, with who and when.
        CheckConstraint("(status = 'accepted' AND version IS NOT NULL AND valid_from IS NOT NULL"
                        " AND decided_by_id IS NOT NULL) OR (status <> 'accepted'"
                        " AND version IS NULL)", name="accepted_has_version"),
        # Two people agree: nobody accepts their own proposal.
        CheckConstraint("status <> 'accepted' OR decided_by_id <> proposed_by_id",
                        name="accepted_by_someone_else"),
        # One proposal open per grant, whatever races.
        Index("uq_grant_amendments_one_proposed", "grant_id", unique=True,
              sqlite_where=text("status = 'proposed'"),
              postgresql_where=text("status = 'proposed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))  # amendments.AmendmentKind
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    reason: Mapped[str] = mapped_column(Text)
    # What it changes, as proposed (kind-specific), and the shares before and after.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    proposed_side: Mapped[str] = mapped_column(String(12))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    # The agreement PDF of the version it made, stored when accepted, and its SHA-256.
    document_storage_key: Mapped[str | None] = mapped_column(String(200))
    document_sha256: Mapped[str | None] = mapped_column(String(64))

    grant: Mapped[Grant] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class GrantShareVersion(db.Model):
    """A beneficiary's share in one version of its grant, in force from `valid_from` until the
    next version's; version 1 is the agreement as signed."""

    __tablename__ = "grant_share_versions"
    __table_args__ = (
        UniqueConstraint("beneficiary_id", "version"),
        CheckConstraint("share >= 0", name="share_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("grant_beneficiaries.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    share: Mapped[Decimal] = mapped_column(Money)
    valid_from: Mapped[date] = mapped_column(Date)


# The payment tables live in payment_models.py (size); imported here, after the classes they
# refer to, so `from app.grants.models import PaymentBatch` keeps working everywhere.
from app.grants.payment_models import (  # noqa: E402, F401
    BankAccount,
    PaymentBatch,
    PaymentBatchItem,
    PaymentBatchTransfer,
)
