"""Benchmark: Horizon Europe eligibility of every real Horizon 2020 consortium in CORDIS.

The file is streamed (a batch of projects at a time), so memory stays flat in the number of
consortia. Three figures are printed: the engine's full reports (every check of every
consortium, what screening and the submit guard need), the same with every message and note
written (what a person reads), and the whole run including reading the compressed CSV.
"""

import argparse
import csv
import gzip
import itertools
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path

from app.applications.rules.eligibility import Member, compile_rules
from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules

DATA_FILE = Path(__file__).parent / "data" / "h2020_participations.eunets.csv.gz"

# Regulation (EU) 2021/695 Art. 22 as the call editor's preset writes it (reference.md 1):
# 3 independent entities, 3 countries, 1 in a Member State; third-country entities take
# part but count toward no minimum.
HORIZON_EUROPE_STANDARD_RULES = validate_rules(RULE_PRESETS["horizon_europe"].document)

# CORDIS H2020 roles. "partner" rows are partner organisations: associated partners in
# Horizon Europe terms, who sign no grant agreement and receive nothing (their contribution
# is NA in all 7,142 rows). They stay in the consortium and count toward no minimum.
ROLES = {"coordinator": "coordinator", "participant": "partner", "partner": "associated_partner"}
_ZERO = Decimal("0")
_COLUMNS = itemgetter(0, 1, 2, 3, 4, 5)  # rcn, role, pic, type, contribution, country


def read_consortia(path: Path = DATA_FILE) -> Iterator[tuple[str, list[Member]]]:
    """Yield (rcn, members) per project; the file keeps each project's rows together."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream)
        next(rows)  # the header
        for rcn, project_rows in itertools.groupby(map(_COLUMNS, rows), key=itemgetter(0)):
            yield rcn, [
                Member(key=pic, name=f"PIC {pic}",  # the file has no organisation names
                       country=country, org_type=org_type, role=ROLES[role],
                       requested_amount=_amount(contribution) if role != "partner" else _ZERO)
                for _, role, pic, org_type, contribution, country in project_rows
            ]


def _amount(text: str) -> Decimal:
    """EU contribution in EUR; empty or NA (no funding recorded) counts as zero."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return _ZERO


def run(limit: int | None = None, *, full: bool = True, measure_memory: bool = False,
        batch: int = 1000) -> dict:
    """Judge every consortium as it is read, `batch` consortia at a time (so memory stays flat),
    timing the engine apart from the reading. Engine times are CPU time of this process, so
    other work on the machine does not inflate them; the whole run is wall-clock time."""
    ruleset = compile_rules(HORIZON_EUROPE_STANDARD_RULES)
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    consortia = members = 0
    outcome_seconds = render_seconds = 0.0
    cpu = time.process_time
    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    stream = (consortium for _, consortium in itertools.islice(read_consortia(), limit))
    while chunk := list(itertools.islice(stream, batch)):
        consortia += len(chunk)
        members += sum(map(len, chunk))
        before = cpu()
        reports = [ruleset.check(consortium) for consortium in chunk]
        between = cpu()
        if full:
            rendered = [report.to_dict() for report in reports]
            render_seconds += cpu() - between
            notes.update(note["kind"] for data in rendered for note in data["notes"])
        outcome_seconds += between - before
        for report in reports:
            for code, ok in report.outcomes:
                (passed if ok else failed)[code] += 1
            (passed if report.passed else failed)["overall"] += 1
    total_seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if measure_memory else None
    if measure_memory:
        tracemalloc.stop()
    return {"consortia": consortia, "members": members, "outcome_seconds": outcome_seconds,
            "report_seconds": outcome_seconds + render_seconds, "total_seconds": total_seconds,
            "passed": passed, "failed": failed, "notes": notes, "peak_bytes": peak}


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="check only the first N projects")
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak memory (tracemalloc; slows the run)")
    arguments = parser.parse_args()
    result = run(arguments.limit, measure_memory=arguments.memory)
    n = result["consortia"]
    print(f"consortia:                 {n:,} ({result['members']:,} members)")
    print(f"outcomes only (CPU):       {result['outcome_seconds']:.3f} s "
          f"({_rate(n, result['outcome_seconds'])})")
    print(f"full reports (CPU):        {result['report_seconds']:.3f} s "
          f"({_rate(n, result['report_seconds'])})")
    print(f"whole run incl. reading:   {result['total_seconds']:.3f} s wall "
          f"({_rate(n, result['total_seconds'])})")
    if result["peak_bytes"] is not None:
        print(f"peak traced memory:        {result['peak_bytes'] / 1e6:.1f} MB")
    codes = [code for code in dict.fromkeys([*result["passed"], *result["failed"]])
             if code != "overall"] + ["overall"]
    print(f"{'check':<28}{'passed':>10}{'failed':>10}")
    for code in codes:
        print(f"{code:<28}{result['passed'][code]:>10,}{result['failed'][code]:>10,}")
    print("notes (members that count toward no minimum, or count together):")
    for kind, count in sorted(result["notes"].items()):
        print(f"  {kind:<26}{count:>10,}")


if __name__ == "__main__":
    main()
