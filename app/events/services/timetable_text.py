"""The pure timetable and scheduler rules (events/rules/) word their problems in English;
this gives each in the page's language. Unit tests keep them in step with the rules."""

import re

from flask_babel import gettext as _

from app.events.rules.timetable import MAX_SLOT_MINUTES, MAX_TABLES, MIN_SLOT_MINUTES


def timetable_messages(slot_minutes: int) -> dict[str, str]:
    """Each sentence check_times and check_session can give, and its translation."""
    return {
        "The event must end after it starts.": _("The event must end after it starts."),
        "Registration must close after it opens.":
            _("Registration must close after it opens."),
        "Registration must close by the end of the event.":
            _("Registration must close by the end of the event."),
        "Booking must close after it opens.": _("Booking must close after it opens."),
        "Booking cannot open before registration: nobody would be there.":
            _("Booking cannot open before registration: nobody would be there."),
        "Booking must close before the event starts, so that the schedule can be made.":
            _("Booking must close before the event starts, so that the schedule can be made."),
        f"A slot lasts from {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes.":
            _("A slot lasts from %(shortest)d to %(longest)d minutes.",
              shortest=MIN_SLOT_MINUTES, longest=MAX_SLOT_MINUTES),
        f"Enter from 0 to {MAX_TABLES} tables.":
            _("Enter from 0 to %(count)d tables.", count=MAX_TABLES),
        "The session must end after it starts.": _("The session must end after it starts."),
        f"The session is shorter than one slot ({slot_minutes} minutes).":
            _("The session is shorter than one slot (%(minutes)d minutes).",
              minutes=slot_minutes),
        "The session must lie within the event's dates.":
            _("The session must lie within the event's dates."),
        "The session overlaps another session.": _("The session overlaps another session."),
    }


def translated(message: str, slot_minutes: int) -> str:
    return timetable_messages(slot_minutes).get(message, message)


# The scheduler's reasons for refusing a hand move (events/rules/scheduler.py `conflicts`),
# read back by their fixed wording; a name or number in them becomes a placeholder.
_MOVE_PROBLEMS = (
    (re.compile(r"There is no such accepted meeting\."),
     lambda m: _("There is no such accepted meeting.")),
    (re.compile(r"This slot is not part of the event\."),
     lambda m: _("This slot is not part of the event.")),
    (re.compile(r"Choose a table from 1 to (\d+)\."),
     lambda m: _("Choose a table from 1 to %(count)s.", count=m[1])),
    (re.compile(r"Table (\d+) is taken in this slot\."),
     lambda m: _("Table %(table)s is taken in this slot.", table=m[1])),
    (re.compile(r"(.+) keeps this slot as a break\."),
     lambda m: _("%(name)s keeps this slot as a break.", name=m[1])),
    (re.compile(r"(.+) does not attend this slot\."),
     lambda m: _("%(name)s does not attend this slot.", name=m[1])),
    (re.compile(r"(.+) already has a meeting in this slot\."),
     lambda m: _("%(name)s already has a meeting in this slot.", name=m[1])),
)


def move_problem(text: str) -> str:
    """One reason of the scheduler in the page's language (as it is when not recognised)."""
    for pattern, translate in _MOVE_PROBLEMS:
        if match := pattern.fullmatch(text):
            return translate(match)
    return text
