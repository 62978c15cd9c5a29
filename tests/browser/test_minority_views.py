"""The rapporteur of a consensus with a dispersion flag is told before submitting that minority
views are required, is refused without them, and submits once they are written."""

import pytest

from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_minority_views_are_required_by_the_dispersion_flag(
        page, make_evaluation_call, make_officer, make_expert, make_submitted_application,
        evaluation_driver):
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    application = make_submitted_application(call, acronym="SPLITVOTE")
    driver = evaluation_driver(call, officer)
    driver.assign()
    driver.review_all(application, [{"excellence": "5", "impact": "4", "implementation": "4"},
                                    {"excellence": "2.5", "impact": "4", "implementation": "4"},
                                    {"excellence": "4.5", "impact": "4", "implementation": "4"}])

    sign_in_as(page, driver.rapporteur(application).email, PASSWORD)
    page.goto(f"/evaluation/consensus/{application.id}")
    minority = page.get_by_label("Minority views")
    assert minority.get_attribute("aria-describedby") == "minority_views-help"
    assert "Required: the experts disagreed on Excellence." in page.locator(
        "#minority_views-help").inner_text()
    for label in ("Excellence", "Impact", "Quality and efficiency of the implementation"):
        page.get_by_label(f"{label}: comment").fill(f"Consensus: {label} is well argued.")
    page.get_by_role("button", name="Submit for approval").click()
    assert "record the minority views" in page.locator("#minority_views-error").inner_text()
    assert page.get_by_label("Impact: comment").input_value() == \
        "Consensus: Impact is well argued."  # nothing typed is lost

    page.get_by_label("Minority views").fill(
        "One expert judged the objectives too close to existing regional projects.")
    page.get_by_role("button", name="Submit for approval").click()
    assert page.locator("#consensus-status").inner_text() == "Submitted"
