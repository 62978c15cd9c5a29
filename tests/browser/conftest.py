"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

import threading

import pyotp
import pytest
from werkzeug.serving import make_server

from tests import services
from tests.browser.accessibility import check_pages
from tests.factories.accounts import current_code

pytestmark = pytest.mark.browser


@pytest.fixture
def app(live_app):
    return live_app


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=services.CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    visited: list[str] = []
    page.on("load", lambda loaded: visited.append(loaded.url))
    yield page
    # Every page the test saw is opened again on a phone's width, as the same user, and must
    # pass axe and fit the screen (issue 14: WCAG 2.1 AA, no sideways scrolling at 390 px).
    problems = check_pages(context, visited)
    context.close()
    assert not problems, "\n".join(problems)


def sign_in_as(page, email: str, password: str) -> None:
    """Sign in through the pages; staff answer the second factor as their authenticator app
    would (the code from the stored secret), or set one up if their role needs it."""
    page.goto("/accounts/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#signed-in-as, #code")
    if page.url.endswith("/accounts/login/code"):
        page.get_by_label("Code from your authenticator app").fill(current_code(email))
        page.get_by_role("button", name="Confirm").click()
    elif page.url.endswith("/accounts/two-factor"):
        enrol_in_browser(page)
    page.wait_for_selector("#signed-in-as")


def enrol_in_browser(page) -> list[str]:
    """Set up TOTP on the enrolment page, reading the secret from it; returns the recovery
    codes shown."""
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("First code shown by the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    page.get_by_role("link", name="I have kept them: continue").click()
    return codes
