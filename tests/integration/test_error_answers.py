"""One answer per domain error, given by the app for every view; one staff test for every
package (User.is_staff_of)."""

import pytest

from app.accounts.models import Role
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.grants.rules.lifecycle import GrantStatus
from tests.conftest import csrf_token


def _answer(app, error: DomainError, method: str = "GET", **headers):
    """What the app answers when a view lets `error` through."""
    with app.test_request_context("/grants/1", method=method, headers=headers):
        return app.make_response(app.handle_user_exception(error))


@pytest.mark.parametrize(("error", "status"), [
    (NotFound("There is no such grant."), 404),
    (Forbidden("Only the coordinator may do this."), 403),
    (Conflict("Someone else changed it meanwhile."), 409),
    (DomainError("This call is not open."), 422),
], ids=["not-found", "forbidden", "conflict", "refused"])
def test_each_domain_error_has_its_status_and_shows_its_message(app, error, status):
    response = _answer(app, error)
    assert response.status_code == status
    assert error.message in response.get_data(as_text=True)
    assert _answer(app, error, Accept="application/json").get_json() is not None


def test_a_refused_button_goes_back_to_the_page_it_is_on(app):
    response = _answer(app, Conflict("Already answered."), "POST",
                       Referer="http://localhost/calls/?q=robots")
    assert response.status_code == 302 and response.location == "/calls/?q=robots"


@pytest.mark.parametrize("referer", [
    None,  # a client that does not say where it came from
    "http://elsewhere.example/calls/",  # never back to another site
    "http://localhost/grants/claims/1/lines",  # a POST-only URL: a GET there would be 405
], ids=["none", "other-site", "post-only"])
def test_without_a_page_to_go_back_to_the_status_answers(app, referer):
    headers = {"Referer": referer} if referer else {}
    assert _answer(app, Conflict("Already answered."), "POST", **headers).status_code == 409
    assert _answer(app, NotFound("Gone."), "POST", **headers).status_code == 404


def test_real_refusals_reach_the_same_answers(client, sign_in, make_grant, make_user):
    case = make_grant(status=GrantStatus.PREPARED)
    page = f"/grants/{case.grant.id}"
    sign_in(make_user(Role.applicant))  # not in the consortium: the grant is not theirs
    assert client.get(page).status_code == 404
    sign_in(case.partner)  # may see the grant, but only the coordinator accepts it
    response = client.post(f"{page}/accept", data={"understood": "y",
                                                  "csrf_token": csrf_token(client, page)})
    assert response.status_code == 403 and "Only the coordinator" in response.get_data(
        as_text=True)
    sign_in(case.officer)  # the coordinator has not accepted yet: the state refuses signing
    response = client.post(f"{page}/sign", data={"understood": "y",
                                                "csrf_token": csrf_token(client, page)})
    assert response.status_code == 409
    assert "cannot become signed" in response.get_data(as_text=True)
    assert case.grant.status == GrantStatus.PREPARED


def test_staff_of_a_funder_are_its_programme_and_finance_officers(make_user, make_funder):
    own, other = make_funder(), make_funder()
    officer = make_user(Role.programme_officer, funder=own)
    finance = make_user(Role.finance_officer, funder=own)
    assert officer.is_staff_of(own.id) and finance.is_staff_of(own.id)
    assert not officer.is_staff_of(other.id) and not finance.is_staff_of(other.id)
    # Asked for one role, only that role counts.
    assert finance.is_staff_of(own.id, Role.finance_officer)
    assert not finance.is_staff_of(own.id, Role.programme_officer)
    # Applicants, experts and admins work for no funder, even with a funder_id set.
    for outsider in (make_user(Role.applicant), make_user(Role.evaluator, funder=own),
                     make_user(Role.admin, funder=own)):
        assert not outsider.is_staff_of(own.id)
    # An officer without a funder is staff of none ("no funder" is not a funder).
    assert not make_user(Role.programme_officer).is_staff_of(None)
