"""In the browser: a report that failed is tried again with one click; a receipt that could
not be prepared is prepared again from its page, and arrives as a PDF."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.applications.services import receipts
from app.applications.services.attachments import upload_attachment
from app.core.extensions import db
from app.reports.services import writers
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX

pytestmark = pytest.mark.browser


def _fails_once(monkeypatch, module, name: str, error: Exception) -> None:
    real = getattr(module, name)
    calls = []

    def once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, once)


def test_a_failed_report_is_tried_again_and_downloaded(page, make_grant, pay_installment,
                                                       monkeypatch):
    case = make_grant()
    pay_installment(case, 1)
    _fails_once(monkeypatch, writers, "write_csv", OSError("No space left on device"))
    sign_in_as(page, case.finance.email, PASSWORD)
    page.locator("#main-menu").get_by_role("link", name="Reports").click()
    page.get_by_role("combobox", name="Format").select_option("csv")
    page.get_by_role("button", name="Produce the report").click()
    expect(page.locator("#report-failed")).to_be_visible(timeout=30_000)
    expect(page.locator("#report-error")).to_contain_text("No space left on device")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("status").first).to_contain_text("Started again")
    expect(page.locator("#report-progress")).to_have_attribute("aria-valuenow", "100",
                                                                timeout=30_000)
    with page.expect_download() as download:
        page.locator("#report-download").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Value date") and len(rows) > 1


def test_a_receipt_that_could_not_be_prepared_is_prepared_again(page, make_call,
                                                                make_consortium, monkeypatch):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES, expected_version=application.version)
    db.session.commit()
    _fails_once(monkeypatch, receipts, "render_receipt", OSError("Fonts unavailable"))
    sign_in_as(page, consortium.coordinator.email, PASSWORD)
    page.goto(f"/applications/{application.id}")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("status").first).to_contain_text("is being prepared")
    page.get_by_role("link", name="Receipt (PDF)").first.click()
    # The job fails at once (in a thread beside the server); the page says so.
    expect(page.locator("#receipt-missing")).to_be_visible(timeout=15_000)
    expect(page.locator("#receipt-sha256")).not_to_be_empty()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Prepare the receipt again").click()
        # The page it comes back to reloads itself until the PDF exists, then downloads it.
    data = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert application.acronym in text
