"""Making the schedule, moving a meeting by hand, agendas and the table plan."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.events.models import (
    Event,
    EventSlot,
    EventStatus,
    Meeting,
    MeetingSeat,
    MeetingStatus,
    Registration,
)
from app.events.rules import scheduler
from app.events.services.meetings import my_meetings
from app.events.services.organising import get_organised_event
from app.events.services.registration import list_registrations
from app.events.services.timetable_text import move_problem


def _lock(event: Event) -> None:
    """Serialise schedule changes of one event: a row lock on PostgreSQL (SQLite writes one
    transaction at a time anyway); the unique keys on seats and tables decide in any case."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def slots_of(event: Event) -> list[EventSlot]:
    return [slot for session in event.sessions for slot in session.slots]


def accepted_meetings(event: Event) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.event_id == event.id,
                              Meeting.status == MeetingStatus.ACCEPTED)
        .options(joinedload(Meeting.requester).joinedload(Registration.organisation),
                 joinedload(Meeting.invitee).joinedload(Registration.organisation),
                 joinedload(Meeting.slot))
        .order_by(Meeting.answered_at, Meeting.id)))


def problem_of(event: Event, meetings: list[Meeting], *,
               keep_hand_placements: bool = True) -> scheduler.Problem:
    registrations = list_registrations(event)
    return scheduler.Problem(
        slots=tuple(slot.id for slot in slots_of(event)),
        tables=event.tables,
        attends={r.id: frozenset(slot.id for s in r.sessions for slot in s.slots)
                 for r in registrations},
        breaks={r.id: frozenset(r.break_slot_ids or ()) for r in registrations},
        meetings=tuple(scheduler.Meeting(m.id, m.requester_id, m.invitee_id) for m in meetings),
        fixed=tuple(scheduler.Placement(m.id, m.slot_id, m.table_number) for m in meetings
                    if keep_hand_placements and m.placed_by_hand and m.slot_id))


def _seat(meeting: Meeting, slot_id: int, table: int) -> None:
    meeting.slot_id, meeting.table_number = slot_id, table
    for registration_id in (meeting.requester_id, meeting.invitee_id):
        db.session.add(MeetingSeat(meeting_id=meeting.id, registration_id=registration_id,
                                   slot_id=slot_id))


def make_schedule(event_id: int, *, by: User, now: datetime | None = None) -> scheduler.Schedule:
    """Close booking if still open, and give every accepted meeting a slot and a table.

    Meetings the organiser placed by hand stay; running it again redoes the others.
    """
    event = get_organised_event(event_id, by=by)
    now = now or utcnow()
    if event.status == EventStatus.DRAFT:
        raise DomainError(_("Publish the event first."))
    if event.is_over(now):
        raise Conflict(_("The event is over: its schedule can no longer change."))
    _lock(event)
    if event.booking_closes_at > now:
        event.booking_closes_at = max(now, event.booking_opens_at)
    meetings = accepted_meetings(event)
    result = scheduler.schedule(problem_of(event, meetings))
    hand = {m.id: (m.slot_id, m.table_number) for m in meetings
            if m.placed_by_hand and m.slot_id}
    kept = {p.meeting for p in result.placements if hand.get(p.meeting) == (p.slot, p.table)}
    redo = [m.id for m in meetings if m.id not in kept]
    if redo:
        db.session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id.in_(redo)))
        db.session.execute(Meeting.__table__.update().where(Meeting.id.in_(redo))
                           .values(slot_id=None, table_number=None, placed_by_hand=False))
        db.session.expire_all()
    by_id = {m.id: m for m in accepted_meetings(event)}
    for placement in result.placements:
        if placement.meeting not in kept:
            _seat(by_id[placement.meeting], placement.slot, placement.table)
    event.status = EventStatus.SCHEDULED
    event.scheduled_at = now
    db.session.flush()
    audit.record(by, "event.scheduled", event, {"placed": result.placed_count,
                                                "unplaced": len(result.unplaced)})
    return result


def move_meeting(event_id: int, meeting_id: int, *, by: User, slot_id: int,
                 table: int) -> Meeting:
    """Put one meeting at a slot and table; refused with the reasons when it conflicts."""
    event = get_organised_event(event_id, by=by)
    if event.status != EventStatus.SCHEDULED:
        raise DomainError(_("Make the schedule first; then meetings can be moved."))
    _lock(event)
    meetings = accepted_meetings(event)
    meeting = next((m for m in meetings if m.id == meeting_id), None)
    if meeting is None:
        raise NotFound(_("There is no such accepted meeting at this event."))
    problem = problem_of(event, meetings, keep_hand_placements=False)
    placed = [scheduler.Placement(m.id, m.slot_id, m.table_number) for m in meetings
              if m.slot_id is not None]
    names = {r.id: r.organisation.name for m in meetings for r in (m.requester, m.invitee)}
    problems = scheduler.conflicts(problem, placed, scheduler.Placement(meeting.id, slot_id,
                                                                        table), names)
    if problems:
        reasons = " ".join(move_problem(text) for text in problems)
        raise Conflict(_("This move is refused: %(reasons)s", reasons=reasons),
                       field="slot_id")
    db.session.execute(delete(MeetingSeat).where(MeetingSeat.meeting_id == meeting.id))
    meeting.slot_id = meeting.table_number = None
    db.session.flush()
    _seat(meeting, slot_id, table)
    meeting.placed_by_hand = True
    try:
        db.session.flush()
    except IntegrityError:  # another organiser took the place a moment ago
        raise Conflict(_("Someone else placed a meeting there meanwhile; reload and retry."),
                       field="slot_id") from None
    audit.record(by, "event.meeting_moved", meeting, {"slot": slot_id, "table": table})
    return meeting


@dataclass(frozen=True)
class TablePlan:
    event: Event
    slots: list[EventSlot]
    rows: dict[int, list[Meeting]]  # slot id -> meetings ordered by table
    unplaced: list[Meeting]


def table_plan(event_id: int, *, by: User) -> TablePlan:
    event = get_organised_event(event_id, by=by)
    meetings = accepted_meetings(event)
    rows: dict[int, list[Meeting]] = {}
    for meeting in sorted((m for m in meetings if m.slot_id), key=lambda m: m.table_number):
        rows.setdefault(meeting.slot_id, []).append(meeting)
    return TablePlan(event, slots_of(event), rows, [m for m in meetings if not m.slot_id])


def agenda(event_id: int, *, by: User) -> tuple[Event, Registration, list[Meeting]]:
    """The participant's accepted meetings in time order (unplaced ones last)."""
    event, me, meetings = my_meetings(event_id, by=by)
    accepted = [m for m in meetings if m.status == MeetingStatus.ACCEPTED]
    accepted.sort(key=lambda m: (m.slot is None, m.slot.starts_at if m.slot else m.id))
    return event, me, accepted
