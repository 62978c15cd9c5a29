"""The suggestions page: only the coordinator sees it, candidates ranked by checks they fix."""

import re

import pytest

from app.accounts.models import Role
from app.applications.models import Participant
from app.core.database import utcnow
from app.core.extensions import db

LONE_FIRM = (("DE", "PRC", True, ["2.2"]),)
_SUGGESTED = re.compile(r'<article class="card mb-3 suggestion" data-organisation="(\d+)">')


@pytest.fixture
def failing(make_call, make_consortium):
    """A firm alone on a call that wants 2 partners from 2 EU countries, a research
    organisation, a firm and 2 fields of science: 4 checks fail."""
    return make_consortium(call=make_call(rules="ict_aggregation"), members=LONE_FIRM,
                           title="Broadband for mountain villages",
                           abstract="Wireless broadband and robotics for remote farms.")


def suggested_ids(page: str) -> list[int]:
    return [int(n) for n in _SUGGESTED.findall(page)]


def test_candidates_are_ranked_by_the_checks_they_fix(client, sign_in, failing, make_listed):
    fixes_all = make_listed("Graz Robotics Institute", country="AT", org_type="REC",
                            fields_of_science=["1.2"],
                            profile={"competencies": "Robotics for farms"})
    fixes_two = make_listed("Munich Research Centre", country="DE", org_type="REC",
                            fields_of_science=["2.1"])
    outside = make_listed("Boston Robotics Institute", country="US", org_type="REC",
                          fields_of_science=["1.2"])
    sign_in(failing.coordinator)
    response = client.get(f"/organisations/suggestions/{failing.application.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ids = suggested_ids(page)
    assert ids[:2] == [fixes_all.organisation.id, fixes_two.organisation.id]
    assert outside.organisation.id not in ids
    assert failing.coordinator.organisation_id not in ids
    assert "Makes the consortium eligible" in page
    assert "Shares with your application: farms, robotics" in page


def test_members_and_invited_organisations_are_not_suggested(client, sign_in, failing,
                                                            make_listed):
    invited = make_listed("Invited Lab", country="AT", org_type="REC",
                          fields_of_science=["1.2"])
    by_email = make_listed("Emailed Lab", country="AT", org_type="REC",
                           fields_of_science=["1.2"])
    free = make_listed("Free Lab", country="AT", org_type="REC", fields_of_science=["1.2"])
    application = failing.application
    application.participants.append(Participant(
        organisation_id=invited.organisation.id, invited_email=invited.contact.email,
        invited_at=utcnow(), fields_of_science=[]))
    application.participants.append(Participant(
        invited_email=by_email.contact.email, invited_at=utcnow(), fields_of_science=[]))
    db.session.commit()
    sign_in(failing.coordinator)
    ids = suggested_ids(client.get(f"/organisations/suggestions/{application.id}").get_data(
        as_text=True))
    assert ids == [free.organisation.id]


def test_an_eligible_consortium_gets_no_suggestions(client, sign_in, make_consortium,
                                                   make_listed):
    consortium = make_consortium()  # the Horizon Europe rule, met by 3 partners in 3 countries
    make_listed(country="FR")
    sign_in(consortium.coordinator)
    page = client.get(f"/organisations/suggestions/{consortium.application.id}").get_data(
        as_text=True)
    assert "already meets every eligibility rule" in page and not suggested_ids(page)


def test_checks_no_partner_can_fix_are_named(client, sign_in, make_call, make_consortium,
                                             make_listed):
    call = make_call(rules={"min_partners": 1, "eligible_countries": "EU_MS",
                            "outside_members": "not_allowed"})
    consortium = make_consortium(call=call, members=(("US", "PRC", False, []),))
    make_listed(country="FR")
    sign_in(consortium.coordinator)
    page = client.get(f"/organisations/suggestions/{consortium.application.id}").get_data(
        as_text=True)
    assert "A new partner cannot fix this" in page


@pytest.mark.parametrize("who", ["partner", "other applicant", "officer", "admin", "evaluator"])
def test_only_the_coordinator_sees_suggestions(client, sign_in, make_user, make_consortium,
                                               make_organisation, who):
    consortium = make_consortium()
    application = consortium.application
    users = {
        "partner": lambda: consortium.partners[0],
        "other applicant": lambda: make_user(Role.applicant, organisation=make_organisation()),
        "officer": lambda: make_user(Role.programme_officer,
                                     funder_id=application.call.funder_id),
        "admin": lambda: make_user(Role.admin),
        "evaluator": lambda: make_user(Role.evaluator),
    }
    sign_in(users[who]())
    target = make_organisation()
    assert client.get(f"/organisations/suggestions/{application.id}").status_code == 404
    assert client.get(f"/organisations/suggestions/{application.id}/ask/{target.id}"
                      ).status_code == 404
    assert client.get("/organisations/suggestions/999999").status_code == 404


def test_suggestions_cost_the_same_queries_for_few_and_many_organisations(
        client, sign_in, failing, make_listed, count_queries):
    sign_in(failing.coordinator)
    counts = []
    for extra in (1, 49):
        for n in range(extra):
            make_listed(country=("AT", "FR", "IT")[n % 3], org_type=("REC", "HES")[n % 2],
                        fields_of_science=["1.2"])
        with count_queries() as statements:
            response = client.get(f"/organisations/suggestions/{failing.application.id}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
