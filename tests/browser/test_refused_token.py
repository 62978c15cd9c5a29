"""A form sent after the session changed (signed in again in another tab) comes back with
what was typed and says why; sent again, it is saved."""

import pytest

from app.applications.models import Application
from app.core.extensions import db
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_an_application_edit_sent_after_signing_in_again_keeps_what_was_typed(
        app, page, make_consortium):
    consortium = make_consortium(title="Cloud accounting for Alpine SMEs")
    application, email = consortium.application, consortium.coordinator.email
    sign_in_as(page, email, PASSWORD)
    page.goto(f"/applications/{application.id}/edit")
    page.get_by_label("Abstract").fill("Typed before the session changed.")

    other = page.context.new_page()  # meanwhile, another tab signs in afresh
    page.context.clear_cookies()
    sign_in_as(other, email, PASSWORD)
    other.close()

    page.get_by_role("button", name="Save").click()
    assert "Nothing was saved yet." in page.locator("#token-refused").inner_text()
    assert page.get_by_label("Abstract").input_value() == "Typed before the session changed."
    db.session.expire_all()
    assert db.session.get(Application, application.id).abstract != \
        "Typed before the session changed."

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/applications/{application.id}")
    db.session.expire_all()
    assert db.session.get(Application, application.id).abstract == \
        "Typed before the session changed."
