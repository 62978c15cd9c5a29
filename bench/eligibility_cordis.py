"""Benchmark: Horizon Europe eligibility of every real Horizon 2020 consortium in CORDIS."""

import argparse
import csv
import gzip
import itertools
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.applications.rules.eligibility import Member, check_eligibility

DATA_FILE = Path(__file__).parent / "data" / "h2020_participations.eunets.csv.gz"

# Regulation (EU) 2021/695 Art. 22(2), as a call's rules document (reference.md 1).
HORIZON_EUROPE_STANDARD_RULES = {
    "min_partners": 3,
    "min_countries": 3,
    "min_member_state_partners": 1,
    "eligible_countries": "EU_MS+HE_ASSOCIATED",
    "require_independent_partners": True,
}

# CORDIS H2020 roles. "partner" rows are partner organisations (associated partners in
# Horizon Europe terms): they sign no grant agreement and receive nothing (their
# contribution is NA in all 7,142 rows), so they are not beneficiaries and Art. 22(2)
# does not count them. They are left out of the consortium.
MEMBER_ROLES = {"coordinator": "coordinator", "participant": "partner"}


def read_consortia(path: Path = DATA_FILE) -> Iterator[tuple[str, list[Member]]]:
    """Yield (rcn, beneficiaries) per project; the file keeps each project's rows together."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(stream)
        for rcn, project_rows in itertools.groupby(rows, key=lambda row: row["rcn"]):
            members = [
                Member(
                    key=row["pic"],
                    name=f"PIC {row['pic']}",  # the file has no organisation names
                    country=row["country"],
                    org_type=row["type"],
                    role=MEMBER_ROLES[row["role"]],
                    requested_amount=_amount(row["contribution"]),
                )
                for row in project_rows
                if row["role"] in MEMBER_ROLES
            ]
            yield rcn, members


def _amount(text: str) -> Decimal:
    """EU contribution in EUR; empty or NA (no funding recorded) counts as zero."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("0")


def run(limit: int | None = None) -> dict:
    consortia = [members for _, members in itertools.islice(read_consortia(), limit)]
    started = time.perf_counter()
    reports = [check_eligibility(members, HORIZON_EUROPE_STANDARD_RULES) for members in consortia]
    seconds = time.perf_counter() - started
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for report in reports:
        for check in report.checks:
            (passed if check.passed else failed)[str(check.code)] += 1
        (passed if report.passed else failed)["overall"] += 1
    return {
        "consortia": len(consortia),
        "members": sum(len(members) for members in consortia),
        "seconds": seconds,
        "passed": passed,
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="check only the first N projects")
    result = run(parser.parse_args().limit)
    seconds = result["seconds"]
    rate = result["consortia"] / seconds if seconds else float("inf")
    print(f"consortia:            {result['consortia']:,} ({result['members']:,} beneficiaries)")
    print(f"checking time:        {seconds:.3f} s")
    print(f"consortia per second: {rate:,.0f}")
    seen = dict.fromkeys([*result["passed"], *result["failed"]])
    codes = [code for code in seen if code != "overall"] + ["overall"]
    print(f"{'check':<28}{'passed':>10}{'failed':>10}")
    for code in codes:
        print(f"{code:<28}{result['passed'][code]:>10,}{result['failed'][code]:>10,}")


if __name__ == "__main__":
    main()
