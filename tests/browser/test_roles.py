"""Each demo role signs in through the browser and sees its own navigation."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.demo.seed import DEMO_PASSWORD, DEMO_USERS, seed_demo
from tests.browser.conftest import sign_in_as
from tests.integration.test_access import EXPECTED_MENUS

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    seed_demo()


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=lambda u: u.email.split("@")[0])
def test_each_demo_role_sees_its_navigation(demo, page, demo_user):
    sign_in_as(page, demo_user.email, DEMO_PASSWORD)
    badge = page.locator("#signed-in-as").inner_text()
    for role in demo_user.roles:
        assert role.label in badge
    (role,) = demo_user.roles  # each demo user has one role, so one written menu
    labels = [text.strip() for text in page.locator("#main-menu a").all_inner_texts()]
    assert labels == list(EXPECTED_MENUS[role]), demo_user.email
    page.get_by_role("button", name="Sign out").click()
    assert page.locator("#signed-in-as").count() == 0


def test_registration_keeps_input_and_shows_errors_next_to_fields(app, page):
    page.goto("/accounts/register")
    page.get_by_label("Your name").fill("Carla Rossi")
    page.get_by_label("E-mail address").fill("carla@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_label("Organisation name").fill("Adriatic Web Srl")
    page.get_by_label("Country").select_option("IT")
    page.get_by_role("button", name="Create account").click()
    error = page.locator("#password-error")
    assert "between 12 and 256" in error.inner_text()
    assert page.get_by_label("Password", exact=True).get_attribute("aria-describedby") \
        == "password-help password-error"
    assert page.get_by_label("Organisation name").input_value() == "Adriatic Web Srl"
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Repeat the password").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    # Not signed in yet: the same answer as for an address that already has an account.
    expect(page.locator("body")).to_contain_text("We sent an e-mail to carla@example.org")

    # She may sign in, but is asked to confirm her address before anything else.
    sign_in_as(page, "carla@example.org", "a long passphrase")
    page.goto("/applications/")
    expect(page.locator("#verify-notice")).to_contain_text("carla@example.org")
    page.get_by_role("button", name="Send the link again").click()
    expect(page.locator("body")).to_contain_text("We sent the link again")
    page.goto(_emailed_path("carla@example.org", "/accounts/verify/"))
    expect(page.locator("body")).to_contain_text("Your e-mail address is confirmed.")
    assert "Applicant" in page.locator("#signed-in-as").inner_text()
    page.goto("/applications/")
    assert page.locator("#verify-notice").count() == 0


def _emailed_path(recipient: str, prefix: str) -> str:
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()
    return re.search(rf"https?://[^/\s]+({prefix}\S+)", message.body).group(1)
