"""The pure timetable rule words its problems in English; the events service translates each
one. A sentence of the rule that the service does not know would reach users untranslated."""

from datetime import UTC, datetime, timedelta

from app.events.rules.timetable import EventTimes, check_session, check_times
from app.events.services.timetable_text import timetable_messages

T = datetime(2027, 3, 1, 9, tzinfo=UTC)
H = timedelta(hours=1)


def _every_problem() -> set[str]:
    # Each window backwards and every count out of range: every check_times sentence.
    backwards = EventTimes(starts_at=T, ends_at=T - H, registration_opens_at=T,
                           registration_closes_at=T - H, booking_opens_at=T - 2 * H,
                           booking_closes_at=T - 3 * H, slot_minutes=1, tables=-1)
    late = EventTimes(starts_at=T, ends_at=T + H, registration_opens_at=T - H,
                      registration_closes_at=T + 2 * H, booking_opens_at=T - 2 * H,
                      booking_closes_at=T + H, slot_minutes=20, tables=1)
    found = {message for times in (backwards, late) for _field, message in check_times(times)}
    for start, end in ((T + H, T), (T, T + timedelta(minutes=10)), (T - 2 * H, T + H)):
        found |= {message for _field, message in
                  check_session(T - H, T + 8 * H, start, end, 20, [(T, T + 3 * H)])}
    return found


def test_every_problem_of_the_rule_has_its_translation():
    problems = _every_problem()
    assert len(problems) == 12
    assert problems == set(timetable_messages(20))
