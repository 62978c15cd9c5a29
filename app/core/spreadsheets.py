"""The one writer of CSV and XLSX exports: cells a spreadsheet would run as formulas are defused.

A spreadsheet program runs a text cell that starts with =, +, -, @, a tab or a carriage
return as a formula (CSV injection, OWASP). Every export writes its cells through
`safe_cell`, which prefixes such text with an apostrophe, the spreadsheets' own "this is
text" mark. Numbers, dates and None pass unchanged: a negative amount stays a number.
"""

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it may be written: text that starts like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(cells: Iterable) -> list:
    return [safe_cell(cell) for cell in cells]


def csv_lines(header: Sequence, rows: Iterable[Sequence],
              lineterminator: str = "\r\n") -> Iterator[str]:
    """The CSV text one line at a time (a generator: one row in memory), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in _with_header(header, rows):
        writer.writerow(safe_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(header: Sequence, rows: Iterable[Sequence]) -> Iterator[Sequence]:
    yield header
    yield from rows


def write_xlsx(target: Path | io.BytesIO,
               sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> None:
    """Write (title, rows) sheets in openpyxl's write-only mode, which streams rows to disk."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(safe_row(row))
    workbook.save(target)


def rewrite_xlsx(path: Path) -> None:
    """Pass an XLSX another tool wrote (flattentool's 360Giving sheet) through this writer, in
    place: its text cells are defused like ours. openpyxl stores a text starting with = as a
    formula, so a grant titled '=HYPERLINK(…)' would run in the published spreadsheet."""
    source = load_workbook(path, read_only=True)
    rewritten = path.with_name(path.name + ".rewriting")
    try:
        write_xlsx(rewritten, [(sheet.title, sheet.iter_rows(values_only=True))
                               for sheet in source.worksheets])
    finally:
        source.close()
    os.replace(rewritten, path)


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> bytes:
    output = io.BytesIO()
    write_xlsx(output, sheets)
    return output.getvalue()
