"""The demo grants: real figures on every finance screen, and seeding twice changes nothing."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.applications.models import Application
from app.calls.models import Call
from app.core.extensions import db
from app.demo.grants import DEMO_CALL, FINANCE, PARTNER, seed_grants
from app.demo.seed import DEMO_PASSWORD, seed_demo
from app.grants.models import Disbursement, ExpenseClaim, Grant, GrantAmendment
from app.grants.rules.lifecycle import ClaimStatus, GrantStatus
from app.grants.services.amendment_history import shares_on
from app.grants.services.bank_accounts import accounts_of
from app.grants.services.batches import candidates
from tests.conftest import csrf_token


@pytest.fixture
def demo(app):
    seed_demo()


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Grant, ExpenseClaim, Disbursement))


def test_demo_grants_are_seeded_once(demo):
    grants = seed_grants()
    assert [g.status for g in grants] == [GrantStatus.ACTIVE, GrantStatus.ACTIVE,
                                          GrantStatus.SIGNED]
    assert len({b.organisation.country for b in grants[0].beneficiaries}) == 3
    statuses = db.session.scalars(select(ExpenseClaim.status).order_by(ExpenseClaim.id)).all()
    assert statuses == [ClaimStatus.SUBMITTED, ClaimStatus.PAID]
    assert all(g.disbursed_amount <= g.awarded_amount for g in grants)
    assert grants[1].disbursed_amount > grants[0].disbursed_amount > Decimal("0")
    before = _counts()
    assert before == (3, 2, 3)
    seed_demo()
    assert [g.id for g in seed_grants()] == [g.id for g in grants]
    assert _counts() == before


def test_seeding_without_the_demo_accounts_does_nothing(app):
    assert seed_grants() == [] and _counts() == (0, 0, 0)


@pytest.fixture
def demo_without_grants(app, monkeypatch):
    # The demo as it stands before its grants are seeded, so that this test can take an
    # acronym first.
    monkeypatch.setattr("app.demo.seed.seed_grants", lambda: [])
    seed_demo()


def test_demo_acronyms_already_used_on_the_call_get_a_variant(demo_without_grants):
    call = db.session.scalar(select(Call).where(Call.reference == DEMO_CALL))
    partner = db.session.scalar(select(User).where(User.email == PARTNER))
    db.session.add(Application(call=call, acronym="ADRIAWEB", title="Someone else's draft",
                               created_by=partner))
    db.session.commit()
    grants = seed_grants()
    assert [g.application.acronym for g in grants] == ["ADRIAWEB-2", "DANUBECMS", "ALPCRAFT"]


def test_demo_finance_officer_sees_real_figures(demo, client, sign_in):
    grants = seed_grants()
    sign_in(db.session.scalar(select(User).where(User.email == FINANCE)), DEMO_PASSWORD)
    listing = client.get("/grants/").get_data(as_text=True)
    assert all(g.agreement_number in listing for g in grants)
    overview = client.get("/grants/overview").get_data(as_text=True)
    assert grants[2].agreement_number in overview  # its pre-financing is due soon
    waiting = db.session.scalar(select(ExpenseClaim).where(
        ExpenseClaim.status == ClaimStatus.SUBMITTED))
    assert "Record the decision" in client.get(
        f"/grants/claims/{waiting.id}").get_data(as_text=True)
    client.post("/reports/", data={"report_format": "csv",
                                   "csrf_token": csrf_token(client, "/reports/")})
    assert "Download" in client.get("/reports/").get_data(as_text=True)


def test_demo_beneficiaries_have_bank_details_one_change_waiting(demo):
    waiting, paid, signed = seed_grants()
    for grant in (paid, signed):
        assert all("confirmed" in found and "pending" not in found
                   for found in accounts_of(grant).values())
        assert len(accounts_of(grant)) == len(grant.beneficiaries)
    statuses = sorted(tuple(sorted(found)) for found in accounts_of(waiting).values())
    assert statuses.count(("pending",)) == 1  # the finance officer finds it to confirm
    finance = db.session.scalar(select(User).where(User.email == FINANCE))
    [prefinancing] = [c for c in candidates(by=finance, currency="EUR")
                      if c.installment.grant_id == signed.id]
    assert prefinancing.batchable  # the demo's due pre-financing can go into a batch


def test_demo_grants_belong_to_their_calls_published_ranking_and_follow_its_close(
        demo, client, sign_in):
    from app.demo.grants import COORDINATOR, OFFICER
    from app.evaluation.models import Ranking

    grants = seed_grants()
    call = grants[0].call
    ranking = db.session.scalar(select(Ranking).where(Ranking.call_id == call.id))
    assert call.reference == DEMO_CALL and call.status == "results_published"
    for grant in grants:
        assert grant.call_id == call.id
        assert ranking.entry_for(grant.application_id)["outcome"] == "funded"
        assert grant.start_date > call.closes_at.date()
        assert re.fullmatch(rf"{DEMO_CALL}-G\d{{3}}", grant.agreement_number)
    value_dates = db.session.scalars(select(Disbursement.value_date)).all()
    assert value_dates and min(value_dates) > call.closes_at.date()
    sign_in(db.session.scalar(select(User).where(User.email == COORDINATOR)), DEMO_PASSWORD)
    results = client.get("/evaluation/results").get_data(as_text=True)
    assert "Selected for funding" in results
    assert client.get(f"/evaluation/results/{grants[0].application_id}").status_code == 200
    sign_in(db.session.scalar(select(User).where(User.email == OFFICER)), DEMO_PASSWORD)
    ranked = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert grants[0].application.acronym in ranked


def test_the_demo_shows_an_accepted_budget_transfer(demo):
    """One demo grant was amended after it started: version 2, with its amended agreement."""
    grants = seed_grants()
    accepted = db.session.scalars(select(GrantAmendment).where(
        GrantAmendment.status == "accepted")).all()
    assert [(a.grant_id, a.version, a.kind) for a in accepted] == [
        (grants[0].id, 2, "beneficiary_transfer")]
    assert accepted[0].valid_from > grants[0].start_date
    assert accepted[0].document_sha256 and accepted[0].reason
    first, second = grants[0].beneficiaries[:2]
    assert shares_on(grants[0], grants[0].start_date)[1][str(second.id)] == (
        second.awarded_amount - Decimal("2500.00"))
