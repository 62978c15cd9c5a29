"""Applications of consortia: participants, budget lines, attachments and submissions."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.applications.rules.submitted_fields import submitted_fields
from app.calls.models import Call
from app.core.database import Money, StoredFile, UTCDateTime, utcnow
from app.core.extensions import db


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDER_EVALUATION = "under_evaluation"
    FUNDED = "funded"
    RESERVE = "reserve"
    REJECTED = "rejected"
    GRANT = "grant"


class ParticipantRole(StrEnum):
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    # Take part but are not beneficiaries: they count toward no minimum and request no grant.
    ASSOCIATED_PARTNER = "associated_partner"
    SUBCONTRACTOR = "subcontractor"

    @property
    def label(self) -> str:
        return PARTICIPANT_ROLE_LABELS[self]


PARTICIPANT_ROLE_LABELS = {
    ParticipantRole.COORDINATOR: _l("Coordinator"),
    ParticipantRole.PARTNER: _l("Partner (beneficiary)"),
    ParticipantRole.ASSOCIATED_PARTNER: _l("Associated partner (signs nothing, receives nothing)"),
    ParticipantRole.SUBCONTRACTOR: _l("Subcontractor named in the application"),
}

# What applicants and officers read for each status (the page's language).
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
    ApplicationStatus.ELIGIBLE: _l("Eligible"),
    ApplicationStatus.INELIGIBLE: _l("Ineligible"),
    ApplicationStatus.UNDER_EVALUATION: _l("Under evaluation"),
    ApplicationStatus.FUNDED: _l("Funded"),
    ApplicationStatus.RESERVE: _l("Reserve"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.GRANT: _l("Grant"),
}


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("call_id", "acronym"),
        # The screening list's default order: a page read from the index, read backwards.
        Index("ix_applications_call_id_submitted_at", "call_id", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    acronym: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    duration_months: Mapped[int] = mapped_column(Integer, default=24)
    strategic_area: Mapped[str | None] = mapped_column(String(120))
    ict_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    bid_price_amount: Mapped[Decimal | None] = mapped_column(Money)  # tenders only
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.DRAFT, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receipt_hash: Mapped[str | None] = mapped_column(String(64))
    # The last eligibility report (EligibilityReport.to_dict()), recomputed on every save.
    eligibility_report: Mapped[dict] = mapped_column(JSON, default=dict)
    eligibility_decision_reason: Mapped[str | None] = mapped_column(Text)
    eligibility_decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True)
    eligibility_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two partners saving at once cannot overwrite each other silently.
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    eligibility_decided_by: Mapped[User | None] = relationship(
        foreign_keys=[eligibility_decided_by_id])
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Participant.id")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id")
    submissions: Mapped[list["Submission"]] = relationship(
        back_populates="application", order_by="Submission.number")

    __mapper_args__ = {"version_id_col": version}

    @property
    def coordinator(self) -> "Participant | None":
        return next((p for p in self.participants if p.role == ParticipantRole.COORDINATOR), None)

    @property
    def current_attachments(self) -> list["Attachment"]:
        return [a for a in self.attachments if a.superseded_at is None]


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("application_id", "organisation_id"),
        CheckConstraint("role IN ('coordinator', 'partner', 'associated_partner', "
                        "'subcontractor')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    # Empty until the invited partner accepts and attaches their organisation.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=ParticipantRole.PARTNER)
    invited_email: Mapped[str | None] = mapped_column(String(254))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    fields_of_science: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_personnel_women: Mapped[int | None] = mapped_column(Integer)
    key_personnel_men: Mapped[int | None] = mapped_column(Integer)

    application: Mapped[Application] = relationship(back_populates="participants")
    organisation: Mapped[Organisation | None] = relationship()
    contact_user: Mapped[User | None] = relationship()

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None
    budget_lines: Mapped[list["BudgetLineRow"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="BudgetLineRow.id")


class BudgetLineRow(db.Model):
    """One budget line of a participant (budget.BudgetLine is its pure counterpart)."""

    __tablename__ = "budget_lines"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(2))
    ict_category: Mapped[str] = mapped_column(String(30))
    open_source: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Money)

    participant: Mapped[Participant] = relationship(back_populates="budget_lines")


class Attachment(StoredFile, db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # a code of the call's required attachments
    # A replaced file is kept (earlier submissions point at it by id and hash), only marked.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="attachments")


class Submission(db.Model):
    """An immutable snapshot of one submit; the last one before the deadline counts."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per application
    snapshot: Mapped[dict] = mapped_column(JSON)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The form's one-time key: a double click or a retried POST hits this unique key.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_path: Mapped[str | None] = mapped_column(String(300))
    # Copied from the snapshot so that officers can sort and the funding line can add up.
    requested_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # Copied from the snapshot on insert (rules/submitted_fields.py) for the ranking and the
    # screening list, which then read no snapshot.
    strategic_area: Mapped[str | None] = mapped_column(String(120))
    countries: Mapped[str] = mapped_column(Text, default="")  # "AT,DE,IT"
    key_personnel_women: Mapped[int | None] = mapped_column(Integer)
    key_personnel_men: Mapped[int | None] = mapped_column(Integer)
    bid_price: Mapped[Decimal | None] = mapped_column(Money)
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)

    application: Mapped[Application] = relationship(back_populates="submissions")
    submitted_by: Mapped[User] = relationship()


@event.listens_for(Submission, "before_insert")
def _copy_fields_from_the_snapshot(mapper, connection, target):
    for name, value in submitted_fields(target.snapshot or {}).items():
        setattr(target, name, value)


@event.listens_for(Submission, "before_update")
def _refuse_rewriting_submissions(mapper, connection, target):
    raise RuntimeError("Submissions are immutable: submit again to make a new one")


class AdviserLevel(StrEnum):
    READ = "read"
    EDIT = "edit"  # read, and edit drafts; never submit, sign, accept a grant or see banks

    @property
    def label(self) -> str:
        return {"read": _l("Read"), "edit": _l("Read and edit drafts")}[self.value]


class AdviserAccess(db.Model):
    """A firm lets an adviser of an assistance centre into its organisation's applications.

    It lives here, beside the applications, because the applications services decide on every
    request whether an adviser may read or edit: revoking sets `revoked_at` and the very next
    request is refused. A grant is never deleted, so the firm keeps the record of who had access.
    """

    __tablename__ = "adviser_access"
    __table_args__ = (
        # One active grant per firm and adviser (a revoked one may be followed by a new one).
        Index("uq_adviser_access_active", "organisation_id", "adviser_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"),
              postgresql_where=text("revoked_at IS NULL")),
        Index("ix_adviser_access_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    adviser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    level: Mapped[str] = mapped_column(String(8), default=AdviserLevel.READ)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    adviser: Mapped[User] = relationship(foreign_keys=[adviser_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
