"""Advisers of assistance centres: a firm grants read or edit access to its applications and
revokes it; advisers never submit; every adviser action is audited and shown to the firm."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import AdviserAccess, AdviserLevel, ApplicationStatus, Submission
from app.applications.services import advisers
from app.applications.services.applications import ApplicationData
from app.applications.services.submission import submit_application
from app.assistance.services import access as grants
from app.core.audit import AuditEvent
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from tests.factories.events import post_form


@pytest.fixture
def advised(make_consortium, make_adviser):
    """A consortium, its coordinator firm, and an adviser the firm gave edit access."""
    consortium = make_consortium(acronym="ALPNET", title="Alpine broadband")
    adviser = make_adviser(name="Anna Adviser")
    grants.grant_access(by=consortium.coordinator, adviser_id=adviser.id,
                        level=AdviserLevel.EDIT)
    db.session.commit()
    return consortium, adviser


def _texts(application, **changes) -> dict:
    data = {"acronym": application.acronym, "title": application.title,
            "abstract": "Broadband for alpine valleys, written with our adviser.",
            "duration_months": "24", "version": str(application.version)}
    return {**data, **changes}


def test_an_adviser_with_edit_access_edits_the_draft_and_the_firm_sees_it(
        app, client_for, advised):
    consortium, adviser = advised
    application = consortium.application
    client = client_for(adviser.user)
    dashboard = client.get("/assistance/dashboard").get_data(as_text=True)
    assert "ALPNET" in dashboard
    page = client.get(f"/assistance/applications/{application.id}")
    assert page.status_code == 200
    assert "(Coordinator)" in page.get_data(as_text=True)  # the role's name, not its code
    url = f"/assistance/applications/{application.id}/edit"
    response = post_form(client, url, _texts(application))
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.abstract.endswith("written with our adviser.")

    edit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.updated"))
    assert edit.actor_id == adviser.user_id
    assert edit.data["adviser"] is True
    assert edit.data["organisation"] == consortium.coordinator.organisation_id

    firm_page = client_for(consortium.coordinator).get("/assistance/access").get_data(
        as_text=True)
    assert "Anna Adviser" in firm_page
    assert "Updated" in firm_page and "Application viewed" in firm_page


def test_an_adviser_cannot_submit(app, client_for, advised):
    consortium, adviser = advised
    application = consortium.application
    # The page is for applicants only...
    response = post_form(client_for(adviser.user), f"/applications/{application.id}/submit",
                         {"idempotency_key": "k1", "version": str(application.version)},
                         token_from="/")
    assert response.status_code == 403
    # ...and the service refuses anyone outside the consortium, advisers included.
    adviser.user.grant(Role.applicant)
    with pytest.raises(NotFound, match="not in its consortium"):
        submit_application(application.id, by=adviser.user, idempotency_key="k2",
                           expected_version=application.version)
    assert db.session.scalar(select(Submission)) is None


def test_read_access_reads_but_does_not_edit(app, make_consortium, make_adviser):
    consortium = make_consortium()
    adviser = make_adviser()
    grants.grant_access(by=consortium.coordinator, adviser_id=adviser.id,
                        level=AdviserLevel.READ)
    application, access, _ = advisers.view_application(consortium.application.id,
                                                       by=adviser.user)
    assert access.level == AdviserLevel.READ
    with pytest.raises(Forbidden, match="read access only"):
        advisers.update_texts(application.id, by=adviser.user,
                              data=ApplicationData(acronym="X", title="Y"),
                              expected_version=application.version)


def test_advisers_edit_drafts_only(app, advised):
    consortium, adviser = advised
    application = consortium.application
    application.status = ApplicationStatus.SUBMITTED
    db.session.commit()
    with pytest.raises(DomainError, match="Advisers edit drafts only"):
        advisers.update_texts(application.id, by=adviser.user,
                              data=ApplicationData(acronym="ALPNET", title="Changed"),
                              expected_version=application.version)


def test_revoked_access_ends_at_once(app, client_for, advised):
    consortium, adviser = advised
    client = client_for(adviser.user)
    url = f"/assistance/applications/{consortium.application.id}"
    assert client.get(url).status_code == 200
    grant = db.session.scalar(select(AdviserAccess))
    response = post_form(client_for(consortium.coordinator),
                         f"/assistance/access/{grant.id}/revoke", {}, token_from="/")
    assert response.status_code == 302
    # The same signed-in session, the very next request.
    assert client.get(url).status_code == 404
    assert "ALPNET" not in client.get("/assistance/dashboard").get_data(as_text=True)
    db.session.refresh(grant)
    assert grant.revoked_by_id == consortium.coordinator.id
    with pytest.raises(Conflict, match="already revoked"):
        grants.revoke_access(grant.id, by=consortium.coordinator)


def test_one_active_grant_per_adviser_and_only_the_firm_revokes(app, advised, make_user,
                                                                 make_organisation):
    consortium, adviser = advised
    with pytest.raises(Conflict, match="already has access"):
        grants.grant_access(by=consortium.coordinator, adviser_id=adviser.id,
                            level=AdviserLevel.READ)
    db.session.rollback()
    grant = db.session.scalar(select(AdviserAccess))
    stranger = make_user(Role.applicant, organisation=make_organisation())
    with pytest.raises(NotFound, match="no such access grant"):
        grants.revoke_access(grant.id, by=stranger)


def test_an_adviser_adds_a_budget_line_for_the_firm_only(app, client_for, advised):
    consortium, adviser = advised
    application = consortium.application
    firm = consortium.participant_of(consortium.coordinator)
    before = len(firm.budget_lines)
    client = client_for(adviser.user)
    url = f"/assistance/applications/{application.id}/lines/new"
    response = post_form(client, url, {"category": "A", "ict_category": "other",
                                       "amount": "1,500.00", "description": "Adviser's line",
                                       "version": str(application.version)})
    assert response.status_code == 302
    db.session.refresh(firm)
    assert len(firm.budget_lines) == before + 1
    assert str(firm.budget_lines[-1].amount) == "1500.00"


def test_advisers_are_listed_on_the_calls_they_support(app, client, make_call, make_adviser):
    from app.assistance.services.centres import ProfileData, update_profile

    call = make_call()
    adviser = make_adviser(name="Anna Adviser")
    update_profile(by=adviser.user, data=ProfileData(languages=("de", "sl"),
                                                     topics=("broadband",),
                                                     call_ids=(call.id,)))
    db.session.commit()
    page = client.get(f"/assistance/calls/{call.reference}").get_data(as_text=True)
    assert "Anna Adviser" in page
    assert "German, Slovenian" in page


def test_the_adviser_dashboard_keeps_its_query_count(app, client_for, make_consortium,
                                                     make_adviser, count_queries):
    adviser = make_adviser()
    def advise_one():
        consortium = make_consortium()
        grants.grant_access(by=consortium.coordinator, adviser_id=adviser.id, level="read")
        db.session.commit()
    advise_one()
    client = client_for(adviser.user)
    with count_queries() as few:
        assert client.get("/assistance/dashboard").status_code == 200
    for _ in range(5):
        advise_one()
    with count_queries() as many:
        page = client.get("/assistance/dashboard").get_data(as_text=True)
    assert page.count("/assistance/applications/") == 6
    assert len(many) == len(few)
