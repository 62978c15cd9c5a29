"""The report's CSV is produced line by line from a generator of rows."""

import csv
import io
import itertools
import types
from datetime import date
from decimal import Decimal

from app.reports.services.rows import COLUMNS, ReportRow
from app.reports.services.writers import csv_lines


def _row(n: int, **changes) -> ReportRow:
    values = dict(share_id=n, value_date=date(2026, 2, 1), agreement_number=f"AGR-{n}",
                  call_reference="ICT-1", beneficiary=f"Org {n}", country="AT",
                  ict_category="broadband", installment="prefinancing",
                  bank_reference=f"B{n}", status="executed", amount=Decimal("10.50"),
                  currency="EUR")
    return ReportRow(**{**values, **changes})


def test_header_then_one_line_per_row():
    lines = list(csv_lines([_row(1), _row(2, amount=Decimal("-10.50"), status="reversal")]))
    parsed = list(csv.reader(io.StringIO("".join(lines))))
    assert parsed[0] == list(COLUMNS)
    assert parsed[1] == ["2026-02-01", "AGR-1", "ICT-1", "Org 1", "AT", "broadband",
                         "prefinancing", "B1", "executed", "10.50", "EUR"]
    assert parsed[2][8:10] == ["reversal", "-10.50"]


def test_quotes_commas_and_quotes_in_names():
    line = list(csv_lines([_row(1, beneficiary='Web, "Content" Ltd')]))[1]
    assert next(csv.reader(io.StringIO(line)))[3] == 'Web, "Content" Ltd'


def test_is_lazy_and_holds_one_line_at_a_time():
    endless = (_row(n) for n in itertools.count(1))
    lines = csv_lines(endless)
    assert isinstance(lines, types.GeneratorType)
    first_three = list(itertools.islice(lines, 3))  # an endless source still yields lines
    assert first_three[2].startswith("2026-02-01,AGR-2,")
    assert all(line.count("\r\n") == 1 for line in first_three)
