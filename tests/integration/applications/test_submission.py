"""Submitting: the guard, the deadline, one submission per key and version, receipts, withdraw."""

import hashlib
import re
import threading
import time
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from app.applications.models import Application, ApplicationStatus, Submission
from app.applications.rules.submission import snapshot_sha256
from app.applications.services import receipts
from app.applications.services import submission as submitting
from app.applications.services.attachments import upload_attachment
from app.core import storage
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.core.jobs import Job, JobStatus, mark_failed
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX, form_of


@pytest.fixture
def ready(make_call, make_consortium):
    """A consortium that passes every check and has uploaded the call's technical annex."""
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES, expected_version=application.version)
    db.session.commit()
    return consortium


def _submit(client, application_id: int, **changes):
    url = f"/applications/{application_id}"
    fields = {**form_of(client, url, "submit-form"), **changes}
    return client.post(f"{url}/submit", data=fields), fields


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Submission))


def test_submit_is_refused_listing_every_failing_check(client, make_call, make_consortium,
                                                       sign_in):
    call = make_call(required_attachments=TECHNICAL_ANNEX)
    consortium = make_consortium(call=call, members=(("DE", "PRC", True, ["2"]),))
    sign_in(consortium.coordinator)
    response, _ = _submit(client, consortium.application.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Add 2 independent partners" in page and "Add 2 partners from other countries" in page
    assert "Upload the Technical annex (PDF)." in page
    assert _count() == 0
    assert db.session.get(Application, consortium.application.id).status == "draft"


def test_a_missing_required_attachment_alone_blocks_the_submit(client, make_call,
                                                               make_consortium, sign_in):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    assert consortium.application.eligibility_report["passed"] is True
    sign_in(consortium.coordinator)
    response, _ = _submit(client, consortium.application.id)
    assert "Upload the Technical annex (PDF)." in response.get_data(as_text=True)
    assert _count() == 0


def test_submit_stores_a_snapshot_its_hash_and_a_receipt(client, ready, sign_in):
    application = ready.application
    sign_in(ready.coordinator)
    response, _ = _submit(client, application.id)
    assert response.status_code == 302
    made = db.session.scalar(select(Submission))
    assert made.number == 1 and made.submitted_by_id == ready.coordinator.id
    assert made.snapshot_sha256 == snapshot_sha256(made.snapshot)  # survives the JSON column
    snapshot = made.snapshot
    assert snapshot["call"]["reference"] == application.call.reference
    assert len(snapshot["participants"]) == 3
    assert snapshot["budget"]["requested"] == "37500.00" == str(made.requested_amount)
    assert snapshot["attachments"][0]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert snapshot["eligibility"]["passed"] is True
    application = db.session.get(Application, application.id)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.receipt_hash == made.snapshot_sha256
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert made.snapshot_sha256 in page
    receipt = client.get(f"/applications/{application.id}/submissions/{made.id}/receipt")
    assert receipt.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(PdfReader(BytesIO(receipt.data)).pages[0].extract_text().split())
    assert made.snapshot_sha256 in text and application.acronym in text
    assert "Technicalannex" in text and "technical_annex" not in text  # the name, not the code
    assert "GermanyCoordinator" in text  # the country's and the role's names, not codes
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == ready.coordinator.email))
    assert f"/applications/{application.id}/submissions/{made.id}/receipt" in mail.body
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "application.submitted")).data["sha256"] == made.snapshot_sha256


def test_every_consortium_member_downloads_the_receipt(client, ready, sign_in):
    sign_in(ready.coordinator)
    _submit(client, ready.application.id)
    made = db.session.scalar(select(Submission))
    partner_client = client.application.test_client()
    partner = ready.partners[1]
    partner_client.post("/accounts/login", data={
        "email": partner.email, "password": "correct horse battery",
        "csrf_token": form_of(partner_client, "/accounts/login")["csrf_token"]})
    url = f"/applications/{ready.application.id}/submissions/{made.id}/receipt"
    assert partner_client.get(url).data.startswith(b"%PDF-")


def test_a_submit_one_second_after_the_deadline_is_refused(client, ready, sign_in):
    application = ready.application
    sign_in(ready.coordinator)
    url = f"/applications/{application.id}"
    fields = form_of(client, url, "submit-form")  # the page was loaded while the call was open
    call = application.call
    call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"{url}/submit", data=fields, follow_redirects=True)
    assert "the call no longer accepts submissions" in response.get_data(as_text=True)
    assert _count() == 0


def test_the_same_key_twice_makes_one_submission(client, ready, sign_in):
    sign_in(ready.coordinator)
    first, fields = _submit(client, ready.application.id)
    again = client.post(f"/applications/{ready.application.id}/submit", data=fields)
    assert first.status_code == again.status_code == 302
    assert _count() == 1


def test_a_stale_version_makes_no_second_submission(client, ready, sign_in):
    sign_in(ready.coordinator)
    url = f"/applications/{ready.application.id}"
    first_page = form_of(client, url, "submit-form")
    second_page = form_of(client, url, "submit-form")  # another tab, another key
    assert first_page["idempotency_key"] != second_page["idempotency_key"]
    client.post(f"{url}/submit", data=first_page)
    response = client.post(f"{url}/submit", data=second_page, follow_redirects=True)
    assert "Someone else saved this application" in response.get_data(as_text=True)
    assert _count() == 1


@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "two-tabs"])
def test_two_concurrent_submits_make_one_submission(app, ready, same_key):
    application_id = ready.application.id
    version = ready.application.version
    coordinator_id = ready.coordinator.id
    keys = ["double-click"] * 2 if same_key else ["tab-one", "tab-two"]
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(key: str) -> None:
        from app.accounts.models import User

        with app.app_context():
            user = db.session.get(User, coordinator_id)
            barrier.wait()
            try:
                made = submitting.submit_application(application_id, by=user,
                                                     idempotency_key=key,
                                                     expected_version=version)
                db.session.commit()
                outcomes.append(("submitted", made.id))
            except (Conflict, DomainError) as error:
                db.session.rollback()
                outcomes.append(("refused", error.message))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    assert _count() == 1
    # Whoever lost the race was refused, or (same key, after the winner committed) got
    # the winner's submission back: never a second one.
    assert len({value for kind, value in outcomes if kind == "submitted"}) == 1


def test_resubmission_creates_number_two_and_the_last_counts(client, ready, sign_in):
    sign_in(ready.coordinator)
    application = ready.application
    _submit(client, application.id)
    own = ready.participant_of(ready.coordinator)
    url = f"/applications/{application.id}/participants/{own.id}"
    client.post(f"{url}/lines", data={**form_of(client, url), "category": "C1",
                                      "ict_category": "other", "amount": "800.00"})
    _submit(client, application.id)
    numbers = db.session.scalars(select(Submission.number).order_by(Submission.number)).all()
    assert numbers == [1, 2]
    last = db.session.scalar(select(Submission).where(Submission.number == 2))
    first = db.session.scalar(select(Submission).where(Submission.number == 1))
    assert last.snapshot_sha256 != first.snapshot_sha256
    assert db.session.get(Application, application.id).receipt_hash == last.snapshot_sha256
    with pytest.raises(RuntimeError, match="Submissions are immutable"):  # never rewritten
        first.snapshot_sha256 = "0" * 64
        db.session.flush()
    db.session.rollback()


def test_withdraw_before_the_deadline_after_confirming(client, ready, sign_in):
    sign_in(ready.coordinator)
    application = ready.application
    _submit(client, application.id)
    url = f"/applications/{application.id}/withdraw"
    fields = form_of(client, url)
    assert "Tick the box" in client.post(url, data=fields).get_data(as_text=True)
    assert client.post(url, data={**fields, "confirm": "y"}).status_code == 302
    assert db.session.get(Application, application.id).status == ApplicationStatus.WITHDRAWN
    assert _count() == 1  # the submission stays on record
    response, _ = _submit(client, application.id)  # and it can be submitted again
    assert response.status_code == 302 and _count() == 2


def test_withdraw_after_the_deadline_is_refused(client, ready, sign_in):
    sign_in(ready.coordinator)
    application = ready.application
    _submit(client, application.id)
    url = f"/applications/{application.id}/withdraw"
    fields = form_of(client, url)
    application.call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.post(url, data={**fields, "confirm": "y"}).get_data(as_text=True)
    assert "can no longer be withdrawn" in page
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED


def test_only_the_coordinator_submits(client, ready, sign_in):
    partner = ready.partners[0]
    sign_in(partner)
    page = client.get(f"/applications/{ready.application.id}").get_data(as_text=True)
    assert "Only the coordinator submits" in page
    fields = form_of(client, f"/applications/{ready.application.id}")
    fields["idempotency_key"] = "partner-try"
    response = client.post(f"/applications/{ready.application.id}/submit", data=fields,
                           follow_redirects=True)
    assert re.search("Only the coordinator may do this", response.get_data(as_text=True))
    assert _count() == 0


def _write_elsewhere(application_id: int, statement: str) -> None:
    """Change the application row through another connection, as a concurrent request would.

    If the submit held a write lock here, SQLite would wait out its busy timeout and fail;
    PostgreSQL is told not to wait long for the row either.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL lock_timeout = '3s'"))
        connection.execute(text(statement), {"id": application_id})
        connection.commit()


def test_the_submit_renders_nothing_the_receipt_is_a_job_after_commit(app, ready, monkeypatch):
    """The submit only validates, snapshots and commits; the PDF and the e-mail come after."""
    application = ready.application
    render = receipts.render_receipt
    seen_at_render = []

    def render_and_look(*args):
        with db.engine.connect() as connection:  # what another request sees at that moment
            seen_at_render.append(connection.scalar(text("SELECT count(*) FROM submissions")))
        return render(*args)

    monkeypatch.setattr(receipts, "render_receipt", render_and_look)
    made = submitting.submit_application(application.id, by=ready.coordinator,
                                         idempotency_key="after-commit",
                                         expected_version=application.version)
    assert seen_at_render == [] and not storage.exists(made.receipt_path)
    db.session.commit()  # eager jobs: the receipt job runs now
    assert seen_at_render == [1]  # rendered once, after the submission was committed
    assert storage.read(made.receipt_path).startswith(b"%PDF-")
    job = receipts.latest_receipt_job(made)
    assert job.status == JobStatus.done and job.subject == f"submission:{made.id}"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_submit_that_loses_the_race_queues_no_receipt(app, ready, files_dir, monkeypatch):
    application = ready.application
    snapshot = submitting.build_snapshot

    def snapshot_while_another_request_saves(*args, **kwargs):
        _write_elsewhere(application.id,
                         "UPDATE applications SET version = version + 1 WHERE id = :id")
        return snapshot(*args, **kwargs)

    monkeypatch.setattr(submitting, "build_snapshot", snapshot_while_another_request_saves)
    receipts_before = set(files_dir.rglob("receipts/**/*.pdf"))
    with pytest.raises(Conflict, match="Someone else saved this application"):
        submitting.submit_application(application.id, by=ready.coordinator,
                                      idempotency_key="lost-race",
                                      expected_version=application.version)
    db.session.rollback()
    assert _count() == 0
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    assert set(files_dir.rglob("receipts/**/*.pdf")) == receipts_before


def test_a_submission_is_judged_on_when_its_request_arrived(client, ready, sign_in,
                                                            monkeypatch):
    """A request that arrives before the deadline but is worked on after it is accepted."""
    application = ready.application
    sign_in(ready.coordinator)
    url = f"/applications/{application.id}"
    fields = form_of(client, url, "submit-form")
    application.call.closes_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    load = submitting.get_application

    def slow_load(*args, **kwargs):  # a busy server: the deadline passes before any work
        time.sleep(1.5)
        return load(*args, **kwargs)

    monkeypatch.setattr(submitting, "get_application", slow_load)
    response = client.post(f"{url}/submit", data=fields)
    assert response.status_code == 302
    made = db.session.scalar(select(Submission))
    assert made.submitted_at < application.call.closes_at < utcnow()


def test_the_receipt_page_says_it_is_being_prepared_until_the_job_has_run(
        app, client, ready, sign_in, monkeypatch):
    sign_in(ready.coordinator)
    # Redis unreachable: the receipt job stays queued (the worker loop sends it again later).
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response, _ = _submit(client, ready.application.id)
    assert response.status_code == 302  # the submission itself does not need the queue
    made = db.session.scalar(select(Submission))
    url = f"/applications/{ready.application.id}/submissions/{made.id}/receipt"
    pending = client.get(url)
    assert pending.status_code == 202
    assert "is being prepared" in pending.get_data(as_text=True)
    assert made.snapshot_sha256 in pending.get_data(as_text=True)
    job = receipts.latest_receipt_job(made)
    assert job.status == JobStatus.queued
    mark_failed(job.id, "It never started: the job queue lost it.")
    db.session.commit()
    failed = client.get(url).get_data(as_text=True)
    assert "could not be prepared" in failed and "Prepare the receipt again" in failed
    monkeypatch.setitem(app.config, "JOBS_MODE", "eager")
    again = client.post(f"{url}/prepare", data={"csrf_token": csrf_token(client, url)})
    assert again.status_code == 302 and again.location.endswith(url)
    receipt = client.get(url)
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF-")
    jobs = db.session.scalar(select(func.count()).select_from(Job))
    ready_already = client.post(f"{url}/prepare", data={"csrf_token": csrf_token(
        client, f"/applications/{ready.application.id}")})
    assert ready_already.status_code == 409
    assert "The receipt is ready" in ready_already.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == jobs
