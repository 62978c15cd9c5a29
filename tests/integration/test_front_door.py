"""The front door (issue 14, item 5): the home page shows the calls open now and opening soon,
with their deadlines, what they fund and for whom, and the way in; a public page lists the
funded projects with search."""

from datetime import timedelta

from app.calls.rules.lifecycle import CallStatus
from app.grants.rules.lifecycle import GrantStatus


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_home_page_shows_open_then_forthcoming_calls(client, make_call):
    later = make_call(title="Broadband for valleys", closes_in=timedelta(days=40))
    sooner = make_call(title="Web shops for craftsmen", closes_in=timedelta(days=5),
                       ict_categories=["e_commerce"])
    soon = make_call(title="Cloud for co-operatives", opens_in=timedelta(days=7),
                     closes_in=timedelta(days=60))
    make_call(title="A draft nobody may see", status=CallStatus.DRAFT)
    make_call(title="Closed last week", opens_in=timedelta(days=-40),
              closes_in=timedelta(days=-7))
    page = _text(client.get("/"))
    assert page.index(sooner.title) < page.index(later.title) < page.index("Opening soon") \
        < page.index(soon.title)
    assert "A draft nobody may see" not in page and "Closed last week" not in page
    assert "E-commerce" in page and "e_commerce" not in page  # words, not codes
    assert "Maximum per proposal" in page and "Funding rates" in page
    assert f'href="/calls/{sooner.reference}"' in page
    assert 'data-local-time="' in page  # the visitor's own time is added in the browser
    assert 'href="/calls/"' in page


def test_the_home_page_says_when_nothing_is_open(client):
    page = _text(client.get("/"))
    assert "No call is open at the moment." in page
    assert "0 projects have been funded so far." in page


def test_funded_projects_lists_published_grants_with_their_consortium(client, make_grant):
    signed = make_grant(status=GrantStatus.SIGNED, countries=("IT", "SI"))
    make_grant(status=GrantStatus.PREPARED)  # not yet agreed: not published
    home = _text(client.get("/"))
    assert "1 project has been funded so far." in home
    page = _text(client.get("/open-data/funded-projects"))
    application = signed.grant.application
    assert page.count('class="card mb-3"') == 1
    assert application.acronym in page and application.title in page
    assert "Italy" in page and "Slovenia" in page
    assert "Broadband connectivity" in page and "broadband<" not in page
    assert "€125,000.00" in page
    for member in application.participants:
        assert member.organisation.name in page


def test_funded_projects_can_be_searched_by_organisation(client, make_grant):
    first = make_grant(status=GrantStatus.SIGNED)
    second = make_grant(status=GrantStatus.SIGNED)
    member = second.grant.application.participants[0].organisation.name
    page = _text(client.get("/open-data/funded-projects", query_string={"q": member.upper()}))
    assert second.grant.application.acronym in page
    assert first.grant.application.acronym not in page
    nothing = _text(client.get("/open-data/funded-projects", query_string={"q": "zzz"}))
    assert "No funded project matches “zzz”." in nothing
    for wildcard in ("%", "_"):  # letters to search for, not SQL wildcards
        page = _text(client.get("/open-data/funded-projects", query_string={"q": wildcard}))
        assert 'class="card mb-3"' not in page


def test_funded_projects_take_the_same_queries_for_one_and_five(client, make_grant,
                                                                 count_queries):
    make_grant(status=GrantStatus.SIGNED)
    with count_queries() as one:
        _text(client.get("/open-data/funded-projects"))
    for _ in range(4):
        make_grant(status=GrantStatus.SIGNED)
    with count_queries() as five:
        page = _text(client.get("/open-data/funded-projects"))
    assert page.count('class="card mb-3"') == 5
    assert len(five) == len(one)



def test_funded_projects_are_counted_by_the_page_statement(make_grant, count_queries):
    from app.opendata.services.funded import funded_projects

    for _ in range(5):
        make_grant(status=GrantStatus.SIGNED)
    make_grant(status=GrantStatus.PREPARED)  # not published: not counted
    with count_queries() as statements:
        pagination, projects = funded_projects(page=3, per_page=2)
    assert len(projects) == 1 and pagination.total == 5 and pagination.pages == 3
    assert len(statements) == 2  # the page with its total, and the page's members
    past_the_end, nothing = funded_projects(page=9, per_page=2)
    assert nothing == [] and past_the_end.total == 5  # counted apart
    searched, found = funded_projects(q=projects[0].acronym, per_page=2)
    assert [project.grant_id for project in found] == [projects[0].grant_id]
    assert searched.total == 1
