"""Tie-break rules (reference.md 2): what each compares tied proposals on, and the sentence
saying why one was placed above another. The placement itself is in ranking.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from app.evaluation.rules.scoring import TieBreak, plain

if TYPE_CHECKING:
    from app.evaluation.rules.ranking import RankingCandidate


@dataclass(frozen=True, slots=True)
class Context:
    """What the proposals already ranked above a tied group cover."""

    areas: frozenset[str]
    countries: frozenset[str]


# How a rule compares tied candidates. `_basis` says what it compares them on for a given set
# of survivors: () for rules that always compare, the usable criterion codes for a score rule
# (a call without one of them cannot be decided on it: compare on the rest), or None when the
# rule cannot compare them at all (then it does not decide). `_merit` gives one candidate's
# comparable merit under that basis, higher is better.
_SCORE_CODES: dict[TieBreak, tuple[str, ...]] = {
    TieBreak.EXCELLENCE_THEN_IMPACT: ("excellence", "impact"),
    TieBreak.IMPACT_THEN_EXCELLENCE: ("impact", "excellence"),
}
# Rules whose merit changes with what is ranked above (it can only fall as more is placed).
CONTEXTUAL = frozenset({TieBreak.UNCOVERED_AREA, TieBreak.NEW_COUNTRIES_THEN_BUDGET})


def basis(rule: TieBreak, survivors: Sequence[RankingCandidate]) -> tuple[str, ...] | None:
    if rule in _SCORE_CODES:
        codes = _SCORE_CODES[rule]
        usable = tuple(code for code in codes if all(code in c.scores for c in survivors))
        return usable or None
    if rule is TieBreak.PANEL_DECISION:
        # The panel decides only if it placed every tied proposal; otherwise the tie is reported.
        return () if all(c.panel_position is not None for c in survivors) else None
    return ()


def same_basis_for_any_subset(rule: TieBreak, group: Sequence[RankingCandidate]) -> bool:
    """True when every subset of the group gets the basis the whole group gets."""
    if rule in _SCORE_CODES:
        return all(len({code in c.scores for c in group}) == 1 for code in _SCORE_CODES[rule])
    if rule is TieBreak.PANEL_DECISION:
        return len({c.panel_position is None for c in group}) == 1
    return True


def women_share(candidate: RankingCandidate) -> Fraction | None:
    if candidate.women is None or candidate.men is None or candidate.women + candidate.men == 0:
        return None
    return Fraction(candidate.women, candidate.women + candidate.men)


def new_countries(candidate: RankingCandidate, above: Context) -> int:
    return len(set(candidate.countries) - above.countries)


def merit(rule: TieBreak, basis: tuple[str, ...], c: RankingCandidate, above: Context) -> tuple:
    if rule is TieBreak.UNCOVERED_AREA:
        return (int(not above.areas.issuperset(c.areas)),)
    if rule in _SCORE_CODES:
        return tuple(c.scores[code] for code in basis)
    if rule is TieBreak.GENDER_BALANCE:
        share = women_share(c)
        # Unknown counts rank after every known balance.
        return (0, 0) if share is None else (1, -abs(share - Fraction(1, 2)))
    if rule is TieBreak.NEW_COUNTRIES_THEN_BUDGET:
        return (new_countries(c, above), -c.requested)
    return (-c.panel_position,)  # type: ignore[operator]  # _basis checked it is recorded


def _percent(share: Fraction | None) -> str:
    return "unknown" if share is None else f"{round(share * 100)} % women"


def reason(
    rule: TieBreak,
    winner: RankingCandidate,
    loser: RankingCandidate,
    above: Context,
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
