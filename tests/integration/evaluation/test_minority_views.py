"""A consensus with a dispersion flag is submitted only with the minority views it asks for;
the form marks them required before the rapporteur tries (horizon_europe_ria: limit 2)."""

from sqlalchemy import select

from app.core.extensions import db
from app.evaluation.models import Consensus
from tests.conftest import csrf_token

CONSENSUS = {"score_excellence": "4", "score_impact": "4", "score_implementation": "4",
             "comment_excellence": "Agreed: strong and original objectives.",
             "comment_impact": "Agreed: realistic uptake by small firms.",
             "comment_implementation": "Agreed: adequate plan and resources.",
             "submit": "Submit for approval"}


def _post(client, url, **data):
    return client.post(url, data={**CONSENSUS, **data, "csrf_token": csrf_token(client, url)})


def test_dispersed_consensus_needs_minority_views_and_says_so_first(client, sign_in, reviewed):
    driver, application = reviewed
    sign_in(driver.rapporteur(application))
    url = f"/evaluation/consensus/{application.id}"
    form = client.get(url).get_data(as_text=True)
    label = form.split('for="minority_views"')[1].split("</div>")[0]
    assert 'aria-hidden="true">*</span>' in label  # marked required before any submit
    assert "Required: the experts disagreed on Excellence." in form

    refused = _post(client, url, minority_views="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    error = page.split('id="minority_views-error"')[1].split("</div>")[0]
    assert "The experts disagreed on the criterion Excellence: record the minority views" in error
    assert "Agreed: strong and original objectives." in page  # nothing typed is lost
    assert db_consensus() is None

    accepted = _post(client, url,
                     minority_views="Expert 2 found the objectives too close to existing work.")
    assert accepted.status_code == 302
    assert db_consensus().status == "submitted"


def test_a_consensus_without_flags_needs_no_minority_views(client, sign_in, make_evaluation_call,
                                                           make_officer, make_expert,
                                                           make_submitted_application,
                                                           evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    application = make_submitted_application(call)
    driver = evaluation_driver(call, officer)
    driver.assign()
    driver.review_all(application, [{"excellence": "4", "impact": "4", "implementation": "4"}] * 3)
    sign_in(driver.rapporteur(application))
    url = f"/evaluation/consensus/{application.id}"
    assert "Required: the experts disagreed" not in client.get(url).get_data(as_text=True)
    assert _post(client, url, minority_views="").status_code == 302


def db_consensus():
    return db.session.scalar(select(Consensus))
