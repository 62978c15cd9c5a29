"""An event's times: windows in order, sessions inside the event, slots cut from sessions (pure)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240
MAX_TABLES = 1000


@dataclass(frozen=True)
class EventTimes:
    starts_at: datetime
    ends_at: datetime
    registration_opens_at: datetime
    registration_closes_at: datetime
    booking_opens_at: datetime
    booking_closes_at: datetime
    slot_minutes: int
    tables: int


def check_times(times: EventTimes) -> list[tuple[str, str]]:
    """Every problem as (field, message); empty when the event's times hold together."""
    problems = []
    if times.ends_at <= times.starts_at:
        problems.append(("ends_at", "The event must end after it starts."))
    if times.registration_closes_at <= times.registration_opens_at:
        problems.append(("registration_closes_at", "Registration must close after it opens."))
    if times.registration_closes_at > times.ends_at:
        problems.append(("registration_closes_at",
                         "Registration must close by the end of the event."))
    if times.booking_closes_at <= times.booking_opens_at:
        problems.append(("booking_closes_at", "Booking must close after it opens."))
    if times.booking_opens_at < times.registration_opens_at:
        problems.append(("booking_opens_at",
                         "Booking cannot open before registration: nobody would be there."))
    if times.booking_closes_at > times.starts_at:
        problems.append(("booking_closes_at", "Booking must close before the event starts, "
                                              "so that the schedule can be made."))
    if not MIN_SLOT_MINUTES <= times.slot_minutes <= MAX_SLOT_MINUTES:
        problems.append(("slot_minutes", f"A slot lasts from {MIN_SLOT_MINUTES} to "
                                         f"{MAX_SLOT_MINUTES} minutes."))
    if not 0 <= times.tables <= MAX_TABLES:
        problems.append(("tables", f"Enter from 0 to {MAX_TABLES} tables."))
    return problems


def check_session(event_starts_at: datetime, event_ends_at: datetime, starts_at: datetime,
                  ends_at: datetime, slot_minutes: int,
                  others: list[tuple[datetime, datetime]]) -> list[tuple[str, str]]:
    problems = []
    if ends_at <= starts_at:
        problems.append(("ends_at", "The session must end after it starts."))
    elif ends_at - starts_at < timedelta(minutes=slot_minutes):
        problems.append(("ends_at", f"The session is shorter than one slot ({slot_minutes} "
                                    "minutes)."))
    if starts_at < event_starts_at or ends_at > event_ends_at:
        problems.append(("starts_at", "The session must lie within the event's dates."))
    if any(starts_at < other_end and other_start < ends_at for other_start, other_end in others):
        problems.append(("starts_at", "The session overlaps another session."))
    return problems


def cut_slots(starts_at: datetime, ends_at: datetime,
              slot_minutes: int) -> list[tuple[datetime, datetime]]:
    """Whole slots from the start; a remainder shorter than a slot is left free."""
    length = timedelta(minutes=slot_minutes)
    slots, start = [], starts_at
    while start + length <= ends_at:
        slots.append((start, start + length))
        start += length
    return slots
