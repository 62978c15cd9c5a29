"""Registering an organisation for an event: sessions, breaks, catalogue text, marketplace."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.events.models import (
    EntryKind,
    Event,
    EventStatus,
    MarketplaceEntry,
    Registration,
)
from app.events.services.organising import get_event, get_organised_event

MAX_TAGS = 8


@dataclass(frozen=True)
class RegistrationData:
    session_ids: tuple[int, ...]
    break_slot_ids: tuple[int, ...] = ()
    profile: str = ""


def my_registration(event: Event, user: User) -> Registration | None:
    """The registration of the user's organisation for this event, if any."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.organisation_id == user.organisation_id)
        .options(selectinload(Registration.sessions), selectinload(Registration.entries)))


def require_registration(event: Event, user: User) -> Registration:
    registration = my_registration(event, user)
    if registration is None:
        raise Forbidden(_("Register your organisation for the event first."))
    return registration


def _apply(event: Event, registration: Registration, data: RegistrationData) -> None:
    sessions = {s.id: s for s in event.sessions}
    chosen = [sessions[i] for i in dict.fromkeys(data.session_ids) if i in sessions]
    if not chosen or len(chosen) != len(set(data.session_ids)):
        raise DomainError(_("Choose the sessions you attend."), field="session_ids")
    slots = {slot.id for session in chosen for slot in session.slots}
    breaks = sorted(set(data.break_slot_ids))
    if not set(breaks) <= slots:
        raise DomainError(_("Breaks must be slots of the sessions you attend."),
                          field="break_slot_ids")
    if len(data.profile) > 2000:
        raise DomainError(_("Keep the catalogue text under 2,000 characters."), field="profile")
    registration.sessions = chosen
    registration.break_slot_ids = breaks
    registration.profile = data.profile.strip()


def register(event_id: int, *, by: User, data: RegistrationData,
             now: datetime | None = None) -> Registration:
    """Register the user's organisation while registration is open (server clock)."""
    event = get_event(event_id, by=by)
    if not event.is_registration_open(now or utcnow()):
        raise DomainError(_("Registration for this event is closed."))
    if by.organisation_id is None:
        raise DomainError(_("Your account has no organisation; register one first."))
    if my_registration(event, by) is not None:
        raise Conflict(_("Your organisation is already registered."))
    registration = Registration(event_id=event.id, organisation_id=by.organisation_id,
                                user_id=by.id)
    _apply(event, registration, data)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:  # two colleagues registering at the same moment
        raise Conflict(_("Your organisation is already registered.")) from None
    by.grant(Role.applicant)
    audit.record(by, "event.registered", event, {"organisation": by.organisation_id})
    return registration


def update_registration(event_id: int, *, by: User, data: RegistrationData,
                        now: datetime | None = None) -> Registration:
    event = get_event(event_id, by=by)
    registration = require_registration(event, by)
    if event.status == EventStatus.SCHEDULED:
        raise Conflict(_("The schedule is made: ask the organiser to change your sessions."))
    if not event.is_registration_open(now or utcnow()):
        raise DomainError(_("Registration for this event is closed."))
    _apply(event, registration, data)
    audit.record(by, "event.registration_updated", event, {"registration": registration.id})
    return registration


def add_entry(event_id: int, *, by: User, kind: str, title: str, description: str = "",
              tags: list[str] | tuple[str, ...] = ()) -> MarketplaceEntry:
    event = get_event(event_id, by=by)
    registration = require_registration(event, by)
    if event.is_over(utcnow()):
        raise DomainError(_("The event is over."))
    if kind not in set(EntryKind):
        raise DomainError(_("Choose offer or request."), field="kind")
    if not title.strip():
        raise DomainError(_("Give the entry a title."), field="title")
    clean_tags = list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
    if len(clean_tags) > MAX_TAGS or any(len(t) > 40 for t in clean_tags):
        raise DomainError(_("Use at most %(count)d tags of up to 40 characters.",
                            count=MAX_TAGS), field="tags")
    entry = MarketplaceEntry(kind=kind, title=title.strip()[:200],
                             description=description.strip(), tags=clean_tags)
    registration.entries.append(entry)
    db.session.flush()
    audit.record(by, "event.entry_added", event, {"entry": entry.id, "kind": kind})
    return entry


def remove_entry(event_id: int, entry_id: int, *, by: User) -> None:
    event = get_event(event_id, by=by)
    registration = require_registration(event, by)
    entry = next((e for e in registration.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(_("There is no such entry of yours."))
    registration.entries.remove(entry)
    audit.record(by, "event.entry_removed", event, {"entry": entry_id})


def list_registrations(event: Event) -> list[Registration]:
    """Every registration with its organisation, sessions and entries (a constant 4 queries)."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(joinedload(Registration.organisation), joinedload(Registration.user),
                 selectinload(Registration.sessions), selectinload(Registration.entries))
        .order_by(Registration.id)).unique())


def check_in(event_id: int, registration_id: int, *, by: User, present: bool) -> Registration:
    """The organiser marks who came (attendance)."""
    event = get_organised_event(event_id, by=by)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_("There is no such participant."))
    registration.checked_in_at = utcnow() if present else None
    audit.record(by, "event.checked_in" if present else "event.check_in_undone", event,
                 {"registration": registration.id})
    return registration
