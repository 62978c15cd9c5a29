"""What each row of the evaluation lists says, now that they are read as plain rows (the
columns shown, no ORM objects): the call page's experts with their progress, rapporteur and
consensus, and an expert's own assignments with their role, status and links."""

import re

import pytest

from app.core.extensions import db
from app.evaluation.services.assignment import declare

MARKS = {"excellence": "4", "impact": "4", "implementation": "4"}


@pytest.fixture
def evaluation(make_evaluation_call, make_officer, make_expert, make_submitted_application,
               make_user, evaluation_driver):
    """Two proposals: ACTIVE's experts at every stage (review submitted, draft, declared but
    not started), WAITING's all still to declare, with an approved consensus."""
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    driver = evaluation_driver(call, officer)
    active = make_submitted_application(call, acronym="ACTIVE")
    waiting = make_submitted_application(call, acronym="WAITING")
    driver.assign()
    submitted, draft, declared = driver.team(active)
    driver.review(submitted, MARKS)
    driver.review(draft, MARKS, submit=False)
    declare(declared.id, by=declared.expert, has_conflict=False)
    db.session.commit()
    driver.approved_consensus(waiting, MARKS, make_user(name="Rapporteur"))
    return call, officer, driver, active, waiting


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _row(page: str, acronym: str) -> str:
    return page.split(f"<strong>{acronym}</strong>")[1].split("</tr>")[0]


def test_call_page_rows_show_each_experts_progress_the_rapporteur_and_consensus(
        client, sign_in, evaluation):
    call, officer, driver, active, waiting = evaluation
    sign_in(officer)
    page = _flat(client.get(f"/evaluation/calls/{call.id}").get_data(as_text=True))

    submitted, draft, declared = driver.team(active)
    row = _row(page, "ACTIVE")
    assert "under evaluation</span>" in row
    assert (f'<li>{submitted.expert.name} – <span class="text-success">review submitted</span>'
            in row)
    assert f"<li>{draft.expert.name} – draft</li>" in row
    assert f"<li>{declared.expert.name} – no conflict, not started</li>" in row
    assert f'action="/evaluation/applications/{active.id}/rapporteur"' in row
    assert f'<input type="hidden" name="call_id" value="{call.id}">' in row
    assert '<input type="hidden" name="page" value="1">' in row
    assert f'<option value="{submitted.id}" selected>{submitted.expert.name}</option>' in row
    assert "Rapporteur for ACTIVE</label>" in row
    assert "</td> <td> — <br>" in row  # no consensus yet
    assert (f'<a href="/evaluation/consensus/{active.id}">Open<span class="visually-hidden">'
            " the consensus of ACTIVE</span></a>") in row

    row = _row(page, "WAITING")
    assert all(f"<li>{a.expert.name} – declaration pending </li>" in row
               for a in driver.team(waiting))
    assert "<td> Approved <br>" in row


def test_my_evaluations_rows_show_role_status_and_links(client, sign_in, evaluation):
    call, officer, driver, active, waiting = evaluation
    submitted, draft, declared = driver.team(active)
    pending = next(a for a in driver.team(waiting) if a.expert_id == submitted.expert_id)

    sign_in(submitted.expert)
    page = _flat(client.get("/evaluation/").get_data(as_text=True))
    row = _row(page, "ACTIVE")
    assert f"<td>{call.reference}</td> <td>" in page.split("<strong>ACTIVE</strong>")[0][-80:]
    assert f'<span class="small">{active.title}</span>' in row
    assert "<td>Rapporteur</td>" in row  # the first assigned is the rapporteur
    assert '<span class="badge bg-success">Review submitted</span>' in row
    assert (f'<a href="/evaluation/assignments/{submitted.id}"> Read review '
            '<span class="visually-hidden">ACTIVE</span></a>') in row
    assert (f'<a href="/evaluation/consensus/{active.id}">Consensus<span class="visually-hidden">'
            " for ACTIVE</span></a>") in row
    row = _row(page, "WAITING")
    assert '<span class="badge bg-warning text-dark">Declaration needed</span>' in row
    assert f'<a href="/evaluation/assignments/{pending.id}"> Declare ' in row

    sign_in(draft.expert)
    row = _row(_flat(client.get("/evaluation/").get_data(as_text=True)), "ACTIVE")
    assert "<td>Expert</td>" in row
    assert '<span class="badge bg-info text-dark">Draft</span>' in row
    assert f'<a href="/evaluation/assignments/{draft.id}"> Evaluate ' in row
    assert "/evaluation/consensus/" not in row

    sign_in(declared.expert)
    row = _row(_flat(client.get("/evaluation/").get_data(as_text=True)), "ACTIVE")
    assert '<span class="badge bg-secondary">Not started</span>' in row
