"""Two-factor sign-in clicked through: a finance officer sets up TOTP from the page and signs
in with a code; an admin is asked for a fresh code before changing someone's roles."""

from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import Role, SecondFactor
from app.core.extensions import db
from tests.browser.conftest import sign_in_as
from tests.factories.accounts import PASSWORD, current_code

pytestmark = pytest.mark.browser


def test_a_finance_officer_enrols_and_signs_in_with_a_code(page, make_user, make_funder):
    finance = make_user(Role.finance_officer, funder=make_funder(), name="Fiona Finance")
    db.session.delete(db.session.scalar(select(SecondFactor)))  # a new colleague: no factor
    db.session.commit()
    page.goto("/accounts/login")
    page.get_by_label("E-mail address").fill(finance.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The role needs a second factor: every page leads to the set-up until it is done.
    page.wait_for_url("**/accounts/two-factor")
    page.goto("/grants/")
    page.wait_for_url("**/accounts/two-factor")
    assert page.locator("svg.segno").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("First code shown by the app").fill("000000" if pyotp.TOTP(
        secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert "not right" in page.locator("#code-error").inner_text()
    page.get_by_label("First code shown by the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    page.goto("/grants/")
    assert page.get_by_role("heading", name="Grants").count() == 1
    page.get_by_role("button", name="Sign out").click()

    page.goto("/accounts/login")
    page.get_by_label("E-mail address").fill(finance.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/code")
    assert page.locator("#signed-in-as").count() == 0  # not signed in before the code
    # The enrolment used this half-minute's code, and a code is accepted once: the app shows
    # the next one a moment later, which the drift allowance accepts.
    page.get_by_label("Code from your authenticator app").fill(
        pyotp.TOTP(secret).at(datetime.now(UTC), counter_offset=1))
    page.get_by_role("button", name="Confirm").click()
    assert "Fiona Finance" in page.locator("#signed-in-as").inner_text()
    page.get_by_role("link", name="Account").click()
    assert page.locator("#second-factor-status").inner_text().startswith("On")


def test_an_admin_confirms_a_role_change_with_a_fresh_code(app, page, make_user, make_funder,
                                                           monkeypatch):
    admin = make_user(Role.admin, name="Ada Admin")
    colleague = make_user(Role.programme_officer, funder=make_funder(), name="Olga Officer")
    sign_in_as(page, admin.email, PASSWORD)
    page.locator("#main-menu").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Olga Officer").click()
    monkeypatch.setitem(app.config, "SECOND_FACTOR_STEP_UP_MINUTES", 0)  # the code is stale
    page.get_by_label("Roles", exact=True).select_option(["programme_officer", "finance_officer"])
    page.get_by_role("button", name="Save roles").click()
    page.wait_for_url("**/accounts/step-up**")
    assert page.get_by_role("heading", name="Confirm it is you").count() == 1
    monkeypatch.setitem(app.config, "SECOND_FACTOR_STEP_UP_MINUTES", 15)
    page.get_by_label("Code from your authenticator app").fill(current_code(admin.email))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**/admin/users/{colleague.id}")
    assert "submit it again" in page.get_by_role("status").first.inner_text()
    assert page.locator("#user-roles").inner_text() == "Programme officer"  # not saved yet
    chosen = page.get_by_label("Roles", exact=True).evaluate(
        "select => Array.from(select.selectedOptions).map(o => o.value)")
    assert sorted(chosen) == ["finance_officer", "programme_officer"]  # the form is kept
    page.get_by_role("button", name="Save roles").click()
    assert "Roles of Olga Officer saved." in page.get_by_role("status").first.inner_text()
    assert page.locator("#user-roles").inner_text() == "Finance officer, Programme officer"
