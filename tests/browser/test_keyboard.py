"""Keyboard only: a long form page can be completed with Tab, typing, arrows and Enter."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.harness import LiveServer, check_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

FOCUS_VISIBLE = """() => {
  const el = document.activeElement
  const style = getComputedStyle(el)
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
  const shadowed = style.boxShadow && style.boxShadow !== 'none'
  const highlighted = style.backgroundColor === 'rgb(255, 221, 0)'
  return {id: el.id, name: el.name, tag: el.tagName, visible: outlined || shadowed || highlighted}
}"""


def _tab_to(page: Page, name: str, limit: int = 40) -> dict:
    """Press Tab until the field with this name has focus, checking focus is visible on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        assert focused["visible"], f"focus is not visible on {focused}"
        if focused["name"] == name:
            return focused
    raise AssertionError(f"Tab never reached {name}")


def test_sign_in_and_a_long_page_by_keyboard(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/sign-in")
    _tab_to(page, "email")
    page.keyboard.type(AGENCY_EMAIL)
    _tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Welcome, Hana Visitor")

    page.goto(live_server.url + "/forms")
    start = page.get_by_role("button", name="Start Referral for consideration")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.keyboard.press("Tab")  # from the top of the page: skip link first
    assert page.evaluate(FOCUS_VISIBLE)["tag"] == "A"
    for name, text in [
        ("referrer_name-given_names", "Hana"),
        ("referrer_name-family_name", "Visitor"),
        ("referrer_role", "Health visitor"),
    ]:
        _tab_to(page, name)
        page.keyboard.type(text)
    _tab_to(page, "referrer_agency_type")
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    page.keyboard.press("ArrowDown")
    for name, text in [
        ("referrer_organisation", "Testshire Community Health"),
        ("referrer_email", "hana.visitor@nhs.example.org"),
        ("referrer_phone", "01632 960 001"),
    ]:
        _tab_to(page, name)
        page.keyboard.type(text)
    _tab_to(page, "action")
    check_page(page, "keyboard about you")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("About the child")
    page.keyboard.press("Tab")
    _tab_to(page, "child_dob_known")
    page.keyboard.press("Space")  # a radio group: Space picks the focused option
    expect(page.get_by_role("group", name="Child's date of birth", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save and come back later").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your answers have been saved"
    )
