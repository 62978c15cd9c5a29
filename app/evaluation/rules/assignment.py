"""Expert assignment: conflict detection and a balanced, field-matched, conflict-free plan."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

AFFILIATION_YEARS = 3


class ConflictReason(StrEnum):
    DECLARED = "declared"
    SAME_ORGANISATION = "same_organisation"
    SAME_CONTROLLER = "same_controller"
    RECENT_AFFILIATION = "recent_affiliation"
    SAME_COUNTRY = "same_country"


@dataclass(frozen=True, slots=True)
class Affiliation:
    organisation: str
    until: date | None = None  # None: still affiliated


@dataclass(frozen=True, slots=True)
class Expert:
    key: str
    fields_of_science: tuple[str, ...] = ()  # FORD codes, "2" or "2.2"
    country: str | None = None
    organisation: str | None = None
    controller: str | None = None  # the organisation controlling the expert's organisation
    affiliations: tuple[Affiliation, ...] = ()


@dataclass(frozen=True, slots=True)
class Proposal:
    key: str
    organisations: tuple[str, ...] = ()  # participant organisation keys
    controllers: tuple[str, ...] = ()  # their controllers' keys
    countries: tuple[str, ...] = ()
    fields_of_science: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    expert: str
    proposal: str
    field_match: int  # 2 same FORD subfield, 1 same FORD field, 0 none
    kept: bool  # an existing assignment carried over

    def to_dict(self) -> dict[str, Any]:
        return {
            "expert": self.expert,
            "proposal": self.proposal,
            "field_match": self.field_match,
            "kept": self.kept,
        }


@dataclass(frozen=True, slots=True)
class DroppedAssignment:
    expert: str
    proposal: str
    reasons: tuple[ConflictReason, ...]


@dataclass(frozen=True, slots=True)
class Shortfall:
    proposal: str
    assigned: int
    needed: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal,
            "assigned": self.assigned,
            "needed": self.needed,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    assignments: tuple[Assignment, ...]  # sorted by proposal, then expert
    shortfalls: tuple[Shortfall, ...]
    dropped: tuple[DroppedAssignment, ...]  # existing assignments removed for a conflict

    def experts_for(self, proposal: str) -> tuple[str, ...]:
        return tuple(a.expert for a in self.assignments if a.proposal == proposal)

    def load(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.assignments:
            counts[item.expert] = counts.get(item.expert, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignments": [item.to_dict() for item in self.assignments],
            "shortfalls": [item.to_dict() for item in self.shortfalls],
            "dropped": [
                {"expert": d.expert, "proposal": d.proposal, "reasons": [str(r) for r in d.reasons]}
                for d in self.dropped
            ],
        }


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def detect_conflicts(
    expert: Expert, proposal: Proposal, on: date, same_country_rule: bool = False
) -> tuple[ConflictReason, ...]:
    """Reasons the expert may not evaluate the proposal (declared conflicts are handled by
    `assign`). Same organisation as a participant; same group (a shared controller, or one
    controls the other); an affiliation with a participant that lasted until within the last
    3 years before `on` (a boundary day counts); same country when the call says so."""
    reasons = []
    participants = set(proposal.organisations)
    if expert.organisation is not None and expert.organisation in participants:
        reasons.append(ConflictReason.SAME_ORGANISATION)
    expert_group = {expert.organisation, expert.controller} - {None}
    proposal_group = participants | set(proposal.controllers)
    same_group = expert.controller is not None and expert.controller in proposal_group
    same_group = same_group or bool(expert_group & set(proposal.controllers))
    if same_group:
        reasons.append(ConflictReason.SAME_CONTROLLER)
    since = years_before(on, AFFILIATION_YEARS)
    if any(
        a.organisation in participants and (a.until is None or a.until >= since)
        for a in expert.affiliations
    ):
        reasons.append(ConflictReason.RECENT_AFFILIATION)
    if same_country_rule and expert.country and expert.country in proposal.countries:
        reasons.append(ConflictReason.SAME_COUNTRY)
    return tuple(reasons)


def field_match(expert: Expert, proposal: Proposal) -> int:
    """2 when they share a FORD subfield, 1 when they share a first-level field, else 0."""
    if set(expert.fields_of_science) & set(proposal.fields_of_science):
        return 2
    fields = {code.split(".")[0] for code in expert.fields_of_science}
    return int(bool(fields & {code.split(".")[0] for code in proposal.fields_of_science}))


def assign(
    experts: Sequence[Expert],
    proposals: Sequence[Proposal],
    k: int,
    *,
    on: date,
    declared_conflicts: Collection[tuple[str, str]] = frozenset(),
    same_country_is_conflict: bool = False,
    existing: Iterable[tuple[str, str]] = (),
) -> AssignmentPlan:
    """Give every proposal k conflict-free experts, never one with a declared or detected
    conflict.

    Existing (expert, proposal) assignments are kept unless they now have a conflict (then
    they are dropped and reported). New slots are filled round by round, most constrained
    proposal first, each time with the least-loaded eligible expert, preferring a FORD match,
    then by key: the result is deterministic. Two repair passes follow, neither touching kept
    assignments: moves from an expert to an eligible one with at least two fewer proposals
    (so loads differ by at most one where single moves allow), then expert swaps between
    two proposals that raise the number of field matches without changing anyone's load.
    """
    if k < 0:
        raise ValueError("k must not be negative.")
    expert_by_key = {e.key: e for e in experts}
    proposal_by_key = {p.key: p for p in proposals}
    if len(expert_by_key) != len(experts) or len(proposal_by_key) != len(proposals):
        raise ValueError("Expert and proposal keys must be unique.")
    declared = set(declared_conflicts)

    def conflicts(expert: Expert, proposal: Proposal) -> tuple[ConflictReason, ...]:
        found = detect_conflicts(expert, proposal, on, same_country_is_conflict)
        if (expert.key, proposal.key) in declared:
            return (ConflictReason.DECLARED, *found)
        return found

    eligible: dict[str, list[str]] = {}
    excluded: dict[str, int] = {}
    for proposal in proposals:
        free = [e.key for e in experts if not conflicts(e, proposal)]
        eligible[proposal.key] = sorted(free)
        excluded[proposal.key] = len(experts) - len(free)
    match = {(e.key, p.key): field_match(e, p) for p in proposals for e in experts}

    kept: set[tuple[str, str]] = set()
    dropped = []
    for expert_key, proposal_key in existing:
        if expert_key not in expert_by_key or proposal_key not in proposal_by_key:
            raise ValueError(f"Unknown existing assignment {expert_key} -> {proposal_key}.")
        reasons = conflicts(expert_by_key[expert_key], proposal_by_key[proposal_key])
        if reasons:
            dropped.append(DroppedAssignment(expert_key, proposal_key, reasons))
        else:
            kept.add((expert_key, proposal_key))

    on_proposal: dict[str, set[str]] = {p.key: set() for p in proposals}
    load = {e.key: 0 for e in experts}
    for expert_key, proposal_key in kept:
        on_proposal[proposal_key].add(expert_key)
        load[expert_key] += 1

    order = sorted(proposal_by_key, key=lambda key: (len(eligible[key]), key))
    for _ in range(k):
        for proposal_key in order:
            team = on_proposal[proposal_key]
            choices = [e for e in eligible[proposal_key] if e not in team]
            if len(team) >= k or not choices:
                continue
            best = min(choices, key=lambda e: (load[e], -match[e, proposal_key], e))
            team.add(best)
            load[best] += 1

    _balance_loads(on_proposal, eligible, load, kept, match)
    _swap_for_matches(on_proposal, eligible, kept, match)

    assignments = tuple(
        Assignment(e, p, match[e, p], (e, p) in kept)
        for p in sorted(on_proposal)
        for e in sorted(on_proposal[p])
    )
    shortfalls = tuple(
        Shortfall(
            proposal=p,
            assigned=len(on_proposal[p]),
            needed=k,
            reason=(
                f"Only {len(eligible[p])} of {len(experts)} experts are free of conflicts "
                f"({excluded[p]} excluded)."
            ),
        )
        for p in sorted(on_proposal)
        if len(on_proposal[p]) < k
    )
    return AssignmentPlan(assignments, shortfalls, tuple(sorted(dropped, key=_pair_of)))


def _pair_of(item: DroppedAssignment) -> tuple[str, str]:
    return (item.proposal, item.expert)


def _balance_loads(
    on_proposal: dict[str, set[str]],
    eligible: dict[str, list[str]],
    load: dict[str, int],
    kept: set[tuple[str, str]],
    match: dict[tuple[str, str], int],
) -> None:
    # Each move lowers the sum of squared loads, so the loop ends.
    moved = True
    while moved:
        moved = False
        for proposal_key in sorted(on_proposal):
            team = on_proposal[proposal_key]
            for heavy in sorted(team, key=lambda e: (-load[e], e)):
                if (heavy, proposal_key) in kept:
                    continue
                lighter = [
                    e
                    for e in eligible[proposal_key]
                    if e not in team and load[e] <= load[heavy] - 2
                ]
                if not lighter:
                    continue
                light = min(lighter, key=lambda e: (load[e], -match[e, proposal_key], e))
                team.discard(heavy)
                team.add(light)
                load[heavy] -= 1
                load[light] += 1
                moved = True
                break


def _swap_for_matches(
    on_proposal: dict[str, set[str]],
    eligible: dict[str, list[str]],
    kept: set[tuple[str, str]],
    match: dict[tuple[str, str], int],
) -> None:
    # Each swap raises the total match score, which is bounded, so the passes end.
    eligible_sets = {key: set(experts) for key, experts in eligible.items()}
    slots = sorted([e, p] for p, team in on_proposal.items() for e in team if (e, p) not in kept)
    improved = True
    while improved:
        improved = False
        for index, first in enumerate(slots):
            for second in slots[index + 1 :]:
                (a, p), (b, q) = first, second
                # The gain test first: it is the cheap one that almost always fails.
                if (
                    match[a, q] + match[b, p] <= match[a, p] + match[b, q]
                    or p == q
                    or a in on_proposal[q]
                    or b in on_proposal[p]
                    or a not in eligible_sets[q]
                    or b not in eligible_sets[p]
                ):
                    continue
                on_proposal[p].symmetric_difference_update({a, b})
                on_proposal[q].symmetric_difference_update({a, b})
                first[0], second[0] = b, a
                improved = True
