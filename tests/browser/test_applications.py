"""A coordinator builds a consortium from emailed invitations, uploads the annex and submits."""

import re
import time
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX

pytestmark = pytest.mark.browser


def _emailed_link(recipient: str, prefix: str = "/applications/invitations/") -> str:
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()
    return re.search(rf"https?://[^/\s]+({prefix}\S+)", message.body).group(1)


def _checklist_passes(page) -> bool:
    return page.locator("#checklist-status").get_attribute("data-passed") == "true"


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_consortium_is_built_from_invitations_and_submitted(
        app, page, browser, live_server, make_call, make_user, make_organisation, tmp_path):
    call = make_call(required_attachments=TECHNICAL_ANNEX)
    coordinator = make_user(Role.applicant, email="carla@example.org", name="Carla Rossi",
                            organisation=make_organisation("Adriatic Web Srl", country="DE",
                                                           is_sme=True))
    make_user(Role.applicant, email="paolo@example.org", name="Paolo Bianchi",
              organisation=make_organisation("Università di Trieste", country="IT",
                                             org_type="HES"))

    # The coordinator starts the application; alone, the consortium fails the rules.
    sign_in_as(page, coordinator.email, PASSWORD)
    page.goto("/applications/new")
    page.get_by_role("link", name=re.compile(call.reference)).click()
    page.get_by_label("Acronym").fill("WEBSME")
    page.get_by_label("Title", exact=True).fill("Web content for small Adriatic firms")
    page.get_by_role("button", name="Save").click()
    assert not _checklist_passes(page)
    assert "Add 2 independent partners" in page.locator("#checklist").inner_text()
    detail_url = page.url

    # A budget line of its own: indirect costs appear, computed.
    page.get_by_role("link", name="Edit our part and budget").click()
    page.get_by_label("Cost category").select_option("A")
    page.get_by_label("Amount").fill("20000.00")
    page.get_by_role("button", name="Save line").click()
    assert "€5,000.00" in page.locator("#budget-lines").inner_text()

    # Two partners are invited by e-mail.
    for email in ("paolo@example.org", "anna@example.org"):
        page.goto(detail_url)
        page.get_by_role("link", name="Invite a partner").click()
        page.get_by_label("Partner's e-mail address").fill(email)
        page.get_by_role("button", name="Send invitation").click()
        expect(page.locator("body")).to_contain_text(f"Invitation sent to {email}")

    # Paolo has an account: he signs in and accepts from the emailed link.
    paolo = _new_page(browser, live_server)
    sign_in_as(paolo, "paolo@example.org", PASSWORD)
    paolo.goto(_emailed_link("paolo@example.org"))
    paolo.get_by_role("button", name="Join the consortium").click()
    expect(paolo.locator("body")).to_contain_text("You joined the consortium WEBSME")
    page.goto(detail_url)
    assert not _checklist_passes(page)  # two of three partners

    # Anna has none: the invitation page sends her to register, then she opens it again.
    anna = _new_page(browser, live_server)
    link = _emailed_link("anna@example.org")
    anna.goto(link)
    anna.get_by_role("link", name="Register your organisation").click()
    anna.get_by_label("Your name").fill("Anna Gruber")
    anna.get_by_label("E-mail address").fill("anna@example.org")
    anna.get_by_label("Password", exact=True).fill("a long passphrase")
    anna.get_by_label("Repeat the password").fill("a long passphrase")
    anna.get_by_label("Organisation name").fill("Alpen Forschung")
    anna.get_by_label("Country").select_option("AT")
    anna.get_by_label("Type").select_option("REC")
    anna.get_by_role("button", name="Create account").click()
    expect(anna.locator("body")).to_contain_text("We sent an e-mail to anna@example.org")
    anna.goto(_emailed_link("anna@example.org", "/accounts/verify/"))  # confirms her address
    sign_in_as(anna, "anna@example.org", "a long passphrase")
    anna.goto(link)
    anna.get_by_role("button", name="Join the consortium").click()
    expect(anna.locator("body")).to_contain_text("You joined the consortium WEBSME")

    # The checklist now passes; only the technical annex is missing.
    page.goto(detail_url)
    assert _checklist_passes(page)
    assert "Upload the Technical annex (PDF)." in page.locator("#blockers").inner_text()
    annex = tmp_path / "annex.pdf"
    annex.write_bytes(PDF_BYTES)
    page.locator("#file").set_input_files(str(annex))
    page.get_by_role("button", name="Upload").click()
    assert "Ready to submit." in page.locator("#checklist").inner_text()

    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("body")).to_contain_text("Submitted (submission 1)")
    digest = page.locator("#submissions code.sha256").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    # The receipt is written by a job after the submit: until then its page says "being
    # prepared" (202); a user would come back, the test waits for it.
    receipt_url = page.get_by_role("link", name="Receipt (PDF)").get_attribute("href")
    deadline = time.monotonic() + 30
    while page.request.get(receipt_url).status == 202:
        assert time.monotonic() < deadline, "the receipt was never prepared"
        page.wait_for_timeout(250)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Receipt (PDF)").click()
    receipt = download_info.value.path().read_bytes()
    text = "".join("".join(p.extract_text() for p in PdfReader(BytesIO(receipt)).pages).split())
    assert digest in text and "WEBSME" in text and call.reference in text
