"""/healthz in a browser: a stranger reads only ok/not ok, a signed-in admin every check."""

import json

import pytest

from app.accounts.models import Role
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def _health(page) -> dict:
    answer = page.goto("/healthz")
    assert answer.status == 200
    return json.loads(page.locator("body").inner_text())


def test_only_a_signed_in_admin_reads_which_checks_ran(page, make_user):
    assert _health(page) == {"status": "ok"}
    admin = make_user(Role.admin)
    sign_in_as(page, admin.email, PASSWORD)
    details = _health(page)
    assert details["status"] == "ok" and details["checks"]["database"] == "ok"
