"""Open data and the API from the user's side: an admin publishes the grants, a visitor downloads
them, and an applicant creates a token, uses it and revokes it (reference.md §5)."""

import json
import re
import time

import pytest

from app.accounts.models import Role
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def _refresh_until(page, selector: str, text: str, seconds: float = 15) -> None:
    """Refresh as the page asks the user to, until `text` shows in `selector`."""
    deadline = time.monotonic() + seconds
    while text not in page.locator(selector).inner_text():
        assert time.monotonic() < deadline, f"{text!r} never showed in {selector}"
        page.wait_for_timeout(250)
        page.reload()


def test_an_admin_publishes_and_a_visitor_downloads_the_grants(
        app, page, browser, live_server, make_grant, make_user):
    case = make_grant()
    agreement = case.grant.agreement_number
    admin = make_user(Role.admin)

    sign_in_as(page, admin.email, PASSWORD)
    page.goto("/open-data/admin")
    page.get_by_role("link", name=f"Edit {case.grant.call.funder.name}").click()
    page.get_by_label("360Giving prefix").fill("CADSES")
    page.get_by_role("button", name="Save").click()
    assert "is not a 360Giving prefix" in page.locator("#grant_prefix-error").inner_text()
    page.get_by_label("360Giving prefix").fill("360G-CADSES")
    page.get_by_role("button", name="Save").click()
    assert "360G-CADSES" in page.locator("#funders").inner_text()

    page.get_by_role("button", name="Publish open data now").click()
    assert "Tick the box" in page.locator("body").inner_text()  # nothing published unasked
    page.get_by_label("I understand that valid files replace").check()
    page.get_by_role("button", name="Publish open data now").click()
    assert "Publication started" in page.locator(".alert").first.inner_text()
    _refresh_until(page, "#publications", "Published")  # the job runs beside the request

    visitor = browser.new_context(base_url=live_server, accept_downloads=True).new_page()
    visitor.goto("/open-data/")
    assert "Creative Commons Attribution 4.0" in visitor.locator("dl").inner_text()
    assert re.search(r"\b1 grants?, published", visitor.locator("#datasets").inner_text())
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="360Giving spreadsheet (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    package = json.loads(visitor.request.get("/open-data/360giving.json").text())
    assert [grant["id"] for grant in package["grants"]] == [f"360G-CADSES-{agreement}"]
    visitor.context.close()


def test_an_applicant_creates_uses_and_revokes_a_token(
        app, page, live_server, make_consortium):
    consortium = make_consortium(acronym="TOKENED")
    sign_in_as(page, consortium.coordinator.email, PASSWORD)

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()
    assert "shown only this once" in page.locator(".alert-warning").inner_text()
    token = page.get_by_label("Your token").input_value()

    def api_applications():
        return page.request.get("/api/v1/applications",
                                headers={"Authorization": f"Bearer {token}"})

    answer = api_applications()
    assert answer.status == 200
    assert [item["acronym"] for item in answer.json()["items"]] == ["TOKENED"]

    page.get_by_role("link", name="Back to your tokens").click()
    assert "Active" in page.locator("#tokens").inner_text()
    page.get_by_role("link", name="Revoke Reporting script").click()
    page.get_by_role("button", name="Revoke token").click()
    assert "revoked: it no longer works" in page.locator(".alert").first.inner_text()
    assert "Revoked" in page.locator("#tokens").inner_text()
    refused = api_applications()
    assert refused.status == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
