"""Benchmark: rank() on 250 / 1,000 / 2,000 / 5,000 generated proposals with the full chain.

Every proposal passes the thresholds (one ranking of n), and scores on the published half-point
scale make long ties (a dozen distinct totals), so the tie-break chain does most of the work.
Times are CPU milliseconds of this process (best of --runs), not wall clock. `--reference`
also times the quadratic implementation kept in tests/unit/ranking_reference.py and checks
that both give the same entries.

    .venv/bin/python -m bench.ranking [--reference] [--sizes 250 1000 2000 5000]
"""

import argparse
import random
import statistics
import time
from decimal import Decimal

from app.calls.rules.countries import EU_MEMBER_STATES
from app.evaluation.rules.ranking import RankingCandidate, rank
from app.evaluation.rules.scoring import AwardCriteria

SCALE = {"max": 5, "step": "0.5", "threshold": 3}
CRITERIA = AwardCriteria.from_document(
    {
        "criteria": [
            {"code": "excellence", "label": "Excellence", "weight": 1, **SCALE},
            {"code": "impact", "label": "Impact", "weight": "1.5", **SCALE},
        ],
        "overall_threshold": 10,
        "tie_breaks": [
            "uncovered_area",
            "excellence_then_impact",
            "gender_balance",
            "new_countries_then_budget",
            "panel_decision",
        ],
    }
)
AREAS = [f"area-{number}" for number in range(12)]
COUNTRIES = sorted(EU_MEMBER_STATES)
HALF_POINTS = [Decimal(n) / 2 for n in range(6, 11)]  # 3 .. 5: every proposal is ranked


def proposals(count: int, seed: int = 2020) -> list[RankingCandidate]:
    generator = random.Random(seed)
    result = []
    for number in range(count):
        excellence, impact = generator.choice(HALF_POINTS), generator.choice(HALF_POINTS)
        counted = generator.random() > 0.1
        result.append(
            RankingCandidate(
                key=f"proposal-{number:05d}",
                scores={"excellence": excellence, "impact": impact},
                weighted_total=excellence + impact * Decimal("1.5"),
                passed_thresholds=excellence >= 3 and impact >= 3,
                areas=tuple(generator.sample(AREAS, generator.randint(1, 3))),
                countries=tuple(generator.sample(COUNTRIES, generator.randint(3, 10))),
                women=generator.randint(0, 6) if counted else None,
                men=generator.randint(0, 6) if counted else None,
                requested=Decimal(generator.randrange(50_000, 4_000_000, 500)),
                panel_position=None,
            )
        )
    return result


def best_of(runs: int, function, *args) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.process_time()
        result = function(*args)
        timings.append(time.process_time() - started)
    return min(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 2000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help="also time the reference")
    arguments = parser.parse_args()
    reference_rank = None
    if arguments.reference:
        from tests.unit.ranking_reference import reference_rank

    print(f"{'proposals':>10} {'ranked':>7} {'totals':>7} {'rank() ms':>10} {'reference ms':>13}")
    for size in arguments.sizes:
        candidates = proposals(size)
        ranked = [c for c in candidates if c.passed_thresholds]
        totals = len({c.weighted_total for c in ranked})
        fast, entries = best_of(arguments.runs, rank, candidates, CRITERIA)
        slow_text = "-"
        if reference_rank is not None:
            slow, expected = best_of(1, reference_rank, candidates, CRITERIA)
            if expected != entries:
                raise SystemExit(f"{size} proposals: rank() differs from the reference")
            slow_text = f"{slow * 1000:.0f}"
        print(f"{size:>10,} {len(ranked):>7,} {totals:>7} {fast * 1000:>10.1f} {slow_text:>13}")
    positions = [e.position for e in entries if e.position is not None]
    print(f"last run: {len(positions)} ranked, median position {statistics.median(positions)}")


if __name__ == "__main__":
    main()
