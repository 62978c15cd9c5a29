"""The one spreadsheet writer defuses formula cells in CSV and XLSX alike (OWASP CSV injection)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.spreadsheets import csv_lines, safe_cell, xlsx_bytes

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_starts_like_a_formula_is_marked_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Acme GmbH", "", None, Decimal("-12.50"), -3, date(2026, 1, 2),
                                   "a=b", "e-mail"])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value


def test_every_csv_cell_is_defused_and_the_header_comes_first():
    text = "".join(csv_lines(("name", "amount"), [("=1+1", Decimal("-5.00")), ("Ok", 1)]))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "amount"], ["'=1+1", "-5.00"], ["Ok", "1"]]


def test_every_xlsx_cell_is_text_not_a_formula_and_numbers_stay_numbers():
    data = xlsx_bytes([("Sheet", [("name", "amount"), ("=cmd|' /C calc'!A0", Decimal("-5"))])])
    sheet = load_workbook(io.BytesIO(data))["Sheet"]
    name, amount = sheet["A2"], sheet["B2"]
    assert (name.value, name.data_type) == ("'=cmd|' /C calc'!A0", "s")
    assert amount.value == -5 and amount.data_type == "n"
