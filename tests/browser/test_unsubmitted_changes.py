"""A coordinator submits, edits the abstract, and sees "Changes not submitted yet" beside the
status until submitting again."""

import pytest

from app.applications.services.attachments import upload_attachment
from app.core.extensions import db
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX

pytestmark = pytest.mark.browser


def test_an_edit_after_submitting_is_shown_until_submitted_again(
        app, page, make_call, make_consortium):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX),
                                 acronym="ALPSME")
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES,
                      expected_version=application.version)
    db.session.commit()

    sign_in_as(page, consortium.coordinator.email, PASSWORD)
    page.goto(f"/applications/{application.id}")
    page.get_by_role("button", name="Submit the application").click()
    assert "Submitted" in page.locator("#application-status").inner_text()
    assert page.locator("#unsubmitted-changes").count() == 0

    page.get_by_role("link", name="Edit project details").click()
    page.get_by_label("Abstract").fill("Cloud accounting for forty Alpine SMEs, now with training.")
    page.get_by_role("button", name="Save").click()
    assert "Submitted" in page.locator("#application-status").inner_text()
    assert page.locator("#unsubmitted-changes").inner_text() == "Changes not submitted yet"
    assert "submit again before the deadline" in page.locator(
        "#unsubmitted-changes-help").inner_text()

    page.get_by_role("button", name="Submit again").click()
    assert page.locator("#unsubmitted-changes").count() == 0
