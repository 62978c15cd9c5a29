"""Who may see what: experts see only their conflict-free proposals, applicants no early score."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.core.extensions import db
from app.evaluation.models import Assignment, AssignmentStatus
from tests.conftest import csrf_token


@pytest.fixture
def world(make_evaluation_call, make_officer, make_expert, make_submitted_application,
          evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    experts = [make_expert(call.funder, name=f"Named Expert {n}") for n in range(4)]
    applications = [make_submitted_application(call, with_attachment=True) for _ in range(2)]
    driver = evaluation_driver(call, officer)
    driver.assign()
    return call, officer, experts, applications, driver


def _assignment_of(expert, application):
    return db.session.scalar(select(Assignment).where(
        Assignment.expert_id == expert.id, Assignment.application_id == application.id))


def _attachment_id(application):
    return application.submissions[-1].snapshot["attachments"][0]["id"]


def _declare(client, assignment, answer="none", reason=""):
    url = f"/evaluation/assignments/{assignment.id}"
    return client.post(f"{url}/declaration", data={
        "answer": answer, "reason": reason, "csrf_token": csrf_token(client, url)})


def test_content_is_hidden_until_the_expert_declares_no_conflict(client, sign_in, world):
    call, officer, experts, applications, driver = world
    assignment = driver.team(applications[0])[0]
    sign_in(assignment.expert)
    url = f"/evaluation/assignments/{assignment.id}"
    cover = client.get(url).get_data(as_text=True)
    assert applications[0].acronym in cover and applications[0].title in cover
    assert applications[0].participants[0].organisation.name in cover
    assert "Broadband for tourism firms" not in cover  # the abstract
    assert "annex-" not in cover
    attachment = f"{url}/attachments/{_attachment_id(applications[0])}"
    assert client.get(attachment).status_code == 404
    assert client.post(f"{url}/review", data={
        "csrf_token": csrf_token(client, url)}).status_code == 302  # back to the declaration

    assert _declare(client, assignment).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Broadband for tourism firms" in page and "annex-" in page
    download = client.get(attachment)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_expert_gets_404_for_an_unassigned_proposal_and_its_files(client, sign_in, world,
                                                                  make_expert):
    call, officer, experts, applications, driver = world
    outsider = make_expert(call.funder)  # joined after the run: assigned nothing
    other = driver.team(applications[0])[0]
    sign_in(outsider)
    url = f"/evaluation/assignments/{other.id}"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/attachments/{_attachment_id(applications[0])}").status_code == 404
    assert _declare(client, other).status_code == 404
    assert client.get(f"/evaluation/consensus/{applications[0].id}").status_code == 404
    assert applications[0].acronym not in client.get("/evaluation/").get_data(as_text=True)


def test_expert_gets_404_once_they_declared_a_conflict(client, sign_in, world):
    call, officer, experts, applications, driver = world
    assignment = driver.team(applications[0])[0]
    expert, url = assignment.expert, f"/evaluation/assignments/{assignment.id}"
    sign_in(expert)
    response = _declare(client, assignment, "conflict", "I advised the coordinator last year.")
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/attachments/{_attachment_id(applications[0])}").status_code == 404
    row = _assignment_of(expert, applications[0])
    assert row.status == AssignmentStatus.CONFLICT
    # The proposal went to the fourth expert straight away.
    team = driver.team(applications[0])
    assert len(team) == 3 and expert.id not in {a.expert_id for a in team}


def test_a_conflict_declaration_needs_a_reason_shown_next_to_the_field(client, sign_in, world):
    call, officer, experts, applications, driver = world
    assignment = driver.team(applications[0])[0]
    sign_in(assignment.expert)
    response = _declare(client, assignment, "conflict", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="reason-error"' in page and "at least 10 characters" in page
    assert _assignment_of(assignment.expert, applications[0]).status == AssignmentStatus.ASSIGNED


def test_other_experts_names_and_reviews_stay_hidden_before_consensus(client, sign_in, world):
    call, officer, experts, applications, driver = world
    team = driver.team(applications[0])
    driver.review(team[0], {"excellence": "4", "impact": "4", "implementation": "4"})
    member = next(a for a in team[1:] if not a.is_rapporteur)
    sign_in(member.expert)
    _declare(client, member)
    page = client.get(f"/evaluation/assignments/{member.id}").get_data(as_text=True)
    others = {a.expert.name for a in team} - {member.expert.name}
    assert not any(name in page for name in others)
    assert "Comment on Excellence" not in page
    assert client.get(f"/evaluation/consensus/{applications[0].id}").status_code == 404


def test_the_rapporteur_sees_numbered_experts_not_names(client, sign_in, world):
    call, officer, experts, applications, driver = world
    application = applications[0]
    scores = {"excellence": "4", "impact": "4", "implementation": "4"}
    rapporteur = driver.rapporteur(application)
    sign_in(rapporteur)
    waiting = client.get(f"/evaluation/consensus/{application.id}").get_data(as_text=True)
    assert 'id="waiting"' in waiting
    driver.review_all(application, [scores] * 3)
    page = client.get(f"/evaluation/consensus/{application.id}").get_data(as_text=True)
    assert "Expert 1" in page and "Expert 3" in page and "Comment on Impact" in page
    others = {a.expert.name for a in driver.team(application)} - {rapporteur.name}
    assert not any(name in page for name in others)


def test_applicants_see_no_score_before_publication(client, sign_in, world, make_user):
    call, officer, experts, applications, driver = world
    application = applications[0]
    driver.evaluate(application, {"excellence": "4.5", "impact": "4", "implementation": "3.5"})
    coordinator = application.created_by
    sign_in(coordinator)
    result = client.get(f"/evaluation/results/{application.id}")
    page = result.get_data(as_text=True)
    assert result.status_code == 200 and 'id="not-published"' in page
    assert "4.5" not in page and "Consensus on" not in page
    assert client.get(f"/evaluation/results/{application.id}/summary.pdf").status_code == 404
    assert client.get(f"/evaluation/consensus/{application.id}").status_code == 403
    assert client.get(f"/evaluation/calls/{call.id}/ranking").status_code == 403
    stranger = make_user(Role.applicant)
    sign_in(stranger)
    assert client.get(f"/evaluation/results/{application.id}").status_code == 404


def test_only_the_officer_of_the_owning_funder_can_publish(client, sign_in, world, make_officer,
                                                           make_user):
    call, officer, experts, applications, driver = world
    for application in applications:
        driver.evaluate(application, {"excellence": "4", "impact": "4", "implementation": "4"})
    url = f"/evaluation/calls/{call.id}/publish"
    ranking = f"/evaluation/calls/{call.id}/ranking"
    admin, other_funders_officer = make_user(Role.admin), make_officer()
    for intruder in (other_funders_officer, admin, make_user(Role.evaluator)):
        sign_in(intruder)
        response = client.post(url, data={"confirm": "y",
                                          "csrf_token": csrf_token(client, "/")})
        # Another funder's call is not theirs: 404, as if it did not exist.
        assert response.status_code == (404 if intruder is other_funders_officer else 403)
        # Admins read every ranking (the call page links to it) but never publish.
        page = client.get(ranking)
        assert page.status_code == {admin: 200, other_funders_officer: 404}.get(intruder, 403)
        assert 'name="confirm"' not in page.get_data(as_text=True)
    db.session.refresh(call)
    assert call.status == "under_evaluation"
    sign_in(officer)
    response = client.post(url, data={"confirm": "y", "csrf_token": csrf_token(client, ranking)})
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.status == "results_published"


def test_an_admin_reads_the_evaluation_of_any_call_but_does_not_act(
        client, sign_in, world, make_user, make_evaluation_call):
    call, officer, experts, applications, driver = world
    other_funders_call = make_evaluation_call()
    sign_in(make_user(Role.admin))
    for each in (call, other_funders_call):
        ranking = client.get(f"/evaluation/calls/{each.id}/ranking")
        assert ranking.status_code == 200
        assert 'name="confirm"' not in ranking.get_data(as_text=True)
        overview = client.get(f"/evaluation/calls/{each.id}")
        assert overview.status_code == 200
        assert f"/evaluation/calls/{each.id}/assign" not in overview.get_data(as_text=True)
        assert client.get(f"/evaluation/calls/{each.id}/export.csv").status_code == 200
    assert applications[0].acronym in client.get(
        f"/evaluation/calls/{call.id}").get_data(as_text=True)
    response = client.post(f"/evaluation/calls/{call.id}/assign",
                           data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
