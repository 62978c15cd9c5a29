"""Benchmark: a SEPA credit transfer file (pain.001.001.03) of 10,000 payments, built with
sepaxml and validated against the shipped XSD, as a finance officer's batch download does.

Prints wall and CPU time for each size (the goal: 10,000 payments in under 5 s).

    .venv/bin/python -m bench.sepa_batch [--sizes 1000 10000]
"""

import argparse
import time
from datetime import date
from decimal import Decimal

from app.grants.services.sepa import Transfer, checked_account, credit_transfer_file

FUNDER = checked_account("Regional Development Fund", "DE89 3704 0044 0532 0130 00")
BENEFICIARIES = [
    checked_account("Acme Digital GmbH", "AT61 1904 3002 3457 3201", "BKAUATWW"),
    checked_account("Kraków Broadband sp. z o.o.", "PL61 1090 1014 0000 0712 1981 2874",
                    "WBKPPLPP"),
    checked_account("Università di Trieste", "IT60 X054 2811 1010 0000 0123 456", "BPMOIT22"),
]


def transfers(count: int) -> list[Transfer]:
    return [Transfer(BENEFICIARIES[n % len(BENEFICIARIES)], Decimal(1000 + n).scaleb(-2) * 100,
                     f"AGR-{n:05d}-P1", f"Grant AGR-{n:05d}: pre-financing")
            for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    sizes = parser.parse_args().sizes
    for size in sizes:
        batch = transfers(size)
        wall, cpu = time.perf_counter(), time.process_time()
        document = credit_transfer_file(FUNDER, batch, execution_date=date(2026, 3, 2))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        total = sum((t.amount for t in batch), Decimal(0))
        print(f"{size:>6} payments  {wall:6.2f} s wall  {cpu:6.2f} s CPU  "
              f"{len(document) / 1e6:5.1f} MB  total EUR {total:,.2f}  valid pain.001.001.03")


if __name__ == "__main__":
    main()
