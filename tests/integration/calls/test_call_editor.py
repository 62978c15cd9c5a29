"""The officers' call editor: who may edit, validation next to the fields, lifecycle, copies."""

import io
import json
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.applications.models import Application
from app.calls.models import Call
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import mark_submitted
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.factories.applications import submit_directly


@pytest.fixture
def officer(make_user, make_funder):
    return make_user(Role.programme_officer, funder_id=make_funder().id)


def _call_form(**changes):
    now = utcnow()
    data = {
        "reference": "ICT-2030-01", "kind": "grant", "title": "Broadband for small firms",
        "summary": "Vouchers for broadband.", "body": "## Scope\nBroadband.",
        "strategic_areas": "Connectivity\nRural areas", "ict_categories": ["broadband"],
        "currency": "EUR", "budget_amount": "1000000.00", "max_per_proposal_amount": "200000",
        "default_funding_rate": "100", "profit_funding_rate": "70", "indirect_rate": "25",
        "timezone": "Europe/Rome",
        "opens_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "required_attachments": "Technical annex\nLetters of support (optional)",
    }
    data.update(changes)
    return data


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/calls/manage")})


def test_officer_creates_a_draft_with_dates_in_the_call_zone(client, officer, sign_in):
    sign_in(officer)
    response = _post(client, "/calls/new", _call_form(opens_at="2030-03-01T09:00",
                                                      closes_at="2030-05-01T17:00"))
    assert response.status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "ICT-2030-01"))
    assert call.status == CallStatus.DRAFT and call.funder_id == officer.funder_id
    assert call.opens_at.isoformat() == "2030-03-01T08:00:00+00:00"  # 09:00 in Rome (CET)
    assert call.closes_at.isoformat() == "2030-05-01T15:00:00+00:00"  # 17:00 in Rome (CEST)
    assert call.max_per_proposal_amount == Decimal("200000.00")
    assert call.funding_rates == {"default": "1.0000", "by_org_type": {"PRC": "0.7000"}}
    assert call.required_attachments[1] == {
        "code": "letters_of_support", "name": "Letters of support", "mandatory": False}


@pytest.mark.parametrize("changes, field, message", [
    ({"closes_at": "2020-01-01T00:00", "opens_at": "2020-02-01T00:00"}, "closes_at",
     "The deadline must come after the opening."),
    ({"max_per_proposal_amount": "2000000"}, "max_per_proposal_amount",
     "cannot exceed the total budget"),
    ({"reference": "ict 2030"}, "reference", "Use capital letters, digits and dashes."),
    ({"budget_amount": "0"}, "budget_amount", "Enter a budget above zero."),
])
def test_invalid_call_shows_the_error_next_to_the_field(client, officer, sign_in, changes,
                                                        field, message):
    sign_in(officer)
    page = _post(client, "/calls/new", _call_form(**changes)).get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Broadband for small firms"' in page  # input kept
    assert db.session.scalar(select(Call)) is None


def test_only_officers_of_the_owning_funder_manage_a_call(client, make_call, make_user,
                                                          make_funder, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    stranger = make_user(Role.programme_officer, funder_id=make_funder().id)
    sign_in(stranger)
    for url in ("edit", "rules", "criteria"):
        assert client.get(f"/calls/{call.reference}/{url}").status_code == 404
    response = _post(client, f"/calls/{call.reference}/status/publish", {})
    assert response.status_code == 404
    assert db.session.get(Call, call.id).status == CallStatus.DRAFT
    sign_in(make_user(Role.applicant))
    assert client.get(f"/calls/{call.reference}/edit").status_code == 403
    assert client.get("/calls/new").status_code == 403


def test_rules_errors_appear_next_to_their_fields(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    page = _post(client, f"/calls/{call.reference}/rules", {
        "min_partners": "2", "min_countries": "3", "field_level": "1",
        "max_partner_share": "1.5", "programme_part": "", "version": call.version}).get_data(
        as_text=True)
    assert 'id="min_countries-error"' in page
    assert 'id="max_partner_share-error"' in page


def test_preset_fills_the_rules_and_save_stores_them(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT, rules={"min_partners": 1})
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    page = client.get(f"/calls/{call.reference}/rules?preset=horizon_europe").get_data(
        as_text=True)
    assert 'id="min_partners"' in page and 'value="3"' in page
    response = _post(client, f"/calls/{call.reference}/rules", {
        "min_partners": "3", "min_countries": "3", "min_member_state_partners": "1",
        "eligible_countries": ["EU_MS", "HE_ASSOCIATED"], "field_level": "1",
        "require_independent_partners": "y", "programme_part": "", "version": call.version})
    assert response.status_code == 302
    stored = db.session.get(Call, call.id).eligibility_rules
    assert stored["eligible_countries"] == "EU_MS+HE_ASSOCIATED" and stored["min_partners"] == 3


def test_criteria_step_error_is_shown_on_its_row(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    form = {"version": call.version, "experts_per_proposal": "3", "consensus_method": "median",
            "overall_threshold": "10", "min_comment_length": "0",
            **{f"tie_breaks-{i}": "" for i in range(6)}}
    for i, (code, step) in enumerate([("excellence", "0.5"), ("impact", "0.7")]):
        form.update({f"criteria-{i}-code": code, f"criteria-{i}-label": code.title(),
                     f"criteria-{i}-kind": "expert", f"criteria-{i}-weight": "1",
                     f"criteria-{i}-min": "0", f"criteria-{i}-max": "5",
                     f"criteria-{i}-step": step, f"criteria-{i}-threshold": "3"})
    page = _post(client, f"/calls/{call.reference}/criteria", form).get_data(as_text=True)
    assert 'id="criteria-1-step-error"' in page
    assert 'id="criteria-0-step-error"' not in page


def test_publish_is_audited_and_refused_when_incomplete(client, make_call, make_user, sign_in):
    complete = make_call(status=CallStatus.DRAFT)
    empty = make_call(status=CallStatus.DRAFT, funder=complete.funder)
    empty.award_criteria = {}
    db.session.commit()
    sign_in(make_user(Role.programme_officer, funder_id=complete.funder_id))
    _post(client, f"/calls/{complete.reference}/status/publish", {})
    _post(client, f"/calls/{empty.reference}/status/publish", {})
    assert db.session.get(Call, complete.id).status == CallStatus.PUBLISHED
    assert db.session.get(Call, empty.id).status == CallStatus.DRAFT
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("call.publish") == 1


def test_rules_cannot_change_after_the_first_submission(client, make_call, make_user,
                                                       make_organisation, sign_in):
    call = make_call()
    coordinator = make_user(Role.applicant)
    application = Application(call=call, acronym="FIRST", title="First",
                              created_by_id=coordinator.id, status="submitted")
    db.session.add(application)
    db.session.flush()
    submit_directly(application, by=coordinator, at=utcnow(), key="k1")
    mark_submitted(call, utcnow())
    db.session.commit()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    page = _post(client, f"/calls/{call.reference}/rules", {
        "min_partners": "5", "field_level": "1", "programme_part": "",
        "version": call.version}).get_data(as_text=True)
    assert "can no longer change" in page
    assert db.session.get(Call, call.id).eligibility_rules["min_partners"] == 3


def test_stale_version_keeps_the_input_and_says_why(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    page = _post(client, f"/calls/{call.reference}/edit", _call_form(
        title="My edit", version=call.version - 1 if call.version > 1 else 999)).get_data(
        as_text=True)
    assert "Someone else saved this call meanwhile" in page
    assert 'value="My edit"' in page


def test_duplicate_and_import_create_drafts(client, make_call, make_user, sign_in):
    call = make_call()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    _post(client, f"/calls/{call.reference}/duplicate", {})
    copy = db.session.scalar(select(Call).where(Call.reference == f"{call.reference}-COPY1"))
    assert copy.status == CallStatus.DRAFT and copy.award_criteria == call.award_criteria
    definition = client.get(f"/calls/{call.reference}/definition.json").json
    definition["reference"] = "IMPORTED-1"
    upload = {"definition": (io.BytesIO(json.dumps(definition).encode()), "call.json")}
    response = client.post("/calls/import", data={
        **upload, "csrf_token": csrf_token(client, "/calls/import")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    imported = db.session.scalar(select(Call).where(Call.reference == "IMPORTED-1"))
    assert imported.eligibility_rules == call.eligibility_rules


def test_import_refuses_an_invalid_definition(client, make_call, make_user, sign_in):
    call = make_call()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    definition = client.get(f"/calls/{call.reference}/definition.json").json
    definition.update(reference="BAD-1", eligibility_rules={"min_partners": 0, "colour": "red"})
    upload = {"definition": (io.BytesIO(json.dumps(definition).encode()), "call.json")}
    page = client.post("/calls/import", data={
        **upload, "csrf_token": csrf_token(client, "/calls/import")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "The definition is not valid" in page
    assert db.session.scalar(select(Call).where(Call.reference == "BAD-1")) is None


def _submitted(call, user):
    application = Application(call=call, acronym="SENT", title="Sent",
                              created_by_id=user.id, status="submitted")
    db.session.add(application)
    db.session.flush()
    submit_directly(application, by=user, at=utcnow(), key=f"k-{application.id}")
    mark_submitted(call, utcnow())
    db.session.commit()


_ONLY_TEXTS = "only the texts and the deadline can change"
_GIVE_REASON = "to bring the deadline forward, give the reason applicants will read"


@pytest.mark.parametrize("changes, refusal", [
    ({"title": "A clearer title"}, None),
    ({"closes_at": "LATER"}, None),
    ({"closes_at": "EARLIER"}, _GIVE_REASON),  # fair deadlines: see test_deadlines.py
    ({"max_per_proposal_amount": "100000"}, _ONLY_TEXTS),
    ({"currency": "PLN"}, _ONLY_TEXTS),
    ({"kind": "tender"}, _ONLY_TEXTS),
])
def test_after_submissions_only_texts_and_a_later_deadline_may_change(
        client, make_call, make_user, sign_in, changes, refusal):
    call = make_call(timezone="Europe/Rome")
    _submitted(call, make_user(Role.applicant))
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    form = client.get(f"/calls/{call.reference}/edit")
    assert form.status_code == 200
    local_close = call.closes_at.astimezone(ZoneInfo("Europe/Rome"))
    moves = {"LATER": timedelta(days=7), "EARLIER": timedelta(days=-7)}
    data = _call_form(
        reference=call.reference, title=call.title, summary=call.summary,
        budget_amount=str(call.budget_amount),
        max_per_proposal_amount=str(call.max_per_proposal_amount), default_funding_rate="100",
        profit_funding_rate="", indirect_rate="25", timezone="Europe/Rome",
        ict_categories=[], strategic_areas="", required_attachments="",
        opens_at=call.opens_at.astimezone(ZoneInfo("Europe/Rome")).strftime("%Y-%m-%dT%H:%M"),
        closes_at=local_close.strftime("%Y-%m-%dT%H:%M"), version=call.version)
    data.update(changes)
    if data["closes_at"] in moves:
        data["closes_at"] = (local_close + moves[data["closes_at"]]).strftime("%Y-%m-%dT%H:%M")
    response = _post(client, f"/calls/{call.reference}/edit", data)
    assert (response.status_code == 302) is (refusal is None)
    if refusal:
        assert refusal in response.get_data(as_text=True)


def test_results_are_not_published_from_the_call_page(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.UNDER_EVALUATION, opens_in=timedelta(days=-30),
                     closes_in=timedelta(days=-1))
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    _post(client, f"/calls/{call.reference}/status/publish_results", {})
    assert db.session.get(Call, call.id).status == CallStatus.UNDER_EVALUATION


def test_irreversible_actions_need_the_confirmation_box(client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    _post(client, f"/calls/{call.reference}/status/archive", {})
    assert db.session.get(Call, call.id).status == CallStatus.DRAFT
    _post(client, f"/calls/{call.reference}/status/archive", {"confirm": "y"})
    assert db.session.get(Call, call.id).status == CallStatus.ARCHIVED


def test_a_long_reference_can_be_duplicated_twice(client, make_call, make_user, sign_in):
    call = make_call(reference="R" * 40)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    _post(client, f"/calls/{call.reference}/duplicate", {})
    _post(client, f"/calls/{call.reference}/duplicate", {})
    references = set(db.session.scalars(select(Call.reference)))
    assert {"R" * 34 + "-COPY1", "R" * 34 + "-COPY2"} <= references


@pytest.mark.parametrize("changes, message", [
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"reference": "X/Y"}, "the reference must be"),
    ({"currency": "XYZ"}, "unsupported currency"),
    ({"indirect_rate": "1.5"}, "indirect_rate"),
])
def test_import_checks_every_field_like_the_editor(client, make_call, make_user, sign_in,
                                                   changes, message):
    call = make_call()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    definition = client.get(f"/calls/{call.reference}/definition.json").json
    definition.update({"reference": "IMPORTED-2", **changes})
    upload = {"definition": (io.BytesIO(json.dumps(definition).encode()), "call.json")}
    page = client.post("/calls/import", data={
        **upload, "csrf_token": csrf_token(client, "/calls/import")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count()).select_from(Call)) == 1
