"""Officers start the evaluation, set the conflict rule, assign experts and pick rapporteurs."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus, Participant
from app.calls.rules.lifecycle import CallStatus
from app.core.database import utcnow
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.evaluation.models import Assignment, AssignmentStatus, CallEvaluationSettings
from tests.conftest import csrf_token


def _post(client, url, page, **data):
    # As a browser does, say which page the button is on: a refusal is shown back there.
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)},
                       headers={"Referer": f"http://localhost{page}"})


def _assigned(application) -> set[int]:
    return set(db.session.scalars(select(Assignment.expert_id).where(
        Assignment.application_id == application.id,
        Assignment.status.in_(("assigned", "accepted")))))


def test_officer_starts_the_evaluation_of_a_closed_call(client, sign_in, make_call,
                                                        make_officer):
    call = make_call(opens_in=timedelta(days=-30), closes_in=timedelta(days=-1))
    officer = make_officer(call.funder)
    sign_in(officer)
    page = client.get("/evaluation/calls").get_data(as_text=True)
    assert call.reference in page.split('id="calls-closed"')[1]
    response = _post(client, f"/evaluation/calls/{call.id}/start", "/evaluation/calls")
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.UNDER_EVALUATION
    assert call.reference in client.get("/evaluation/calls").get_data(as_text=True).split(
        'id="calls-under-evaluation"')[1]


def test_an_open_call_cannot_go_to_evaluation(client, sign_in, make_call, make_officer):
    call = make_call()
    sign_in(make_officer(call.funder))
    response = _post(client, f"/evaluation/calls/{call.id}/start", "/evaluation/calls",)
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.status == CallStatus.PUBLISHED


@pytest.fixture
def consortium(make_organisation):
    holding = make_organisation("Holding SpA", country="IT")
    firm = make_organisation("Firm Srl", country="IT", controller_id=holding.id)
    lab = make_organisation("Lab GmbH", country="AT")
    return holding, firm, lab


def test_detected_conflicts_are_never_assigned(client, sign_in, make_evaluation_call,
                                               make_officer, make_expert, make_organisation,
                                               make_submitted_application, consortium):
    holding, firm, lab = consortium
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    application = make_submitted_application(call, organisations=[firm, lab])
    sister = make_organisation("Sister Srl", country="IT", controller_id=holding.id)
    last_year = utcnow().date() - timedelta(days=365)
    long_ago = utcnow().date() - timedelta(days=4 * 365)
    for expert in (  # each has one reason to be kept away
        make_expert(call.funder, organisation=lab, name="Same Organisation"),
        make_expert(call.funder, organisation=sister, name="Same Group"),
        make_expert(call.funder, affiliations=[(firm, last_year)], name="Recent Affiliation"),
    ):
        assert expert.has_role(Role.evaluator)
    free = [make_expert(call.funder, affiliations=[(firm, long_ago)], name="Old Affiliation"),
            make_expert(call.funder, country="AT", name="Austrian Expert")]
    sign_in(officer)
    call_page = f"/evaluation/calls/{call.id}"
    _post(client, f"{call_page}/assign", call_page)
    assert _assigned(application) == {e.id for e in free}
    db.session.refresh(application)
    assert application.status == ApplicationStatus.UNDER_EVALUATION
    page = client.get(call_page).get_data(as_text=True)
    shortfalls = page.split('id="shortfalls"')[1].split("</div>")[0]
    assert application.acronym in shortfalls and "2 of 3 experts" in shortfalls
    assert "Only 2 of 5 experts are free of conflicts (3 excluded)." in shortfalls
    conflicts = page.split('id="conflicts"')[1].split("</ul>")[0]
    assert "Same Organisation – " in conflicts and "same organisation as a participant" in conflicts
    assert "same group as a participant" in conflicts
    assert "affiliated with a participant in the last 3 years" in conflicts
    mails = db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.subject.like("New proposals to evaluate%"))).all()
    assert sorted(mails) == sorted(e.email for e in free)

    # The call's same-country rule removes the Austrian expert on the next run.
    _post(client, f"{call_page}/settings", call_page, same_country_is_conflict="y")
    assert db.session.scalar(select(CallEvaluationSettings)).same_country_is_conflict
    _post(client, f"{call_page}/assign", call_page)
    assert _assigned(application) == {free[0].id}
    austrian = db.session.scalar(select(Assignment).where(Assignment.expert_id == free[1].id))
    assert austrian.status == AssignmentStatus.REMOVED
    assert "same country as a participant" in client.get(call_page).get_data(as_text=True)


def test_experts_come_from_the_funders_invitations_and_loads_are_balanced(
        client, sign_in, make_evaluation_call, make_officer, make_expert, make_funder,
        make_submitted_application):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    experts = [make_expert(call.funder) for _ in range(4)]
    stranger = make_expert(make_funder())  # invited by another funder
    applications = [make_submitted_application(call) for _ in range(4)]
    sign_in(officer)
    _post(client, f"/evaluation/calls/{call.id}/assign", f"/evaluation/calls/{call.id}")
    loads = {e.id: 0 for e in experts}
    for application in applications:
        team = _assigned(application)
        assert len(team) == 3 and stranger.id not in team
        for expert_id in team:
            loads[expert_id] += 1
    assert sorted(loads.values()) == [3, 3, 3, 3]


def test_officer_chooses_the_rapporteur(client, sign_in, make_evaluation_call, make_officer,
                                        make_expert, make_submitted_application,
                                        evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    application = make_submitted_application(call)
    driver = evaluation_driver(call, officer)
    driver.assign()
    team = driver.team(application)
    assert [a.is_rapporteur for a in team] == [True, False, False]
    sign_in(officer)
    page = f"/evaluation/calls/{call.id}"
    response = _post(client, f"/evaluation/applications/{application.id}/rapporteur", page,
                     **{f"r{application.id}-assignment_id": str(team[2].id),
                        "call_id": str(call.id)})
    assert response.status_code == 302
    assert [a.is_rapporteur for a in driver.team(application)] == [False, False, True]
    sign_in(team[2].expert)
    assert client.get(f"/evaluation/consensus/{application.id}").status_code == 200
    sign_in(team[0].expert)
    assert client.get(f"/evaluation/consensus/{application.id}").status_code == 404


def test_assignment_waits_for_the_evaluation_to_start(client, sign_in, make_call, make_officer):
    call = make_call(opens_in=timedelta(days=-30), closes_in=timedelta(days=-1))
    sign_in(make_officer(call.funder))
    page = f"/evaluation/calls/{call.id}"
    response = _post(client, f"{page}/assign", page)
    assert response.status_code == 302
    assert "not under evaluation" in client.get(page).get_data(as_text=True)


def test_call_and_expert_pages_keep_a_constant_query_count(
        client, sign_in, make_evaluation_call, make_officer, make_expert,
        make_submitted_application, evaluation_driver, count_queries):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    experts = [make_expert(call.funder) for _ in range(3)]
    driver = evaluation_driver(call, officer)

    def counted(user, url) -> int:
        sign_in(user)
        client.get(url)  # warm caches (mappers, templates)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    counts = []
    for batch in (2, 6):
        for _ in range(batch):
            make_submitted_application(call)
        driver.assign()
        counts.append((counted(officer, f"/evaluation/calls/{call.id}"),
                       counted(experts[0], "/evaluation/")))
    assert counts[0] == counts[1]


def test_a_coordinator_who_is_also_an_evaluator_never_gets_their_own_proposal(
        client, sign_in, make_evaluation_call, make_officer, make_expert, make_organisation,
        make_submitted_application):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    # An "independent" profile: nothing in it links the expert to the proposal.
    coordinator = make_expert(call.funder, organisation=None, name="Coordinating Expert")
    coordinator.grant(Role.applicant)
    own = make_submitted_application(call, coordinator=coordinator)
    # A profile naming a university, while the account belongs to a participant.
    employer = make_organisation("Employer Srl", country="IT")
    moonlighter = make_expert(call.funder, organisation=make_organisation("University"),
                              name="Profile Elsewhere")
    moonlighter.organisation_id = employer.id
    employed = make_submitted_application(
        call, organisations=[employer, make_organisation(country="AT")])
    # A partner's contact, invited but not yet accepted, already knows the proposal.
    partner = make_expert(call.funder, name="Invited Partner")
    invited = make_submitted_application(call)
    db.session.add(Participant(
        application_id=invited.id, organisation=make_organisation(country="DE"),
        contact_user_id=partner.id,
        invited_email=partner.email, fields_of_science=["1.2"]))
    db.session.commit()
    for _ in range(3):
        make_expert(call.funder)
    sign_in(officer)
    call_page = f"/evaluation/calls/{call.id}"
    _post(client, f"{call_page}/assign", call_page)
    assert coordinator.id not in _assigned(own)
    assert moonlighter.id not in _assigned(employed)
    assert partner.id not in _assigned(invited)
    # Each still gets a full team: the others evaluate the proposals they are not part of.
    assert [len(_assigned(a)) for a in (own, employed, invited)] == [3, 3, 3]
    conflicts = client.get(call_page).get_data(as_text=True).split(
        'id="conflicts"')[1].split("</ul>")[0]
    assert f"Coordinating Expert – {own.acronym}: member of the consortium" in conflicts
    assert f"Invited Partner – {invited.acronym}: member of the consortium" in conflicts
    assert (f"Profile Elsewhere – {employed.acronym}: the account&#39;s organisation is a "
            "participant") in conflicts


def test_an_expert_who_joins_a_consortium_is_removed_from_its_proposal(
        client, sign_in, make_evaluation_call, make_officer, make_expert, make_organisation,
        make_submitted_application):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    experts = [make_expert(call.funder) for _ in range(4)]
    application = make_submitted_application(call)
    sign_in(officer)
    call_page = f"/evaluation/calls/{call.id}"
    _post(client, f"{call_page}/assign", call_page)
    joined = next(e for e in experts if e.id in _assigned(application))
    db.session.add(Participant(
        application_id=application.id, organisation=make_organisation(country="DE"),
        contact_user_id=joined.id,
        accepted_at=utcnow(), fields_of_science=["1.2"]))
    db.session.commit()
    _post(client, f"{call_page}/assign", call_page)
    assert joined.id not in _assigned(application) and len(_assigned(application)) == 3
    row = db.session.scalar(select(Assignment).where(Assignment.expert_id == joined.id))
    assert row.status == AssignmentStatus.REMOVED
    assert "member of the consortium" in client.get(call_page).get_data(as_text=True).split(
        "Removed for a new conflict")[1].split("</div>")[0]
