"""CSV lines of the evaluation export: header first, one line per row, no formula injection."""

import csv
import io

import pytest

from app.evaluation.services.exports import HEADER, csv_lines, xlsx_bytes


def test_csv_lines_stream_the_header_then_each_row():
    rows = [("ICT-1", 1, "ACR", "E1", "expert", "impact", "Impact", "4", "Fine, and clear.",
             "submitted")]
    lines = list(csv_lines(rows))
    assert len(lines) == 2
    parsed = list(csv.reader(io.StringIO("".join(lines))))
    assert parsed[0] == list(HEADER)
    assert parsed[1][8] == "Fine, and clear."


@pytest.mark.parametrize("comment", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)"])
def test_cells_that_a_spreadsheet_would_run_are_quoted(comment):
    rows = [("ICT-1", 1, "ACR", "E1", "expert", "impact", "Impact", "4", comment, "submitted")]
    parsed = list(csv.reader(io.StringIO("".join(csv_lines(rows)))))
    assert parsed[1][8] == "'" + comment


def test_xlsx_is_a_workbook():
    data = xlsx_bytes([("ICT-1", 1, "ACR", "E1", "expert", "impact", "Impact", "4.5", "ok",
                        "submitted")])
    assert data[:2] == b"PK"
