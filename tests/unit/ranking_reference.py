"""The ranking as it was before the O(n log n) rewrite, kept verbatim as the reference the fast
`rank()` must match entry for entry (results, positions, trails and reason sentences).

It re-resolves each tied group at every placement step and formats a reason for every loser at
every step: quadratic, but plainly the published rule (reference.md 2). Only the data types are
shared with the product; every decision below is this file's own copy.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from app.evaluation.rules.ranking import (
    TRAIL_BELOW_THRESHOLD,
    TRAIL_TOTAL,
    TRAIL_UNRESOLVED,
    RankedEntry,
    RankingCandidate,
    RankingOutcome,
)
from app.evaluation.rules.scoring import AwardCriteria, TieBreak, plain


@dataclass(frozen=True, slots=True)
class _Context:
    """What the proposals already ranked above a tied group cover."""

    areas: frozenset[str]
    countries: frozenset[str]


# A rule gives each tied candidate a comparable merit (higher is better), or None for all
# when it cannot compare them (then it does not decide).
_Merit = Callable[[Sequence[RankingCandidate], _Context], dict[str, tuple] | None]


def _uncovered_area(group: Sequence[RankingCandidate], above: _Context) -> dict[str, tuple]:
    return {c.key: (int(bool(set(c.areas) - above.areas)),) for c in group}


def _criteria_in_order(*codes: str) -> _Merit:
    def merit(group: Sequence[RankingCandidate], above: _Context) -> dict[str, tuple] | None:
        # A call without one of these criteria cannot be decided on it: compare on the rest.
        usable = [code for code in codes if all(code in c.scores for c in group)]
        if not usable:
            return None
        return {c.key: tuple(c.scores[code] for code in usable) for c in group}

    return merit


def women_share(candidate: RankingCandidate) -> Fraction | None:
    if candidate.women is None or candidate.men is None or candidate.women + candidate.men == 0:
        return None
    return Fraction(candidate.women, candidate.women + candidate.men)


def _gender_balance(group: Sequence[RankingCandidate], above: _Context) -> dict[str, tuple]:
    merits = {}
    for candidate in group:
        share = women_share(candidate)
        # Unknown counts rank after every known balance.
        merits[candidate.key] = (0, 0) if share is None else (1, -abs(share - Fraction(1, 2)))
    return merits


def new_countries(candidate: RankingCandidate, above: _Context) -> int:
    return len(set(candidate.countries) - above.countries)


def _new_countries_then_budget(
    group: Sequence[RankingCandidate], above: _Context
) -> dict[str, tuple]:
    return {c.key: (new_countries(c, above), -c.requested) for c in group}


def _panel_decision(group: Sequence[RankingCandidate], above: _Context) -> dict[str, tuple] | None:
    # The panel decides only if it placed every tied proposal; otherwise the tie is reported.
    if any(c.panel_position is None for c in group):
        return None
    return {c.key: (-c.panel_position,) for c in group}


_MERITS: dict[TieBreak, _Merit] = {
    TieBreak.UNCOVERED_AREA: _uncovered_area,
    TieBreak.EXCELLENCE_THEN_IMPACT: _criteria_in_order("excellence", "impact"),
    TieBreak.IMPACT_THEN_EXCELLENCE: _criteria_in_order("impact", "excellence"),
    TieBreak.GENDER_BALANCE: _gender_balance,
    TieBreak.NEW_COUNTRIES_THEN_BUDGET: _new_countries_then_budget,
    TieBreak.PANEL_DECISION: _panel_decision,
}


def _percent(share: Fraction | None) -> str:
    return "unknown" if share is None else f"{round(share * 100)} % women"


def _reason(
    rule: TieBreak,
    winner: RankingCandidate,
    loser: RankingCandidate,
    above: _Context,
    labels: Mapping[str, str],
) -> str:
    """Why `winner` was placed above `loser` by `rule` (said from the loser's side)."""
    prefix = "Same total as the proposal above, which"
    if rule is TieBreak.UNCOVERED_AREA:
        return f"{prefix} covers a strategic area not covered by proposals ranked higher."
    if rule in (TieBreak.EXCELLENCE_THEN_IMPACT, TieBreak.IMPACT_THEN_EXCELLENCE):
        codes = rule.value.split("_then_")
        for code in codes:
            ours, theirs = loser.scores.get(code), winner.scores.get(code)
            if ours is not None and theirs is not None and ours != theirs:
                label = labels.get(code, code)
                return f"{prefix} scores higher on {label} ({plain(theirs)} vs {plain(ours)})."
        return f"{prefix} scores higher on {' then '.join(labels.get(c, c) for c in codes)}."
    if rule is TieBreak.GENDER_BALANCE:
        return (
            f"{prefix} has key personnel closer to gender balance "
            f"({_percent(women_share(winner))} vs {_percent(women_share(loser))})."
        )
    if rule is TieBreak.NEW_COUNTRIES_THEN_BUDGET:
        theirs, ours = new_countries(winner, above), new_countries(loser, above)
        if theirs != ours:
            return f"{prefix} brings more countries not present higher up ({theirs} vs {ours})."
        return (
            f"{prefix} brings as many new countries and requests less "
            f"({plain(winner.requested)} vs {plain(loser.requested)})."
        )
    return (
        f"{prefix} the panel placed higher "
        f"(panel position {winner.panel_position} vs {loser.panel_position})."
    )


def _resolve(
    group: list[RankingCandidate],
    chain: Sequence[TieBreak],
    above: _Context,
    labels: Mapping[str, str],
) -> tuple[list[RankingCandidate], dict[str, tuple[str, str]]]:
    """Run the chain on a tied group: the winners left at the end, and for every candidate
    knocked out, the rule that did it and why."""
    survivors = list(group)
    knocked_out: dict[str, tuple[str, str]] = {}
    for rule in chain:
        if len(survivors) < 2:
            break
        merits = _MERITS[rule](survivors, above)
        if merits is None:
            continue
        best = max(merits.values())
        winners = [c for c in survivors if merits[c.key] == best]
        for loser in survivors:
            if merits[loser.key] != best:
                reason = _reason(rule, winners[0], loser, above, labels)
                knocked_out[loser.key] = (rule.value, reason)
        survivors = winners
    return survivors, knocked_out


def reference_rank(
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
    what put the entry just above it ahead of it.
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
    areas: set[str] = set()
    countries: set[str] = set()
    for _, tied in groupby(passing, key=lambda c: c.weighted_total):
        group = list(tied)
        previous_knockouts: dict[str, tuple[str, str]] = {}
        while group:
            above = _Context(frozenset(areas), frozenset(countries))
            winners, knockouts = _resolve(group, chain, above, labels)
            winners.sort(key=lambda c: c.key)
            position = len(entries) + 1
            unresolved = len(winners) > 1
            for number, winner in enumerate(winners):
                if number:
                    trail, reason = TRAIL_UNRESOLVED, _unresolved_reason(chain)
                elif winner.key in previous_knockouts:
                    trail, reason = previous_knockouts[winner.key]
                else:
                    trail, reason = TRAIL_TOTAL, _total_reason(entries, winner)
                entries.append(_entry(winner, position, trail, reason, unresolved, chain))
                areas.update(winner.areas)
                countries.update(winner.countries)
            previous_knockouts = knockouts
            placed = {w.key for w in winners}
            group = [c for c in group if c.key not in placed]

    failing = sorted((c for c in candidates if not c.passed_thresholds), key=_by_total)
    for candidate in failing:
        reason = "Below the thresholds: not ranked."
        entries.append(_entry(candidate, None, TRAIL_BELOW_THRESHOLD, reason, False))
    return tuple(entries)


def _by_total(candidate: RankingCandidate) -> tuple[Decimal, str]:
    return (-candidate.weighted_total, candidate.key)


def _total_reason(entries: Sequence[RankedEntry], candidate: RankingCandidate) -> str:
    ranked_above = [e for e in entries if e.outcome is RankingOutcome.RANKED]
    if not ranked_above:
        return f"Highest weighted total ({plain(candidate.weighted_total)})."
    return (
        f"Lower weighted total than the proposal above "
        f"({plain(candidate.weighted_total)} vs {plain(ranked_above[-1].weighted_total)})."
    )


def _unresolved_reason(chain: Sequence[TieBreak]) -> str:
    if TieBreak.PANEL_DECISION in chain:
        return "Still tied after every tie-break rule: record the panel's decision."
    return "Still tied after every tie-break rule of the call."


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
        tried=_tried(trail, chain),
    )


def _tried(trail: str, chain: Sequence[TieBreak]) -> tuple[str, ...]:
    """Written out here, not taken from ranking.rules_tried: the rules up to the one that
    decided; the whole chain when still tied; none on a different total."""
    tried: list[str] = []
    if trail in (TRAIL_TOTAL, TRAIL_BELOW_THRESHOLD):
        return ()
    for rule in chain:
        tried.append(rule.value)
        if rule.value == trail:
            break
    return tuple(tried)
