"""Exports of every expert's scores and the consensus: CSV streamed, XLSX, anonymised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from app.accounts.models import Role


@pytest.fixture
def exported(make_evaluation_call, make_officer, make_expert, make_submitted_application,
             evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for name in ("Xavier Secret", "Yolanda Hidden", "Zeno Private"):
        make_expert(call.funder, name=name)
    application = make_submitted_application(call, acronym="EXPO")
    driver = evaluation_driver(call, officer)
    driver.assign()
    team = driver.team(application)
    driver.review(team[0], {"excellence": "4", "impact": "4", "implementation": "4"})
    driver.review(team[1], {"excellence": "3", "impact": "5", "implementation": "4"})
    driver.review(team[2], {"excellence": "5", "impact": "4", "implementation": "3.5"})
    driver.consensus(application)
    return call, officer


def _csv(client, call, anonymised=False):
    response = client.get(f"/evaluation/calls/{call.id}/export.csv"
                          + ("?anonymised=1" if anonymised else ""), buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_has_every_score_of_every_expert_and_the_consensus(client, sign_in, exported):
    call, officer = exported
    sign_in(officer)
    rows = _csv(client, call)
    assert len(rows) == 3 * 3 + 3
    experts = {row["evaluator"] for row in rows if row["role"] != "consensus"}
    assert experts == {"Xavier Secret", "Yolanda Hidden", "Zeno Private"}
    consensus = {row["criterion"]: row["score"] for row in rows if row["role"] == "consensus"}
    assert consensus == {"excellence": "4", "impact": "4", "implementation": "4"}
    assert all(row["acronym"] == "EXPO" for row in rows)


def test_anonymised_exports_hide_expert_names(client, sign_in, exported):
    call, officer = exported
    sign_in(officer)
    rows = _csv(client, call, anonymised=True)
    assert {row["evaluator"] for row in rows} == {"E1", "E2", "E3", "Consensus"}
    response = client.get(f"/evaluation/calls/{call.id}/export.xlsx?anonymised=1")
    assert response.status_code == 200
    assert "anonymised.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert not any(isinstance(v, str) and ("Secret" in v or "Hidden" in v or "Private" in v)
                   for v in values)
    assert {"E1", "E2", "E3"} <= set(values)
    header = next(sheet.iter_rows(values_only=True))
    scores = [row[header.index("score")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert 5 in scores and 3.5 in scores  # numbers, not text


def test_exports_are_for_the_calls_officer_only(client, sign_in, exported, make_officer,
                                                make_user):
    call, officer = exported
    # Another funder's officer: not theirs, so 404; an expert lacks the role: 403.
    for intruder, status in ((make_officer(), 404), (make_user(Role.evaluator), 403)):
        sign_in(intruder)
        assert client.get(f"/evaluation/calls/{call.id}/export.csv").status_code == status
        assert client.get(f"/evaluation/calls/{call.id}/export.xlsx").status_code == status
