"""Organising an event: who may, creating and editing it, its sessions and slots, publishing."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.calls.models import Call
from app.calls.rules.lifecycle import CallStatus
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.events.models import Event, EventKind, EventSession, EventSlot, EventStatus
from app.events.rules.timetable import EventTimes, check_session, check_times, cut_slots
from app.events.services.timetable_text import translated


def is_organiser_of(event: Event, user: User) -> bool:
    """Admins, and organisers of the institution (funder) that runs the event."""
    if user.has_role(Role.admin):
        return True
    return user.has_role(Role.organiser) and user.funder_id == event.funder_id


def require_organiser(event: Event, user: User) -> None:
    if not is_organiser_of(event, user):
        raise Forbidden(_("Only the event's organisers may do this."))


def load_event(event_id: int) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(
        selectinload(Event.calls), selectinload(Event.sessions).selectinload(EventSession.slots)))
    if event is None:
        raise NotFound(_("There is no such event."))
    return event


def get_event(event_id: int, *, by: User | None) -> Event:
    """A published event for anyone; a draft only for its organisers."""
    event = load_event(event_id)
    if event.status == EventStatus.DRAFT and not (
            by is not None and getattr(by, "is_authenticated", False)
            and is_organiser_of(event, by)):
        raise NotFound(_("There is no such event."))
    return event


def get_organised_event(event_id: int, *, by: User) -> Event:
    event = load_event(event_id)
    if not is_organiser_of(event, by):
        raise NotFound(_("There is no such event, or you do not organise it."))
    return event


def zone_choices() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone
                  and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")))


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time typed in the event's zone, as UTC."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True)
class EventData:
    """What the organiser types; times are wall-clock times in `time_zone`."""

    title: str
    kind: str
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    registration_opens_at: datetime
    registration_closes_at: datetime
    booking_opens_at: datetime
    booking_closes_at: datetime
    slot_minutes: int = 20
    tables: int = 10
    description: str = ""
    venue: str = ""
    online_url: str = ""
    call_ids: tuple[int, ...] = ()


TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at",
               "booking_opens_at", "booking_closes_at")


def _validated(data: EventData) -> dict:
    if not data.title.strip():
        raise DomainError(_("Enter a title."), field="title")
    if data.kind not in set(EventKind):
        raise DomainError(_("Choose brokerage event or training."), field="kind")
    try:
        ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Choose a time zone from the list."), field="time_zone") from None
    if not data.venue.strip() and not data.online_url.strip():
        raise DomainError(_("Give a place or an online link (or both)."), field="venue")
    if data.online_url.strip() and not data.online_url.strip().startswith("https://"):
        raise DomainError(_("The online link must start with https://."), field="online_url")
    times = {name: to_utc(getattr(data, name), data.time_zone) for name in TIME_FIELDS}
    problems = check_times(EventTimes(**times, slot_minutes=data.slot_minutes,
                                      tables=data.tables))
    if problems:
        field, message = problems[0]
        raise DomainError(translated(message, data.slot_minutes), field=field)
    return times


def _calls(call_ids: tuple[int, ...]) -> list[Call]:
    if not call_ids:
        return []
    calls = list(db.session.scalars(select(Call).where(Call.id.in_(sorted(set(call_ids))),
                                                      Call.status != CallStatus.DRAFT)))
    if len(calls) != len(set(call_ids)):
        raise DomainError(_("Link only published calls."), field="call_ids")
    return calls


def linkable_calls() -> list[Call]:
    return list(db.session.scalars(select(Call).where(Call.status != CallStatus.DRAFT)
                                   .order_by(Call.closes_at.desc(), Call.reference)))


def create_event(*, by: User, data: EventData, funder_id: int | None = None) -> Event:
    """A draft event of the organiser's institution (admins choose the institution)."""
    if not by.has_role(Role.organiser, Role.admin):
        raise Forbidden(_("Only event organisers may create events."))
    funder_id = funder_id if by.has_role(Role.admin) and funder_id else by.funder_id
    if funder_id is None:
        raise DomainError(_("Your account belongs to no institution: ask an admin to set it."))
    times = _validated(data)
    event = Event(funder_id=funder_id, title=data.title.strip(), kind=data.kind,
                  description=data.description.strip(), venue=data.venue.strip() or None,
                  online_url=data.online_url.strip() or None, time_zone=data.time_zone,
                  slot_minutes=data.slot_minutes, tables=data.tables, created_by_id=by.id,
                  status=EventStatus.DRAFT, calls=_calls(data.call_ids), **times)
    db.session.add(event)
    db.session.flush()
    audit.record(by, "event.created", event, {"title": event.title})
    return event


def update_event(event_id: int, *, by: User, data: EventData) -> Event:
    event = get_organised_event(event_id, by=by)
    if event.status == EventStatus.SCHEDULED:
        raise Conflict(_("The schedule is made: the event's times can no longer change."))
    if data.slot_minutes != event.slot_minutes and event.sessions:
        raise DomainError(_("Remove the sessions before changing the slot length."),
                          field="slot_minutes")
    times = _validated(data)
    for session in event.sessions:
        if session.starts_at < times["starts_at"] or session.ends_at > times["ends_at"]:
            raise DomainError(_("The session %(name)s would lie outside the event.",
                                name=session.name),
                              field="starts_at")
    for name, value in times.items():
        setattr(event, name, value)
    event.title, event.kind = data.title.strip(), data.kind
    event.description = data.description.strip()
    event.venue, event.online_url = data.venue.strip() or None, data.online_url.strip() or None
    event.time_zone, event.slot_minutes, event.tables = data.time_zone, data.slot_minutes, \
        data.tables
    event.calls = _calls(data.call_ids)
    audit.record(by, "event.updated", event, {"title": event.title})
    return event


def add_session(event_id: int, *, by: User, name: str, starts_at: datetime,
                ends_at: datetime) -> EventSession:
    """A session and its slots; times are wall-clock times in the event's zone."""
    event = get_organised_event(event_id, by=by)
    if event.status == EventStatus.SCHEDULED:
        raise Conflict(_("The schedule is made: sessions can no longer change."))
    if not name.strip():
        raise DomainError(_("Name the session (for example Morning)."), field="name")
    start, end = to_utc(starts_at, event.time_zone), to_utc(ends_at, event.time_zone)
    problems = check_session(event.starts_at, event.ends_at, start, end, event.slot_minutes,
                             [(s.starts_at, s.ends_at) for s in event.sessions])
    if problems:
        field, message = problems[0]
        raise DomainError(translated(message, event.slot_minutes), field=field)
    session = EventSession(name=name.strip(), starts_at=start, ends_at=end)
    event.sessions.append(session)
    session.slots = [EventSlot(event_id=event.id, starts_at=a, ends_at=b)
                     for a, b in cut_slots(start, end, event.slot_minutes)]
    db.session.flush()
    audit.record(by, "event.session_added", event,
                 {"session": session.name, "slots": len(session.slots)})
    return session


def publish_event(event_id: int, *, by: User) -> Event:
    event = get_organised_event(event_id, by=by)
    if event.status != EventStatus.DRAFT:
        raise Conflict(_("The event is already published."))
    if not event.sessions:
        raise DomainError(_("Add at least one session before publishing."))
    event.status = EventStatus.PUBLISHED
    audit.record(by, "event.published", event)
    return event


def list_organised_events(*, by: User, page: int = 1, per_page: int = 20):
    query = select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if not by.has_role(Role.admin):
        query = query.where(Event.funder_id == by.funder_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_public_events(*, q: str = "", upcoming: bool = True, page: int = 1,
                       per_page: int = 20, now: datetime | None = None):
    """Published events, upcoming first (or past, latest first), searchable by title."""
    now = now or utcnow()
    query = select(Event).where(Event.status != EventStatus.DRAFT)
    if upcoming:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    else:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    if q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Event.title).like(pattern),
                                func.lower(Event.venue).like(pattern)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
