"""The ranking page: weighted totals, tie-breaks with their trail, panel decisions, the line."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.applications.models import ApplicationStatus
from app.applications.rules.submission import snapshot_sha256
from app.core.extensions import db
from app.evaluation.models import PanelDecision
from tests.conftest import csrf_token

EXPERT_CRITERIA = ("excellence", "impact", "implementation")


def scores(excellence, impact, implementation) -> dict:
    return dict(zip(EXPERT_CRITERIA, (excellence, impact, implementation), strict=True))


@pytest.fixture
def ranking_world(make_evaluation_call, make_officer, make_user, evaluation_driver,
                  make_submitted_application):
    def build(call_options=None, **application_options):
        call = make_evaluation_call(**(call_options or {}))
        officer = make_officer(call.funder)
        driver = evaluation_driver(call, officer)
        rapporteur = make_user(name="Rapporteur")

        def proposal(marks: dict, **options):
            application = make_submitted_application(call, **{**application_options, **options})
            driver.approved_consensus(application, marks, rapporteur)
            return application

        return call, officer, driver, proposal

    return build


def _page(client, call):
    return client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)


def _row(page, application):
    return page.split(f'data-application="{application.id}"')[1].split("</tr>")[0]


def _numbers(row) -> list[str]:
    """The right-aligned cells of a row: the scores per criterion, totals, requested amount."""
    return re.findall(r'<td class="text-end[^"]*">\s*([^<\s]+)', row)


@pytest.mark.parametrize("count", [5, 50])
def test_ranking_page_keeps_a_constant_query_count(client, sign_in, ranking_world,
                                                   count_queries, count):
    call, officer, driver, proposal = ranking_world()
    for n in range(count):
        proposal(scores("4", "4", str(3 + (n % 5) * Decimal("0.5"))))
    sign_in(officer)
    client.get(f"/evaluation/calls/{call.id}/ranking")  # warm caches (mappers, templates)
    with count_queries() as statements:
        response = client.get(f"/evaluation/calls/{call.id}/ranking")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("data-application=") == count
    # The signed-in user with roles, the kept ranking, its page of entries and the frame: 6 (10
    # while it ranked per request and loaded the roles apart).
    assert len(statements) == 6, statements


def test_ties_are_decided_by_the_calls_rules_with_a_trail(client, sign_in, ranking_world):
    call, officer, driver, proposal = ranking_world()
    top = proposal(scores("5", "4.5", "4.5"))
    second = proposal(scores("4.5", "4", "4"))
    third = proposal(scores("4", "4.5", "4"))  # same 12.5 total, lower Excellence
    weak = proposal(scores("3", "2.5", "5"))  # Impact under its threshold
    sign_in(officer)
    page = _page(client, call)
    assert page.index(f'data-application="{top.id}"') < page.index(
        f'data-application="{second.id}"') < page.index(f'data-application="{third.id}"')
    assert 'data-trail="excellence_then_impact"' in _row(page, third)
    assert "scores higher on Excellence (4.5 vs 4)" in _row(page, third)
    assert 'data-trail="below_threshold"' in _row(page, weak)
    assert "text-danger fw-bold" in _row(page, weak)
    assert 'id="funding-line"' in page


def test_requests_beyond_the_budget_go_to_the_reserve_list(client, sign_in, ranking_world):
    call, officer, driver, proposal = ranking_world(
        {"budget_amount": Decimal("500000.00"), "max_per_proposal_amount": Decimal("400000.00")})
    first = proposal(scores("5", "5", "5"), requested="300000.00")
    second = proposal(scores("4.5", "4.5", "4.5"), requested="300000.00")
    third = proposal(scores("4", "4", "4"), requested="150000.00")
    sign_in(officer)
    page = _page(client, call)
    assert "Funded" in _row(page, first)
    assert "Reserve</span> #1" in _row(page, second)
    assert "Funded" in _row(page, third)  # still fits under the line: fit-or-skip


def _tied_pair(ranking_world):
    call, officer, driver, proposal = ranking_world()
    same = scores("4", "4", "4")
    first, second = proposal(same), proposal(same)
    return call, officer, first, second


def test_a_panel_decision_needs_a_reason(client, sign_in, ranking_world):
    call, officer, first, second = _tied_pair(ranking_world)
    sign_in(officer)
    page = _page(client, call)
    assert "Still tied at position 1" in page and "unresolved" in page
    url = f"/evaluation/calls/{call.id}/panel"
    token = csrf_token(client, f"/evaluation/calls/{call.id}/ranking")
    response = client.post(url, data={f"place_{first.id}": "2", f"place_{second.id}": "1",
                                      "reason": "", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Record the panel&#39;s reason" in page.split('id="reason-error"')[1]
    assert db.session.scalar(select(PanelDecision)) is None

    same_place = client.post(url, data={f"place_{first.id}": "1", f"place_{second.id}": "1",
                                        "reason": "Closer fit to the regional strategy.",
                                        "csrf_token": token})
    assert same_place.status_code == 400
    assert "different place from 1 to 2" in same_place.get_data(as_text=True)

    response = client.post(url, data={f"place_{first.id}": "2", f"place_{second.id}": "1",
                                      "reason": "Closer fit to the regional strategy.",
                                      "csrf_token": token})
    assert response.status_code == 302
    page = _page(client, call)
    assert "Still tied" not in page
    assert page.index(f'data-application="{second.id}"') < page.index(
        f'data-application="{first.id}"')
    assert 'data-trail="panel_decision"' in _row(page, first)
    assert "Panel: Closer fit to the regional strategy." in _row(page, first)
    # The trail names every rule tried before the panel, each of which found them equal.
    assert ("Tie-breaks tried: Part of the call not yet covered (equal), Excellence, then "
            "Impact (equal), Gender balance (equal), Geographical diversity, then budget "
            "(equal), Panel decision (decided)") in _row(page, first)


def test_a_tie_across_the_funding_line_blocks_publication(client, sign_in, ranking_world):
    call, officer, driver, proposal = ranking_world(
        {"budget_amount": Decimal("300000.00"), "max_per_proposal_amount": Decimal("300000.00")})
    same = scores("4", "4", "4")
    tied = [proposal(same), proposal(same)]
    sign_in(officer)
    page = _page(client, call)
    assert all('class="badge bg-danger">tie' in _row(page, a) for a in tied)
    assert "straddle the funding line" in page
    response = client.post(f"/evaluation/calls/{call.id}/publish", data={
        "confirm": "y", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 400
    db.session.refresh(call)
    assert call.status == "under_evaluation"


def test_tender_price_is_scored_by_formula(client, sign_in, ranking_world):
    call, officer, driver, proposal = ranking_world({"kind": "tender"})
    quality = {"technical_merit": "30", "delivery_plan": "20"}
    cheap = proposal(quality, bid_price="80000.00")
    dear = proposal(quality, bid_price="100000.00")
    sign_in(officer)
    page = _page(client, call)
    # technical merit, delivery plan, price points, quality total, weighted total, price
    assert _numbers(_row(page, cheap)) == ["30", "20", "30", "50", "80", "€80,000.00"]
    assert _numbers(_row(page, dear)) == ["30", "20", "24", "50", "74", "€100,000.00"]
    assert page.index(f'data-application="{cheap.id}"') < page.index(
        f'data-application="{dear.id}"')


def test_tender_price_comes_from_the_counted_submission(client, sign_in, ranking_world):
    call, officer, driver, proposal = ranking_world({"kind": "tender"})
    quality = {"technical_merit": "30", "delivery_plan": "20"}
    cheap = proposal(quality, bid_price="80000.00")
    dear = proposal(quality, bid_price="100000.00")
    submission = cheap.submissions[-1]
    assert submission.snapshot["application"]["bid_price"] == "80000.00"
    assert submission.snapshot_sha256 == snapshot_sha256(submission.snapshot)
    # Edits after the deadline change the live application, never the submitted tender.
    cheap.bid_price_amount, dear.bid_price_amount = Decimal("200000.00"), Decimal("50000.00")
    db.session.commit()
    sign_in(officer)
    page = _page(client, call)
    assert _numbers(_row(page, cheap)) == ["30", "20", "30", "50", "80", "€80,000.00"]
    assert _numbers(_row(page, dear)) == ["30", "20", "24", "50", "74", "€100,000.00"]


def test_unscreened_applications_block_publication(client, sign_in, ranking_world,
                                                   make_submitted_application):
    call, officer, driver, proposal = ranking_world()
    proposal(scores("4", "4", "4"))
    unscreened = [make_submitted_application(call, status=ApplicationStatus.SUBMITTED)
                  for _ in range(2)]
    sign_in(officer)
    blockers = _page(client, call).split('id="blockers"')[1].split("</ul>")[0]
    assert ("2 submitted applications have no eligibility decision yet (mark them eligible or "
            "ineligible on the applications screen).") in blockers
    response = client.post(f"/evaluation/calls/{call.id}/publish", data={
        "confirm": "y", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 400
    db.session.refresh(call)
    assert call.status == "under_evaluation"
    for application in unscreened:
        application.status = ApplicationStatus.INELIGIBLE
    db.session.commit()
    assert 'id="blockers"' not in _page(client, call)
