"""An evaluation clicked through: declaration, review, consensus, publication, summary report."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser

COMMENTS = {
    "Excellence": "Clear and ambitious objectives, well beyond the state of the art.",
    "Impact": "Credible plan to reach tourism firms across the region.",
    "Quality and efficiency of the implementation": "Sound work plan; resources fit the tasks.",
}


@pytest.fixture
def evaluation(make_evaluation_call, make_officer, make_expert, make_submitted_application,
               evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder, name="Paolo Officer")
    for name in ("Anna Rapporteur", "Bruno Second", "Chiara Browser"):
        make_expert(call.funder, name=name)
    application = make_submitted_application(call, acronym="TOURWEB", with_attachment=True)
    driver = evaluation_driver(call, officer)
    driver.assign()
    return driver, application


def _switch_user(page, email):
    if page.locator("#signed-in-as").count():
        page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, email, PASSWORD)


def test_expert_rapporteur_officer_and_coordinator(page, evaluation):
    driver, application = evaluation
    team = driver.team(application)
    rapporteur = next(a for a in team if a.is_rapporteur)
    browser_expert, other = [a for a in team if not a.is_rapporteur]

    # The expert declares, reads, scores and submits.
    _switch_user(page, browser_expert.expert.email)
    page.get_by_role("link", name="My evaluations").first.click()
    page.get_by_role("link", name="Declare TOURWEB").click()
    assert page.locator("#proposal").count() == 0
    page.get_by_label("I have no conflict of interest with this proposal.").check()
    page.get_by_role("button", name="Sign the declaration").click()
    assert "annex-TOURWEB.pdf" in page.locator("#attachments").inner_text()
    marks = {"Excellence": "4.5", "Impact": "4",
             "Quality and efficiency of the implementation": "4"}
    for label, score in marks.items():
        page.get_by_label(f"{label}: score").select_option(score)
    page.get_by_label("Excellence: comment").fill("Too short.")
    page.get_by_role("button", name="Submit").click()
    assert "Write at least 20 characters" in page.locator("#comment_excellence-error").inner_text()
    for label, comment in COMMENTS.items():
        page.get_by_label(f"{label}: comment").fill(comment)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("body")).to_contain_text("Review submitted.")
    assert page.locator("#score-form").count() == 0

    # The two others submit through the services; the rapporteur writes the consensus.
    driver.review(other, {"excellence": "4", "impact": "4", "implementation": "3.5"})
    driver.review(rapporteur, {"excellence": "5", "impact": "4.5", "implementation": "4"})
    _switch_user(page, rapporteur.expert.email)
    page.goto(f"/evaluation/consensus/{application.id}")
    assert "Chiara Browser" not in page.content()
    assert page.get_by_label("Excellence: score").input_value() == "4.5"  # the median
    for label, comment in COMMENTS.items():
        page.get_by_label(f"{label}: comment").fill("Consensus: " + comment)
    page.get_by_role("button", name="Submit for approval").click()
    assert page.locator("#consensus-status").inner_text() == "Submitted"

    # The officer approves the consensus and publishes the ranking.
    _switch_user(page, driver.officer.email)
    page.get_by_role("link", name="Evaluation", exact=True).first.click()
    page.get_by_role("link", name="Experts and reviews").click()
    page.get_by_role("link", name="Open the consensus of TOURWEB").click()
    expect(page.locator("body")).to_contain_text("Chiara Browser")  # officers see who wrote what
    page.get_by_role("button", name="Approve the consensus").click()
    page.goto(f"/evaluation/calls/{driver.call.id}/ranking")
    assert "TOURWEB" in page.locator("#ranking").inner_text()
    page.get_by_label("I understand that published results are final").check()
    page.get_by_role("button", name="Freeze and publish the results").click()
    assert "Results published" in page.locator("#published").inner_text()

    # The coordinator reads the outcome and downloads the evaluation summary report.
    _switch_user(page, application.created_by.email)
    page.get_by_role("link", name="My results").first.click()
    expect(page.locator("#my-results")).to_contain_text("Selected for funding")  # at once
    page.get_by_role("link", name="Scores and comments of TOURWEB").click()
    expect(page.locator("body")).to_contain_text("above the funding line")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the evaluation summary report (PDF)").click()
    pdf = download_info.value.path().read_bytes()
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)  # table cells wrap
    assert "Evaluation summary report" in text and "TOURWEB" in text
    assert "Consensus: Clear and ambitious objectives" in text
    assert "Excellence 4.5 0–5 3" in text and "Outcome Funded" in text
    assert "After position 1" in text
    for name in ("Anna Rapporteur", "Bruno Second", "Chiara Browser"):
        assert name not in text



def test_a_large_call_is_ranked_in_the_background_and_then_shown(
        page, monkeypatch, make_evaluation_call, make_officer, make_user, evaluation_driver,
        make_submitted_application):
    from app.evaluation.services import ranking_store

    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 0)  # any call is "large"
    call = make_evaluation_call()
    officer = make_officer(call.funder, name="Paolo Officer")
    driver = evaluation_driver(call, officer)
    application = make_submitted_application(call, acronym="ALPNET")
    driver.approved_consensus(application, {"excellence": "4", "impact": "4",
                                            "implementation": "4"}, make_user(name="Rita"))

    _switch_user(page, officer.email)
    page.goto(f"/evaluation/calls/{call.id}/ranking")
    expect(page.locator("#ranking-pending")).to_contain_text("being computed in the background")
    for _ in range(20):  # the job runs in a thread of the server meanwhile
        page.get_by_role("link", name="Check again").click()
        if page.locator("#ranking").count():
            break
        page.wait_for_timeout(250)
    assert "ALPNET" in page.locator("#ranking").inner_text()
