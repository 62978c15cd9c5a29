"""An officer opens the editors of a call that has received a proposal: rules and criteria
are read-only with the reason before any edit, and the call form greys what is locked but
still saves a new title."""

import pytest

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.calls.services.calls import mark_submitted
from app.core.database import utcnow
from app.core.extensions import db
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def test_locked_editor_is_read_only_with_the_reason(
        app, page, make_call, make_consortium, make_user):
    call = make_call(timezone="Europe/Rome", title="Broadband for Danube firms")
    make_consortium(call=call, status=ApplicationStatus.SUBMITTED)
    mark_submitted(call, utcnow())
    db.session.commit()
    officer = make_user(Role.programme_officer, funder_id=call.funder_id)

    sign_in_as(page, officer.email, PASSWORD)
    page.goto(f"/calls/{call.reference}")
    page.get_by_role("link", name="Edit call").click()
    page.get_by_role("link", name="2. Eligibility rules").click()
    notice = page.locator("#locked-notice")
    assert "Proposals have been submitted" in notice.inner_text()
    assert page.get_by_label("Minimum partners", exact=True).is_disabled()
    assert page.get_by_role("button", name="Save rules").count() == 0

    page.get_by_role("link", name="3. Award criteria").click()
    assert "Read only." in page.locator("#locked-notice").inner_text()
    assert page.locator("#criteria-0-threshold").is_disabled()
    assert page.get_by_role("button", name="Save criteria").count() == 0

    page.get_by_role("link", name="1. Call").click()
    assert page.get_by_label("Total budget").is_disabled()
    assert page.get_by_label("Web content management").is_disabled()
    page.get_by_label("Title").fill("Broadband for Danube and Alpine firms")
    page.get_by_role("button", name="Save call").click()
    assert page.get_by_role("heading", name="Broadband for Danube and Alpine firms").count() == 1
