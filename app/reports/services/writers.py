"""Report files: CSV and XLSX written row by row, PDF with summaries, charts and the rows."""

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _

from app.calls.labels import ICT_CATEGORY_NAMES
from app.calls.rules.finance import CENT
from app.core import spreadsheets
from app.core.charts import bar_chart, pie_chart
from app.core.formatting import country_name
from app.core.pdf import html_to_pdf
from app.grants.labels import AMENDMENT_KIND_NAMES
from app.reports.services.rows import COLUMNS, ReportFilters, ReportRow, ReportSummary


def _cells(row: ReportRow) -> tuple:
    return (row.value_date, row.agreement_number, row.call_reference, row.beneficiary,
            row.country, row.ict_category, row.installment, row.bank_reference, row.status,
            row.amount, row.currency)


def csv_lines(rows: Iterable[ReportRow]) -> Iterator[str]:
    """The CSV text line by line: a generator, so no more than one row is held at a time."""
    return spreadsheets.csv_lines(_headings(), (_text(row) for row in rows))


def _headings() -> tuple[str, ...]:
    return tuple(str(heading) for heading in COLUMNS)  # plain text for the file writers


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
    yield (_("Disbursement report"),)
    yield from filters
    yield (_("Rows"), summary.rows)
    for currency, total in summary.totals:  # one total per currency, labelled with it
        yield (_("Total"), total, currency)
    for title, lines in ((_("By call"), summary.by_call), (_("By country"), summary.by_country),
                         (_("By ICT category"), summary.by_ict)):
        yield ()
        yield (title,)
        yield from ((key, amount, currency) for key, currency, amount in lines)


def write_xlsx(path: Path, rows: Iterable[ReportRow], summary: ReportSummary,
               filters: list[tuple[str, str]]) -> None:
    """Streamed to disk row by row (core.spreadsheets), formulas defused in every cell."""
    spreadsheets.write_xlsx(path, [
        (_("Disbursements"), itertools.chain([_headings()], (_cells(row) for row in rows))),
        (_("Summary"), _summary_rows(summary, filters))])


def summary_charts(summary: ReportSummary, currency: str) -> dict:
    """The charts of one currency's amounts (a chart never adds up two currencies)."""
    charts = {}
    by_ict = summary.in_currency(summary.by_ict, currency)
    by_country = summary.in_currency(summary.by_country, currency)
    if by_ict:
        charts["ict"] = bar_chart(
            _("Disbursed by ICT category"),
            [str(ICT_CATEGORY_NAMES.get(code, code)) for code, _value in by_ict],
            {_("Disbursed"): [value for _code, value in by_ict]}, currency=currency)
    if by_country:
        charts["country"] = pie_chart(
            _("Disbursed by country"),
            {country_name(code): value for code, value in by_country}, currency=currency)
    return charts


def pdf_html(rows: Iterable[ReportRow], summary: ReportSummary,
             filters: list[tuple[str, str]], produced_at, versions=(), on=None) -> str:
    """The report as one HTML document (rendering it reads the rows); `versions`: the
    grants' shares and amendments in force on `on`, the report's date."""
    return render_template("pdf/report_disbursements.html", rows=rows, summary=summary,
                           versions=versions, on=on, kind_names=AMENDMENT_KIND_NAMES,
                           filters=filters, charts={currency: summary_charts(summary, currency)
                                                    for currency in summary.currencies},
                           ict_labels=ICT_CATEGORY_NAMES, produced_at=produced_at)


def pdf_bytes(html: str) -> bytes:
    return html_to_pdf(html)


def describe_filters(filters: ReportFilters, names: dict[str, str]) -> list[tuple[str, str]]:
    """The filters as (label, value) lines for the report's heading."""
    lines = [(_("Call"), names.get("call") or _("All calls")),
             (_("Value dates"), _("%(start)s to %(end)s",
                                  start=filters.date_from or _("first payment"),
                                  end=filters.date_to or _("last payment"))),
             (_("Country"), country_name(filters.country) if filters.country
              else _("All countries")),
             (_("ICT category"), str(ICT_CATEGORY_NAMES.get(filters.ict_category or "", _("All")))),
             (_("Beneficiary"), names.get("beneficiary") or _("All beneficiaries"))]
    return lines
