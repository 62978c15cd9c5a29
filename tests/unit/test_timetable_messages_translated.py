"""The pure timetable and scheduler rules word their problems in English; the events service
translates each one. A sentence of a rule that the service does not know would reach users
untranslated."""

from datetime import UTC, datetime, timedelta

from app.events.rules import scheduler
from app.events.rules.timetable import EventTimes, check_session, check_times
from app.events.services import timetable_text
from app.events.services.timetable_text import move_problem, timetable_messages

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


def test_every_reason_to_refuse_a_move_is_recognised(monkeypatch):
    # Recognised means rebuilt through gettext: a marker shows which reasons went through it.
    monkeypatch.setattr(timetable_text, "_", lambda message, **values: "T:" + message % values)
    meetings = (scheduler.Meeting(1, 10, 20), scheduler.Meeting(2, 10, 30))
    problem = scheduler.Problem(slots=(100, 101), tables=1, meetings=meetings,
                                attends={10: frozenset({100}), 20: frozenset({100, 101}),
                                         30: frozenset({100})},
                                breaks={20: frozenset({100})})
    names = {10: "Alpine Broadband", 20: "Ljubljana ICT Lab", 30: "Graz Data"}
    placed = [scheduler.Placement(2, 100, 1)]
    reasons = (scheduler.conflicts(problem, placed, scheduler.Placement(1, 100, 1), names)
               + scheduler.conflicts(problem, placed, scheduler.Placement(1, 999, 5), names)
               + scheduler.conflicts(problem, placed, scheduler.Placement(7, 100, 1), names))
    assert [move_problem(text) for text in reasons] == [f"T:{text}" for text in reasons]
    # Each of the rule's kinds of reason was produced here.
    kinds = {index for text in reasons
             for index, (pattern, _rebuild) in enumerate(timetable_text._MOVE_PROBLEMS)
             if pattern.fullmatch(text)}
    assert kinds == set(range(len(timetable_text._MOVE_PROBLEMS)))
