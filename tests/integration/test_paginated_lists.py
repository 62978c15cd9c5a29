"""Long lists come in pages, each in a fixed number of SQL statements: the same count with 3
rows as with 30 (page size lowered to 10 so that 30 rows make three pages), on both databases.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.applications.services import review
from app.core.extensions import db
from app.core.jobs import Job
from app.evaluation.services import assignment
from app.evaluation.views import officers
from app.grants.services import agreements, tracking
from tests.conftest import csrf_token
from tests.integration.evaluation.test_ranking import ranking_world, scores  # noqa: F401

SIZES = (3, 30)
PER_PAGE = 10


@pytest.fixture
def counted(client, count_queries):
    """GET `url` (after a warm-up request): its statement count and its HTML."""

    def count(url: str) -> tuple[int, str]:
        assert client.get(url).status_code == 200  # warm caches (mappers, templates)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    return count


def _rows(html: str, marker: str) -> int:
    return html.count(marker)


def test_evaluation_lists_and_the_screening_list_keep_their_query_count(
        monkeypatch, sign_in, counted, make_evaluation_call, make_officer, make_expert,
        make_submitted_application, evaluation_driver):
    monkeypatch.setattr(assignment, "MY_ASSIGNMENTS_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(assignment, "CALL_PAGE_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(review, "SCREENING_PER_PAGE", PER_PAGE)
    call = make_evaluation_call()
    officer = make_officer(call.funder)
    experts = [make_expert(call.funder) for _ in range(3)]
    driver = evaluation_driver(call, officer)
    pages = {"my evaluations": (experts[0], "/evaluation/", "/evaluation/assignments/"),
             "call page": (officer, f"/evaluation/calls/{call.id}",
                           '<span class="badge bg-light text-dark">'),
             "screening": (officer, f"/applications/call/{call.reference}",
                           "data-application=")}
    counts: dict[str, list[int]] = {name: [] for name in pages}
    made = 0
    for size in SIZES:
        while made < size:
            make_submitted_application(call)
            made += 1
        driver.assign()
        for name, (user, url, marker) in pages.items():
            sign_in(user)
            statements, html = counted(url)
            counts[name].append(statements)
            assert _rows(html, marker) == min(size, PER_PAGE), name
            assert ('aria-label="Pages"' in html) == (size > PER_PAGE), name
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} statements for 3 rows, {large} for 30"
    # The last page holds the rest, in the same number of statements.
    sign_in(officer)
    statements, html = counted(f"/applications/call/{call.reference}?page=3")
    assert _rows(html, "data-application=") == 10 and statements == counts["screening"][0]


def test_ranking_table_is_paginated_with_a_constant_query_count(
        monkeypatch, client, sign_in, counted, ranking_world):  # noqa: F811
    monkeypatch.setattr(officers, "RANKING_PER_PAGE", PER_PAGE)
    call, officer, _, proposal = ranking_world()
    counts = []
    made = 0
    for size in SIZES:
        while made < size:
            proposal(scores("4", "4", str(3 + (made % 5) / 2)))
            made += 1
        sign_in(officer)
        statements, html = counted(f"/evaluation/calls/{call.id}/ranking")
        counts.append(statements)
        assert html.count("data-application=") == min(size, PER_PAGE)
    assert counts[0] == counts[1]
    # Three pages show the thirty proposals, each once, in the ranking's order.
    pages = [re.findall(r'data-application="(\d+)"', client.get(
        f"/evaluation/calls/{call.id}/ranking?page={page}").get_data(as_text=True))
        for page in (1, 2, 3)]
    assert [len(ids) for ids in pages] == [10, 10, 10]
    assert len({i for ids in pages for i in ids}) == 30


def test_grants_awaiting_preparation_come_in_pages(monkeypatch, sign_in, counted, make_grant,
                                                    make_funded_application):
    monkeypatch.setattr(agreements, "AWAITING_PER_PAGE", PER_PAGE)
    case = make_grant()
    call = case.grant.call
    counts = []
    made = 0
    for size in SIZES:
        while made < size:
            make_funded_application(call=call)
            made += 1
        sign_in(case.officer)
        statements, html = counted("/grants/")
        counts.append(statements)
        assert html.count("/grants/prepare/") == min(size, PER_PAGE)
    assert counts[0] == counts[1]
    _, html = counted("/grants/?awaiting_page=3")
    assert html.count("/grants/prepare/") == 10 and "awaiting_page=2" in html


def test_overview_installments_come_in_pages_with_totals_of_all(monkeypatch, sign_in, counted,
                                                                 make_grant):
    monkeypatch.setattr(tracking, "UPCOMING_PER_PAGE", PER_PAGE)
    soon = date.today() - timedelta(days=5)
    first = make_grant(start=soon)
    counts = []
    made = 1
    for size in SIZES:
        while made < size:
            make_grant(call=first.grant.call, start=soon)
            made += 1
        sign_in(first.finance)
        statements, html = counted("/grants/overview")
        counts.append(statements)
        due = html.split('id="upcoming-title"')[1].split("</table>")[0]
        assert due.count("<tr") - 1 == min(size, PER_PAGE)  # a header row, then payments
        # Every grant's pre-financing (43,750.00) is due, on every page or not.
        assert f"€{43750 * size:,}.00" in html
        assert tracking.overview(by=first.finance).currencies["EUR"].due_90 == 43750 * size
    assert counts[0] == counts[1]


def test_report_form_searches_beneficiaries_instead_of_listing_them(
        client, sign_in, counted, count_queries, make_grant):
    first = make_grant()
    counts = []
    made = 1
    for size in SIZES:
        while made < size:
            make_grant(call=first.grant.call)
            made += 1
        sign_in(first.finance)
        statements, html = counted("/reports/")
        counts.append(statements)
        assert not re.search(r"<option[^>]*>Beneficiary ", html)  # no option per organisation
        assert 'list="beneficiary-options"' in html and "beneficiary-search.js" in html
    assert counts[0] == counts[1]
    name = first.grant.beneficiaries[0].organisation.name
    with count_queries() as bare:  # too short to search: signed-in overhead only
        assert client.get("/reports/beneficiaries?q=x").get_json() == {"items": []}
    with count_queries() as statements:
        found = client.get("/reports/beneficiaries", query_string={"q": name[:-1]}).get_json()
    assert len(statements) == len(bare) + 1  # one search query
    assert {"id": first.grant.beneficiaries[0].organisation_id,
            "label": f"{name} (DE)"} in found["items"]
    everyone = client.get("/reports/beneficiaries?q=beneficiary").get_json()["items"]
    assert len(everyone) == 20  # of 60 beneficiaries: the first suggestions only


def test_a_typed_beneficiary_is_resolved_without_javascript(client, sign_in, make_grant):
    first = make_grant()
    other = make_grant(countries=("IT", "SI"))  # another funder's grant
    organisation = first.grant.beneficiaries[0].organisation
    sign_in(first.finance)

    def ask(**fields):
        return client.post("/reports/", data={"report_format": "csv",
                                              "csrf_token": csrf_token(client, "/reports/"),
                                              **fields})

    response = ask(beneficiary=f"{organisation.name} ({organisation.country})")
    assert response.status_code == 302
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert job.params["filters"]["organisation_id"] == organisation.id
    stranger = other.grant.beneficiaries[0].organisation
    for fields in ({"beneficiary": stranger.name},
                   {"organisation_id": str(stranger.id), "beneficiary": stranger.name}):
        html = ask(**fields).get_data(as_text=True)
        error = re.search(r'id="beneficiary-error"[^>]*>([^<]+)', html)
        assert error and "beneficiary" in error.group(1), fields
        assert f'value="{stranger.name}"' in html  # what was typed stays
    assert db.session.scalar(select(func.count(Job.id))) == 1
