"""Officer screens: the call's submitted applications, the stored report, audited decisions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import Application, ApplicationStatus, Submission
from app.applications.rules.submission import snapshot_sha256
from app.applications.services import review
from app.applications.services.checklist import build_checklist
from app.applications.services.snapshot import build_snapshot
from app.calls.services.calls import mark_submitted
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.extensions import db
from tests.factories.applications import form_of

SOLO = (("DE", "PRC", True, ["2"]),)


def _submit_directly(consortium, times: int = 1) -> None:
    """Submission rows without rendering receipts: the list only reads the rows."""
    application = consortium.application
    checklist = build_checklist(application, store=True)
    for number in range(1, times + 1):
        at = utcnow() - timedelta(days=3, minutes=number)
        snapshot = build_snapshot(application, number=number, at=at, checklist=checklist)
        db.session.add(Submission(
            application=application, number=number, snapshot=snapshot,
            snapshot_sha256=snapshot_sha256(snapshot), submitted_at=at,
            submitted_by_id=consortium.coordinator.id,
            idempotency_key=f"k-{application.id}-{number}",
            requested_amount=checklist.budget.requested))
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow() - timedelta(days=3)
    mark_submitted(application.call, application.submitted_at)
    db.session.commit()


@pytest.fixture
def closed_call(make_call):
    return make_call(opens_in=timedelta(days=-60), closes_in=timedelta(days=-1))


@pytest.fixture
def officer(make_user, closed_call):
    return make_user(Role.programme_officer, funder_id=closed_call.funder_id)


def _list_queries(client, count_queries, reference: str) -> int:
    with count_queries() as statements:
        response = client.get(f"/applications/call/{reference}?sort=requested")
    assert response.status_code == 200
    return len(statements)


def test_the_list_keeps_a_constant_query_count(client, closed_call, officer, make_consortium,
                                               sign_in, count_queries):
    sign_in(officer)
    first = make_consortium(call=closed_call, members=SOLO)
    _submit_directly(first, times=2)
    one = _list_queries(client, count_queries, closed_call.reference)
    for index in range(49):
        _submit_directly(make_consortium(call=closed_call, members=SOLO,
                                         amount=Decimal(1000 + index)), times=1 + index % 2)
    many = _list_queries(client, count_queries, closed_call.reference)
    assert one == many
    page = client.get(f"/applications/call/{closed_call.reference}?page=2").get_data(
        as_text=True)
    assert "50 in all" in page


def test_the_list_filters_by_status_and_sorts(client, closed_call, officer, make_consortium,
                                              sign_in):
    small = make_consortium(call=closed_call, members=SOLO, acronym="SMALL",
                            amount=Decimal("1000.00"))
    big = make_consortium(call=closed_call, members=SOLO, acronym="BIG",
                          amount=Decimal("90000.00"))
    draft = make_consortium(call=closed_call, members=SOLO, acronym="NEVERSENT")
    for consortium in (small, big):
        _submit_directly(consortium)
    big.application.status = ApplicationStatus.INELIGIBLE
    db.session.commit()
    sign_in(officer)
    url = f"/applications/call/{closed_call.reference}"
    page = client.get(f"{url}?sort=requested").get_data(as_text=True)
    assert page.index("BIG") < page.index("SMALL")
    assert draft.application.acronym not in page
    page = client.get(f"{url}?sort=acronym").get_data(as_text=True)
    assert page.index(">BIG<") < page.index(">SMALL<")
    page = client.get(f"{url}?status=submitted").get_data(as_text=True)
    assert ">SMALL<" in page and ">BIG<" not in page


def test_marking_eligibility_is_audited_with_its_reason(client, closed_call, officer,
                                                        make_consortium, sign_in):
    consortium = make_consortium(call=closed_call)
    _submit_directly(consortium)
    sign_in(officer)
    url = f"/applications/{consortium.application.id}/review"
    page = client.get(url).get_data(as_text=True)
    assert "Eligibility report stored at submission" in page and "All checks passed." in page
    fields = form_of(client, url)
    page = client.post(url, data={**fields, "decision": "ineligible"}).get_data(as_text=True)
    assert "Give the reason." in page
    response = client.post(url, data={**fields, "decision": "ineligible",
                                      "reason": "The technical annex is unsigned."})
    assert response.status_code == 302
    application = db.session.get(Application, consortium.application.id)
    assert application.status == ApplicationStatus.INELIGIBLE
    assert application.eligibility_decided_by_id == officer.id
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "application.eligibility_decided"))
    assert event.actor_id == officer.id and event.target_id == str(application.id)
    assert event.data["reason"] == "The technical annex is unsigned."
    assert event.data["decision"] == "ineligible" and event.data["previous"] == "submitted"
    page = client.get(url).get_data(as_text=True)  # the decision, its author and reason shown
    assert f"Marked <strong>ineligible</strong> by {officer.name}" in page
    assert "The technical annex is unsigned." in page


def test_eligibility_waits_for_the_deadline(client, make_call, make_user, make_consortium,
                                            sign_in):
    call = make_call()
    consortium = make_consortium(call=call)
    _submit_directly(consortium)
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    url = f"/applications/{consortium.application.id}/review"
    page = client.post(url, data={**form_of(client, url), "decision": "eligible",
                                  "reason": "Fine."}).get_data(as_text=True)
    assert "decided after the deadline" in page
    assert db.session.get(Application, consortium.application.id).status == "submitted"


def test_an_admin_sees_every_call_and_an_applicant_none(client, closed_call, make_user,
                                                        make_consortium, sign_in):
    consortium = make_consortium(call=closed_call)
    _submit_directly(consortium)
    sign_in(make_user(Role.admin))
    assert client.get(f"/applications/call/{closed_call.reference}").status_code == 200
    client.post("/accounts/logout", data=form_of(client, "/"))
    sign_in(consortium.coordinator)
    assert client.get(f"/applications/call/{closed_call.reference}").status_code == 403
    assert client.get(f"/applications/{consortium.application.id}/review").status_code == 403


def test_a_screening_row_shows_the_latest_submission_and_the_coordinator(
        client, closed_call, officer, make_consortium, sign_in):
    consortium = make_consortium(call=closed_call, acronym="ROWED")
    _submit_directly(consortium, times=2)
    organisation = consortium.coordinator.organisation
    sign_in(officer)
    page = client.get(f"/applications/call/{closed_call.reference}").get_data(as_text=True)
    application_id = consortium.application.id
    row = page[page.index(f'data-application="{application_id}"'):]
    row = row[:row.index("</tr>")]
    assert f'href="/applications/{application_id}/review">ROWED</a>' in row
    assert f"{organisation.name} ({organisation.country})" in row
    assert "(#2)" in row and "(#1)" not in row  # the latest of the two submissions
    assert "All passed" in row and "Submitted" in row
    assert f"({closed_call.timezone})" in row  # the submission time, in the call's zone


def test_the_review_shows_the_latest_of_several_submissions(client, closed_call, officer,
                                                            make_consortium, sign_in):
    consortium = make_consortium(call=closed_call)
    _submit_directly(consortium, times=3)
    sign_in(officer)
    page = client.get(f"/applications/{consortium.application.id}/review").get_data(
        as_text=True)
    latest = db.session.scalar(select(Submission).where(
        Submission.application_id == consortium.application.id, Submission.number == 3))
    assert "Submission 3 of" in page and latest.snapshot_sha256 in page
    assert f"by {consortium.coordinator.name}." in page


def test_the_pager_counts_the_submitted_applications_the_filter_keeps(
        monkeypatch, client, closed_call, officer, make_consortium, sign_in):
    monkeypatch.setattr(review, "SCREENING_PER_PAGE", 1)
    for _ in range(3):
        _submit_directly(make_consortium(call=closed_call), times=2)
    eligible = make_consortium(call=closed_call)
    _submit_directly(eligible)
    eligible.application.status = ApplicationStatus.ELIGIBLE
    make_consortium(call=closed_call)  # a draft: never counted
    db.session.commit()
    sign_in(officer)
    url = f"/applications/call/{closed_call.reference}"
    assert "4 in all" in client.get(url).get_data(as_text=True)
    assert "3 in all" in client.get(f"{url}?status=submitted").get_data(as_text=True)
    only = client.get(f"{url}?status=eligible").get_data(as_text=True)
    assert 'aria-label="Pages"' not in only and only.count("data-application=") == 1


def test_a_refused_decision_is_tied_to_its_errors_and_keeps_the_choice(
        client, closed_call, officer, make_consortium, sign_in):
    consortium = make_consortium(call=closed_call)
    _submit_directly(consortium)
    sign_in(officer)
    url = f"/applications/{consortium.application.id}/review"
    fields = form_of(client, url)
    assert fields["version"] == str(consortium.application.version) and fields["csrf_token"]
    page = client.post(url, data={**fields, "decision": "eligible"}).get_data(as_text=True)
    assert ('<ul class="form-control" id="decision"><li><input checked id="decision-0" '
            'name="decision" required type="radio" value="eligible"> <label for="decision-0">'
            'Eligible</label></li><li><input id="decision-1" ') in page
    assert ('<textarea aria-describedby="reason-error" aria-invalid="true" '
            'class="form-control is-invalid" id="reason" maxlength="2000" name="reason" '
            'required rows="3">') in page
    assert '<div id="reason-error" class="invalid-feedback d-block">Give the reason.</div>' in page
    page = client.post(url, data={**fields, "reason": "Late."}).get_data(as_text=True)
    assert ('<ul aria-describedby="decision-error" aria-invalid="true" '
            'class="form-control is-invalid" id="decision">') in page
    assert "Late.</textarea>" in page
