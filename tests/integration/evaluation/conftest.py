"""Evaluation test fixtures shared by several files."""

import pytest

from tests.conftest import csrf_token


@pytest.fixture
def accepted(make_evaluation_call, make_officer, make_expert, make_submitted_application,
             evaluation_driver, client, sign_in):
    """An expert signed in, declared free of conflict on one proposal of a 3-expert call."""
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    application = make_submitted_application(call)
    driver = evaluation_driver(call, officer)
    driver.assign()
    assignment = driver.team(application)[0]
    sign_in(assignment.expert)
    url = f"/evaluation/assignments/{assignment.id}"
    client.post(f"{url}/declaration", data={"answer": "none",
                                            "csrf_token": csrf_token(client, url)})
    return driver, application, assignment, url


def three_dispersed_reviews(driver, application) -> None:
    """The team's three reviews; excellence 5, 2.5 and 4.5 is a spread of 2.5, over the limit
    of 2 (a dispersion flag, minority views required)."""
    driver.review_all(application, [{"excellence": "5", "impact": "4", "implementation": "4"},
                                    {"excellence": "2.5", "impact": "4", "implementation": "4"},
                                    {"excellence": "4.5", "impact": "4", "implementation": "4"}])


@pytest.fixture
def reviewed(make_evaluation_call, make_officer, make_expert, make_submitted_application,
             evaluation_driver):
    """A 3-expert call whose proposal has its three dispersed reviews in."""
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    for _ in range(3):
        make_expert(call.funder)
    application = make_submitted_application(call)
    driver = evaluation_driver(call, officer)
    driver.assign()
    three_dispersed_reviews(driver, application)
    return driver, application
