"""A coordinator uploads a PDF carrying JavaScript: it is refused next to the file field and a
clean PDF then goes through."""

import pytest

from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD
from tests.factories.applications import TECHNICAL_ANNEX
from tests.factories.pdfs import JAVASCRIPT_PDF, MINIMAL_PDF

pytestmark = pytest.mark.browser


def test_a_javascript_pdf_is_refused_next_to_the_file_field(page, live_server, make_call,
                                                           make_consortium, tmp_path):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    sign_in_as(page, consortium.coordinator.email, PASSWORD)
    page.goto(f"/applications/{consortium.application.id}")
    scripted, clean = tmp_path / "annex.pdf", tmp_path / "clean annex.pdf"
    scripted.write_bytes(JAVASCRIPT_PDF)
    clean.write_bytes(MINIMAL_PDF)

    page.get_by_label("PDF file").set_input_files(str(scripted))
    page.get_by_role("button", name="Upload").click()
    error = page.locator("#file-error")
    assert "This PDF contains JavaScript" in error.inner_text()
    assert page.get_by_label("PDF file").get_attribute("aria-invalid") == "true"

    page.get_by_label("PDF file").set_input_files(str(clean))
    page.get_by_role("button", name="Upload").click()
    assert page.locator("#file-error").count() == 0
    assert "clean annex.pdf" in page.locator("#documents").inner_text()
