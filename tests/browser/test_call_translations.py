"""A call in several languages: an officer adds an Italian translation in the call editor, and
a visitor who chose Italian in the header reads the call in Italian (issue 14 item 2)."""

import pytest

from app.accounts.models import Role
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_officer_adds_an_italian_translation_that_an_italian_visitor_reads(
        app, page, browser, live_server, make_call, make_user):
    call = make_call(title="Broadband for Adriatic SMEs", summary="Vouchers for broadband.")
    officer = make_user(Role.programme_officer, funder_id=call.funder_id)
    sign_in_as(page, officer.email, PASSWORD)
    page.goto(f"/calls/{call.reference}/translations")
    page.get_by_role("link", name="Add Italiano").click()
    page.get_by_label("Title").fill("Banda larga per le PMI adriatiche")
    page.get_by_label("Summary").fill("Voucher per la banda larga.")
    page.get_by_role("button", name="Save translation").click()
    assert "Banda larga per le PMI adriatiche" in page.locator("#translation-it").inner_text()

    visitor = browser.new_context(base_url=live_server).new_page()
    visitor.goto(f"/calls/{call.reference}")
    assert "Broadband for Adriatic SMEs" in visitor.locator("h1").inner_text()
    visitor.locator("#language-choice").select_option("it")
    visitor.locator("#language-switcher button[type=submit]").click()
    assert "Banda larga per le PMI adriatiche" in visitor.locator("h1").inner_text()
    assert "Voucher per la banda larga." in visitor.locator(".lead").inner_text()
    visitor.goto("/calls/")
    assert "Banda larga per le PMI adriatiche" in visitor.locator(".call-card").inner_text()
