"""Required documents: PDF by content only, a size limit, files kept outside static/."""

import pytest
from sqlalchemy import select

from app.applications.models import Attachment
from app.core.extensions import db
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX, form_of


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
], ids=["executable-renamed", "pdf-header-not-first", "empty"])
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(client, consortium, sign_in,
                                                                 content, name, message):
    sign_in(consortium.coordinator)
    page = _upload(client, consortium.application.id, content, name).get_data(as_text=True)
    assert message in page
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
