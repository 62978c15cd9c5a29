"""Report files: CSV and XLSX written row by row, PDF with summaries, charts and the rows."""

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import render_template

from app.calls.rules.finance import CENT, ICT_CATEGORY_LABELS
from app.core import spreadsheets
from app.core.charts import bar_chart, pie_chart
from app.core.formatting import country_name
from app.core.pdf import html_to_pdf
from app.reports.services.rows import COLUMNS, ReportFilters, ReportRow, ReportSummary


def _cells(row: ReportRow) -> tuple:
    return (row.value_date, row.agreement_number, row.call_reference, row.beneficiary,
            row.country, row.ict_category, row.installment, row.bank_reference, row.status,
            row.amount, row.currency)


def csv_lines(rows: Iterable[ReportRow]) -> Iterator[str]:
    """The CSV text line by line: a generator, so no more than one row is held at a time."""
    return spreadsheets.csv_lines(COLUMNS, (_text(row) for row in rows))


def _text(row: ReportRow) -> tuple:
    cells = _cells(row)
    # The amount stays a number (a reversal's "-10.50" is not a formula), with two decimals.
    return (cells[0].isoformat(), *cells[1:9], row.amount.quantize(CENT), row.currency)


def write_csv(path: Path, rows: Iterable[ReportRow]) -> None:
    # utf-8-sig: spreadsheet programs then read accented organisation names correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        for line in csv_lines(rows):
            stream.write(line)


def _summary_rows(summary: ReportSummary, filters: list[tuple[str, str]]) -> Iterator[tuple]:
    yield ("Disbursement report",)
    yield from filters
    yield ("Rows", summary.rows)
    yield ("Total", summary.total)
    for title, pairs in (("By call", summary.by_call), ("By country", summary.by_country),
                         ("By ICT category", summary.by_ict)):
        yield ()
        yield (title,)
        yield from pairs


def write_xlsx(path: Path, rows: Iterable[ReportRow], summary: ReportSummary,
               filters: list[tuple[str, str]]) -> None:
    """Streamed to disk row by row (core.spreadsheets), formulas defused in every cell."""
    spreadsheets.write_xlsx(path, [
        ("Disbursements", itertools.chain([COLUMNS], (_cells(row) for row in rows))),
        ("Summary", _summary_rows(summary, filters))])


def summary_charts(summary: ReportSummary, currency: str) -> dict:
    charts = {}
    if summary.by_ict:
        charts["ict"] = bar_chart(
            "Disbursed by ICT category",
            [ICT_CATEGORY_LABELS.get(code, code) for code, _ in summary.by_ict],
            {"Disbursed": [value for _, value in summary.by_ict]}, currency=currency)
    if summary.by_country:
        charts["country"] = pie_chart(
            "Disbursed by country",
            {country_name(code): value for code, value in summary.by_country}, currency=currency)
    return charts


def pdf_html(rows: Iterable[ReportRow], summary: ReportSummary,
             filters: list[tuple[str, str]], produced_at) -> str:
    """The report as one HTML document (rendering it reads the rows)."""
    currency = summary.currencies[0] if len(summary.currencies) == 1 else "EUR"
    return render_template("pdf/report_disbursements.html", rows=rows, summary=summary,
                           filters=filters, charts=summary_charts(summary, currency),
                           currency=currency, ict_labels=ICT_CATEGORY_LABELS,
                           produced_at=produced_at)


def pdf_bytes(html: str) -> bytes:
    return html_to_pdf(html)


def describe_filters(filters: ReportFilters, names: dict[str, str]) -> list[tuple[str, str]]:
    """The filters as (label, value) lines for the report's heading."""
    lines = [("Call", names.get("call") or "All calls"),
             ("Value dates", f"{filters.date_from or 'first payment'} to "
                             f"{filters.date_to or 'last payment'}"),
             ("Country", country_name(filters.country) if filters.country else "All countries"),
             ("ICT category", ICT_CATEGORY_LABELS.get(filters.ict_category or "", "All")),
             ("Beneficiary", names.get("beneficiary") or "All beneficiaries")]
    return lines
