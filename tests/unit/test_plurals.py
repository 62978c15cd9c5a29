"""Counts are written with their noun in the right number, never "1 proposals" or
"expert(s)"."""

import re
from pathlib import Path

from app.core.formatting import counted
from app.demo.cordis import CordisOrganisation

APP = Path(__file__).resolve().parents[2] / "app"
# A word followed by "(s)" and then a space, punctuation or the end of a line; "f(s) for s in"
# is code, not text.
HEDGED_PLURAL = re.compile(r"[a-z]\(s\)(?=[ .,;:!]|$)(?! for )", re.MULTILINE)


def test_counted_chooses_the_noun_by_the_number():
    assert counted(1, "proposal") == "1 proposal"
    assert counted(0, "proposal") == "0 proposals"
    assert counted(3, "expert") == "3 experts"
    assert counted(2, "country", "countries") == "2 countries"


def test_no_page_mail_or_message_hedges_a_plural():
    found = [f"{path.relative_to(APP)}: {match.group(0)}"
             for path in APP.rglob("*") if path.suffix in (".py", ".html", ".txt")
             for match in HEDGED_PLURAL.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_demo_organisations_name_one_project_or_several():
    one = CordisOrganisation("1", "A", None, "IT", "PRC", True, None, None, ["TOUR"])
    two = CordisOrganisation("2", "B", None, "IT", "PRC", True, None, None, ["B2", "A1", "A1"])
    assert one.description.startswith("Participant in the Horizon Europe project TOUR (")
    assert two.description.startswith("Participant in Horizon Europe projects A1, B2 (")
