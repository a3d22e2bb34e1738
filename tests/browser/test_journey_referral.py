"""Journeys 2 and 7: an agency user refers a case, with a draft, an error and check answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser


def _sign_in(page: Page, server: LiveServer) -> None:
    sign_in(page, server, AGENCY_EMAIL)
    expect(page.locator("body")).to_contain_text("Welcome, Hana Visitor")


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def _referral_journey(page: Page, server: LiveServer, suffix: str) -> None:
    _sign_in(page, server)
    page.get_by_role("link", name="Start or find a form").click()
    page.get_by_role("button", name="Start Referral for consideration").click()
    check_page(page, f"referral before you start{suffix}")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_label("Given names").fill("Hana")
    page.get_by_label("Family name").fill("Visitor")
    page.get_by_label("Your job title or role").fill("Health visitor")
    page.get_by_label("What type of agency do you work for?").select_option("health")
    page.get_by_label("Name of your organisation").fill("Testshire Community Health")
    page.get_by_label("Your work email address").fill("hana.visitor@nhs.example.org")
    page.get_by_label("Your work telephone number").fill("01632 960 001")
    check_page(page, f"referral about you{suffix}")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("About the child")
    child = page.get_by_role("group", name="Child's name")
    child.get_by_label("Given names").fill("Alex")
    child.get_by_label("Family name").fill("Example")
    page.get_by_role("group", name="Do you know the child's date of birth?").get_by_label(
        "Yes"
    ).check()
    _date(page, "Child's date of birth", "3", "4", "2018")
    page.get_by_role("group", name="Child's gender").get_by_label("Female").check()
    page.get_by_label("Child's ethnic group").select_option("not_known")
    page.get_by_role("group", name=re.compile("status with children's social care")).get_by_label(
        re.compile("Child in need")
    ).check()
    check_page(page, f"referral about the child{suffix}")
    _continue(page)

    # Part-way through, save and come back later.
    expect(page.get_by_role("heading", level=1)).to_have_text("The incident")
    page.get_by_role("group", name="What happened to the child?").get_by_label(
        re.compile("seriously harmed")
    ).check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your answers have been saved"
    )
    check_page(page, f"home with draft{suffix}")
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, server)
    page.get_by_role("link", name="Referral for consideration").click()
    # Issue 23: the draft resumes at the first page that still needs an answer.
    expect(page.get_by_role("heading", level=1)).to_have_text("The incident")
    expect(
        page.get_by_role("group", name="What happened to the child?").get_by_label(
            re.compile("seriously harmed")
        )
    ).to_be_checked()

    # Meet a validation error, then fix it.
    _date(page, "Date of the incident", "1", "11", "2026")
    page.get_by_label("Describe what happened").fill("Admitted to hospital with a head injury.")
    _date(page, "When did your agency become aware of the incident?", "2", "11", "2026")
    _continue(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: The incident"))
    check_page(page, f"referral incident error{suffix}")
    summary.get_by_role("link").first.click()
    page.get_by_label("Where did it happen?").fill("At home")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Why you are referring the case")
    page.get_by_role("group", name=re.compile("abuse or neglect")).get_by_label("Suspected").check()
    page.get_by_label(re.compile("Why do you think the case may meet")).fill(
        "Injuries not consistent with the explanation given."
    )
    page.get_by_role("group", name=re.compile("police investigating")).get_by_label("Yes").check()
    _continue(page)
    page.get_by_role("group", name=re.compile("Were any agencies involved")).get_by_label(
        "No"
    ).check()
    _continue(page)
    page.get_by_role("group", name=re.compile("family know")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("family is not contacted")).get_by_label("No").check()
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    expect(page.locator("main")).to_contain_text("At home")
    check_page(page, f"referral check answers{suffix}")
    page.get_by_role("button", name="Send form").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm the declaration")
    check_page(page, f"referral check answers error{suffix}")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_role("button", name="Send form").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Form sent")
    expect(page.locator("#reference")).to_have_text(re.compile(r"^SUB-\d{4}-\d{4}$"))
    check_page(page, f"referral sent{suffix}")
    page.get_by_role("link", name="View what you sent").click()
    expect(page.locator("main")).to_contain_text("Injuries not consistent")
    check_page(page, f"referral view{suffix}")
    page.get_by_role("button", name="Sign out").click()


def test_referral_journey(page: Page, live_server: LiveServer) -> None:
    _referral_journey(page, live_server, "")


def test_referral_journey_without_javascript(
    page_without_js: Page, live_server: LiveServer
) -> None:
    _referral_journey(page_without_js, live_server, " no js")
