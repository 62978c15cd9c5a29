"""The ranking page reads the ranking kept since its inputs last changed (issue 18): it ranks
once, then again only after a consensus, an application's status, a panel decision or the
call changed, in whichever transaction changed it."""

import pytest

from app.applications.models import ApplicationStatus
from app.core.extensions import db
from app.evaluation.services import ranking_store
from tests.integration.evaluation.test_ranking import ranking_world, scores  # noqa: F401


@pytest.fixture
def rankings(monkeypatch):
    """How many times the ranking was computed."""
    computed = []
    original = ranking_store.compute_ranking

    def counting(call):
        computed.append(call.id)
        return original(call)

    monkeypatch.setattr(ranking_store, "compute_ranking", counting)
    return computed


def _page(client, call) -> str:
    response = client.get(f"/evaluation/calls/{call.id}/ranking")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_ranks_once_then_reads(client, sign_in, ranking_world, rankings):  # noqa: F811
    call, officer, driver, proposal = ranking_world()
    first = proposal(scores("4", "4", "4"))
    sign_in(officer)
    assert f'data-application="{first.id}"' in _page(client, call)
    assert len(rankings) == 1
    for _ in range(3):
        assert f'data-application="{first.id}"' in _page(client, call)
    assert len(rankings) == 1


def test_a_new_consensus_ranks_again(client, sign_in, ranking_world, rankings):  # noqa: F811
    call, officer, driver, proposal = ranking_world()
    first = proposal(scores("3", "3", "3"))
    sign_in(officer)
    _page(client, call)
    second = proposal(scores("5", "5", "5"))  # approved by the rapporteur and the officer
    page = _page(client, call)
    assert len(rankings) == 2
    assert page.index(f'data-application="{second.id}"') < page.index(
        f'data-application="{first.id}"')


def test_screening_out_an_application_ranks_again(client, sign_in, ranking_world,  # noqa: F811
                                                  rankings):
    call, officer, driver, proposal = ranking_world()
    _first, second = proposal(scores("3", "3", "3")), proposal(scores("4", "4", "4"))
    sign_in(officer)
    assert 'data-trail="ineligible"' not in _page(client, call)
    second.status = ApplicationStatus.INELIGIBLE
    db.session.commit()
    page = _page(client, call)
    assert len(rankings) == 2
    assert 'data-trail="ineligible"' in page.split(f'data-application="{second.id}"')[1]


def test_a_change_of_the_call_ranks_again(client, sign_in, ranking_world,  # noqa: F811
                                          rankings):
    call, officer, driver, proposal = ranking_world()
    proposal(scores("4", "4", "4"))
    sign_in(officer)
    assert 'id="funding-line"' in _page(client, call)
    call.max_per_proposal_amount = call.budget_amount = 1  # nothing fits: no funding line
    db.session.commit()
    page = _page(client, call)
    assert len(rankings) == 2
    assert 'id="funding-line"' not in page


def test_a_draft_edit_keeps_the_ranking(client, sign_in, ranking_world, rankings):  # noqa: F811
    call, officer, driver, proposal = ranking_world()
    first = proposal(scores("4", "4", "4"))
    sign_in(officer)
    _page(client, call)
    first.abstract = "A new abstract the ranking does not show"
    db.session.commit()
    _page(client, call)
    assert len(rankings) == 1
