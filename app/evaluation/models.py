"""Expert profiles, call settings, assignments, reviews, consensus, panel decisions, rankings."""

from datetime import date, datetime
from enum import StrEnum

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.applications.models import Application
from app.calls.models import Call
from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db


class AssignmentStatus(StrEnum):
    ASSIGNED = "assigned"  # waiting for the expert's declaration
    ACCEPTED = "accepted"  # declared free of conflict: the expert may read and score
    CONFLICT = "conflict"  # the expert declared a conflict: ended, never reassigned
    REMOVED = "removed"  # a later run detected a conflict (e.g. a new affiliation)


ACTIVE_ASSIGNMENT = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ConsensusStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # written by the rapporteur, waiting for the officer
    APPROVED = "approved"


class ExpertProfile(db.Model):
    __tablename__ = "expert_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    fields_of_science: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    affiliations: Mapped[list["ExpertAffiliation"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan",
        order_by="ExpertAffiliation.id", lazy="selectin")


class ExpertAffiliation(db.Model):
    """A past or current tie with an organisation: a conflict for 3 years after `until`."""

    __tablename__ = "expert_affiliations"
    __table_args__ = (UniqueConstraint("profile_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profiles.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    until: Mapped[date | None] = mapped_column(Date)  # None: still affiliated

    profile: Mapped[ExpertProfile] = relationship(back_populates="affiliations")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class CallEvaluationSettings(db.Model):
    """Evaluation settings the award criteria document does not hold, and the last run."""

    __tablename__ = "call_evaluation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    same_country_is_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the last assignment run could not do: shortfalls, dropped and detected conflicts.
    last_run: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call: Mapped[Call] = relationship()


class Assignment(db.Model):
    __tablename__ = "evaluation_assignments"
    __table_args__ = (
        UniqueConstraint("application_id", "expert_id"),
        # "My evaluations": an expert's assignments, latest call first.
        Index("ix_evaluation_assignments_expert_id_call_id", "expert_id", "call_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_rapporteur: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=AssignmentStatus.ASSIGNED)
    field_match: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_reason: Mapped[str | None] = mapped_column(Text)

    call: Mapped[Call] = relationship()
    application: Mapped[Application] = relationship()
    expert: Mapped[User] = relationship()
    review: Mapped["Review | None"] = relationship(back_populates="assignment", uselist=False)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT


class Review(db.Model):
    """One expert's individual evaluation report: a score and a comment per expert criterion."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_assignments.id"), unique=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {criterion code: "4.5"}
    comments: Mapped[dict] = mapped_column(JSON, default=dict)  # {criterion code: text}
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.DRAFT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="review")


class Consensus(db.Model):
    """The consensus report of one proposal, written by its rapporteur, approved by the officer."""

    __tablename__ = "consensus_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    rapporteur_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    minority_views: Mapped[str] = mapped_column(Text, default="")
    # The proposal (median or mean, dispersion flags) the rapporteur started from.
    proposal: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=ConsensusStatus.DRAFT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    rapporteur: Mapped[User] = relationship(foreign_keys=[rapporteur_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class PanelDecision(db.Model):
    """The panel's order for proposals still tied after every rule, with its reason."""

    __tablename__ = "panel_decisions"
    __table_args__ = (CheckConstraint("position > 0", name="position_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ranking(db.Model):
    """The ranking and funding line frozen when the results were published."""

    __tablename__ = "rankings"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    entries: Mapped[list[dict]] = mapped_column(JSON, default=list)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # budget, line, criteria used
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    call: Mapped[Call] = relationship()

    def entry_for(self, application_id: int) -> dict | None:
        return next((e for e in self.entries if e["application_id"] == application_id), None)


class RankingCache(db.Model):
    """A call's live ranking as last computed, so that the ranking page is a read: it ranks
    again only when `inputs_generation` (bumped in the same transaction as any change to a
    consensus, a panel decision, an application's ranked fields or a submission;
    services/ranking_inputs.py) or the call's own version moved past what was ranked."""

    __tablename__ = "ranking_caches"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    inputs_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result_generation: Mapped[int | None] = mapped_column(Integer)  # None: never ranked
    call_version: Mapped[int | None] = mapped_column(Integer)
    # Budget, funding line, pending proposals, ties waiting for the panel, blockers.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    entry_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RankingCacheEntry(db.Model):
    """One row of a cached ranking, in the frozen format (results.ranking_entries), one row
    each so that a page of the table reads only its own entries."""

    __tablename__ = "ranking_cache_entries"
    __table_args__ = (UniqueConstraint("call_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    entry: Mapped[dict] = mapped_column(JSON, default=dict)
