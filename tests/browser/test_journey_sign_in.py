"""Journey 1: sign in, fail a sign-in, sign out; with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_EMAIL, AGENCY_EMAIL
from tests.browser.harness import LiveServer, check_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in_journey(page: Page, live_server: LiveServer, suffix: str) -> None:
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/sign-in?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, f"sign in{suffix}")

    page.get_by_label("Email address").fill(AGENCY_EMAIL)
    page.get_by_label("Password", exact=True).fill("this is not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Error: Sign in – Testshire Safeguarding Children Partnership")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    check_page(page, f"sign in error{suffix}")
    # The error summary link moves focus to the field it names.
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_label("Email address").fill(AGENCY_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Safeguarding Children Partnership"
    )
    expect(page.locator("body")).to_contain_text("Welcome, Hana Visitor")
    check_page(page, f"home agency user{suffix}")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    check_page(page, f"signed out{suffix}")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/sign-in?next=/")


def test_sign_in_fail_and_sign_out(page: Page, live_server: LiveServer) -> None:
    _sign_in_journey(page, live_server, "")


def test_sign_in_without_javascript(page_without_js: Page, live_server: LiveServer) -> None:
    _sign_in_journey(page_without_js, live_server, " no js")


def test_admin_pages_are_accessible(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check_page(page, "home admin")
    page.get_by_role("link", name="Agencies").first.click()
    check_page(page, "admin agencies")
    page.get_by_role("button", name="Add agency").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the agency's name")
    check_page(page, "admin agencies error")
    page.get_by_label("Agency name").fill("Testshire Schools")
    page.get_by_role("button", name="Add agency").click()
    expect(page.locator("table")).to_contain_text("Testshire Schools")

    page.get_by_role("link", name="Users").first.click()
    check_page(page, "admin users")
    page.get_by_role("button", name="Create an account").click()
    check_page(page, "admin new user")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's email address")
    check_page(page, "admin new user errors")
    page.get_by_label("Email address").fill("new.teacher@testshire.example.org")
    page.get_by_label("Full name").fill("Nia Teacher")
    page.get_by_label("Agency staff").check()
    page.get_by_label("Agency", exact=True).select_option(label="Testshire Schools")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#one-time-password")).not_to_be_empty()
    check_page(page, "admin one time password")
    # Closure days, decision rules and the calculator are listed under Settings.
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Closure days").first.click()
    check_page(page, "admin closure days")
    page.goto(live_server.url + "/admin/decision-rules")
    check_page(page, "admin decision rules")
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Deadline calculator").first.click()
    check_page(page, "deadline calculator")
    page.get_by_role("button", name=re.compile("Work out|Calculate")).first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page, "deadline calculator errors")
    page.goto(live_server.url + "/audit")
    check_page(page, "audit trail")
    page.get_by_label("Case reference").fill("2026-16")
    page.locator("#since-day").fill("3/13/2026")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a case reference like CSPR-2026-0016")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "From date must be a real date, like 3/12/2026")
    check_page(page, "audit trail with errors")
    page.goto(live_server.url + "/no-such-page")
    check_page(page, "not found")
