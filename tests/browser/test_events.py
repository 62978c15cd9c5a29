"""An organiser runs a brokerage event linked to a call; two firms register and meet; the
schedule and agendas are produced; one firm starts an application from the meeting with its
adviser's help, and the adviser's edits show in the firm's audit view."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from app.accounts.models import Role
from app.core.database import utcnow
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.browser
VIENNA = ZoneInfo("Europe/Vienna")
LOCAL = "%Y-%m-%dT%H:%M"


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def _create_event(page, call) -> str:
    """As the organiser: the event, a morning session, published. Returns its public path."""
    now = utcnow().astimezone(VIENNA)
    start = (now + timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    page.goto("/events/manage")
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title").fill("Alpine ICT brokerage day")
    page.get_by_label("Place").fill("Messe Graz")
    page.get_by_label("Time zone").select_option("Europe/Vienna")
    times = {"Starts": start, "Ends": start + timedelta(hours=8),
             "Registration opens": now - timedelta(days=1),
             "Registration closes": start - timedelta(days=1),
             "Meeting booking opens": now - timedelta(days=1),
             "Meeting booking closes": start - timedelta(days=1)}
    for label, value in times.items():
        page.get_by_label(label, exact=True).fill(value.strftime(LOCAL))
    page.get_by_label("Tables").fill("5")
    page.get_by_label(f"{call.reference} — {call.title}").check()
    page.get_by_role("button", name="Save the event").click()
    assert "saved as a draft" in page.locator(".alert").first.inner_text()

    page.get_by_label("Session name").fill("Morning meetings")
    page.get_by_label("Session starts").fill(start.strftime(LOCAL))
    page.get_by_label("Session ends").fill((start + timedelta(hours=1)).strftime(LOCAL))
    page.get_by_role("button", name="Add the session").click()
    assert "3" in page.locator("#sessions tbody tr").first.inner_text()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("#event-status").inner_text() == "Published"
    page.get_by_role("link", name="Public page").click()
    return urlsplit(page.url).path


def _register(page, event_path: str, offer: str) -> None:
    page.goto(event_path)
    page.get_by_role("link", name="Register your organisation").click()
    page.get_by_label("Morning meetings", exact=True).check()
    page.get_by_label("Your organisation in the catalogue").fill("Small ICT firm.")
    page.get_by_role("button", name="Register").click()
    page.wait_for_selector("#registered")  # waits for the page after the click
    page.get_by_label("Title").fill(offer)
    page.get_by_label("Tags").fill("broadband, pilots")
    page.get_by_role("button", name="Add to the marketplace").click()
    assert offer in page.locator("#my-entries").inner_text()


def test_an_event_from_invitation_to_an_application_made_with_an_adviser(
        app, page, browser, live_server, make_call, make_user, make_organisation, make_adviser):
    call = make_call(rules="ict_aggregation", reference="ALPS-ICT-2027")
    organiser = make_user(Role.organiser, funder=call.funder, email="olga@chamber.example")
    alpine = make_user(Role.applicant, email="anna@alpine.example", name="Anna Alpine",
                       organisation=make_organisation("Alpine Broadband GmbH", country="AT",
                                                      is_sme=True, fields_of_science=["2.2"]))
    make_user(Role.applicant, email="luka@lab.example", name="Luka Lab",
              organisation=make_organisation("Ljubljana ICT Lab", country="SI",
                                             org_type="REC", fields_of_science=["1.2"]))
    adviser = make_adviser(name="Andrej Adviser", email="andrej@chamber.example")

    sign_in_as(page, organiser.email, PASSWORD)
    event_path = _create_event(page, call)

    firm = _new_page(browser, live_server)
    sign_in_as(firm, alpine.email, PASSWORD)
    _register(firm, event_path, "Pilot sites in rural valleys")
    lab = _new_page(browser, live_server)
    sign_in_as(lab, "luka@lab.example", PASSWORD)
    _register(lab, event_path, "Data analytics research")

    # The firm finds the lab first (it would make the consortium eligible) and asks to meet.
    firm.get_by_role("link", name="Participants and marketplace").click()
    first = firm.locator("article.participant").first
    assert "Ljubljana ICT Lab" in first.inner_text()
    assert f"eligible for {call.reference}" in first.inner_text()
    first.get_by_label("Your note to Ljubljana ICT Lab").fill("Your analytics and our pilots?")
    first.get_by_role("button", name="Request a meeting with Ljubljana ICT Lab").click()
    assert "meeting request is sent" in firm.locator(".alert").first.inner_text()

    lab.goto(f"{event_path}/meetings")
    lab.get_by_role("button", name="Accept the meeting with Alpine Broadband GmbH").click()
    assert "Meeting accepted" in lab.locator(".alert").first.inner_text()

    # The organiser closes booking and makes the schedule.
    page.goto(f"{event_path}/schedule")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Confirm").click()
    assert "1 meeting placed" in page.locator(".alert").first.inner_text()
    assert "Alpine Broadband GmbH — Ljubljana ICT Lab" in page.locator(".table-plan").inner_text()
    with page.expect_download() as plan:
        page.get_by_role("link", name="Table plan (PDF)").click()
    assert plan.value.suggested_filename.endswith(".pdf")

    firm.goto(f"{event_path}/meetings")
    row = firm.locator("tr.meeting").first
    assert "table 1" in row.inner_text()
    with firm.expect_download() as agenda:
        firm.get_by_role("link", name="My agenda (PDF)").click()
    assert Path(agenda.value.path()).read_bytes().startswith(b"%PDF")

    # The firm lets its adviser edit drafts, then starts the application from the meeting.
    firm.goto("/assistance/access")
    firm.get_by_label("Adviser").select_option(str(adviser.id))
    firm.get_by_label("Read and edit drafts").check()
    firm.get_by_role("button", name="Give access").click()
    assert "has access now" in firm.locator(".alert").first.inner_text()
    firm.goto(f"{event_path}/meetings")
    firm.get_by_role("link", name="Start an application together").click()
    firm.get_by_label("Acronym").fill("ALPLAB")
    firm.get_by_label("Title").fill("Analytics for alpine broadband")
    firm.get_by_role("button", name="Start the application together").click()
    assert "Ljubljana ICT Lab in the consortium" in firm.locator(".alert").first.inner_text()

    helper = _new_page(browser, live_server)
    sign_in_as(helper, "andrej@chamber.example", PASSWORD)
    helper.goto("/assistance/dashboard")
    helper.get_by_role("link", name="ALPLAB").click()
    helper.get_by_role("link", name="Edit the texts").click()
    helper.get_by_label("Abstract").fill("Pilots of broadband analytics in alpine valleys.")
    helper.get_by_role("button", name="Save").click()
    assert "sees your change" in helper.locator(".alert").first.inner_text()
    assert "Pilots of broadband analytics" in helper.locator("#abstract").inner_text()

    firm.goto("/assistance/access")
    audit = firm.locator("#adviser-audit").inner_text()
    assert "Andrej Adviser" in audit
    assert "Updated" in audit and "ALPLAB" in audit
