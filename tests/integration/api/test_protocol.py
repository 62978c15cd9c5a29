"""The API's manners: ETags and 304, problems for bad input, a rate limit per token, cursors,
and list endpoints whose number of SQL queries does not grow with the data."""

import json

import pytest

from app.accounts.models import Role
from app.api.views.authentication import limiter
from app.opendata.services.publication import publish_all
from tests.integration.api.conftest import bearer

PROBLEM = "application/problem+json"


def test_an_unchanged_answer_is_not_sent_twice(app, client, make_call):
    make_call()
    first = client.get("/api/v1/calls")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/api/v1/calls", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    make_call()
    changed = client.get("/api/v1/calls", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(("url", "status"), [
    ("/api/v1/calls?cursor=nonsense", 400),
    ("/api/v1/calls?limit=0", 422),
    ("/api/v1/calls?kind=lottery", 422),
    ("/api/v1/calls?unknown=1", 422),
    ("/api/v1/calls/NO-SUCH-CALL", 404),
    ("/api/v1/calls/A%00B", 400),
])
def test_bad_requests_get_a_problem_not_a_page(app, client, url, status):
    response = client.get(url)
    assert response.status_code == status and response.mimetype == PROBLEM, url
    body = json.loads(response.data)
    assert body["status"] == status and body["detail"]


def test_cursors_walk_the_whole_list_once(app, client, make_call):
    references = {make_call().reference for _ in range(5)}
    seen, url = [], "/api/v1/calls?limit=2"
    while url:
        page = json.loads(client.get(url).data)
        seen += [c["reference"] for c in page["items"]]
        url = f"/api/v1/calls?limit=2&cursor={page['next']}" if page["next"] else None
    assert sorted(seen) == sorted(references)
    stale = client.get(f"/api/v1/calls?limit=3&cursor={page_cursor(client)}")
    assert stale.status_code == 400  # a cursor of other filters is refused, not misread


def page_cursor(client) -> str:
    return json.loads(client.get("/api/v1/calls?limit=2").data)["next"]


def test_each_token_has_its_own_rate_limit(app, client, make_user, make_token, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    limiter.reset()
    first, second = make_token(make_user(Role.applicant)), make_token(make_user(Role.applicant))
    answers = [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers=bearer(first))
    assert refused.mimetype == PROBLEM and refused.headers["Retry-After"]
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    limiter.reset()


def _queries(count_queries, client, url, headers=None) -> int:
    with count_queries() as statements:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.data)
    return len(statements)


def test_public_lists_keep_their_query_count(app, client, make_call, make_grant,
                                             count_queries):
    make_grant()
    make_call()
    urls = ("/api/v1/calls", "/api/v1/projects")
    small = [_queries(count_queries, client, url) for url in urls]
    for _ in range(6):
        make_grant()
        make_call()
    assert [_queries(count_queries, client, url) for url in urls] == small


def test_private_lists_keep_their_query_count(app, client, make_grant, make_consortium,
                                              make_user, make_token, count_queries):
    from app.core.extensions import db

    first = make_grant()
    funder = first.grant.call.funder
    finance = bearer(make_token(make_user(Role.finance_officer, funder=funder)))
    consortium = make_consortium()
    applicant = bearer(make_token(consortium.coordinator))
    urls = (("/api/v1/grants", finance), ("/api/v1/applications", applicant))
    for url, headers in urls:  # the first use of a token also notes when it was used
        client.get(url, headers=headers)
    small = [_queries(count_queries, client, url, headers) for url, headers in urls]
    for _ in range(5):
        make_grant(call=first.grant.call)
        other = make_consortium()
        other.application.participants[0].contact_user_id = consortium.coordinator.id
    db.session.commit()
    assert len(json.loads(client.get("/api/v1/applications", headers=applicant).data)
               ["items"]) == 6
    assert [_queries(count_queries, client, url, headers) for url, headers in urls] == small


def test_open_data_is_listed_with_its_licence(app, client, make_grant):
    make_grant()
    publish_all(by=None)
    from app.core.extensions import db

    db.session.commit()
    body = json.loads(client.get("/api/v1/open-data").data)
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"
    grants = next(d for d in body["datasets"] if d["kind"] == "360giving")
    assert grants["items"] == 1 and grants["downloads"]["json"].endswith("/360giving.json")
