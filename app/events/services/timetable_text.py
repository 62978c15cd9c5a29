"""The pure timetable rule (events/rules/timetable.py) words its problems in English; this
gives each in the page's language. A unit test keeps the keys equal to the rule's sentences."""

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
