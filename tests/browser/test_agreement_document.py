"""The coordinator reads the grant agreement PDF and accepts it: the grant page shows the
SHA-256 of the very file downloaded."""

import hashlib
from pathlib import Path

import pytest

from app.grants.rules.lifecycle import GrantStatus
from tests.browser.test_payment_batches import sign_in

pytestmark = pytest.mark.browser


def test_coordinator_downloads_the_agreement_and_accepts_that_document(make_grant, page):
    case = make_grant(status=GrantStatus.PREPARED)
    sign_in(page, case.coordinator.email, code=False)
    page.locator("#main-menu").get_by_role("link", name="My grants").click()
    page.get_by_role("link", name=case.grant.agreement_number).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Grant agreement (PDF)").click()
    document = Path(download_info.value.path()).read_bytes()
    assert document.startswith(b"%PDF")
    page.get_by_label("I have read the agreement and confirm.").check()
    page.get_by_role("button", name="Accept").click()
    fingerprint = page.locator("#agreement-fingerprint").inner_text()
    assert hashlib.sha256(document).hexdigest() in fingerprint
    assert page.locator("#grant-status").inner_text() == "accepted"
