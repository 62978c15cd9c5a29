"""Ranked list: weighted total, then the call's tie-break chain, with each entry's trail."""

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import groupby
from typing import Any

from app.evaluation.rules.scoring import AwardCriteria, TieBreak, plain
from app.evaluation.rules.tie_breaks import (
    CONTEXTUAL,
    Context,
    basis,
    merit,
    reason,
    same_basis_for_any_subset,
)


class RankingOutcome(StrEnum):
    RANKED = "ranked"
    BELOW_THRESHOLD = "below_threshold"


# Trail codes besides the tie-break codes themselves.
TRAIL_TOTAL = "total"
TRAIL_UNRESOLVED = "unresolved"
TRAIL_BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True, slots=True)
class RankingCandidate:
    key: str
    scores: Mapping[str, Decimal] = field(hash=False)  # consensus scores by criterion code
    weighted_total: Decimal
    passed_thresholds: bool
    areas: tuple[str, ...] = ()  # strategic areas / parts of the call the proposal covers
    countries: tuple[str, ...] = ()
    women: int | None = None  # named key personnel; None when not declared
    men: int | None = None
    requested: Decimal = Decimal(0)
    panel_position: int | None = None  # recorded by an officer from the panel's decision


@dataclass(frozen=True, slots=True)
class RankedEntry:
    position: int | None  # 1-based; shared by entries still tied; None below threshold
    key: str
    weighted_total: Decimal
    outcome: RankingOutcome
    trail: str  # "total", a TieBreak code, "unresolved" or "below_threshold"
    reason: str  # one sentence for the evaluation summary report
    unresolved_tie: bool = False
    requested: Decimal = Decimal(0)
    # Every tie-break code tried, in chain order: all but the last found the proposals equal,
    # the last decided (all equal when the tie is unresolved); empty when totals differed.
    tried: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "key": self.key,
            "weighted_total": str(self.weighted_total),
            "outcome": str(self.outcome),
            "trail": self.trail,
            "reason": self.reason,
            "unresolved_tie": self.unresolved_tie,
            "requested": str(self.requested),
            "tried": list(self.tried),
        }


@dataclass(frozen=True, slots=True)
class _Knockout:
    """Kept as data; the sentence is written only for a knocked-out proposal that is placed."""

    rule: TieBreak
    winner: RankingCandidate  # the first (by key) of those the rule kept
    above: Context

    def trail(self, loser: RankingCandidate, labels: Mapping[str, str]) -> tuple[str, str]:
        return self.rule.value, reason(self.rule, self.winner, loser, self.above, labels)


def _negated(merits: Sequence[tuple]) -> tuple:
    # heapq pops the smallest: negate every component so the best merit comes first.
    return tuple(tuple(-value for value in merit) for merit in merits)


class _TiedGroup:
    """The proposals of one weighted total still to be placed, best first.

    The chain splits in two. The prefix holds the rules that compare any subset of the group
    the same way (the usual case: every proposal has every score); sequential filtering by
    them is the lexicographic maximum of their merits, which a heap yields without looking at
    the rest of the group. Merits only fall as proposals are placed (an area gets covered, a
    country is present), so a stored merit is an upper bound and only the entry on top needs
    re-evaluating. The suffix (from the first rule whose verdict depends on which proposals are
    compared) runs on the few proposals that tie on the whole prefix, exactly as written.
    """

    def __init__(
        self, group: list[RankingCandidate], chain: Sequence[TieBreak], above: Context
    ) -> None:
        self.prefix: list[tuple[TieBreak, tuple[str, ...]]] = []
        self.suffix: tuple[TieBreak, ...] = ()
        for index, rule in enumerate(chain):
            if not same_basis_for_any_subset(rule, group):
                self.suffix = tuple(chain[index:])
                break
            compared_on = basis(rule, group)
            if compared_on is not None:
                self.prefix.append((rule, compared_on))
        self.above = above
        self.placed: set[str] = set()
        # Only "uncovered area" and "new countries" change with what is ranked above. The other
        # merits are worked out once and replaced by their rank among the group's distinct
        # merits: the same order and ties, but ints compare far faster than the Fractions of
        # gender shares the heap would otherwise compare at every push and pop.
        self.fixed: dict[str, list[tuple | None]] = {c.key: [] for c in group}
        for rule, compared_on in self.prefix:
            if rule in CONTEXTUAL:
                for c in group:
                    self.fixed[c.key].append(None)
                continue
            merits = {c.key: merit(rule, compared_on, c, above) for c in group}
            ranks = {value: number for number, value in enumerate(sorted(set(merits.values())))}
            for c in group:
                self.fixed[c.key].append((-ranks[merits[c.key]],))
        self.heap = self._heap(group, len(self.prefix))
        # The gender sentence quotes the winner's own share, which equal merits do not fix
        # (40 % and 60 % are equally balanced): keep who is first by key at that rule.
        self.gender_heaps = {
            depth: self._heap(group, depth + 1)
            for depth, (rule, _) in enumerate(self.prefix)
            if rule is TieBreak.GENDER_BALANCE and depth + 1 < len(self.prefix)
        }

    def merits(self, candidate: RankingCandidate, above: Context, depth: int) -> tuple:
        fixed = self.fixed[candidate.key]
        return tuple(
            tuple(-value for value in merit(rule, compared_on, candidate, above))
            if fixed[index] is None
            else fixed[index]
            for index, (rule, compared_on) in enumerate(self.prefix[:depth])
        )

    def _heap(self, group: list[RankingCandidate], depth: int) -> list:
        heap = [(self.merits(c, self.above, depth), c.key, c) for c in group]
        heapq.heapify(heap)
        return heap

    def _valid_top(self, heap: list, depth: int) -> tuple | None:
        """Drop placed entries and refresh stale ones until the top is current."""
        while heap:
            stored, key, candidate = heap[0]
            if key in self.placed:
                heapq.heappop(heap)
                continue
            current = self.merits(candidate, self.above, depth)
            if current == stored:
                return heap[0]
            heapq.heapreplace(heap, (current, key, candidate))
        return None

    def pop_best(self) -> tuple[tuple, list[RankingCandidate]]:
        """The best prefix merit and every remaining proposal that has it, by key."""
        depth, heap = len(self.prefix), self.heap
        top = self._valid_top(heap, depth)
        assert top is not None  # called only while proposals remain
        best, tied = top[0], []
        while heap and heap[0][0] == best:
            _, key, candidate = heapq.heappop(heap)
            if key in self.placed:
                continue
            current = self.merits(candidate, self.above, depth)
            if current == best:
                tied.append(candidate)
            else:
                heapq.heappush(heap, (current, key, candidate))
        return best, tied

    def gender_winners(self) -> dict[int, RankingCandidate]:
        tops = {
            depth: self._valid_top(heap, depth + 1) for depth, heap in self.gender_heaps.items()
        }
        return {depth: top[2] for depth, top in tops.items() if top is not None}

    def run_suffix(
        self, tied: list[RankingCandidate]
    ) -> tuple[list[RankingCandidate], dict[str, _Knockout]]:
        survivors, knocked_out = tied, {}
        for rule in self.suffix:
            if len(survivors) < 2:
                break
            compared_on = basis(rule, survivors)
            if compared_on is None:
                continue
            merits = {c.key: merit(rule, compared_on, c, self.above) for c in survivors}
            top = max(merits.values())
            winners = [c for c in survivors if merits[c.key] == top]
            for loser in survivors:
                if merits[loser.key] != top:
                    knocked_out[loser.key] = _Knockout(rule, winners[0], self.above)
            survivors = winners
        return survivors, knocked_out

    def put_back(self, best: tuple, candidates: Iterable[RankingCandidate]) -> None:
        for candidate in candidates:
            heapq.heappush(self.heap, (best, candidate.key, candidate))


@dataclass(frozen=True, slots=True)
class _Step:
    """One placement step, enough to say later why any proposal left behind lost it."""

    above: Context
    best: tuple
    first: RankingCandidate
    gender_winners: Mapping[int, RankingCandidate]
    suffix_knockouts: Mapping[str, _Knockout]

    def knockout(self, group: _TiedGroup, loser: RankingCandidate) -> _Knockout:
        if loser.key in self.suffix_knockouts:
            return self.suffix_knockouts[loser.key]
        merits = group.merits(loser, self.above, len(group.prefix))
        depth = next(i for i, (a, b) in enumerate(zip(merits, self.best, strict=True)) if a != b)
        # Every other rule's sentence depends only on the merit the winners share.
        winner = self.gender_winners.get(depth, self.first)
        return _Knockout(group.prefix[depth][0], winner, self.above)


def rank(
    candidates: Iterable[RankingCandidate],
    criteria: AwardCriteria,
    tie_breaks: Sequence[TieBreak | str] | None = None,
) -> tuple[RankedEntry, ...]:
    """Rank the candidates that passed the thresholds; the others follow, unranked.

    Order: weighted total, highest first; equal totals go through the tie-break chain
    (default: the call's) in order. Because "uncovered area" and "new countries" look at
    what is ranked above, a tied group is placed greedily: at each step the chain picks the
    best of the remaining group, given everything already placed. Candidates the whole chain
    cannot separate share a position (competition numbering: 1, 2, 2, 4) and are flagged
    `unresolved_tie`; they are listed by key so the output is stable. Each entry's trail names
    what put the entry just above it ahead of it. O(n log n) for the usual chains; the
    quadratic reference it must match is kept in tests/unit/ranking_reference.py.
    """
    candidates = list(candidates)
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("Each candidate must have a distinct key.")
    codes = criteria.tie_breaks if tie_breaks is None else tie_breaks
    chain = tuple(TieBreak(code) for code in codes)
    labels = {criterion.code: criterion.label for criterion in criteria.criteria}
    passing = sorted((c for c in candidates if c.passed_thresholds), key=_by_total)

    entries: list[RankedEntry] = []
    above = Context(frozenset(), frozenset())
    for _, tied_total in groupby(passing, key=lambda c: c.weighted_total):
        group = list(tied_total)
        if len(group) == 1:  # nothing to break: skip the machinery
            entries.append(_entry(group[0], len(entries) + 1, *_total_trail(entries, group[0]),
                                  chain=chain))
            above = _cover(above, group)
            continue
        tied_group = _TiedGroup(group, chain, above)
        previous: _Step | None = None
        for _ in range(len(group)):  # at least one proposal is placed per step
            tied_group.above = above
            best, tied = tied_group.pop_best()
            gender_winners = tied_group.gender_winners()
            winners, suffix_knockouts = tied_group.run_suffix(tied)
            position, unresolved = len(entries) + 1, len(winners) > 1
            for number, winner in enumerate(winners):
                if number:
                    trail = (TRAIL_UNRESOLVED, _unresolved_reason(chain), True)
                elif previous is not None:
                    # Everything left after a step was knocked out in it.
                    trail = (
                        *previous.knockout(tied_group, winner).trail(winner, labels),
                        unresolved,
                    )
                else:
                    trail = (*_total_trail(entries, winner)[:2], unresolved)
                entries.append(_entry(winner, position, *trail, chain=chain))
                tied_group.placed.add(winner.key)
            placed = {w.key for w in winners}
            tied_group.put_back(best, (c for c in tied if c.key not in placed))
            previous = _Step(above, best, tied[0], gender_winners, suffix_knockouts)
            above = _cover(above, winners)
            if len(tied_group.placed) == len(group):
                break

    failing = sorted((c for c in candidates if not c.passed_thresholds), key=_by_total)
    for candidate in failing:
        below = "Below the thresholds: not ranked."
        entries.append(_entry(candidate, None, TRAIL_BELOW_THRESHOLD, below, False))
    return tuple(entries)


def _cover(above: Context, placed: Sequence[RankingCandidate]) -> Context:
    """What is ranked above once `placed` are too; a new context only when it grows."""
    areas = [a for c in placed for a in c.areas if a not in above.areas]
    countries = [k for c in placed for k in c.countries if k not in above.countries]
    if not areas and not countries:
        return above
    return Context(above.areas.union(areas), above.countries.union(countries))


def _by_total(candidate: RankingCandidate) -> tuple[Decimal, str]:
    return (-candidate.weighted_total, candidate.key)


def _total_trail(
    entries: Sequence[RankedEntry], candidate: RankingCandidate
) -> tuple[str, str, bool]:
    # Entries hold only ranked proposals until the unranked ones are appended at the end.
    if not entries:
        return TRAIL_TOTAL, f"Highest weighted total ({plain(candidate.weighted_total)}).", False
    return (
        TRAIL_TOTAL,
        (
            f"Lower weighted total than the proposal above "
            f"({plain(candidate.weighted_total)} vs {plain(entries[-1].weighted_total)})."
        ),
        False,
    )


def _unresolved_reason(chain: Sequence[TieBreak]) -> str:
    if TieBreak.PANEL_DECISION in chain:
        return "Still tied after every tie-break rule: record the panel's decision."
    return "Still tied after every tie-break rule of the call."


def rules_tried(trail: str, chain: Sequence[TieBreak]) -> tuple[str, ...]:
    """The tie-break rules tried before an entry's place was decided, in chain order.

    A proposal knocked out by a rule was kept by every rule before it (sequential filtering),
    so those found it equal to the one above; an unresolved tie tried the whole chain; a
    different total or a place below the thresholds tried none.
    """
    codes = tuple(rule.value for rule in chain)
    if trail == TRAIL_UNRESOLVED:
        return codes
    if trail in codes:
        return codes[: codes.index(trail) + 1]
    return ()


def _entry(
    candidate: RankingCandidate, position: int | None, trail: str, reason: str, unresolved: bool,
    chain: Sequence[TieBreak] = (),
) -> RankedEntry:
    return RankedEntry(
        position=position,
        key=candidate.key,
        weighted_total=candidate.weighted_total,
        outcome=RankingOutcome.RANKED if position is not None else RankingOutcome.BELOW_THRESHOLD,
        trail=trail,
        reason=reason,
        unresolved_tie=unresolved,
        requested=candidate.requested,
        tried=rules_tried(trail, chain),
    )
