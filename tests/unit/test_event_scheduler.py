"""The meeting scheduler: conflicts, availability, tables, breaks, hand placements, and a
property test over random events (every schedule it returns is valid and beats first-come)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.events.rules.scheduler import (
    Meeting,
    Placement,
    Problem,
    Unplaced,
    conflicts,
    first_come,
    schedule,
    upper_bound,
    validate,
)

ALL_DAY = frozenset({1, 2, 3})


def problem(meetings, *, tables=10, slots=(1, 2, 3), attends=None, breaks=None, fixed=()):
    people = {p for m in meetings for p in m.people}
    return Problem(slots=slots, tables=tables,
                   attends=attends or {p: frozenset(slots) for p in people},
                   breaks=breaks or {}, meetings=tuple(meetings), fixed=tuple(fixed))


def slots_of(result, *keys):
    by_meeting = {p.meeting: p.slot for p in result.placements}
    return [by_meeting.get(key) for key in keys]


def test_nobody_is_in_two_places_at_once():
    # A meets B, C and D: three meetings, three different slots.
    star = problem([Meeting(1, "A", "B"), Meeting(2, "A", "C"), Meeting(3, "A", "D")])
    result = schedule(star)
    assert sorted(slots_of(result, 1, 2, 3)) == [1, 2, 3]
    assert validate(star, result.placements) == []


def test_a_fourth_meeting_of_one_person_in_three_slots_stays_unplaced_with_its_reason():
    meetings = [Meeting(n, "A", other) for n, other in enumerate("BCDE", 1)]
    result = schedule(problem(meetings))
    assert result.placed_count == 3
    assert list(result.unplaced.values()) == [Unplaced.NO_ROOM]


def test_meetings_happen_only_in_slots_both_attend():
    morning, afternoon = frozenset({1, 2}), frozenset({3, 4})
    result = schedule(problem([Meeting(1, "A", "B"), Meeting(2, "A", "C")], slots=(1, 2, 3, 4),
                              attends={"A": morning | {3}, "B": afternoon, "C": morning}))
    assert slots_of(result, 1) == [3]
    assert slots_of(result, 2)[0] in morning


def test_two_people_without_a_common_slot_are_reported_as_such():
    result = schedule(problem([Meeting(1, "A", "B")], attends={"A": frozenset({1}),
                                                               "B": frozenset({2})}))
    assert result.placements == ()
    assert result.unplaced == {1: Unplaced.NO_COMMON_SLOT}


def test_a_slot_never_holds_more_meetings_than_tables():
    # Four disjoint pairs, one slot, two tables: two meet, two do not.
    meetings = [Meeting(n, f"x{n}", f"y{n}") for n in range(1, 5)]
    result = schedule(problem(meetings, tables=2, slots=(1,)))
    assert result.placed_count == 2
    assert sorted(p.table for p in result.placements) == [1, 2]
    assert set(result.unplaced.values()) == {Unplaced.NO_ROOM}


def test_breaks_are_respected_even_when_attended():
    result = schedule(problem([Meeting(1, "A", "B")], breaks={"A": frozenset({1, 2})}))
    assert slots_of(result, 1) == [3]


def test_a_break_over_every_common_slot_leaves_the_meeting_without_a_slot():
    result = schedule(problem([Meeting(1, "A", "B")], breaks={"B": ALL_DAY}))
    assert result.unplaced == {1: Unplaced.NO_COMMON_SLOT}


def test_hand_placements_are_kept_and_others_work_around_them():
    fixed = (Placement(1, 2, 7),)
    result = schedule(problem([Meeting(1, "A", "B"), Meeting(2, "A", "C")], fixed=fixed))
    assert Placement(1, 2, 7) in result.placements
    assert slots_of(result, 2)[0] != 2


def test_repair_moves_a_placed_meeting_aside_to_make_room():
    # Slot 1 is the only one C and A share; A–B could go anywhere but takes slot 1 first
    # in request order. The scheduler must still place both.
    attends = {"A": ALL_DAY, "B": ALL_DAY, "C": frozenset({1})}
    meetings = [Meeting(1, "A", "B"), Meeting(2, "A", "C")]
    assert first_come(problem(meetings, attends=attends)).placed_count == 1
    result = schedule(problem(meetings, attends=attends))
    assert slots_of(result, 1, 2) in ([2, 1], [3, 1])


@pytest.mark.parametrize(("candidate", "message"), [
    (Placement(2, 1, 1), "Table 1 is taken in this slot."),
    (Placement(2, 1, 2), "participant A already has a meeting in this slot."),
    (Placement(2, 9, 2), "This slot is not part of the event."),
    (Placement(2, 2, 11), "Choose a table from 1 to 10."),
    (Placement(2, 3, 2), "participant C keeps this slot as a break."),
    (Placement(3, 2, 2), "There is no such accepted meeting."),
])
def test_a_hand_move_is_refused_with_the_reason(candidate, message):
    setup = problem([Meeting(1, "A", "B"), Meeting(2, "A", "C")], breaks={"C": frozenset({3})})
    placed = [Placement(1, 1, 1)]
    assert message in conflicts(setup, placed, candidate)


def test_a_valid_hand_move_has_no_conflicts():
    setup = problem([Meeting(1, "A", "B"), Meeting(2, "A", "C")])
    assert conflicts(setup, [Placement(1, 1, 1)], Placement(2, 2, 1)) == []


def test_moving_a_meeting_is_not_a_conflict_with_its_own_old_place():
    setup = problem([Meeting(1, "A", "B")])
    assert conflicts(setup, [Placement(1, 1, 1)], Placement(1, 1, 1)) == []


def test_validate_names_every_broken_constraint():
    setup = problem([Meeting(1, "A", "B"), Meeting(2, "A", "C")], tables=1)
    errors = validate(setup, [Placement(1, 1, 1), Placement(2, 1, 1), Placement(2, 2, 1)])
    assert "Meeting 2: Table 1 is taken in this slot." in errors
    assert "Meeting 2: participant A already has a meeting in this slot." in errors
    assert "Meeting 2 is placed twice." in errors


def test_the_upper_bound_counts_tables_people_and_common_slots():
    star = [Meeting(n, "A", other) for n, other in enumerate("BCDE", 1)]
    assert upper_bound(problem(star)) == 3  # A has three slots
    assert upper_bound(problem(star, tables=1, slots=(1, 2))) == 2  # two tables in all
    lonely = [Meeting(1, "A", "B")]
    assert upper_bound(problem(lonely, attends={"A": frozenset({1}),
                                                "B": frozenset({2})})) == 0


def test_a_meeting_with_oneself_is_refused():
    with pytest.raises(ValueError, match="cannot meet themselves"):
        Meeting(1, "A", "A")


def test_duplicate_meeting_keys_are_refused():
    with pytest.raises(ValueError, match="Meeting keys must be unique"):
        problem([Meeting(1, "A", "B"), Meeting(1, "C", "D")])


# --- property: random events ------------------------------------------------------------


@st.composite
def events(draw):
    slot_count = draw(st.integers(1, 6))
    slots = tuple(range(1, slot_count + 1))
    people = list(range(draw(st.integers(2, 10))))
    attends = {p: frozenset(draw(st.sets(st.sampled_from(slots), min_size=1))) for p in people}
    breaks = {p: frozenset(draw(st.sets(st.sampled_from(slots), max_size=2))) for p in people}
    pairs = draw(st.lists(st.tuples(st.sampled_from(people), st.sampled_from(people))
                          .filter(lambda pair: pair[0] != pair[1]), max_size=25,
                          unique_by=lambda pair: frozenset(pair)))
    meetings = tuple(Meeting(n, a, b) for n, (a, b) in enumerate(pairs, 1))
    return Problem(slots=slots, tables=draw(st.integers(0, 4)), attends=attends,
                   breaks=breaks, meetings=meetings)


@settings(max_examples=300, deadline=None)
@given(events())
def test_every_schedule_is_valid_complete_and_at_least_first_come(event):
    result = schedule(event)
    assert validate(event, result.placements) == []
    placed = {p.meeting for p in result.placements}
    assert placed | set(result.unplaced) == {m.key for m in event.meetings}
    assert not placed & set(result.unplaced)
    assert result.placed_count >= first_come(event).placed_count
    assert result.placed_count <= upper_bound(event)
