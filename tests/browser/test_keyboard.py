"""Keyboard only (issue 14, item 3; WCAG 2.1.1): a coordinator signs in, reaches the
application and submits it without a mouse, seeing where the focus is at every step."""

import pytest
from playwright.sync_api import expect

from app.applications.services.attachments import upload_attachment
from app.core.extensions import db
from tests.factories.accounts import PASSWORD
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX

pytestmark = pytest.mark.browser
MAX_TABS = 80  # a page needing more tabs than this to reach its main action is itself a defect


def _tab_to(page, accessible_name: str) -> None:
    """Press Tab until the focused element's name (its label, text or value) starts with
    `accessible_name`, as a keyboard user would, and check that the focus can be seen."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const element = document.activeElement;
            const label = element.labels && element.labels.length
                ? element.labels[0].innerText : '';
            return (element.getAttribute('aria-label') || label || element.innerText
                    || element.value || '').trim();
        }""")
        if focused.startswith(accessible_name):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{accessible_name!r} has focus but shows no outline"
            return
    raise AssertionError(f"{accessible_name!r} not reached in {MAX_TABS} tabs")


def test_a_coordinator_submits_with_the_keyboard_only(app, page, make_call, make_consortium):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX),
                                 acronym="KEYSME")
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES,
                      expected_version=application.version)
    db.session.commit()

    page.goto("/")
    _tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login")
    _tab_to(page, "E-mail address")
    page.keyboard.type(consortium.coordinator.email)
    _tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#signed-in-as")

    page.goto(f"/applications/{application.id}")
    _tab_to(page, "Submit the application")
    page.keyboard.press("Enter")
    expect(page.locator("#application-status")).to_contain_text("Submitted")
