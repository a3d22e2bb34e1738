"""The new field types and options in a real browser, with and without JavaScript, axe-checked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser


def _start_referral(page: Page, server: LiveServer) -> str:
    """Sign in as agency staff and start a referral; return the draft's address."""
    sign_in(page, server, AGENCY_EMAIL)
    page.goto(f"{server.url}/forms")
    page.get_by_role("button", name=re.compile("Start.*Referral")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    return page.url.rsplit("/", 1)[0]


def test_account_details_exclusive_option_nhs_number_and_agency_list(
    page: Page, live_server: LiveServer
) -> None:
    draft = _start_referral(page, live_server)

    # The account's name, email and agency are already filled in, and can be changed.
    page.goto(f"{draft}/about-you")
    expect(page.get_by_label("Given names")).to_have_value("Hana")
    expect(page.get_by_label("Family name")).to_have_value("Visitor")
    expect(page.get_by_label("Your work email address")).to_have_value(AGENCY_EMAIL)
    expect(page.get_by_label("Name of your organisation")).to_have_value(
        "Testshire Community Health")

    # "None known" is exclusive: ticking it clears the others, after an "or" divider.
    page.goto(f"{draft}/about-the-child")
    status = page.get_by_role("group", name=re.compile("status with children's social care"))
    expect(status.locator(".govuk-checkboxes__divider")).to_have_text("or")
    status.get_by_label(re.compile("Child in need")).check()
    status.get_by_label("None known").check()
    expect(status.get_by_label(re.compile("Child in need"))).not_to_be_checked()
    page.get_by_label("Child's NHS number").fill("943 476 5918")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The child's NHS number is not a real NHS number: check each digit")
    expect(page.get_by_label("Child's NHS number")).to_have_class(re.compile("govuk-input--error"))
    check_page(page, "referral child with NHS number error")

    # The agency list: type to narrow it; "another agency" reveals the name box.
    page.goto(f"{draft}/agencies")
    page.get_by_role("group", name=re.compile("Were any agencies involved")).get_by_label(
        "Yes").check()
    choice = page.get_by_label("Name of the agency", exact=True)
    page.get_by_label("Type to narrow the list").fill("testshire comm")
    expect(choice).to_have_value("Testshire Community Health")
    other = page.get_by_label("If it is not in the list, enter its name")
    expect(other).to_be_hidden()
    choice.select_option("__other__")
    expect(other).to_be_visible()
    other.fill("Out of area GP practice")
    check_page(page, "referral agencies with the managed list")


def test_agency_list_without_javascript(page_without_js: Page, live_server: LiveServer) -> None:
    page = page_without_js
    draft = _start_referral(page, live_server)
    page.goto(f"{draft}/agencies")
    page.get_by_role("group", name=re.compile("Were any agencies involved")).get_by_label(
        "Yes").check()
    page.get_by_label("Name of the agency", exact=True).select_option(
        "Testshire Community Health")
    expect(page.get_by_label("If it is not in the list, enter its name")).to_be_visible()
    check_page(page, "referral agencies without javascript")
