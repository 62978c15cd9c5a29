"""Submitting rules: canonical hash, PDF by content, safe file names, what blocks a submit."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from app.applications.rules import submission as rules

MB = rules.MEGABYTE



@pytest.mark.parametrize("left, right", [
    ({"b": 1, "a": 2}, {"a": 2, "b": 1}),
    ({"x": {"z": [1, 2], "y": None}}, {"x": {"y": None, "z": [1, 2]}}),
])
def test_key_order_does_not_change_the_hash(left, right):
    assert rules.snapshot_sha256(left) == rules.snapshot_sha256(right)


@pytest.mark.parametrize("data, text", [
    ({"b": 1, "a": "é"}, '{"a":"\\u00e9","b":1}'),
    ({"list": [3, 1], "n": None, "t": True}, '{"list":[3,1],"n":null,"t":true}'),
    ({}, "{}"),
])
def test_canonical_json_has_sorted_keys_and_no_spaces(data, text):
    assert rules.canonical_json(data) == text
    assert rules.snapshot_sha256(data) == hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("left, right", [
    ({"amount": "1.00"}, {"amount": "1.0"}),
    ({"list": [1, 2]}, {"list": [2, 1]}),
    ({"a": None}, {}),
])
def test_any_change_of_content_changes_the_hash(left, right):
    assert rules.snapshot_sha256(left) != rules.snapshot_sha256(right)


@pytest.mark.parametrize("data, expected", [
    (b"%PDF-1.7\n...", True),
    (b"%PDF-", True),
    (b"%PDF", False),
    (b" %PDF-1.4", False),
    (b"PK\x03\x04 a zip named .pdf", False),
    (b"", False),
])
def test_a_pdf_is_recognised_by_its_first_bytes(data, expected):
    assert rules.is_pdf(data) is expected


@pytest.mark.parametrize("data, limit, problem", [
    (b"%PDF-1.4 ok", MB, None),
    (b"", MB, "The file is empty."),
    (b"GIF89a", MB, "Upload a PDF file: this file is not a PDF, whatever its name says."),
    (b"%PDF-" + b"0" * MB, MB, "The file is 1.0 MB; the limit is 1 MB."),
    (b"%PDF-" + b"0" * (MB - 5), MB, None),
])
def test_attachment_problems(data, limit, problem):
    assert rules.attachment_problem(data, max_bytes=limit) == problem


@pytest.mark.parametrize("name, safe", [
    ("annex.pdf", "annex.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\carla\\Annex v2.PDF", "Annex v2.PDF"),
    ('an"nex<script>.pdf', "an_nex_script_.pdf"),
    ("", "document.pdf"),
    (None, "document.pdf"),
    ("...", "document.pdf"),
    ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
])
def test_safe_filenames(name, safe):
    assert rules.safe_filename(name) == safe


REQUIRED = [{"code": "annex", "name": "Technical annex", "mandatory": True},
            {"code": "letters", "name": "Support letters", "mandatory": False},
            {"code": "budget", "name": "Budget table"}]


@pytest.mark.parametrize("uploaded, missing", [
    (set(), ["annex", "budget"]),
    ({"annex"}, ["budget"]),
    ({"annex", "budget"}, []),
    ({"letters"}, ["annex", "budget"]),
])
def test_missing_attachments_are_the_mandatory_ones_without_upload(uploaded, missing):
    assert [item["code"] for item in rules.missing_attachments(REQUIRED, uploaded)] == missing


PASSING = {"passed": True, "checks": [{"code": "min_partners", "passed": True, "message": "ok"}]}
FAILING = {"passed": False, "checks": [
    {"code": "min_partners", "passed": False, "message": "Add 1 partner."},
    {"code": "min_countries", "passed": True, "message": "ok"},
    {"code": "min_sme_partners", "passed": False, "message": "Add 1 SME."}]}


@pytest.mark.parametrize("report, uploaded, tender, bid, blockers", [
    (PASSING, {"annex", "budget"}, False, False, []),
    (FAILING, {"annex", "budget"}, False, False, ["Add 1 partner.", "Add 1 SME."]),
    (PASSING, {"annex"}, False, False, ["Upload the Budget table (PDF)."]),
    (PASSING, {"annex", "budget"}, True, False, ["Enter the bid price of the tender."]),
    (PASSING, {"annex", "budget"}, True, True, []),
    ({"passed": True, "checks": []}, {"annex", "budget"}, False, False, []),
    ({}, {"annex", "budget"}, False, False,
     ["The eligibility checks have not run yet: save the application once."]),
    (FAILING, set(), True, False, ["Add 1 partner.", "Add 1 SME.",
                                   "Upload the Technical annex (PDF).",
                                   "Upload the Budget table (PDF).",
                                   "Enter the bid price of the tender."]),
])
def test_submit_blockers_list_every_reason(report, uploaded, tender, bid, blockers):
    assert rules.submit_blockers(report, REQUIRED, uploaded, needs_bid_price=tender,
                                 has_bid_price=bid) == blockers


CLOSES = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("now, passed", [
    (CLOSES - timedelta(seconds=1), False),
    (CLOSES - timedelta(microseconds=1), False),
    (CLOSES, True),
    (CLOSES + timedelta(seconds=1), True),
])
def test_the_deadline_is_exclusive(now, passed):
    assert rules.deadline_passed(CLOSES, now) is passed
