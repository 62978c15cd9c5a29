"""Calls for proposals and tenders."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Funder
from app.calls.rules.deadlines import DEFAULT_NOTICE_DAYS
from app.calls.rules.lifecycle import CallKind, CallStatus, Phase, phase
from app.core.database import Money, UTCDateTime, utcnow
from app.core.extensions import db


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("max_per_proposal_amount <= budget_amount", name="max_within_budget"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("budget_amount > 0", name="budget_positive"),
        CheckConstraint("deadline_notice_days >= 0", name="deadline_notice_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=CallKind.GRANT)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    # The language of title, summary and body above; other languages are CallTranslations.
    main_language: Mapped[str] = mapped_column(String(8), default="en")
    strategic_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    ict_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    open_source_preference: Mapped[bool] = mapped_column(Boolean, default=False)
    # Granted under de minimis aid (Regulation (EU) 2023/2831): each grant of the call checks
    # every beneficiary's rolling three-year ceiling (grants/services/state_aid.py).
    de_minimis: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    budget_amount: Mapped[Decimal] = mapped_column(Money)
    max_per_proposal_amount: Mapped[Decimal] = mapped_column(Money)
    # {"default": "1.00", "by_org_type": {"PRC": "0.70"}} — see budget.FundingRates
    funding_rates: Mapped[dict] = mapped_column(JSON, default=dict)
    indirect_rate: Mapped[str] = mapped_column(String(8), default="0.25")
    payment_model: Mapped[dict] = mapped_column(JSON, default=dict)  # payments.PaymentModel
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    # How far ahead an open call must announce an earlier deadline (rules/deadlines.py).
    deadline_notice_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_NOTICE_DAYS)
    status: Mapped[str] = mapped_column(String(20), default=CallStatus.DRAFT, index=True)
    eligibility_rules: Mapped[dict] = mapped_column(JSON, default=dict)  # calls.rules
    award_criteria: Mapped[dict] = mapped_column(JSON, default=dict)  # calls.criteria
    # [{"code": "technical_annex", "name": "Technical annex", "mandatory": true}]
    required_attachments: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the first submission (applications own submissions; the call only needs to know
    # one exists, to freeze its rules and criteria). Never bumps `version`: see mark_submitted.
    first_submission_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    funder: Mapped[Funder] = relationship()

    __mapper_args__ = {"version_id_col": version}

    deadline_changes: Mapped[list["DeadlineChange"]] = relationship(
        back_populates="call", order_by="DeadlineChange.changed_at.desc()",
        cascade="all, delete-orphan")

    def phase(self, now: datetime | None = None) -> Phase | None:
        return phase(CallStatus(self.status), self.opens_at, self.closes_at, now or utcnow())

    def is_open(self, now: datetime | None = None) -> bool:
        return self.phase(now) == Phase.OPEN

    def attachment_name(self, code: str) -> str:
        """The name the call gives a document to attach ("technical_annex" is "Technical
        annex"); a code the call no longer lists is shown as words."""
        for document in self.required_attachments or ():
            if document.get("code") == code:
                return str(document.get("name") or code)
        return code.replace("_", " ").capitalize()


class DeadlineChange(db.Model):
    """A published call's deadline moved: the dated notice on the call page and its audit."""

    __tablename__ = "call_deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    coordinators_told: Mapped[int] = mapped_column(Integer, default=0)

    call: Mapped[Call] = relationship(back_populates="deadline_changes")

    @property
    def is_earlier(self) -> bool:
        return self.new_closes_at < self.old_closes_at


class CallTranslation(db.Model):
    """A call's title, summary and body in a language other than its main one: visitors who
    read that language see these (services/translations.py), the rest stays the call's."""

    __tablename__ = "call_translations"
    __table_args__ = (UniqueConstraint("call_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
