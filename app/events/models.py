"""Events: sessions of time slots, invitations, registrations, marketplace, meetings, feedback."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Funder, Organisation, User
from app.applications.models import Application
from app.calls.models import Call
from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db

# Labels are lazily translated: each is shown in the page's language (Flask-Babel). WORDS
# names a kind, status or entry kind in one capitalised word, as the pages show them.
KIND_LABELS = {"brokerage": _l("Brokerage event"), "training": _l("Training")}
WORDS = {"brokerage": _l("Brokerage"), "training": _l("Training"), "draft": _l("Draft"),
         "published": _l("Published"), "scheduled": _l("Scheduled"), "offer": _l("Offer"),
         "request": _l("Request"), "requested": _l("Requested"), "accepted": _l("Accepted"),
         "declined": _l("Declined")}
OUTCOME_LABELS = {"nothing": _l("Nothing"), "further_contact": _l("Further contact"),
                  "joint_application": _l("Joint application")}


class EventKind(StrEnum):
    BROKERAGE = "brokerage"
    TRAINING = "training"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])  # in the current language


class EventStatus(StrEnum):
    DRAFT = "draft"  # the organiser prepares it; nobody else sees it
    PUBLISHED = "published"  # visible; registration and booking follow their windows
    SCHEDULED = "scheduled"  # the scheduler has run: meetings have slots and tables

    @property
    def label(self) -> str:
        return str(WORDS[self.value])


event_calls = Table(
    "event_calls", db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True, index=True),
)

registration_sessions = Table(
    "registration_sessions", db.metadata,
    Column("registration_id", ForeignKey("event_registrations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("session_id", ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_length"),
        CheckConstraint("tables >= 0", name="tables_not_negative"),
        CheckConstraint("registration_closes_at > registration_opens_at",
                        name="registration_window"),
        CheckConstraint("booking_closes_at > booking_opens_at", name="booking_window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default=EventKind.BROKERAGE)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(300))
    time_zone: Mapped[str] = mapped_column(String(60), default="Europe/Brussels")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    booking_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    booking_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.DRAFT, index=True)
    # An assistance centre present at the event to help firms (an organisation).
    assistance_centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    funder: Mapped[Funder] = relationship()
    assistance_centre: Mapped[Organisation | None] = relationship()
    calls: Mapped[list[Call]] = relationship(secondary=event_calls, order_by=Call.reference)
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at")

    def is_registration_open(self, now: datetime) -> bool:
        return (self.status != EventStatus.DRAFT
                and self.registration_opens_at <= now < self.registration_closes_at)

    def is_booking_open(self, now: datetime) -> bool:
        return (self.status == EventStatus.PUBLISHED
                and self.booking_opens_at <= now < self.booking_closes_at)

    def is_over(self, now: datetime) -> bool:
        return now >= self.ends_at


class EventSession(db.Model):
    """A part of the event (a morning, an afternoon) cut into slots of the event's length."""

    __tablename__ = "event_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="sessions")
    slots: Mapped[list["EventSlot"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="EventSlot.starts_at")


class EventSlot(db.Model):
    __tablename__ = "event_slots"
    __table_args__ = (UniqueConstraint("session_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[EventSession] = relationship(back_populates="slots")


class EventInvitation(db.Model):
    """An invitation letter sent to an organisation of the directory."""

    __tablename__ = "event_invitations"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class Registration(db.Model):
    """An organisation taking part, with the sessions it attends and the slots it keeps free."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who attends
    profile: Mapped[str] = mapped_column(Text, default="")  # for the catalogue
    break_slot_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()
    sessions: Mapped[list[EventSession]] = relationship(secondary=registration_sessions,
                                                        order_by=EventSession.starts_at)
    entries: Mapped[list["MarketplaceEntry"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan",
        order_by="MarketplaceEntry.id")


class EntryKind(StrEnum):
    OFFER = "offer"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return str(WORDS[self.value])


class MarketplaceEntry(db.Model):
    """What a participant offers or looks for, tagged so others can find it."""

    __tablename__ = "marketplace_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="entries")


class MeetingStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(WORDS[self.value])


class Meeting(db.Model):
    """A bilateral meeting: requested, then accepted or declined; placed at a slot and table."""

    __tablename__ = "meetings"
    __table_args__ = (
        # One request per pair of participants, whoever asked first.
        UniqueConstraint("event_id", "pair_key"),
        # One meeting per table and slot: a double booking cannot be stored.
        UniqueConstraint("slot_id", "table_number"),
        CheckConstraint("requester_id <> invitee_id", name="two_sides"),
        CheckConstraint("table_number IS NULL OR table_number >= 1", name="table_positive"),
        CheckConstraint("(slot_id IS NULL) = (table_number IS NULL)", name="slot_with_table"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    pair_key: Mapped[str] = mapped_column(String(40))  # "<lower id>-<higher id>"
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.REQUESTED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("event_slots.id"))
    table_number: Mapped[int | None] = mapped_column(Integer)
    placed_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    # The application the two started from this meeting, if any.
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True)

    requester: Mapped[Registration] = relationship(foreign_keys=[requester_id])
    invitee: Mapped[Registration] = relationship(foreign_keys=[invitee_id])
    slot: Mapped[EventSlot | None] = relationship()
    application: Mapped[Application | None] = relationship()
    feedback: Mapped[list["MeetingFeedback"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")

    def other_side(self, registration_id: int) -> Registration:
        return self.invitee if registration_id == self.requester_id else self.requester


class MeetingSeat(db.Model):
    """A participant's place in a placed meeting: the unique key makes it impossible to
    be in two meetings in one slot, even for two organisers moving meetings at once."""

    __tablename__ = "meeting_seats"
    __table_args__ = (UniqueConstraint("registration_id", "slot_id"),
                      UniqueConstraint("meeting_id", "registration_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slots.id"), index=True)


class Outcome(StrEnum):
    NOTHING = "nothing"
    FURTHER_CONTACT = "further_contact"
    JOINT_APPLICATION = "joint_application"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])  # in the current language


class MeetingFeedback(db.Model):
    """One side's word on a meeting after the event."""

    __tablename__ = "meeting_feedback"
    __table_args__ = (UniqueConstraint("meeting_id", "registration_id"),
                      CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5",
                                      name="rating_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    held: Mapped[bool] = mapped_column(Boolean, default=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20), default=Outcome.NOTHING)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="feedback")
