"""The demo seed evaluates whatever was submitted to the closed demo call, idempotently."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.applications.models import ApplicationStatus
from app.calls.models import Call
from app.calls.rules.lifecycle import CallStatus
from app.core.extensions import db
from app.demo.calls import seed_calls
from app.demo.evaluation import DEMO_CALL, seed_evaluation
from app.evaluation.models import Consensus, Review
from app.evaluation.services.ranking import compute_ranking


@pytest.fixture
def demo_people(make_funder, make_user):
    """The demo's officer and experts and its calls (seed_demo's CORDIS import aside)."""
    funder = make_funder("CADSES Regional ICT Agency")
    for email in ("officer", "expert", "expert2", "expert3"):
        role = Role.programme_officer if email == "officer" else Role.evaluator
        make_user(role, email=f"{email}@demo.opencall.eu",
                  funder=funder if email == "officer" else None)
    seed_calls(funder)
    db.session.commit()
    return db.session.scalar(select(Call).where(Call.reference == DEMO_CALL))


@pytest.fixture
def demo_call(demo_people, make_submitted_application, make_organisation):
    """Five submitted proposals on the closed demo call."""
    call = demo_people
    organisations = [make_organisation(country=country)
                     for country in ("AT", "IT", "SI", "HU", "CZ") * 3]
    for number in range(5):
        make_submitted_application(
            call, status=ApplicationStatus.SUBMITTED, strategic_area="Tourism",
            organisations=organisations[number * 3:number * 3 + 3],
            requested=str(Decimal("400000.00") - number * 1000))
    return call


def test_seed_evaluation_fills_the_ranking_and_is_idempotent(demo_call):
    assert seed_evaluation() is demo_call
    assert demo_call.status == CallStatus.UNDER_EVALUATION
    counts = (db.session.scalar(select(func.count()).select_from(Review)),
              db.session.scalar(select(func.count()).select_from(Consensus)))
    assert counts == (15, 5)
    result = compute_ranking(demo_call)
    assert not result.pending and not result.blockers()
    assert [r.entry.trail for r in result.rows][:3] != ["total"] * 3
    trails = {r.application.acronym: r.entry.trail for r in result.rows}
    assert any(trail in ("uncovered_area", "excellence_then_impact")
               for trail in trails.values())
    assert any(r.dispersed for r in result.rows)
    assert "below_threshold" in trails.values()
    assert {r.decision.outcome for r in result.rows} >= {"funded", "reserve", "rejected"}

    seed_evaluation()
    assert (db.session.scalar(select(func.count()).select_from(Review)),
            db.session.scalar(select(func.count()).select_from(Consensus))) == counts


def test_seed_does_nothing_without_submissions(demo_people):
    assert seed_evaluation() is None
    call = db.session.scalar(select(Call).where(Call.reference == DEMO_CALL))
    assert call.status == CallStatus.PUBLISHED


def test_demo_officer_sees_the_seeded_ranking(client, sign_in, demo_call):
    seed_evaluation()
    sign_in(db.session.scalar(select(User).where(User.email == "officer@demo.opencall.eu")))
    page = client.get(f"/evaluation/calls/{demo_call.id}/ranking").get_data(as_text=True)
    assert page.count("data-application=") == 5
    assert "dispersion-flag" in page and 'id="funding-line"' in page
    assert 'id="blockers"' not in page
