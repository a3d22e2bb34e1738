"""The example form in a real browser: conditional reveal, repeating groups, errors, axe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.harness import ROOT, LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the example forms, with one agency user."""
    server = LiveServer(tmp_path_factory.mktemp("examples") / "data", ROOT / "forms" / "examples")
    server.add_agency_user(AGENCY_EMAIL)
    server.start()
    yield server
    server.stop()


def _fill_first_pages(page: Page) -> None:
    page.get_by_label("Given names").fill("Hana")
    page.get_by_label("Family name").fill("Visitor")
    page.get_by_label("Your email address").fill("hana@nhs.example.org")
    page.get_by_label("Your agency").select_option("health")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Child's full name").fill("Alex Example")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2018")
    page.get_by_role("group", name="Was the child known to children's social care?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Continue").click()


def test_conditional_reveal_follows_the_answers(page: Page, example_server: LiveServer) -> None:
    sign_in(page, example_server, AGENCY_EMAIL)
    page.goto(example_server.url + "/forms")
    check_page(page, "forms list")
    page.get_by_role("button", name="Start Example: every field type").click()
    check_page(page, "form page about you")
    _fill_first_pages(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("The incident")
    death = page.get_by_role("group", name="Date of death")
    hours = page.get_by_label("Hours spent in hospital")
    expect(death).to_be_hidden()
    expect(hours).to_be_hidden()
    page.get_by_label("The child died").check()
    expect(death).to_be_visible()
    expect(hours).to_be_hidden()
    page.get_by_label("The child was seriously harmed").check()
    expect(death).to_be_hidden()
    expect(hours).to_be_visible()
    check_page(page, "form page incident")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the incident")
    check_page(page, "form page incident errors")
    # The summary link takes focus to the day box of the date.
    page.locator(".govuk-error-summary").get_by_role(
        "link", name="Enter the date of the incident"
    ).click()
    expect(page.locator("#incident_date-day")).to_be_focused()


def test_conditional_questions_all_show_without_javascript(
    page_without_js: Page, example_server: LiveServer
) -> None:
    page = page_without_js
    sign_in(page, example_server, AGENCY_EMAIL)
    page.goto(example_server.url + "/forms")
    page.get_by_role("button", name="Start Example: every field type").click()
    _fill_first_pages(page)
    expect(page.get_by_role("group", name="Date of death")).to_be_visible()
    expect(page.get_by_label("Hours spent in hospital")).to_be_visible()
    expect(page.locator(".cspr-conditional__note").first).to_be_visible()
    check_page(page, "form page incident no js")
