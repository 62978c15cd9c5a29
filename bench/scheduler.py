"""Benchmark: schedule 500 participants' 3,000 accepted meetings over 20 slots and 100 tables."""

import argparse
import random
import time

from app.events.rules.scheduler import Meeting, Problem, first_come, schedule, upper_bound, validate


def generate(participants: int, meetings: int, slots: int, tables: int, seed: int) -> Problem:
    """Two sessions of half the slots each; most people attend both, each keeps one or two
    breaks; some participants are far more popular than others, as at a real brokerage day."""
    rng = random.Random(seed)
    slot_keys = tuple(range(1, slots + 1))
    morning, afternoon = frozenset(slot_keys[: slots // 2]), frozenset(slot_keys[slots // 2:])
    attends, breaks = {}, {}
    for person in range(1, participants + 1):
        roll = rng.random()
        attends[person] = (morning if roll < 0.1 else afternoon if roll < 0.2
                           else morning | afternoon)
        breaks[person] = frozenset(rng.sample(sorted(attends[person]), rng.randint(1, 2)))
    weights = [rng.paretovariate(2.0) for _ in range(participants)]
    pairs: set[tuple[int, int]] = set()
    people = list(range(1, participants + 1))
    while len(pairs) < meetings:
        first, second = rng.choices(people, weights=weights, k=2)
        if first != second:
            pairs.add((min(first, second), max(first, second)))
    ordered = sorted(pairs)
    rng.shuffle(ordered)  # the order requests were accepted in, for the first-come baseline
    return Problem(slots=slot_keys, tables=tables, attends=attends, breaks=breaks,
                   meetings=tuple(Meeting(n, a, b) for n, (a, b) in enumerate(ordered, 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--meetings", type=int, default=3000)
    parser.add_argument("--slots", type=int, default=20)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    for seed in range(1, args.seeds + 1):
        problem = generate(args.participants, args.meetings, args.slots, args.tables, seed)
        started = time.perf_counter()
        result = schedule(problem)
        elapsed = time.perf_counter() - started
        baseline = first_come(problem).placed_count
        bound = upper_bound(problem)
        errors = validate(problem, result.placements)
        print(f"seed {seed}: {args.participants} participants, {args.meetings} accepted "
              f"meetings, {args.slots} slots x {args.tables} tables")
        print(f"  scheduler  {result.placed_count:5d} placed in {elapsed:.2f} s "
              f"({result.placed_count / bound:.1%} of the upper bound; target >= 98 %, < 5 s)")
        print(f"  first-come {baseline:5d} placed")
        print(f"  upper bound {bound:4d}; constraint violations: {len(errors)}")


if __name__ == "__main__":
    main()
