"""Starting an application, inviting and removing partners, each partner's own data and budget."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.applications.models import Application, BudgetLineRow, Participant
from app.calls.rules.lifecycle import CallKind
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.factories.applications import form_of


def _invitation_link(recipient: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(/applications/invitations/\S+)", message.body).group(1)


def test_an_applicant_starts_an_application_and_becomes_its_coordinator(
        client, make_call, make_user, make_organisation, sign_in):
    call = make_call(strategic_areas=["Digital"], ict_categories=["broadband"])
    user = make_user(Role.applicant, organisation=make_organisation(country="SI"))
    sign_in(user)
    assert call.reference in client.get("/applications/new").get_data(as_text=True)
    url = f"/applications/new?call={call.reference}"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "acronym": "WEBSME", "title": "Web for SMEs",
        "duration_months": "24", "strategic_area": "Digital", "ict_categories": ["broadband"]})
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.coordinator.contact_user_id == user.id
    assert application.eligibility_report["passed"] is False  # one member of three
    page = client.get(response.location).get_data(as_text=True)
    assert "Add 2 independent partners" in page and 'data-passed="false"' in page
    assert "WEBSME" in client.get("/applications/").get_data(as_text=True)


def test_an_acronym_is_unique_per_call(client, make_consortium, sign_in):
    consortium = make_consortium(acronym="TAKEN")
    call = consortium.application.call
    sign_in(consortium.coordinator)
    url = f"/applications/new?call={call.reference}"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "acronym": "taken",
                                  "title": "Again", "duration_months": "12"}).get_data(
        as_text=True)
    assert "already uses this acronym" in page


def test_acronyms_differing_only_in_case_are_one_acronym(client, make_call, make_user,
                                                         make_organisation, sign_in):
    call = make_call()
    url = f"/applications/new?call={call.reference}"
    first, second = (make_user(Role.applicant, organisation=make_organisation())
                     for _ in range(2))
    sign_in(first)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "acronym": " Abc ",
                                      "title": "First", "duration_months": "12"})
    assert response.status_code == 302
    assert db.session.scalar(select(Application.acronym)) == "ABC"
    sign_in(second)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "acronym": "ABC",
                                      "title": "Second", "duration_months": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'<div id="acronym-error"[^>]*>([^<]*)</div>', page)
    assert error and "already uses this acronym" in error.group(1)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_partners_join_from_the_emailed_link_and_the_checklist_follows(
        client, make_call, make_user, make_organisation, sign_in):
    call = make_call()
    coordinator = make_user(Role.applicant, organisation=make_organisation(country="DE"))
    sign_in(coordinator)
    url = f"/applications/new?call={call.reference}"
    client.post(url, data={"csrf_token": csrf_token(client, url), "acronym": "JOIN",
                           "title": "Joining", "duration_months": "24"})
    application = db.session.scalar(select(Application))
    detail = f"/applications/{application.id}"
    for email, country in (("it@example.org", "IT"), ("at@example.org", "AT")):
        fields = form_of(client, f"{detail}/invite")
        assert client.post(f"{detail}/invite", data={**fields, "email": email}).status_code == 302
        link = _invitation_link(email)
        partner = make_user(Role.applicant, email=email,
                            organisation=make_organisation(country=country, org_type="REC"))
        other = client.application.test_client()
        other.post("/accounts/login", data={"email": email, "password": "correct horse battery",
                                            "csrf_token": csrf_token(other)})
        assert "Join the consortium" in other.get(link).get_data(as_text=True)
        accepted = other.post(link, data={"csrf_token": csrf_token(other, link)})
        assert accepted.status_code == 302
        assert other.post(link, data={"csrf_token": csrf_token(other)}).status_code == 410
        assert db.session.get(Participant, db.session.scalar(
            select(Participant.id).where(Participant.contact_user_id == partner.id))).accepted_at
    application = db.session.get(Application, application.id)
    assert application.eligibility_report["passed"] is True
    assert 'data-passed="true"' in client.get(detail).get_data(as_text=True)


def test_an_anonymous_invitee_is_offered_sign_in_and_registration_that_come_back(
        client, make_consortium, sign_in):
    consortium = make_consortium()
    sign_in(consortium.coordinator)
    detail = f"/applications/{consortium.application.id}"
    client.post(f"{detail}/invite", data={**form_of(client, f"{detail}/invite"),
                                          "email": "new@example.org"})
    link = _invitation_link("new@example.org")
    anonymous = client.application.test_client()
    page = anonymous.get(link).get_data(as_text=True)
    assert "/accounts/register?next=" in page and "/accounts/login?next=" in page
    assert anonymous.get(link[:-3] + "xyz").status_code == 410


def test_inviting_an_organisation_from_the_list_invites_its_contact_user(
        client, make_consortium, make_user, make_organisation, sign_in):
    consortium = make_consortium()
    target = make_organisation(name="Danube Research Institute", country="HU", org_type="REC")
    contact = make_user(Role.applicant, organisation=target)
    sign_in(consortium.coordinator)
    invite = f"/applications/{consortium.application.id}/invite"
    page = client.get(f"{invite}?q=danube").get_data(as_text=True)
    assert "Danube Research Institute" in page
    fields = form_of(client, invite)
    response = client.post(f"{invite}/organisation", data={**fields,
                                                          "organisation_id": str(target.id)})
    assert response.status_code == 302
    participant = db.session.scalar(select(Participant).where(
        Participant.organisation_id == target.id))
    assert participant.contact_user_id == contact.id and participant.accepted_at is None
    assert _invitation_link(contact.email)


def test_a_partner_edits_its_own_budget_but_not_another_partners(
        client, make_consortium, sign_in):
    consortium = make_consortium()
    first, second = consortium.partners
    sign_in(first)
    application = consortium.application
    own = consortium.participant_of(first)
    other = consortium.participant_of(second)
    base = f"/applications/{application.id}"
    fields = form_of(client, f"{base}/participants/{own.id}")
    response = client.post(f"{base}/participants/{own.id}/lines", data={
        **fields, "category": "C2", "ict_category": "other", "amount": "4,000.00",
        "description": "Servers", "open_source": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(BudgetLineRow).where(
        BudgetLineRow.participant_id == own.id)) == 2
    # Another partner's participation, lines and budget: refused, nothing changes.
    assert client.get(f"{base}/participants/{other.id}").status_code == 403
    line = other.budget_lines[0]
    assert client.get(f"{base}/lines/{line.id}").status_code == 403
    fields = form_of(client, base)
    assert client.post(f"{base}/participants/{other.id}/lines", data={
        **fields, "category": "A", "ict_category": "other", "amount": "1.00"}).status_code == 403
    assert client.post(f"{base}/lines/{line.id}", data={
        **fields, "category": "A", "ict_category": "other", "amount": "1.00"}).status_code == 403
    assert client.post(f"{base}/lines/{line.id}/delete", data=fields).status_code == 403
    db.session.refresh(line)
    assert line.amount == Decimal("10000.00")


def test_indirect_costs_are_computed_and_never_entered(client, make_consortium, sign_in):
    consortium = make_consortium()
    sign_in(consortium.coordinator)
    application = consortium.application
    own = consortium.participant_of(consortium.coordinator)
    url = f"/applications/{application.id}/participants/{own.id}"
    fields = form_of(client, url)
    page = client.post(f"{url}/lines", data={**fields, "category": "E", "ict_category": "other",
                                             "amount": "100.00"}).get_data(as_text=True)
    assert "Not a valid choice" in page
    client.post(f"{url}/lines", data={**form_of(client, url), "category": "B",
                                      "ict_category": "other", "amount": "2000.00"})
    page = client.get(url).get_data(as_text=True)
    # Direct 12,000 with 2,000 subcontracting: indirect 25 % of 10,000; PRC rate 100 % here.
    assert "€2,500.00" in page and "€14,500.00" in page


def test_the_coordinator_removes_a_partner_after_confirming(client, make_consortium, sign_in):
    consortium = make_consortium()
    sign_in(consortium.coordinator)
    application = consortium.application
    partner = consortium.participant_of(consortium.partners[0])
    url = f"/applications/{application.id}/participants/{partner.id}/remove"
    fields = form_of(client, url)
    page = client.post(url, data=fields).get_data(as_text=True)
    assert "Tick the box to confirm" in page
    assert client.post(url, data={**fields, "confirm": "y"}).status_code == 302
    application = db.session.get(Application, application.id)
    assert len(application.participants) == 2
    assert application.eligibility_report["passed"] is False
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "application.partner_removed")) is not None


def test_a_partner_cannot_remove_others_or_edit_shared_parts(client, make_consortium, sign_in):
    consortium = make_consortium()
    sign_in(consortium.partners[0])
    application = consortium.application
    other = consortium.participant_of(consortium.partners[1])
    assert client.get(f"/applications/{application.id}/participants/{other.id}/remove"
                      ).status_code == 403
    assert client.get(f"/applications/{application.id}/edit").status_code == 403


def test_a_version_conflict_keeps_the_input_and_says_so(client, make_consortium, sign_in):
    consortium = make_consortium()
    application = consortium.application
    sign_in(consortium.coordinator)
    url = f"/applications/{application.id}/edit"
    stale = form_of(client, url)
    # Meanwhile a partner saves their participation: the application's version moves on.
    partner_client = client.application.test_client()
    partner = consortium.partners[0]
    partner_client.post("/accounts/login", data={
        "email": partner.email, "password": "correct horse battery",
        "csrf_token": csrf_token(partner_client)})
    own = consortium.participant_of(partner)
    purl = f"/applications/{application.id}/participants/{own.id}"
    saved = partner_client.post(purl, data={**form_of(partner_client, purl),
                                            "fields_of_science": ["1.2", "2.2"]})
    assert saved.status_code == 302
    response = client.post(url, data={**stale, "acronym": "RENAMED",
                                      "title": "My carefully typed new title",
                                      "duration_months": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this application" in page
    assert 'value="My carefully typed new title"' in page and 'value="30"' in page
    db.session.refresh(application)
    assert application.acronym != "RENAMED"
    # Saving again, now knowingly over the newer version, works.
    again = client.post(url, data={**stale, **{"version": str(application.version)},
                                   "acronym": "RENAMED", "title": "T", "duration_months": "30"})
    assert again.status_code == 302


def test_a_participant_save_bumps_the_application_version(client, make_consortium, sign_in):
    consortium = make_consortium()
    application = consortium.application
    before = application.version
    partner = consortium.partners[0]
    sign_in(partner)
    own = consortium.participant_of(partner)
    url = f"/applications/{application.id}/participants/{own.id}"
    client.post(url, data={**form_of(client, url), "key_personnel_women": "2",
                           "key_personnel_men": "1"})
    db.session.refresh(application)
    assert application.version == before + 1
    assert db.session.get(Participant, own.id).key_personnel_women == 2


def test_a_tender_asks_for_a_bid_price_before_submitting(client, make_call, make_user,
                                                         make_organisation, sign_in):
    call = make_call(kind=CallKind.TENDER, rules={"min_partners": 1})
    sign_in(make_user(Role.applicant, organisation=make_organisation()))
    url = f"/applications/new?call={call.reference}"
    fields = {"csrf_token": csrf_token(client, url), "acronym": "BIDDER", "title": "Mapping",
              "duration_months": "12"}
    page = client.post(url, data={**fields, "bid_price": "12 500,50"}).get_data(as_text=True)
    assert "Enter the amount in digits" in page and 'value="12 500,50"' in page
    response = client.post(url, data=fields)
    page = client.get(response.location).get_data(as_text=True)
    assert "Enter the bid price of the tender." in page
    application = db.session.scalar(select(Application))
    edit = f"/applications/{application.id}/edit"
    client.post(edit, data={**form_of(client, edit), "acronym": "BIDDER", "title": "Mapping",
                            "duration_months": "12", "bid_price": "120,000.00"})
    assert db.session.get(Application, application.id).bid_price_amount == Decimal("120000.00")
    assert "Enter the bid price" not in client.get(f"/applications/{application.id}").get_data(
        as_text=True)


def test_the_unique_key_refuses_a_case_variant_that_slips_past_the_check(
        app, make_consortium, make_user, make_organisation, monkeypatch):
    """Two requests at once both pass the look-up: the database key decides, per call."""
    from app.applications.services import applications as services
    from app.core.errors import DomainError

    call = make_consortium(acronym="RACE").application.call
    latecomer = make_user(Role.applicant, organisation=make_organisation())
    monkeypatch.setattr(services, "_ensure_acronym_free", lambda *args, **kwargs: None)
    with pytest.raises(DomainError,
                       match="Another application to this call already uses this acronym.") \
            as refused:
        services.start_application(by=latecomer, call_reference=call.reference,
                                   data=services.ApplicationData(acronym="Race", title="T"))
    assert refused.value.field == "acronym"
    db.session.rollback()
