"""Nobody outside a consortium learns anything about it: 404 for its pages, files and receipts."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import Submission
from app.applications.services.attachments import upload_attachment
from app.applications.services.submission import record_submission
from app.core.database import utcnow
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX


@pytest.fixture
def submitted(make_call, make_consortium):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    application = consortium.application
    attachment = upload_attachment(application.id, by=consortium.coordinator,
                                   kind="technical_annex", filename="annex.pdf",
                                   data=PDF_BYTES, expected_version=application.version)
    made = record_submission(application, by=consortium.coordinator, at=utcnow(),
                             idempotency_key="access-test", notify=False)
    db.session.commit()
    return consortium, attachment, made


def _urls(consortium, attachment, made) -> list[str]:
    base = f"/applications/{consortium.application.id}"
    own = consortium.participant_of(consortium.coordinator)
    return [base, f"{base}/edit", f"{base}/invite", f"{base}/withdraw",
            f"{base}/participants/{own.id}", f"{base}/lines/{own.budget_lines[0].id}",
            f"{base}/attachments/{attachment.id}", f"{base}/submissions/{made.id}/receipt"]


def test_an_applicant_of_another_consortium_gets_404_everywhere(
        client, submitted, make_consortium, sign_in):
    consortium, attachment, made = submitted
    stranger = make_consortium(call=consortium.application.call).coordinator
    sign_in(stranger)
    for url in _urls(consortium, attachment, made):
        assert client.get(url).status_code == 404, url
    assert consortium.application.acronym not in client.get("/applications/").get_data(
        as_text=True)


def test_an_applicant_of_another_consortium_changes_nothing_and_gets_404(
        client, submitted, make_consortium, sign_in):
    consortium, attachment, made = submitted
    application = consortium.application
    before = (application.acronym, application.version, len(application.participants))
    sign_in(make_consortium(call=application.call).coordinator)
    base, token = f"/applications/{application.id}", csrf_token(client, "/")
    fields = {"csrf_token": token, "version": application.version, "confirm": "y",
              "acronym": "TAKEN", "title": "Taken over", "email": "spy@example.org",
              "idempotency_key": "stranger-key"}
    for url in (f"{base}/edit", f"{base}/withdraw", f"{base}/invite", f"{base}/submit"):
        assert client.post(url, data=fields).status_code == 404, url
    db.session.refresh(application)
    assert (application.acronym, application.version, len(application.participants)) == before


def test_a_pending_invitee_is_not_a_member_yet(client, submitted, make_user,
                                                make_organisation, sign_in):
    consortium, attachment, made = submitted
    from app.applications.models import Participant

    invitee = make_user(Role.applicant, organisation=make_organisation())
    consortium.application.participants.append(Participant(
        role="partner", invited_email=invitee.email, contact_user_id=invitee.id,
        organisation_id=invitee.organisation_id))
    db.session.commit()
    sign_in(invitee)
    for url in _urls(consortium, attachment, made):
        assert client.get(url).status_code == 404, url


def test_an_officer_of_another_funder_gets_404_for_files_and_receipts(
        client, submitted, make_user, make_funder, sign_in):
    consortium, attachment, made = submitted
    sign_in(make_user(Role.programme_officer, funder=make_funder()))
    base = f"/applications/{consortium.application.id}"
    for url in (f"{base}/attachments/{attachment.id}", f"{base}/submissions/{made.id}/receipt",
                f"{base}/review", f"/applications/call/{consortium.application.call.reference}"):
        assert client.get(url).status_code == 404, url


def test_the_calls_officer_downloads_files_and_receipts_as_attachments(
        client, submitted, make_user, sign_in):
    consortium, attachment, made = submitted
    officer = make_user(Role.programme_officer,
                        funder_id=consortium.application.call.funder_id)
    sign_in(officer)
    base = f"/applications/{consortium.application.id}"
    document = client.get(f"{base}/attachments/{attachment.id}")
    assert document.status_code == 200 and document.data == PDF_BYTES
    assert document.headers["Content-Disposition"] == 'attachment; filename="annex.pdf"'
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    receipt = client.get(f"{base}/submissions/{made.id}/receipt")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF-")


def test_ids_from_another_application_are_not_found(client, submitted, make_consortium,
                                                     sign_in):
    consortium, attachment, made = submitted
    other = make_consortium(call=consortium.application.call)
    sign_in(other.coordinator)
    base = f"/applications/{other.application.id}"
    assert client.get(f"{base}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"{base}/submissions/{made.id}/receipt").status_code == 404
    line = consortium.participant_of(consortium.coordinator).budget_lines[0]
    assert client.get(f"{base}/lines/{line.id}").status_code == 404
    assert db.session.scalar(select(Submission)).id == made.id


def test_the_calls_officer_gets_404_for_a_draft_and_for_files_never_submitted(
        client, make_call, make_consortium, make_user, sign_in):
    call = make_call(required_attachments=TECHNICAL_ANNEX)
    draft = make_consortium(call=call)
    draft_file = upload_attachment(draft.application.id, by=draft.coordinator,
                                   kind="technical_annex", filename="draft.pdf",
                                   data=PDF_BYTES, expected_version=draft.application.version)
    sent = make_consortium(call=call)
    sent_file = upload_attachment(sent.application.id, by=sent.coordinator,
                                  kind="technical_annex", filename="sent.pdf", data=PDF_BYTES,
                                  expected_version=sent.application.version)
    record_submission(sent.application, by=sent.coordinator, at=utcnow(),
                      idempotency_key="officer-sent", notify=False)
    # Replaced after the submit: the consortium's current draft, not what was submitted.
    later_file = upload_attachment(sent.application.id, by=sent.coordinator,
                                   kind="technical_annex", filename="later.pdf",
                                   data=PDF_BYTES + b"% v2\n",
                                   expected_version=sent.application.version)
    db.session.commit()
    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    assert client.get(f"/applications/{draft.application.id}/attachments/{draft_file.id}"
                      ).status_code == 404
    base = f"/applications/{sent.application.id}/attachments"
    submitted = client.get(f"{base}/{sent_file.id}")
    assert submitted.status_code == 200 and submitted.data == PDF_BYTES
    assert client.get(f"{base}/{later_file.id}").status_code == 404
    sign_in(sent.coordinator)  # the consortium still reads its current draft
    assert client.get(f"{base}/{later_file.id}").status_code == 200
