"""Directory tables: organisation profiles, the full-text search rows and contact requests."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
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
from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db


class OrganisationProfile(db.Model):
    """What an organisation tells possible partners; created the first time it is saved.

    The organisation's legal facts (name, country, type, SME, fields) stay in accounts'
    `organisations` table; this row holds only what the directory adds to them.
    """

    __tablename__ = "organisation_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    looking_for_partners: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    offer: Mapped[str] = mapped_column(Text, default="")  # what we bring, what we seek
    competencies: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    ict_interests: Mapped[list[str]] = mapped_column(JSON, default=list)  # ICTCategory codes
    # Who receives "ask to join" requests; the organisation's first active user when empty.
    contact_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Nothing is public unless the organisation says so, except its website by default.
    is_email_public: Mapped[bool] = mapped_column(Boolean, default=False)
    is_phone_public: Mapped[bool] = mapped_column(Boolean, default=False)
    is_website_public: Mapped[bool] = mapped_column(Boolean, default=True)
    is_contact_name_public: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    contact_user: Mapped[User | None] = relationship()


class OrganisationSearch(db.Model):
    """One row per organisation: the text the full-text engine indexes.

    Written only by app.directory.services.search (on every organisation or profile save). On
    PostgreSQL a generated tsvector column `document` with a GIN index hangs off it, on
    SQLite an external-content FTS5 table kept in step by triggers; both are created by
    migration 0004 and are deliberately not mapped here (they exist on one dialect only).
    """

    __tablename__ = "organisation_search"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)
    name_text: Mapped[str] = mapped_column(String(400), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")


class DirectoryGeneration(db.Model):
    """One row counting the transactions that changed an organisation, its profile or its
    search text (services/kept_directory.py bumps it as they commit), so that a process may keep
    the directory as read at one generation. A change that bypasses the ORM says so itself
    (search.rebuild_index). `epoch` is drawn when the row is made: a database emptied and
    filled again never repeats an (epoch, generation) that a process keeps."""

    __tablename__ = "directory_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    epoch: Mapped[str] = mapped_column(String(32))
    generation: Mapped[int] = mapped_column(Integer, default=0)


class ContactRequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ContactRequest(db.Model):
    """A coordinator asking an organisation to join an application ("Ask to join")."""

    __tablename__ = "contact_requests"
    __table_args__ = (
        # One request per organisation and application: asking twice is spam.
        UniqueConstraint("application_id", "organisation_id"),
        # The daily limit counts a sender's requests since a time.
        Index("ix_contact_requests_sender_created", "requested_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ContactRequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    application: Mapped[Application] = relationship()
    organisation: Mapped[Organisation] = relationship()
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
