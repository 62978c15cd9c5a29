"""The checklist as Regulation (EU) 2021/695 reads it (reference.md §1): third-country
members, linked organisations and roles that do not count, on real pages and rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import ControlStatus
from app.applications.models import Application, ParticipantRole
from app.applications.services.checklist import build_checklist
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.conftest import csrf_token

WITH_US_CENTRE = (("DE", "PRC", True, ["2.2"]), ("IT", "HES", False, ["1.2"]),
                  ("AT", "REC", False, ["5.2"]), ("US", "REC", False, ["1.2"]))


def _participant(consortium, country):
    return next(p for p in consortium.application.participants
                if p.organisation.country == country)


def test_a_third_country_research_centre_takes_part_with_a_note(client, sign_in,
                                                                make_consortium):
    """Art. 22(1) and 23: it takes part, counts toward no minimum and requests no grant."""
    consortium = make_consortium(members=WITH_US_CENTRE)
    checklist = build_checklist(consortium.application)
    assert checklist.report["passed"] is True
    [note] = checklist.report["notes"]
    assert note["kind"] == "outside_countries"
    assert note["text"].endswith("(US) takes part; counts toward no minimum; no funding.")
    us = _participant(consortium, "US")
    assert checklist.budget.participants[str(us.id)].requested == Decimal("0.00")
    assert checklist.budget.participants[str(_participant(consortium, "AT").id)].requested \
        == Decimal("12500.00")  # 10,000 + 25 % indirect, at 100 %
    sign_in(consortium.coordinator)
    page = client.get(f"/applications/{consortium.application.id}").get_data(as_text=True)
    assert 'id="checklist-status" data-passed="true"' in page
    assert 'data-kind="outside_countries"' in page and "counts toward no minimum" in page
    assert "No requested grant: takes part from outside the eligible countries." in page


def test_a_call_limited_to_its_countries_refuses_the_same_consortium(make_call,
                                                                     make_consortium):
    """Art. 22(5): the call allows only its countries."""
    call = make_call(rules={"min_partners": 3, "min_countries": 3,
                            "eligible_countries": "EU_MS+HE_ASSOCIATED",
                            "outside_members": "not_allowed"})
    report = build_checklist(make_consortium(call=call, members=WITH_US_CENTRE).application).report
    assert report["passed"] is False
    assert [c["code"] for c in report["checks"] if not c["passed"]] == ["eligible_countries"]


def test_linked_organisations_count_once_without_sinking_the_consortium(make_consortium,
                                                                        make_organisation):
    members = (("DE", "PRC", True, []), ("FR", "PRC", False, []), ("IT", "HES", False, []),
               ("AT", "REC", False, []))
    consortium = make_consortium(members=members)
    german, french = _participant(consortium, "DE"), _participant(consortium, "FR")
    french.organisation.control_status = ControlStatus.CONTROLLED
    french.organisation.controller_id = german.organisation.id
    db.session.commit()
    report = build_checklist(consortium.application).report
    assert report["passed"] is True  # DE+FR, IT, AT: three units in three countries
    partners = next(c for c in report["checks"] if c["code"] == "min_partners")
    assert partners["detail"]["found"] == 3
    assert [n["kind"] for n in report["notes"]] == ["linked"]


def test_two_universities_of_one_ministry_are_independent(make_consortium, make_organisation):
    ministry = make_organisation(country="IT", org_type="PUB")
    consortium = make_consortium(members=(("IT", "HES", False, []), ("DE", "HES", False, []),
                                          ("AT", "REC", False, [])))
    for country in ("IT", "DE"):
        organisation = _participant(consortium, country).organisation
        organisation.control_status = ControlStatus.PUBLIC_OWNER
        organisation.controller_id = ministry.id
    db.session.commit()
    report = build_checklist(consortium.application).report
    assert report["passed"] is True and report["notes"] == []


def test_the_coordinator_makes_a_partner_an_associated_partner(client, sign_in,
                                                                make_consortium):
    consortium = make_consortium()
    application = consortium.application
    austrian = _participant(consortium, "AT")
    sign_in(consortium.coordinator)
    url = f"/applications/{application.id}/participants/{austrian.id}/role"
    page = client.get(url).get_data(as_text=True)
    assert 'name="role"' in page and "Associated partner" in page
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "version": application.version,
                                      "role": "associated_partner"})
    assert response.status_code == 302
    db.session.expire_all()
    assert austrian.role == ParticipantRole.ASSOCIATED_PARTNER
    report = application.eligibility_report
    assert report["passed"] is False  # DE and IT are two of three
    assert [n["kind"] for n in report["notes"]] == ["associated_partner"]
    checklist = build_checklist(application)
    assert checklist.budget.participants[str(austrian.id)].requested == Decimal("0.00")
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "application.participant_role_set")) is not None
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'data-role="associated_partner"' in detail


def test_a_role_is_checked_and_only_the_coordinator_sets_it(client, sign_in, make_consortium):
    consortium = make_consortium()
    application = consortium.application
    target = _participant(consortium, "AT")
    url = f"/applications/{application.id}/participants/{target.id}/role"
    sign_in(consortium.coordinator)
    page = client.post(url, data={"csrf_token": csrf_token(client, url),
                                  "version": application.version, "role": "boss"})
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    coordinator = application.coordinator
    own = f"/applications/{application.id}/participants/{coordinator.id}/role"
    refused = client.post(own, data={"csrf_token": csrf_token(client, url),
                                     "version": application.version, "role": "partner"})
    assert "The coordinator&#39;s role cannot change." in refused.get_data(as_text=True)
    sign_in(consortium.partners[0])
    assert client.get(url).status_code == 403


def test_association_is_judged_on_the_deadline_day_in_the_calls_zone(make_call,
                                                                      make_consortium):
    """CH is associated from 2025-01-01: a deadline at 00:30 Brussels time on that day
    (23:30 UTC the day before) counts it."""
    closes = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    call = make_call(opens_in=timedelta(days=-3000), closes_in=timedelta(0),
                     timezone="Europe/Brussels")
    call.opens_at, call.closes_at = closes - timedelta(days=60), closes
    db.session.commit()
    members = (("DE", "PRC", True, []), ("FR", "REC", False, []), ("CH", "HES", False, []))
    report = build_checklist(make_consortium(call=call, members=members).application).report
    assert report["passed"] is True
    call.timezone = "Europe/London"  # the same instant is still 2024 in London
    db.session.commit()
    application = db.session.scalar(select(Application).where(Application.call_id == call.id))
    report = build_checklist(application).report
    assert report["passed"] is False
    countries = next(c for c in report["checks"] if c["code"] == "eligible_countries")
    assert countries["detail"]["outside"][0]["reason"] == (
        "CH is associated to Horizon Europe only from 2025-01-01")

