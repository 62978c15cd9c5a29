"""Application pages, forms, messages and e-mails are marked for translation (issue 14): in a
pseudo-language whose every translation is ⟪English⟫, what the applications package writes
comes out translated, and each e-mail in its recipient's language."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.services.consortium import invite_organisation
from app.applications.services.deadline_notices import tell_coordinators
from app.calls.models import DeadlineChange
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/applications/**/*.py", "app/calls/labels.py", "app/templates/applications/*.html")
GERMAN = {"Accept-Language": "de"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


def test_the_application_page_its_checklist_budget_and_consortium(client, make_consortium,
                                                                    sign_in):
    consortium = make_consortium(duration_months=24)
    sign_in(consortium.coordinator)
    page = client.get(f"/applications/{consortium.application.id}",
                      headers=GERMAN).get_data(as_text=True)
    for text in ("Checklist", "Budget", "Beneficiary", "Consortium",
                 "Partner (beneficiary)", "Draft", "Submit the application", "24 months",
                 "Broadband connectivity"):
        assert pseudo(text) in page, text
    mine = client.get("/applications/", headers=GERMAN).get_data(as_text=True)
    assert pseudo("Coordinator") in mine and pseudo("Start an application") in mine
    form = client.get(f"/applications/{consortium.application.id}/edit",
                      headers=GERMAN).get_data(as_text=True)
    assert pseudo("Duration (months)") in form and pseudo("A short name for the project, "
                                                          "unique in this call.") in form


def test_a_deadline_notice_is_written_in_each_coordinators_language(make_consortium):
    german, english = make_consortium(), make_consortium()
    german.coordinator.locale = "de"
    call = german.application.call
    english.application.call = call
    db.session.flush()
    change = DeadlineChange(call=call, old_closes_at=call.closes_at,
                            new_closes_at=call.closes_at + timedelta(days=7), reason="Storm")
    db.session.add(change)
    assert tell_coordinators(call, change=change) == 2

    def mail_to(user):
        return db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == user.email)).one()

    to_german, to_english = mail_to(german.coordinator), mail_to(english.coordinator)
    assert to_german.subject == pseudo(f"Deadline extended: {call.reference}")
    assert pseudo("The reason given: Storm") in to_german.body
    assert to_english.subject == f"Deadline extended: {call.reference}"
    assert "The reason given: Storm" in to_english.body and "⟪" not in to_english.body


def test_an_invitation_is_written_in_the_invited_contacts_language(
        make_consortium, make_user, make_organisation):
    consortium = make_consortium()
    contact = make_user(Role.applicant, organisation=make_organisation(country="AT"))
    contact.locale = "de"
    db.session.flush()
    invite_organisation(consortium.application.id, by=consortium.coordinator,
                        organisation_id=contact.organisation_id,
                        expected_version=consortium.application.version)
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == contact.email)).one()
    assert message.subject == pseudo(
        f"Join the consortium {consortium.application.acronym} on OpenCall")
    assert message.body.startswith("⟪Hello,")
