"""Directory search: full text on both databases, filters, exact names first, constant queries."""

import re

import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.directory.services.search import rebuild_index

_CARD_NAME = re.compile(
    r'<article class="card mb-3 organisation-card">.*?<a href="[^"]+">([^<]+)</a>', re.S)


def names_on(page: str) -> list[str]:
    return _CARD_NAME.findall(page)


@pytest.fixture
def searcher(client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    return lambda query="": client.get(f"/organisations/?{query}").get_data(as_text=True)


@pytest.fixture
def directory(make_listed):
    make_listed("Adriatic Robotics Lab", country="IT", org_type="REC",
                fields_of_science=["2.2"], nace_code="M72.19",
                profile={"competencies": "Robotics and machine vision for precision agriculture",
                         "tags": ["drones"]})
    make_listed("Danube Cloud Accounting", country="RO", org_type="PRC", is_sme=True,
                fields_of_science=["5.2"], nace_code="J62.01",
                profile={"competencies": "Cloud accounting software for small firms",
                         "offer": "We bring e-invoicing; we seek a university.",
                         "looking_for_partners": False})
    make_listed("Oslo Fjord Institute", country="NO", org_type="REC",
                fields_of_science=["1.5"], profile={"competencies": "Ocean sensors"})
    make_listed("Boston Web Partners", country="US", org_type="PRC", with_contact=False,
                profile={"competencies": "Web content management"})


@pytest.mark.parametrize("query, expected", [
    ("q=robotics", {"Adriatic Robotics Lab"}),
    ("q=robot", {"Adriatic Robotics Lab"}),  # a prefix of the word
    ("q=agricultural", {"Adriatic Robotics Lab"}),  # the same stem
    ("q=DRONES", {"Adriatic Robotics Lab"}),  # tags, any case
    ("q=invoicing", {"Danube Cloud Accounting"}),  # the offer
    ("q=cloud+software", {"Danube Cloud Accounting"}),  # every word must match
    ("q=cloud+ocean", set()),
    ("q=oslo", {"Oslo Fjord Institute"}),  # the name
    ("country=IT", {"Adriatic Robotics Lab"}),
    ("group=EU_MS", {"Adriatic Robotics Lab", "Danube Cloud Accounting"}),
    ("group=HE_ASSOCIATED", {"Oslo Fjord Institute"}),
    ("group=CADSES", {"Adriatic Robotics Lab", "Danube Cloud Accounting"}),
    ("org_type=PRC", {"Danube Cloud Accounting", "Boston Web Partners"}),
    ("sme=yes", {"Danube Cloud Accounting"}),
    ("field=2", {"Adriatic Robotics Lab"}),  # a field finds its subfields
    ("field=5.2", {"Danube Cloud Accounting"}),
    ("field=1.2", set()),
    ("nace=J", {"Danube Cloud Accounting"}),
    ("looking=1&org_type=REC", {"Adriatic Robotics Lab", "Oslo Fjord Institute"}),
    ("q=cloud&looking=1", set()),
    ("q=web&group=EU_MS", set()),
    ("country=Italy&field=nonsense", {"Adriatic Robotics Lab", "Danube Cloud Accounting",
                                   "Oslo Fjord Institute", "Boston Web Partners"}),
])
def test_search_by_words_and_filters(searcher, directory, query, expected):
    assert set(names_on(searcher(query))) == expected


@pytest.mark.parametrize("query", ['q="robot', "q=robot*+OR+(", "q=%27%3B--", "q=NEAR(a+b)",
                                   "q=_", "q=%E2%80%94", "q=" + "word+" * 40])
def test_odd_queries_never_break_the_engine(searcher, directory, query):
    assert "organisations found" in searcher(query) or "organisation found" in searcher(query)


def test_an_exact_name_ranks_first(searcher, make_listed):
    make_listed("Rossi Informatica", profile={"competencies": "Rossi rossi rossi software"})
    make_listed("Studio Rossi e Associati", profile={"competencies": "Rossi family firm"})
    make_listed("Rossi", profile={"competencies": "Consulting"})
    make_listed("Verdi Lab", short_name="ROSSI-LAB", profile={"competencies": "Rossi data"})
    assert names_on(searcher("q=Rossi"))[0] == "Rossi"
    assert names_on(searcher("q=rossi-lab"))[0] == "Verdi Lab"  # the short name, too


def test_names_weigh_more_than_competencies(searcher, make_listed):
    make_listed("Alpha Consulting", profile={"competencies": "We know about photonics"})
    make_listed("Photonics Valley Institute", profile={"competencies": "Research"})
    assert names_on(searcher("q=photonics")) == ["Photonics Valley Institute",
                                                 "Alpha Consulting"]


def test_the_index_follows_renames_and_profile_edits(searcher, make_listed):
    listed = make_listed("Old Name Lab", profile={"competencies": "Hydrology"})
    listed.organisation.name = "Tisza Water Lab"
    listed.profile.competencies = "Flood forecasting"
    db.session.commit()
    assert names_on(searcher("q=tisza")) == ["Tisza Water Lab"]
    assert names_on(searcher("q=flood")) == ["Tisza Water Lab"]
    assert names_on(searcher("q=hydrology")) == []
    assert names_on(searcher("q=old")) == []


def test_organisations_without_a_profile_are_listed_and_found(searcher, make_organisation):
    make_organisation("Carpathian Forestry Office", country="RO", org_type="PUB",
                      competencies="Forest inventories")
    assert names_on(searcher("q=carpathian")) == ["Carpathian Forestry Office"]
    assert names_on(searcher("q=inventories")) == ["Carpathian Forestry Office"]


def test_rebuild_index_restores_a_lost_index(searcher, make_listed):
    make_listed("Baltic Maritime Cluster", profile={"competencies": "Port logistics"})
    db.session.execute(db.text("DELETE FROM organisation_search"))
    db.session.commit()
    assert names_on(searcher("q=logistics")) == []
    assert rebuild_index() >= 1
    db.session.commit()
    assert names_on(searcher("q=logistics")) == ["Baltic Maritime Cluster"]


def test_pagination(searcher, make_listed):
    for n in range(25):
        make_listed(f"Sensor Lab {n:02d}", profile={"competencies": "Sensor networks"})
    first, second = searcher("q=sensor"), searcher("q=sensor&page=2")
    assert len(names_on(first)) == 20 and len(names_on(second)) == 5
    assert "25 organisations found" in first
    assert not set(names_on(first)) & set(names_on(second))


@pytest.mark.parametrize("query", ["", "q=sensor", "q=sensor&looking=1&group=EU_MS&field=2"])
def test_a_page_costs_the_same_queries_for_1_and_50_organisations(
        client, make_user, sign_in, make_listed, count_queries, query):
    sign_in(make_user(Role.applicant))
    counts = []
    for extra in (1, 49):
        for _ in range(extra):
            make_listed(country="DE", fields_of_science=["2.1"],
                        profile={"competencies": "Sensor networks", "tags": ["iot"]})
        with count_queries() as statements:
            response = client.get(f"/organisations/?{query}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_directory_needs_signing_in(client):
    assert client.get("/organisations/").status_code == 302
