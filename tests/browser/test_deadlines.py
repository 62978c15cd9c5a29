"""An officer brings an open call's deadline forward: refused without a reason, then noticed on
the call page and e-mailed to the coordinator who has a draft (seen in the admin's outbox)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.accounts.models import Role
from app.core.database import utcnow
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_deadline_brought_forward_with_notice_reaches_the_coordinator(
        app, page, browser, live_server, make_call, make_consortium, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://calls.example.eu")
    call = make_call(timezone="Europe/Rome", title="Cloud services for Alpine firms")
    draft = make_consortium(call=call, acronym="ALPCLOUD")
    officer = make_user(Role.programme_officer, funder_id=call.funder_id)
    earlier = (utcnow() + timedelta(days=20)).astimezone(ZoneInfo("Europe/Rome"))

    sign_in_as(page, officer.email, PASSWORD)
    page.goto(f"/calls/{call.reference}")
    page.get_by_role("link", name="Edit call").click()
    page.get_by_label("Deadline", exact=True).fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save call").click()
    reason_error = page.locator("#deadline_change_reason-error")
    assert "give the reason applicants will read" in reason_error.inner_text()
    assert page.get_by_label("Deadline", exact=True).input_value() == \
        earlier.strftime("%Y-%m-%dT%H:%M")  # what the officer typed is kept

    page.get_by_label("Reason for moving the deadline").fill(
        "The regional budget year ends in December.")
    page.get_by_role("button", name="Save call").click()
    notice = page.locator("#deadline-notices").inner_text()
    assert "the deadline was brought forward" in notice
    assert earlier.strftime("%H:%M") in notice
    assert "Reason: The regional budget year ends in December." in notice

    admin = browser.new_context(base_url=live_server).new_page()
    sign_in_as(admin, make_user(Role.admin).email, PASSWORD)
    admin.goto("/admin/outbox")
    admin.get_by_label("Recipient").fill(draft.coordinator.email)
    admin.get_by_role("button", name="Filter").click()
    message = admin.locator(".outbox-message").filter(
        has_text=f"Deadline brought forward: {call.reference}")
    assert message.count() == 1
    body = message.inner_text()
    assert "The reason given: The regional budget year ends in December." in body
    assert "ALPCLOUD" in body and f"https://calls.example.eu/calls/{call.reference}" in body
