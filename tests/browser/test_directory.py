"""A coordinator fixes a failing consortium with a suggested partner who answers from an e-mail."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser


def _emailed_path(recipient: str, part: str) -> str:
    """The path of the newest link containing `part` in the mails sent to `recipient`."""
    db.session.expire_all()
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())):
        match = re.search(rf"https?://[^/\s]+({re.escape(part)}\S+)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no mail to {recipient} links to {part}")


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_suggested_partner_asked_to_join_makes_the_consortium_eligible(
        app, page, browser, live_server, make_call, make_consortium, make_listed):
    # A firm alone: the call wants 2 partners from 2 EU countries, a research
    # organisation and 2 fields of science.
    consortium = make_consortium(
        call=make_call(rules="ict_aggregation"), members=(("DE", "PRC", True, ["2.2"]),),
        acronym="MOUNTNET", title="Broadband for mountain villages",
        abstract="Wireless broadband and field robotics for remote farms.")
    application_id = consortium.application.id
    make_listed("Munich Research Centre", country="DE", org_type="REC",
                fields_of_science=["2.1"])
    graz = make_listed("Graz Robotics Institute", country="AT", org_type="REC",
                       fields_of_science=["1.2"],
                       profile={"competencies": "Field robotics for farms and forests",
                                "offer": "We bring farm robots; we seek rural ICT firms."})

    sign_in_as(page, consortium.coordinator.email, PASSWORD)
    page.goto(f"/applications/{application_id}")
    assert page.locator("#checklist-status").get_attribute("data-passed") == "false"

    page.goto(f"/organisations/suggestions/{application_id}")
    first = page.locator("article.suggestion").first
    assert "Graz Robotics Institute" in first.inner_text()
    assert "Makes the consortium eligible" in first.inner_text()
    first.get_by_role("link", name="Ask Graz Robotics Institute to join").click()
    page.get_by_label("Your note").fill("Your farm robots would fit our rural pilots.")
    page.get_by_role("button", name="Send request").click()
    assert "on its way to Graz Robotics Institute" in page.locator(".alert").first.inner_text()
    assert graz.contact.email not in page.content()

    # The candidate answers from the e-mail, then accepts the invitation it brings.
    candidate = _new_page(browser, live_server)
    sign_in_as(candidate, graz.contact.email, PASSWORD)
    candidate.goto(_emailed_path(graz.contact.email, "/organisations/requests/"))
    expect(candidate.locator("body")).to_contain_text(
        "Your farm robots would fit our rural pilots.")
    candidate.get_by_role("button", name="Yes, send us the invitation").click()
    assert "we sent you the coordinator's invitation" in \
        candidate.locator(".alert").first.inner_text()
    candidate.goto(_emailed_path(graz.contact.email, "/applications/invitations/"))
    candidate.get_by_role("button", name="Join the consortium").click()

    page.goto(f"/applications/{application_id}")
    assert page.locator("#checklist-status").get_attribute("data-passed") == "true"
    expect(page.locator("body")).to_contain_text("Graz Robotics Institute")
