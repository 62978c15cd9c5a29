"""Required documents: PDF by content only (parsed, without active content), a size limit,
quotas per application and per user, files kept outside static/ and always downloaded."""

import pytest
from sqlalchemy import select

from app.applications.models import Attachment
from app.core.extensions import db
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX, form_of
from tests.factories.pdfs import (
    EMBEDDED_FILE_PDF,
    HTML_WITH_PDF_HEADER,
    JAVASCRIPT_PDF,
    LAUNCH_PDF,
    build_pdf,
)


@pytest.fixture
def consortium(make_call, make_consortium):
    return make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))


def _upload(client, application_id: int, content: bytes, name: str, kind="technical_annex"):
    from io import BytesIO

    url = f"/applications/{application_id}"
    fields = form_of(client, url, "upload-form")
    return client.post(f"{url}/attachments", data={
        **fields, "kind": kind, "file": (BytesIO(content), name)},
        content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 not a pdf at all", "annex.pdf", "this file is not a PDF"),
    (b"<html>%PDF-1.4</html>", "annex.pdf", "this file is not a PDF"),
    (b"", "annex.pdf", "The file is empty."),
    (HTML_WITH_PDF_HEADER, "annex.pdf", "this file is not a PDF"),
    (JAVASCRIPT_PDF, "annex.pdf", "This PDF contains JavaScript"),
    (LAUNCH_PDF, "annex.pdf", "This PDF contains a launch action"),
    (EMBEDDED_FILE_PDF, "annex.pdf", "This PDF contains an embedded file"),
], ids=["executable-renamed", "pdf-header-not-first", "empty", "html-with-pdf-header",
        "javascript", "launch-action", "embedded-file"])
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(client, consortium, sign_in,
                                                                 content, name, message):
    sign_in(consortium.coordinator)
    response = _upload(client, consortium.application.id, content, name)
    page = response.get_data(as_text=True)
    # Shown next to the file field, on the application page.
    assert response.status_code == 422 and 'id="file-error"' in page
    assert message in page.split('id="file-error"')[1].split("</div>")[0]
    assert db.session.scalar(select(Attachment)) is None


def test_a_file_over_the_limit_is_refused(app, client, consortium, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    sign_in(consortium.coordinator)
    page = _upload(client, consortium.application.id, PDF_BYTES + b"0" * 2048,
                   "big.pdf").get_data(as_text=True)
    assert "the limit is" in page
    assert db.session.scalar(select(Attachment)) is None


def test_a_pdf_is_stored_under_a_generated_key_and_replacing_keeps_the_old_one(
        app, client, consortium, sign_in, files_dir):
    sign_in(consortium.coordinator)
    application_id = consortium.application.id
    _upload(client, application_id, PDF_BYTES, "../../etc/Annex v1.pdf")
    first = db.session.scalar(select(Attachment))
    assert first.filename == "Annex v1.pdf" and first.size == len(PDF_BYTES)
    assert "Annex" not in first.storage_key and not first.storage_key.startswith("static")
    assert (files_dir / first.storage_key).read_bytes() == PDF_BYTES
    _upload(client, application_id, PDF_BYTES + b"% v2\n", "annex-v2.pdf")
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert len(rows) == 2 and rows[0].superseded_at is not None and rows[1].superseded_at is None
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "annex-v2.pdf" in page and "Upload the Technical annex" not in page


def test_an_unknown_document_kind_is_refused(client, consortium, sign_in):
    sign_in(consortium.coordinator)
    page = _upload(client, consortium.application.id, PDF_BYTES, "x.pdf",
                   kind="budget_table").get_data(as_text=True)
    assert "Not a valid choice" in page


def test_an_application_over_its_quota_is_refused_with_the_figures(app, client, consortium,
                                                                  sign_in, monkeypatch):
    first, second = build_pdf(), build_pdf(lambda writer: writer.add_blank_page(595, 842))
    monkeypatch.setitem(app.config, "APPLICATION_FILES_QUOTA_BYTES", len(first) + 10)
    sign_in(consortium.coordinator)
    assert _upload(client, consortium.application.id, first, "a.pdf").status_code == 200
    page = _upload(client, consortium.application.id, second, "b.pdf").get_data(as_text=True)
    assert "An application may store at most" in page.split('id="file-error"')[1]
    assert [a.filename for a in db.session.scalars(select(Attachment))] == ["a.pdf"]


def test_a_user_over_their_quota_is_refused_counting_files_elsewhere(
        app, client, consortium, make_consortium, sign_in, monkeypatch):
    # A file the same user stored on another application counts against the user's quota.
    elsewhere = make_consortium().application
    elsewhere.attachments.append(Attachment(
        kind="technical_annex", filename="old.pdf", size=len(PDF_BYTES), sha256="0" * 64,
        storage_key="applications/elsewhere.pdf", uploaded_by_id=consortium.coordinator.id))
    db.session.commit()
    monkeypatch.setitem(app.config, "USER_FILES_QUOTA_BYTES", len(PDF_BYTES) * 2 - 1)
    sign_in(consortium.coordinator)
    page = _upload(client, consortium.application.id, PDF_BYTES, "b.pdf").get_data(as_text=True)
    assert "One user may store at most" in page.split('id="file-error"')[1]
    assert db.session.scalar(select(Attachment).where(
        Attachment.application_id == consortium.application.id)) is None


def test_a_download_is_an_attachment_with_a_safe_name(client, consortium, sign_in):
    sign_in(consortium.coordinator)
    _upload(client, consortium.application.id, PDF_BYTES, "Annex <v2>;evil.pdf")
    row = db.session.scalar(select(Attachment))
    response = client.get(f"/applications/{consortium.application.id}/attachments/{row.id}")
    assert response.headers["Content-Disposition"] == 'attachment; filename="Annex _v2_evil.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
