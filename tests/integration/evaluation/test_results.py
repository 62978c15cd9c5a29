"""Publishing: outcomes, the frozen ranking, coordinators' e-mails, the summary report PDF."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus, Participant
from app.core.database import utcnow
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.evaluation.models import Ranking
from tests.conftest import csrf_token

STRONG = {"excellence": "5", "impact": "4.5", "implementation": "4.5"}
GOOD = {"excellence": "4", "impact": "4", "implementation": "4"}
WEAK = {"excellence": "4", "impact": "2.5", "implementation": "4"}


@pytest.fixture
def evaluated(make_evaluation_call, make_officer, make_expert, make_submitted_application,
              evaluation_driver):
    """Three proposals evaluated by three named experts; the budget funds only one."""
    call = make_evaluation_call(budget_amount=Decimal("250000.00"),
                                max_per_proposal_amount=Decimal("250000.00"))
    officer = make_officer(call.funder)
    for name in ("Xavier Secret", "Yolanda Hidden", "Zeno Private"):
        make_expert(call.funder, name=name)
    driver = evaluation_driver(call, officer)
    strong, good, weak = (make_submitted_application(call, acronym=acronym)
                          for acronym in ("STRONG", "GOOD", "WEAK"))
    driver.assign()
    for application, marks in ((strong, STRONG), (good, GOOD), (weak, WEAK)):
        driver.evaluate(application, marks)
    return call, officer, driver, strong, good, weak


def _publish(client, sign_in, call, officer, **data):
    sign_in(officer)
    url = f"/evaluation/calls/{call.id}/ranking"
    return client.post(f"/evaluation/calls/{call.id}/publish",
                       data={**data, "csrf_token": csrf_token(client, url)})


def test_publishing_needs_the_confirmation_box(client, sign_in, evaluated):
    call, officer, *_ = evaluated
    response = _publish(client, sign_in, call, officer)
    assert response.status_code == 400
    assert "Tick the box" in response.get_data(as_text=True)
    assert db.session.scalar(select(Ranking)) is None


def test_publishing_freezes_the_ranking_sets_outcomes_and_mails_coordinators(
        client, sign_in, evaluated):
    call, officer, driver, strong, good, weak = evaluated
    assert _publish(client, sign_in, call, officer, confirm="y").status_code == 302
    for application in (strong, good, weak):
        db.session.refresh(application)
    assert (strong.status, good.status, weak.status) == (
        ApplicationStatus.FUNDED, ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)
    ranking = db.session.scalar(select(Ranking))
    assert [(e["acronym"], e["position"], e["outcome"]) for e in ranking.entries] == [
        ("STRONG", 1, "funded"), ("GOOD", 2, "reserve"), ("WEAK", None, "rejected")]
    assert ranking.summary["last_funded_position"] == 1
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.like("Evaluation results:%"))).all()
    assert sorted(m.recipient for m in mails) == sorted(
        a.created_by.email for a in (strong, good, weak))
    page = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert 'id="published"' in page and 'id="publish"' not in page
    # Nothing moves any more: a new panel decision or a second publication is refused.
    again = client.post(f"/evaluation/calls/{call.id}/publish",
                        data={"confirm": "y", "csrf_token": csrf_token(client, "/")})
    assert again.status_code == 400


def test_coordinator_reads_the_outcome_and_downloads_the_summary_report(
        client, sign_in, evaluated):
    call, officer, driver, strong, good, weak = evaluated
    _publish(client, sign_in, call, officer, confirm="y")
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == good.created_by.email))
    link = re.search(r"http://localhost(\S+)", mail.body).group(1)
    sign_in(good.created_by)
    page = client.get(link).get_data(as_text=True)
    assert "reserve list" in page and "Position</th><td>2 of 2 ranked" in page
    assert "Consensus on Excellence: well argued." in page
    assert "After position 1" in page
    response = client.get(f"/evaluation/results/{good.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Evaluation summary report" in text and "GOOD" in text
    assert "Consensus on Impact: well argued." in text
    assert "After position 1" in text and "threshold 10" in text
    for name in ("Xavier", "Yolanda", "Zeno"):
        assert name not in text and name not in page
    assert "My results" in client.get("/evaluation/results").get_data(as_text=True)
    assert client.get(f"/evaluation/results/{strong.id}").status_code == 404


def test_rejected_proposal_learns_which_threshold_it_missed(client, sign_in, evaluated):
    call, officer, driver, strong, good, weak = evaluated
    _publish(client, sign_in, call, officer, confirm="y")
    sign_in(weak.created_by)
    page = client.get(f"/evaluation/results/{weak.id}").get_data(as_text=True)
    assert "did not reach every threshold" in page and "not reached" in page


def test_evaluation_pages_are_closed_after_publication(client, sign_in, evaluated):
    call, officer, driver, strong, good, weak = evaluated
    _publish(client, sign_in, call, officer, confirm="y")
    assignment = driver.team(strong)[0]
    sign_in(assignment.expert)
    url = f"/evaluation/assignments/{assignment.id}"
    assert "read-only" in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/review", data={"csrf_token": csrf_token(client, url),
                                                  "submit": "Submit"})
    assert response.status_code == 400


def test_an_invited_partner_who_never_accepted_reads_no_results(
        client, sign_in, evaluated, make_user, make_organisation):
    call, officer, driver, strong, good, weak = evaluated
    invitee, partner = make_user(Role.applicant), make_user(Role.applicant)
    for user, accepted_at in ((invitee, None), (partner, utcnow())):
        db.session.add(Participant(
            application_id=good.id, organisation=make_organisation(country="DE"),
            contact_user_id=user.id, invited_email=user.email, accepted_at=accepted_at))
    db.session.commit()
    _publish(client, sign_in, call, officer, confirm="y")
    sign_in(invitee)
    assert client.get(f"/evaluation/results/{good.id}").status_code == 404
    assert client.get(f"/evaluation/results/{good.id}/summary.pdf").status_code == 404
    assert "GOOD" not in client.get("/evaluation/results").get_data(as_text=True)
    sign_in(partner)  # the accepted partner is in the consortium
    assert client.get(f"/evaluation/results/{good.id}").status_code == 200
    assert client.get(f"/evaluation/results/{good.id}/summary.pdf").status_code == 200
    assert "GOOD" in client.get("/evaluation/results").get_data(as_text=True)


def test_my_results_shows_the_outcome_as_soon_as_it_is_published(client, sign_in, evaluated):
    call, officer, driver, strong, good, weak = evaluated
    sign_in(good.created_by)
    before = client.get("/evaluation/results").get_data(as_text=True)
    assert "Not published yet" in before and "Reserve list" not in before
    _publish(client, sign_in, call, officer, confirm="y")
    sign_in(good.created_by)
    page = client.get("/evaluation/results").get_data(as_text=True)
    row = page[page.index(f'data-application="{good.id}"'):]
    row = row[:row.index("</tr>")]
    assert '<strong class="outcome">Reserve list</strong>' in row
    assert "<td>2</td>" in row and "Not published yet" not in row
    assert f'href="/evaluation/results/{good.id}/summary.pdf"' in row
