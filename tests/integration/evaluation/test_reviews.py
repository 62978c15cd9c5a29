"""The review form (scale steps, comments, read-only once submitted) and the consensus report."""

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.evaluation.models import Consensus, Review, ReviewStatus
from tests.conftest import csrf_token
from tests.integration.evaluation.conftest import three_dispersed_reviews

GOOD = {"score_excellence": "4.5", "score_impact": "4", "score_implementation": "3",
        "comment_excellence": "Ambitious and well argued objectives.",
        "comment_impact": "Credible exploitation plan for the firms.",
        "comment_implementation": "The work plan is thin on risk management."}


def _post(client, url, **data):
    return client.post(f"{url}/review", data={**data, "csrf_token": csrf_token(client, url)})


def test_the_score_select_offers_exactly_the_steps_of_the_scale(client, accepted):
    page = client.get(accepted[3]).get_data(as_text=True)
    select_html = page.split('id="score_excellence"')[1].split("</select>")[0]
    values = [part.split('"')[0] for part in select_html.split('value="')[1:]]
    assert values == ["", "0", "0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]


@pytest.mark.parametrize(("value", "message"), [
    ("3.25", "Scores go in steps of 0.5 from 0: enter 3 or 3.5."),
    ("6", "Enter a score between 0 and 5."),
    ("good", "Enter a number."),
])
def test_an_off_scale_score_is_refused_next_to_its_field(client, accepted, value, message):
    driver, application, assignment, url = accepted
    response = _post(client, url, **{**GOOD, "score_excellence": value}, save="Save draft")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = page.split('id="score_excellence-error"')[1].split("</div>")[0]
    assert message in error
    assert "Ambitious and well argued objectives." in page  # nothing typed is lost
    assert db.session.scalar(select(Review)) is None


def test_a_refused_score_is_tied_to_its_help_and_error_for_screen_readers(client, accepted):
    driver, application, assignment, url = accepted
    page = _post(client, url, **{**GOOD, "score_excellence": "6", "comment_impact": "Fine."},
                 submit="Submit").get_data(as_text=True)
    assert ('<select aria-describedby="score_excellence-help score_excellence-error" '
            'aria-invalid="true" class="form-select is-invalid" id="score_excellence" '
            'name="score_excellence"><option value="">—</option><option value="0">') in page
    assert ('aria-describedby="comment_impact-help comment_impact-error" aria-invalid="true" '
            'class="form-control is-invalid" id="comment_impact"') in page
    assert ('<select aria-describedby="score_impact-help" class="form-select" id="score_impact" '
            'name="score_impact">') in page
    assert '<option selected value="4">4</option>' in page.split('id="score_impact"')[1]


def test_submitting_needs_every_score_and_long_enough_comments(client, accepted):
    driver, application, assignment, url = accepted
    response = _post(client, url, **{**GOOD, "score_impact": "", "comment_excellence": "Fine."},
                     submit="Submit")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a score." in page.split('id="score_impact-error"')[1].split("</div>")[0]
    assert "Write at least 20 characters (5 so far)." in page


def test_a_draft_may_be_partial_then_submitted_and_is_read_only(client, accepted):
    driver, application, assignment, url = accepted
    draft = _post(client, url, score_excellence="4", comment_excellence="Short.",
                  save="Save draft")
    assert draft.status_code == 302
    review = db.session.scalar(select(Review))
    assert review.status == ReviewStatus.DRAFT and review.scores == {"excellence": "4"}
    assert '<option selected value="4">' in client.get(url).get_data(as_text=True)
    assert _post(client, url, **GOOD, submit="Submit").status_code == 302
    db.session.refresh(review)
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert review.scores == {"excellence": "4.5", "impact": "4", "implementation": "3"}
    page = client.get(url).get_data(as_text=True)
    assert 'id="score-form"' not in page and "read-only" in page
    again = _post(client, url, **{**GOOD, "score_impact": "5"}, submit="Submit")
    assert again.status_code == 400 and "can no longer change" in again.get_data(as_text=True)
    db.session.refresh(review)
    assert review.scores["impact"] == "4"


CONSENSUS = {"score_excellence": "4", "score_impact": "4", "score_implementation": "4",
             "comment_excellence": "Agreed: strong and original objectives.",
             "comment_impact": "Agreed: realistic uptake by small firms.",
             "comment_implementation": "Agreed: adequate plan and resources.",
             "minority_views": ""}


def test_consensus_only_once_every_review_is_in(client, sign_in, accepted):
    driver, application, assignment, url = accepted
    team = driver.team(application)
    rapporteur = driver.rapporteur(application)
    driver.review(team[0], {"excellence": "4", "impact": "4", "implementation": "4"})
    sign_in(rapporteur)
    consensus_url = f"/evaluation/consensus/{application.id}"
    response = client.post(consensus_url, data={
        **CONSENSUS, "submit": "Submit for approval",
        "csrf_token": csrf_token(client, consensus_url)})
    assert response.status_code == 400
    assert "once every expert has submitted" in response.get_data(as_text=True)
    assert db.session.scalar(select(Consensus)) is None

    for row in team[1:]:
        driver.review(row, {"excellence": "4", "impact": "4.5", "implementation": "2"})
    page = client.get(consensus_url).get_data(as_text=True)
    assert 'name="score_impact"' in page
    assert '<option selected value="4.5">' in page  # the median is proposed
    response = client.post(consensus_url, data={
        **CONSENSUS, "submit": "Submit for approval",
        "csrf_token": csrf_token(client, consensus_url)})
    assert response.status_code == 302
    consensus = db.session.scalar(select(Consensus))
    assert consensus.status == "submitted" and consensus.scores["impact"] == "4"
    assert consensus.proposal["criteria"][2]["proposed"] == "2"


def test_officer_approves_with_reports_side_by_side(client, sign_in, accepted):
    driver, application, assignment, url = accepted
    three_dispersed_reviews(driver, application)
    driver.consensus(application, approve=False)
    sign_in(driver.officer)
    consensus_url = f"/evaluation/consensus/{application.id}"
    page = client.get(consensus_url).get_data(as_text=True)
    for row in driver.team(application):
        assert row.expert.name in page  # officers know who wrote what
    assert "dispersion-flag" in page and "Consensus on Excellence" in page
    response = client.post(f"{consensus_url}/approve",
                           data={"csrf_token": csrf_token(client, consensus_url)})
    assert response.status_code == 302
    assert db.session.scalar(select(Consensus)).status == "approved"
    assert "Comment on Excellence" in client.get(consensus_url).get_data(as_text=True)


# The consensus page reads in a few statements, whatever the team; officers get no form.
def test_the_officers_consensus_page_reads_in_three_statements(client, sign_in, accepted,
                                                                count_queries):
    driver, application, assignment, url = accepted
    three_dispersed_reviews(driver, application)
    driver.consensus(application, approve=True)
    sign_in(driver.officer)
    consensus_url = f"/evaluation/consensus/{application.id}"
    client.get(consensus_url)
    with count_queries() as statements:
        page = client.get(consensus_url).get_data(as_text=True)
    # The signed-in user, the proposal with its call and consensus, the team with reviews.
    assert len(statements) == 3, statements
    for row in driver.team(application):
        assert row.expert.name in page
    assert 'id="consensus-status"' in page and 'id="score-form"' not in page


def test_the_rapporteurs_consensus_form_is_shown_while_editable(client, sign_in, accepted,
                                                                 count_queries):
    driver, application, assignment, url = accepted
    driver.review_all(application, [{"excellence": "4", "impact": "4", "implementation": "4"}] * 3)
    sign_in(driver.rapporteur(application))
    consensus_url = f"/evaluation/consensus/{application.id}"
    client.get(consensus_url)
    with count_queries() as statements:
        page = client.get(consensus_url).get_data(as_text=True)
    assert len(statements) == 3, statements
    assert 'id="score-form"' in page and "Expert 1" in page


def test_the_experts_assignment_page_reads_in_three_statements(client, accepted, count_queries):
    driver, application, assignment, url = accepted
    assert _post(client, url, score_excellence="4", save="Save draft").status_code == 302
    client.get(url)
    with count_queries() as statements:
        page = client.get(url).get_data(as_text=True)
    # The signed-in user; the assignment with its proposal, call and review; the submission.
    assert len(statements) == 3, statements
    assert 'id="proposal"' in page and '<option selected value="4">' in page
