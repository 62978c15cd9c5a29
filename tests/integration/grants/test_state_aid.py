"""De minimis: declarations per organisation, and grant preparation refusing a share above
the undertaking's headroom (EUR 300,000 over three rolling years)."""

import re
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.grants.models import DeMinimisDeclaration, Grant
from app.grants.services import agreements, state_aid
from tests.conftest import csrf_token
from tests.factories.grants import PAYMENT_MODEL

D = Decimal
START = date(2026, 1, 1)


def _today():
    """De minimis aid is granted, and judged, on the day of preparation: read at test time
    (a module constant was yesterday for a run that crosses midnight UTC)."""
    return utcnow().date()


def _days_ago(days: int) -> date:
    return _today() - timedelta(days=days)


def _prepare(client, application, **changes):
    url = f"/grants/prepare/{application.id}"
    data = {"agreement_number": "AGR-DM", "awarded_amount": "100000.00",
            "start_date": START.isoformat(), "end_date": "",
            "csrf_token": csrf_token(client, url), **changes}
    return client.post(url, data=data)


@pytest.fixture
def de_minimis_call(make_call):
    return make_call(de_minimis=True, payment_model=PAYMENT_MODEL)


@pytest.fixture
def declaring(make_funded_application, make_user, de_minimis_call):
    """A funded application of a de minimis call whose coordinator speaks for the first
    beneficiary's organisation, and a programme officer of its funder."""
    application = make_funded_application(call=de_minimis_call)
    coordinator = application.created_by
    coordinator.organisation_id = application.participants[0].organisation_id
    db.session.commit()
    officer = make_user(Role.programme_officer, funder=application.call.funder)
    return application, coordinator, officer


def _declare(user, granted_on: date, amount: str, grantor: str = "Land Steiermark"):
    declaration = state_aid.add_declaration(by=user, granted_on=granted_on, grantor=grantor,
                                            amount=D(amount), today=_today())
    db.session.commit()
    return declaration


def test_an_organisation_declares_its_aid_and_sees_its_headroom(client, sign_in, declaring):
    _, coordinator, _ = declaring
    sign_in(coordinator)
    response = client.post("/grants/de-minimis", data={
        "granted_on": "2025-03-01", "grantor": "Regione Friuli Venezia Giulia",
        "amount": "120000.00", "csrf_token": csrf_token(client, "/grants/de-minimis")})
    assert response.status_code == 302
    [declaration] = db.session.scalars(select(DeMinimisDeclaration))
    assert (declaration.amount, declaration.organisation_id) == (
        D("120000.00"), coordinator.organisation_id)
    page = client.get("/grants/de-minimis").get_data(as_text=True)
    assert "Regione Friuli Venezia Giulia" in page and "180,000.00" in page  # headroom
    assert db.session.scalar(select(AuditEvent.data).where(
        AuditEvent.action == "de_minimis.declared"))["amount"] == "120000.00"


def test_a_wrong_declaration_is_shown_next_to_its_fields_and_kept(client, sign_in, declaring):
    _, coordinator, _ = declaring
    sign_in(coordinator)
    response = client.post("/grants/de-minimis", data={
        "granted_on": "2099-01-01", "grantor": "Someone", "amount": "1000.00",
        "csrf_token": csrf_token(client, "/grants/de-minimis")})
    page = response.get_data(as_text=True)
    assert "this date is in the future" in page and 'id="granted_on-error"' in page
    assert 'value="Someone"' in page
    assert db.session.scalar(select(DeMinimisDeclaration)) is None


def test_preparation_refuses_a_share_above_the_headroom_and_shows_it(
        client, sign_in, declaring):
    application, coordinator, officer = declaring
    first = application.participants[0]
    _declare(coordinator, _days_ago(900), "200000.00")
    _declare(coordinator, _days_ago(60), "50000.00")
    _declare(coordinator, _days_ago(3 * 366 + 5), "290000.00")  # before the three years
    sign_in(officer)
    page = client.get(f"/grants/prepare/{application.id}").get_data(as_text=True)
    assert "granted under de minimis aid, Regulation (EU) 2023/2831" in page
    assert 'name="de_minimis"' not in page  # the call decides, not a checkbox
    shown = re.search(rf'data-headroom="{first.id}">([^<]+)<', page).group(1)
    assert "50,000.00" in shown  # 300,000 less the 250,000 declared within three years
    response = _prepare(client, application)  # 60,000 for the first beneficiary
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(select(Grant)) is None
    assert "breaks the de minimis ceiling of EUR 300,000.00" in page
    assert f"its headroom on {_today().isoformat()} is EUR 50,000.00" in page
    assert f'id="beneficiary_{first.id}-error"' in page  # next to its amount
    second = application.participants[1]
    response = _prepare(client, application, **{f"beneficiary_{first.id}": "50000.00",
                                                f"beneficiary_{second.id}": "50000.00"})
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant))
    assert grant.de_minimis
    headrooms = {b.organisation_id: b.de_minimis_headroom for b in grant.beneficiaries}
    assert headrooms == {first.organisation_id: D("50000.00"),
                         second.organisation_id: D("300000.00")}


def test_opencalls_own_de_minimis_grants_count_against_the_next(declaring,
                                                                 make_funded_application):
    application, coordinator, officer = declaring
    organisation = application.participants[0].organisation
    _declare(coordinator, _days_ago(300), "200000.00")
    grant = agreements.prepare_grant(application.id, agreements.GrantTerms(
        agreement_number="AGR-DM-1", awarded_amount=D("100000.00"), start_date=START),
        by=officer)  # 60,000 for the organisation, granted when prepared
    db.session.commit()
    first = application.participants[0]
    on = grant.prepared_at.date()
    # Another application of the same organisation sees both the declaration and this grant.
    assert state_aid.headrooms([first], on=on, application_id=-1)[
        str(first.id)].headroom == D("40000.00")
    # The grant's own preparation does not count itself.
    assert state_aid.headrooms([first], on=on, application_id=application.id)[
        str(first.id)].headroom == D("100000.00")
    assert organisation.id == first.organisation_id


def test_a_call_not_under_de_minimis_checks_nothing_and_other_currencies_are_refused(
        client, sign_in, declaring, make_call, make_funded_application, make_user):
    application, coordinator, officer = declaring
    _declare(coordinator, _days_ago(300), "300000.00")  # no headroom left at all
    application.call.de_minimis = False
    db.session.commit()
    sign_in(officer)
    page = client.get(f"/grants/prepare/{application.id}").get_data(as_text=True)
    assert "de-minimis-headroom" not in page and "2023/2831" not in page
    grant = agreements.prepare_grant(application.id, agreements.GrantTerms(
        agreement_number="AGR-NOT-DM", awarded_amount=D("100000.00"), start_date=START),
        by=officer)
    assert not grant.de_minimis and grant.beneficiaries[0].de_minimis_headroom is None
    db.session.rollback()
    swiss = make_funded_application(call=make_call(currency="CHF", payment_model=PAYMENT_MODEL,
                                                   de_minimis=True))
    swiss_officer = make_user(Role.programme_officer, funder=swiss.call.funder)
    with pytest.raises(DomainError, match="De minimis aid is counted in euro"):
        agreements.prepare_grant(swiss.id, agreements.GrantTerms(
            agreement_number="AGR-CHF", awarded_amount=D("100000.00"), start_date=START),
            by=swiss_officer)


def test_the_ceiling_is_judged_on_the_day_of_preparation_not_the_start_date(declaring):
    """A grant starting two years ago, prepared today: aid granted to the undertaking since
    its start counts (judged on the start date, this 280,000 was missed)."""
    application, coordinator, officer = declaring
    _declare(coordinator, _days_ago(30), "280000.00")
    terms = agreements.GrantTerms(agreement_number="AGR-LATE", awarded_amount=D("100000.00"),
                                  start_date=_days_ago(730))
    with pytest.raises(DomainError, match=f"headroom on {_today().isoformat()} is EUR 20,000.00"):
        agreements.prepare_grant(application.id, terms, by=officer)
    db.session.rollback()
    assert db.session.scalar(select(Grant)) is None


def test_people_withdraw_only_their_own_organisations_declarations(client, sign_in,
                                                                    declaring, make_user):
    _, coordinator, _ = declaring
    declaration = _declare(coordinator, date(2025, 1, 10), "1000.00")
    stranger = make_user(Role.applicant)
    with pytest.raises(DomainError, match="no such declaration"):
        state_aid.withdraw_declaration(declaration.id, by=stranger)
    sign_in(coordinator)
    client.post(f"/grants/de-minimis/{declaration.id}/withdraw",
                data={"csrf_token": csrf_token(client, "/grants/de-minimis")})
    assert db.session.scalar(select(DeMinimisDeclaration)) is None
    assert db.session.scalar(select(AuditEvent.data).where(
        AuditEvent.action == "de_minimis.withdrawn"))["amount"] == "1000.00"


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_preparations_for_one_undertaking_at_once_grant_only_what_fits(
        app, declaring, make_funded_application):
    """Each share of 60,000 fits the 100,000 headroom alone, not both together: without the
    lock on the organisation both preparations read the same headroom and both were granted."""
    application, coordinator, officer = declaring
    organisation_id = application.participants[0].organisation_id
    other = make_funded_application(call=application.call)
    other.participants[0].organisation_id = organisation_id  # the same undertaking
    db.session.commit()
    _declare(coordinator, _days_ago(100), "200000.00")
    ids, officer_id = [application.id, other.id], officer.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def prepare(application_id: int) -> None:
        with app.app_context():
            try:
                by = db.session.get(User, officer_id)
                barrier.wait()
                agreements.prepare_grant(application_id, agreements.GrantTerms(
                    agreement_number=f"AGR-RACE-{application_id}",
                    awarded_amount=D("100000.00"), start_date=START), by=by)
                db.session.commit()
                outcomes.append("granted")
            except DomainError as refusal:
                outcomes.append("refused" if "breaks the de minimis ceiling" in str(refusal)
                                else str(refusal))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=prepare, args=(application_id,)) for application_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["granted", "refused"]
    granted = db.session.scalars(select(Grant)).all()
    assert len(granted) == 1 and granted[0].de_minimis


def test_an_amendment_raising_a_share_is_judged_on_todays_headroom(make_grant, de_minimis_call):
    """Recorded at preparation, the receiver's headroom was EUR 300,000; aid declared since
    leaves less than the share the transfer would give it."""
    from app.grants.services import amendments

    case = make_grant(call=de_minimis_call)
    giver, receiver = case.grant.beneficiaries[:2]
    case.partner.organisation_id = receiver.organisation_id
    db.session.commit()
    _declare(case.partner, _days_ago(10), str(D("300000.00") - receiver.awarded_amount - 1000))
    amendment = amendments.propose(
        case.grant.id, by=case.officer, kind="beneficiary_transfer", reason="More work",
        changes={"giver": str(giver.id), "receiver": str(receiver.id), "amount": "5000.00"})
    db.session.commit()
    with pytest.raises(DomainError, match="breaks the de minimis ceiling"):
        amendments.decide(amendment.id, by=case.coordinator, decision="accept")
    db.session.rollback()
