"""The meeting scheduler: each accepted meeting gets a slot and a table, or a reason (pure).

The constraints are those of a brokerage event: nobody is in two places at once, a meeting
happens only in a slot both sides attend and neither keeps as a break, and a slot never holds
more meetings than there are tables. Meetings the organiser placed by hand stay where they are.

Placing the most meetings is an edge-colouring problem (NP-hard), so the scheduler is a
greedy pass, hardest meetings first, followed by repair passes that move one or two placed
meetings aside to make room for an unplaced one. `upper_bound` gives a figure no schedule can
beat, so the result's quality can be measured (bench/scheduler.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted request between two participants (keys of their registrations)."""

    key: int
    first: int
    second: int

    def __post_init__(self) -> None:
        if self.first == self.second:
            raise ValueError("A participant cannot meet themselves")

    @property
    def people(self) -> tuple[int, int]:
        return self.first, self.second


@dataclass(frozen=True, slots=True)
class Placement:
    meeting: int
    slot: int
    table: int


class Unplaced(StrEnum):
    NO_COMMON_SLOT = "no_common_slot"  # the two attend no slot together outside their breaks
    NO_ROOM = "no_room"  # every common slot was taken by their other meetings or full


UNPLACED_LABELS = {
    Unplaced.NO_COMMON_SLOT: "The two participants attend no common slot outside their breaks.",
    Unplaced.NO_ROOM: "All their common slots are taken by other meetings or have no free table.",
}


@dataclass(frozen=True)
class Problem:
    slots: tuple[int, ...]  # slot keys in time order
    tables: int  # tables in every slot
    attends: Mapping[int, frozenset[int]]  # participant -> slots of the sessions attended
    meetings: tuple[Meeting, ...]
    breaks: Mapping[int, frozenset[int]] = field(default_factory=dict)  # slots kept free
    fixed: tuple[Placement, ...] = ()  # placed by hand: kept as they are

    def __post_init__(self) -> None:
        if self.tables < 0:
            raise ValueError("The number of tables cannot be negative")
        keys = [m.key for m in self.meetings]
        if len(set(keys)) != len(keys):
            raise ValueError("Meeting keys must be unique")

    def free_slots(self, participant: int) -> frozenset[int]:
        """Slots the participant can meet in: attended, not a break, and part of the event."""
        attended = self.attends.get(participant, frozenset())
        return (attended - self.breaks.get(participant, frozenset())) & frozenset(self.slots)

    def common_slots(self, meeting: Meeting) -> frozenset[int]:
        return self.free_slots(meeting.first) & self.free_slots(meeting.second)


@dataclass(frozen=True)
class Schedule:
    placements: tuple[Placement, ...]
    unplaced: Mapping[int, Unplaced]  # meeting key -> why it has no slot

    @property
    def placed_count(self) -> int:
        return len(self.placements)


def conflicts(problem: Problem, placements: Iterable[Placement], candidate: Placement,
              names: Mapping[int, str] | None = None) -> list[str]:
    """Why `candidate` cannot join `placements` (empty when it can); placements of the same
    meeting are ignored, so a meeting can be checked against its own move. `names` puts
    people's names in the messages."""
    names = names or {}
    meetings = {m.key: m for m in problem.meetings}
    meeting = meetings.get(candidate.meeting)
    if meeting is None:
        return ["There is no such accepted meeting."]
    problems = []
    if candidate.slot not in problem.slots:
        problems.append("This slot is not part of the event.")
    if not 1 <= candidate.table <= problem.tables:
        problems.append(f"Choose a table from 1 to {problem.tables}.")
    for person in meeting.people:
        who = names.get(person, f"participant {person}")
        if candidate.slot in problem.breaks.get(person, frozenset()):
            problems.append(f"{who} keeps this slot as a break.")
        elif candidate.slot not in problem.attends.get(person, frozenset()):
            problems.append(f"{who} does not attend this slot.")
    for other in placements:
        if other.meeting == candidate.meeting or other.slot != candidate.slot:
            continue
        if other.table == candidate.table:
            problems.append(f"Table {candidate.table} is taken in this slot.")
        shared = set(meeting.people) & set(meetings[other.meeting].people)
        problems.extend(f"{names.get(person, f'participant {person}')} already has a meeting "
                        "in this slot." for person in sorted(shared))
    return problems


def validate(problem: Problem, placements: Iterable[Placement]) -> list[str]:
    """Every broken constraint of a whole schedule; empty for a valid one."""
    placements = list(placements)
    problems = []
    seen: set[int] = set()
    for index, placement in enumerate(placements):
        if placement.meeting in seen:
            problems.append(f"Meeting {placement.meeting} is placed twice.")
        seen.add(placement.meeting)
        problems.extend(f"Meeting {placement.meeting}: {text}"
                        for text in conflicts(problem, placements[:index], placement))
    return problems


class _Board:
    """Who is busy when, and which tables are used, while the schedule is being built."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.busy: dict[int, dict[int, int]] = {}  # participant -> slot -> meeting key
        self.tables: dict[int, set[int]] = {slot: set() for slot in problem.slots}
        self.placed: dict[int, Placement] = {}

    def is_free(self, person: int, slot: int) -> bool:
        return slot not in self.busy.get(person, {})

    def has_table(self, slot: int) -> bool:
        return len(self.tables[slot]) < self.problem.tables

    def can_place(self, meeting: Meeting, slot: int) -> bool:
        return (self.has_table(slot) and self.is_free(meeting.first, slot)
                and self.is_free(meeting.second, slot))

    def place(self, meeting: Meeting, slot: int, table: int | None = None) -> None:
        used = self.tables[slot]
        if table is None:
            table = next(n for n in range(1, self.problem.tables + 1) if n not in used)
        used.add(table)
        for person in meeting.people:
            self.busy.setdefault(person, {})[slot] = meeting.key
        self.placed[meeting.key] = Placement(meeting.key, slot, table)

    def remove(self, meeting: Meeting) -> Placement:
        placement = self.placed.pop(meeting.key)
        self.tables[placement.slot].discard(placement.table)
        for person in meeting.people:
            del self.busy[person][placement.slot]
        return placement


def _order(problem: Problem, meetings: list[Meeting],
           common: dict[int, frozenset[int]]) -> list[Meeting]:
    """Hardest first: fewest common slots, then the busiest participants."""
    degree: dict[int, int] = {}
    for meeting in meetings:
        for person in meeting.people:
            degree[person] = degree.get(person, 0) + 1
    return sorted(meetings, key=lambda m: (len(common[m.key]),
                                           -(degree[m.first] + degree[m.second]), m.key))


def schedule(problem: Problem, *, repair_passes: int = 4) -> Schedule:
    """Place as many meetings as possible; fixed placements are kept untouched.

    Two greedy passes are tried, each followed by repairs, and the better one is kept:
    hardest meetings first into the emptiest slot (best when tables are scarce), and the
    requests in their own order into the earliest slot (best when people's time is scarce;
    it is the first-come baseline, so the result never places fewer than it).
    """
    common = {m.key: problem.common_slots(m) for m in problem.meetings}
    order = {slot: index for index, slot in enumerate(problem.slots)}
    best = None
    for spread in (True, False):
        board, fixed = _board_with_fixed(problem)
        pending = [m for m in problem.meetings if m.key not in fixed]
        if spread:
            pending = _order(problem, pending, common)
        unplaced = _greedy(board, pending, common, order, spread=spread)
        for _ in range(repair_passes):
            if not _repair(board, {m.key: m for m in problem.meetings}, common, fixed,
                           unplaced, order):
                break
        if best is None or len(board.placed) > len(best[0].placed):
            best = (board, unplaced)
    board, unplaced = best
    placements = tuple(sorted(board.placed.values(), key=lambda p: (order[p.slot], p.table)))
    return Schedule(placements, unplaced)


def _board_with_fixed(problem: Problem) -> tuple["_Board", set[int]]:
    board = _Board(problem)
    meetings = {m.key: m for m in problem.meetings}
    fixed = set()
    for placement in problem.fixed:
        meeting = meetings.get(placement.meeting)
        if meeting is None or conflicts(problem, board.placed.values(), placement):
            continue  # a hand placement that no longer fits is scheduled like any other
        board.place(meeting, placement.slot, placement.table)
        fixed.add(meeting.key)
    return board, fixed


def _greedy(board: "_Board", pending: list[Meeting], common: dict[int, frozenset[int]],
            order: dict[int, int], *, spread: bool) -> dict[int, Unplaced]:
    unplaced: dict[int, Unplaced] = {}
    for meeting in pending:
        if not common[meeting.key]:
            unplaced[meeting.key] = Unplaced.NO_COMMON_SLOT
            continue
        options = [s for s in common[meeting.key] if board.can_place(meeting, s)]
        if not options:
            unplaced[meeting.key] = Unplaced.NO_ROOM
        elif spread:  # the emptiest slot keeps room everywhere for the meetings to come
            board.place(meeting, min(options, key=lambda s: (len(board.tables[s]), order[s])))
        else:
            board.place(meeting, min(options, key=order.__getitem__))
    return unplaced


def _repair(board: _Board, meetings: dict[int, Meeting], common: dict[int, frozenset[int]],
            fixed: set[int], unplaced: dict[int, Unplaced], order: dict[int, int]) -> bool:
    """One pass over the unplaced meetings, moving blockers aside; True if any was placed."""
    progress = False
    for key in sorted(k for k, why in unplaced.items() if why == Unplaced.NO_ROOM):
        meeting = meetings[key]
        for slot in sorted(common[key], key=order.__getitem__):
            if _place_by_moving(board, meetings, common, fixed, meeting, slot, order):
                del unplaced[key]
                progress = True
                break
    return progress


def _place_by_moving(board: _Board, meetings: dict[int, Meeting],
                     common: dict[int, frozenset[int]], fixed: set[int], meeting: Meeting,
                     slot: int, order: dict[int, int]) -> bool:
    """Place `meeting` in `slot`, first moving the meetings that hold its people there."""
    if board.can_place(meeting, slot):
        board.place(meeting, slot)
        return True
    blockers = {board.busy[p][slot] for p in meeting.people if not board.is_free(p, slot)}
    if not blockers or blockers & fixed:
        return False  # the slot is full of strangers' meetings, or a hand placement blocks
    removed = [board.remove(meetings[b]) for b in sorted(blockers)]
    if not board.has_table(slot):
        _restore(board, meetings, removed)
        return False
    board.place(meeting, slot)  # reserve it before the blockers look for a new home
    moved = []
    for placement in removed:
        blocker = meetings[placement.meeting]
        home = next((s for s in sorted(common[blocker.key], key=order.__getitem__)
                     if s != slot and board.can_place(blocker, s)), None)
        if home is None:
            for done in moved:
                board.remove(meetings[done])
            board.remove(meeting)
            _restore(board, meetings, removed)
            return False
        board.place(blocker, home)
        moved.append(blocker.key)
    return True


def _restore(board: _Board, meetings: dict[int, Meeting], placements: list[Placement]) -> None:
    for placement in placements:
        board.place(meetings[placement.meeting], placement.slot, placement.table)


def first_come(problem: Problem) -> Schedule:
    """The baseline: meetings in request order, each in the first slot where it fits."""
    board = _Board(problem)
    unplaced: dict[int, Unplaced] = {}
    for meeting in problem.meetings:
        common = problem.common_slots(meeting)
        slot = next((s for s in problem.slots if s in common and board.can_place(meeting, s)),
                    None)
        if slot is None:
            unplaced[meeting.key] = (Unplaced.NO_ROOM if common else Unplaced.NO_COMMON_SLOT)
        else:
            board.place(meeting, slot)
    return Schedule(tuple(board.placed.values()), unplaced)


def upper_bound(problem: Problem) -> int:
    """No schedule places more: the least of meetings with a common slot, tables × slots,
    per slot half the people free then (capped by tables), and half the people's capacity."""
    possible = [m for m in problem.meetings if problem.common_slots(m)]
    degree: dict[int, int] = {}
    for meeting in possible:
        for person in meeting.people:
            degree[person] = degree.get(person, 0) + 1
    free = {person: problem.free_slots(person) for person in degree}
    per_slot = sum(min(problem.tables, sum(1 for p in free if slot in free[p]) // 2)
                   for slot in problem.slots)
    per_person = sum(min(count, len(free[p])) for p, count in degree.items()) // 2
    return min(len(possible), problem.tables * len(problem.slots), per_slot, per_person)
