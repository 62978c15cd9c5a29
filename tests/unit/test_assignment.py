"""Expert assignment: conflict detection, never a conflict, balanced load, field preference."""

import random
from datetime import date

import pytest

from app.evaluation.rules.assignment import (
    Affiliation,
    ConflictReason,
    Expert,
    Proposal,
    assign,
    detect_conflicts,
    field_match,
)

ON = date(2025, 6, 15)
PROPOSAL = Proposal(
    key="p",
    organisations=("unibo", "acme"),
    controllers=("acme-holding",),
    countries=("IT", "AT"),
    fields_of_science=("1.2", "2.2"),
)


@pytest.mark.parametrize(
    ("expert", "same_country_rule", "reasons"),
    [
        pytest.param(Expert("e", organisation="tuwien", country="DE"), False, (), id="none"),
        pytest.param(
            Expert("e", organisation="unibo"), False, ("same_organisation",), id="same-org"
        ),
        pytest.param(
            Expert("e", organisation="acme-lab", controller="acme-holding"),
            False,
            ("same_controller",),
            id="shared-controller",
        ),
        pytest.param(
            Expert("e", organisation="acme-holding"),
            False,
            ("same_controller",),
            id="expert-works-for-participant-controller",
        ),
        pytest.param(
            Expert("e", organisation="acme-lab", controller="acme"),
            False,
            ("same_controller",),
            id="participant-controls-expert-org",
        ),
        pytest.param(
            Expert("e", organisation="x", affiliations=(Affiliation("acme", date(2022, 6, 15)),)),
            False,
            ("recent_affiliation",),
            id="affiliation-ended-exactly-3-years-ago",
        ),
        pytest.param(
            Expert("e", organisation="x", affiliations=(Affiliation("acme", date(2022, 6, 14)),)),
            False,
            (),
            id="affiliation-ended-3-years-and-a-day-ago",
        ),
        pytest.param(
            Expert("e", organisation="x", affiliations=(Affiliation("unibo", date(2024, 1, 1)),)),
            False,
            ("recent_affiliation",),
            id="affiliation-last-year",
        ),
        pytest.param(
            Expert("e", organisation="x", affiliations=(Affiliation("unibo"),)),
            False,
            ("recent_affiliation",),
            id="ongoing-affiliation",
        ),
        pytest.param(
            Expert("e", organisation="x", affiliations=(Affiliation("other", date(2025, 1, 1)),)),
            False,
            (),
            id="affiliation-with-non-participant",
        ),
        pytest.param(
            Expert("e", organisation="x", country="IT"), True, ("same_country",), id="country-rule"
        ),
        pytest.param(
            Expert("e", organisation="x", country="IT"), False, (), id="country-without-rule"
        ),
        pytest.param(
            Expert("e", organisation="x", country="FR"), True, (), id="other-country-with-rule"
        ),
        pytest.param(
            Expert(
                "e",
                organisation="unibo",
                controller="acme-holding",
                country="AT",
                affiliations=(Affiliation("acme", None),),
            ),
            True,
            ("same_organisation", "same_controller", "recent_affiliation", "same_country"),
            id="every-reason",
        ),
        pytest.param(Expert("e"), True, (), id="expert-without-profile"),
    ],
)
def test_detect_conflicts(expert, same_country_rule, reasons):
    assert detect_conflicts(expert, PROPOSAL, ON, same_country_rule) == reasons


def test_three_year_window_from_29_february():
    expert = Expert("e", affiliations=(Affiliation("acme", date(2021, 2, 28)),))
    assert detect_conflicts(expert, PROPOSAL, date(2024, 2, 29)) == (
        ConflictReason.RECENT_AFFILIATION,
    )
    earlier = Expert("e", affiliations=(Affiliation("acme", date(2021, 2, 27)),))
    assert detect_conflicts(earlier, PROPOSAL, date(2024, 2, 29)) == ()


@pytest.mark.parametrize(
    ("expert_fields", "proposal_fields", "expected"),
    [
        (("1.2",), ("1.2", "2.2"), 2),
        (("1.1",), ("1.2",), 1),
        (("1",), ("1.2",), 1),
        (("6.1", "2.11"), ("2.1",), 1),
        (("5.2",), ("1.2",), 0),
        ((), ("1.2",), 0),
    ],
    ids=["same-subfield", "same-field", "field-only-code", "level-one-of-several", "none", "empty"],
)
def test_field_match(expert_fields, proposal_fields, expected):
    expert = Expert("e", fields_of_science=expert_fields)
    assert field_match(expert, Proposal("p", fields_of_science=proposal_fields)) == expected


def experts(count, **fields):
    return [Expert(f"e{n:02d}", organisation=f"org-e{n:02d}", **fields) for n in range(count)]


def proposals(count, **fields):
    return [Proposal(f"p{n:02d}", organisations=(f"org-p{n:02d}",), **fields) for n in range(count)]


def check_no_conflicts(plan, expert_list, proposal_list, declared=(), same_country=False):
    by_key = {e.key: e for e in expert_list}
    proposal_by_key = {p.key: p for p in proposal_list}
    for item in plan.assignments:
        assert (item.expert, item.proposal) not in set(declared)
        expert, proposal = by_key[item.expert], proposal_by_key[item.proposal]
        assert detect_conflicts(expert, proposal, ON, same_country) == ()


@pytest.mark.parametrize(
    ("expert_count", "proposal_count", "k", "loads"),
    [
        (4, 4, 2, [2, 2, 2, 2]),
        (4, 5, 3, [3, 4, 4, 4]),
        (6, 10, 3, [5, 5, 5, 5, 5, 5]),
        (7, 10, 3, [4, 4, 4, 4, 5, 5, 4]),
        (3, 1, 3, [1, 1, 1]),
        (10, 2, 3, [1] * 6 + [0] * 4),
    ],
    ids=["even", "uneven", "exact", "seven-experts", "one-proposal", "more-experts-than-slots"],
)
def test_loads_differ_by_at_most_one_without_conflicts(expert_count, proposal_count, k, loads):
    plan = assign(experts(expert_count), proposals(proposal_count), k, on=ON)
    assert sorted(plan.load().get(e.key, 0) for e in experts(expert_count)) == sorted(loads)
    assert all(len(plan.experts_for(p.key)) == k for p in proposals(proposal_count))
    assert plan.shortfalls == ()


def test_prefers_experts_whose_fields_match():
    pool = [
        Expert("art", fields_of_science=("6.4",)),
        Expert("cs", fields_of_science=("1.2",)),
        Expert("maths", fields_of_science=("1.1",)),
        Expert("history", fields_of_science=("6.1",)),
    ]
    plan = assign(pool, [Proposal("ict", fields_of_science=("1.2",))], 2, on=ON)
    assert plan.experts_for("ict") == ("cs", "maths")
    assert [a.field_match for a in plan.assignments] == [2, 1]


def test_swaps_experts_to_match_fields_without_changing_loads():
    pool = [Expert("bio", fields_of_science=("1.6",)), Expert("law", fields_of_science=("5.5",))]
    work = [
        Proposal("a-law", fields_of_science=("5.5",)),
        Proposal("b-bio", fields_of_science=("1.6",)),
    ]
    plan = assign(pool, work, 1, on=ON)
    assert plan.experts_for("a-law") == ("law",)
    assert plan.experts_for("b-bio") == ("bio",)


def test_never_assigns_a_declared_or_detected_conflict():
    pool = [
        Expert("declared"),
        Expert("colleague", organisation="acme"),
        Expert("neighbour", country="IT"),
        Expert("free-1"),
        Expert("free-2"),
    ]
    work = [Proposal("p", organisations=("acme",), countries=("IT",))]
    plan = assign(
        pool,
        work,
        5,
        on=ON,
        declared_conflicts={("declared", "p")},
        same_country_is_conflict=True,
    )
    assert plan.experts_for("p") == ("free-1", "free-2")
    (shortfall,) = plan.shortfalls
    assert (shortfall.proposal, shortfall.assigned, shortfall.needed) == ("p", 2, 5)
    assert "Only 2 of 5 experts are free of conflicts (3 excluded)" in shortfall.reason


def test_same_country_only_when_the_call_says_so():
    pool = [Expert("it", country="IT")]
    work = [Proposal("p", countries=("IT",))]
    assert assign(pool, work, 1, on=ON).experts_for("p") == ("it",)
    assert assign(pool, work, 1, on=ON, same_country_is_conflict=True).experts_for("p") == ()


def test_existing_assignments_are_kept_and_count_towards_k_and_load():
    pool = experts(4)
    work = proposals(2)
    plan = assign(pool, work, 2, on=ON, existing=[("e03", "p00"), ("e03", "p01")])
    assert "e03" in plan.experts_for("p00")
    assert "e03" in plan.experts_for("p01")
    assert all(len(plan.experts_for(p.key)) == 2 for p in work)
    kept = {(a.expert, a.proposal) for a in plan.assignments if a.kept}
    assert kept == {("e03", "p00"), ("e03", "p01")}


def test_existing_assignment_with_a_new_conflict_is_dropped_and_reported():
    pool = experts(3)
    work = proposals(1)
    plan = assign(pool, work, 2, on=ON, declared_conflicts={("e00", "p00")},
                  existing=[("e00", "p00")])  # fmt: skip
    assert "e00" not in plan.experts_for("p00")
    assert len(plan.experts_for("p00")) == 2
    (dropped,) = plan.dropped
    assert (dropped.expert, dropped.proposal, dropped.reasons) == ("e00", "p00", ("declared",))


@pytest.mark.parametrize(
    ("existing", "message"),
    [([("ghost", "p00")], "Unknown existing"), ([("e00", "ghost")], "Unknown existing")],
    ids=["unknown-expert", "unknown-proposal"],
)
def test_existing_assignment_must_name_known_keys(existing, message):
    with pytest.raises(ValueError, match=message):
        assign(experts(2), proposals(1), 1, on=ON, existing=existing)


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="unique"):
        assign(experts(2) + experts(1), proposals(1), 1, on=ON)


def test_rebalances_when_conflicts_push_work_onto_few_experts():
    # Only e00 and e01 may take p00; everyone may take p01..p03. Loads must still end even.
    pool = experts(4)
    work = [Proposal("p00", organisations=("org-e02", "org-e03"))] + proposals(4)[1:]
    plan = assign(pool, work, 2, on=ON)
    loads = plan.load()
    assert set(plan.experts_for("p00")) == {"e00", "e01"}
    assert max(loads.values()) - min(loads.values()) <= 1


def test_plan_is_deterministic_whatever_the_input_order():
    pool = experts(6, fields_of_science=("1.2",))
    work = proposals(5, fields_of_science=("1.2",))
    first = assign(pool, work, 3, on=ON)
    second = assign(list(reversed(pool)), list(reversed(work)), 3, on=ON)
    assert first == second


def random_world(seed):
    """A world with random organisations, groups, countries and fields (seeded, repeatable)."""
    rng = random.Random(seed)
    orgs = [f"o{n}" for n in range(8)]
    controllers = {org: rng.choice([None, "g1", "g2"]) for org in orgs}
    countries = ["IT", "AT", "SI", "HR"]
    fields = ["1.1", "1.2", "2.2", "5.2", "6.1"]
    pool = []
    for n in range(rng.randint(4, 12)):
        org = rng.choice(orgs)
        history = tuple(
            Affiliation(rng.choice(orgs), date(rng.randint(2018, 2026), 1, 1))
            for _ in range(rng.randint(0, 2))
        )
        pool.append(
            Expert(f"e{n}", tuple(rng.sample(fields, 2)), rng.choice(countries), org,
                   controllers[org], history)
        )  # fmt: skip
    work = []
    for n in range(rng.randint(1, 10)):
        members = rng.sample(orgs, 3)
        work.append(
            Proposal(
                f"p{n}",
                tuple(members),
                tuple(c for c in (controllers[m] for m in members) if c),
                tuple(rng.sample(countries, 2)),
                tuple(rng.sample(fields, 2)),
            )
        )
    declared = {(e.key, p.key) for e in pool for p in work if rng.random() < 0.1}
    return pool, work, declared, rng.choice([True, False])


@pytest.mark.parametrize("seed", range(40))
def test_random_worlds_respect_every_invariant(seed):
    pool, work, declared, same_country = random_world(seed)
    plan = assign(
        pool, work, 3, on=ON, declared_conflicts=declared, same_country_is_conflict=same_country
    )
    check_no_conflicts(plan, pool, work, declared, same_country)
    pairs = [(a.expert, a.proposal) for a in plan.assignments]
    assert len(pairs) == len(set(pairs))
    short = {s.proposal: s for s in plan.shortfalls}
    for proposal in work:
        free = [
            e
            for e in pool
            if (e.key, proposal.key) not in declared
            and not detect_conflicts(e, proposal, ON, same_country)
        ]
        assigned = plan.experts_for(proposal.key)
        # Every proposal gets k experts, or every conflict-free expert and a shortfall.
        assert len(assigned) == min(3, len(free))
        assert (proposal.key in short) == (len(free) < 3)
    # Balance: no expert could hand one of their proposals to an eligible expert with at
    # least two fewer (the single-move balance the plan promises).
    loads = {e.key: 0 for e in pool} | plan.load()
    for item in plan.assignments:
        proposal = next(p for p in work if p.key == item.proposal)
        for other in pool:
            if (
                other.key not in plan.experts_for(proposal.key)
                and (other.key, proposal.key) not in declared
                and not detect_conflicts(other, proposal, ON, same_country)
            ):
                assert loads[other.key] >= loads[item.expert] - 1


def test_plan_serialises():
    plan = assign(experts(1), proposals(1), 2, on=ON)
    data = plan.to_dict()
    assert data["assignments"] == [
        {"expert": "e00", "proposal": "p00", "field_match": 0, "kept": False}
    ]
    assert data["shortfalls"][0]["assigned"] == 1
    assert data["dropped"] == []
