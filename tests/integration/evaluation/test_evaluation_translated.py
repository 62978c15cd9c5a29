"""Evaluation pages, forms, messages, e-mails and the summary PDF are marked for translation
(issue 14): in a pseudo-language whose every translation is ⟪English⟫, what the evaluation
package writes comes out translated, and e-mails follow their recipient's language."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/evaluation/**/*.py", "app/templates/evaluation/*.html",
           "app/templates/pdf/evaluation_summary.html", "app/calls/labels.py")
GERMAN = {"Accept-Language": "de"}
MARKS = {"excellence": "4", "impact": "4", "implementation": "4"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


@pytest.fixture
def evaluated(make_evaluation_call, make_officer, make_expert, make_submitted_application,
              evaluation_driver):
    call = make_evaluation_call(budget_amount=Decimal("250000.00"),
                                max_per_proposal_amount=Decimal("250000.00"))
    officer = make_officer(call.funder)
    for _number in range(3):
        make_expert(call.funder)
    driver = evaluation_driver(call, officer)
    application = make_submitted_application(call, acronym="ALPHA")
    driver.assign()
    return call, officer, driver, application


def test_the_expert_pages_and_messages(client, sign_in, evaluated):
    call, officer, driver, application = evaluated
    assignment = driver.team(application)[0]
    sign_in(assignment.expert)
    page = client.get("/evaluation/", headers=GERMAN).get_data(as_text=True)
    for text in ("My evaluations", "Declaration needed", "Declare", "Your role"):
        assert pseudo(text) in page, text
    url = f"/evaluation/assignments/{assignment.id}"
    page = client.get(url, headers=GERMAN).get_data(as_text=True)
    for text in ("Declaration of absence of conflict of interest", "Sign the declaration",
                 "I have no conflict of interest with this proposal."):
        assert pseudo(text) in page, text
    refused = client.post(f"{url}/declaration", headers=GERMAN,
                          data={"csrf_token": csrf_token(client, url)})
    assert pseudo("Choose one of the two declarations.") in refused.get_data(as_text=True)


def test_results_e_mail_page_and_pdf_in_the_coordinators_language(
        client, sign_in, evaluated):
    call, officer, driver, application = evaluated
    driver.evaluate(application, MARKS)
    coordinator = application.created_by
    coordinator.locale = "de"
    db.session.commit()
    sign_in(officer)  # the officer publishes in English ...
    ranking = f"/evaluation/calls/{call.id}/ranking"
    assert client.post(f"/evaluation/calls/{call.id}/publish", data={
        "confirm": "y", "csrf_token": csrf_token(client, ranking)}).status_code == 302
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == coordinator.email))
    # ... and the coordinator, who chose German, is written to in German.
    assert mail.subject.startswith("⟪Evaluation results:")
    assert pseudo("Your proposal is above the funding line: it is selected for funding.") \
        in mail.body
    sign_in(coordinator)
    page = client.get(f"/evaluation/results/{application.id}").get_data(as_text=True)
    for text in ("Outcome", "Funding line", "1 of 1 ranked proposal", "Funded"):
        assert pseudo(text) in page, text
    pdf = client.get(f"/evaluation/results/{application.id}/summary.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Evaluation summary report" in text and "⟪" in text


def test_the_officers_call_and_ranking_pages(client, sign_in, evaluated):
    call, officer, driver, application = evaluated
    sign_in(officer)
    page = client.get(f"/evaluation/calls/{call.id}", headers=GERMAN).get_data(as_text=True)
    for text in ("Conflict rules", "Assign experts", "3 experts per proposal", "Rapporteur"):
        assert pseudo(text) in page, text
    assert pseudo(f"status: {pseudo('under evaluation')}") in page
    assert '<span class="badge bg-light text-dark">⟪' in page  # the proposal's status
    url = f"/evaluation/calls/{call.id}/assign"
    answer = client.post(url, headers=GERMAN, follow_redirects=True, data={
        "csrf_token": csrf_token(client, f"/evaluation/calls/{call.id}")})
    assert pseudo("3 assignments in place.") in answer.get_data(as_text=True)
    page = client.get(f"/evaluation/calls/{call.id}/ranking", headers=GERMAN).get_data(
        as_text=True)
    for text in ("Ranking and funding line", "Freeze and publish", "Exports"):
        assert pseudo(text) in page, text
    rules = page.split("in order:")[1].split(".")[0]  # the call's tie-break rules, by name
    assert "⟪" in rules and "_" not in rules


def test_the_minority_views_refusal(client, sign_in, reviewed):
    driver, application = reviewed
    sign_in(driver.rapporteur(application))
    url = f"/evaluation/consensus/{application.id}"
    form = client.get(url, headers=GERMAN).get_data(as_text=True)
    assert pseudo("Required: the experts disagreed on Excellence. Record the minority view "
                  "(at least 20 characters).") in form
    marks = {f"score_{code}": "4" for code in ("excellence", "impact", "implementation")}
    comments = {f"comment_{code}": "Agreed after a long discussion of the plan."
                for code in ("excellence", "impact", "implementation")}
    refused = client.post(url, headers=GERMAN, data={
        **marks, **comments, "submit": "Submit for approval", "minority_views": "",
        "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 400
    assert pseudo("The experts disagreed on the criterion Excellence: record the minority "
                  "views (at least 20 characters) before submitting.") \
        in refused.get_data(as_text=True)


@pytest.mark.parametrize(("value", "message"), [
    ("3.25", "Scores go in steps of 0.5 from 0: enter 3 or 3.5."),
    ("6", "Enter a score between 0 and 5."),
    ("good", "Enter a number."),
])
def test_an_off_scale_score_is_refused_in_the_language(client, sign_in, evaluated, value,
                                                       message):
    call, officer, driver, application = evaluated
    assignment = driver.team(application)[0]
    sign_in(assignment.expert)
    url = f"/evaluation/assignments/{assignment.id}"
    client.post(f"{url}/declaration", data={"answer": "none",
                                            "csrf_token": csrf_token(client, url)})
    answer = client.post(f"{url}/review", headers=GERMAN, data={
        "score_excellence": value, "save": "Save draft", "csrf_token": csrf_token(client, url)})
    error = answer.get_data(as_text=True).split('id="score_excellence-error"')[1]
    assert pseudo(message) in error.split("</div>")[0]
