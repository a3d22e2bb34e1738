"""Journey 3: the business unit takes a case through consideration, notification and sign-off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cspr.casework import clock
from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.filler import fill_form, send_rapid_review
from tests.browser.harness import LiveServer, check_page, sign_in
from tests.conftest import PASSWORD
from tests.test_shipped_forms import COMPLETE

pytestmark = pytest.mark.browser
PARTNER_EMAILS = {
    "local_authority": "la.lead@testshire.example.org",
    "police": "police.lead@testshire.example.org",
    "icb": "icb.lead@testshire.example.org",
}
BU_EMAIL = "bu@testshire.example.org"


@pytest.fixture(scope="module")
def case_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the shipped forms with a business unit, three partners and an agency user."""
    server = LiveServer(tmp_path_factory.mktemp("case") / "data")
    password = PASSWORD + "\n"
    server.add_agency_user(AGENCY_EMAIL)
    server.flask(
        "users",
        "create",
        BU_EMAIL,
        "--role",
        "business_unit",
        "--name",
        "Bea Unit",
        "--password-stdin",
        stdin=password,
    )
    for partner, email in PARTNER_EMAILS.items():
        server.flask(
            "users",
            "create",
            email,
            "--role",
            "partner",
            "--partner",
            partner,
            "--name",
            f"{partner.replace('_', ' ').title()} Lead",
            "--password-stdin",
            stdin=password,
        )
    server.start()
    yield server
    server.stop()


def _open_case(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/cases")
    page.get_by_role("link", name=re.compile(r"^CSPR-\d{4}-\d{4}$")).first.click()


def _task(page: Page, key: str) -> Any:
    return page.locator(f"#task-{key}")


def _fill_date(page: Page, prefix: str, when: date) -> None:
    page.locator(f"#{prefix}-day").fill(str(when.day))
    page.locator(f"#{prefix}-month").fill(str(when.month))
    page.locator(f"#{prefix}-year").fill(str(when.year))


def test_case_through_consideration_notification_and_sign_off(
    page: Page, case_server: LiveServer
) -> None:
    server = case_server
    sign_in(page, server, AGENCY_EMAIL)
    page.goto(server.url + "/forms")
    page.get_by_role("button", name="Start Referral for consideration").click()
    fill_form(page, "referral", COMPLETE["referral"])

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral")
    expect(_task(page, "la_aware")).to_contain_text("Not started")
    expect(_task(page, "notification")).to_contain_text("Cannot start yet")
    check_page(page, "case at referral as a task list")
    # A move not possible yet says why, and is not offered as a button.
    expect(page.locator("#moves")).to_be_visible()
    page.get_by_role("link", name="Start the partners' consideration").click()
    check_page(page, "confirm a stage move")
    page.get_by_role("button", name=re.compile("^Yes, start the partners")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consideration")

    # The business unit records when the local authority became aware; a wrong date keeps
    # what was typed and says what is wrong.
    page.get_by_role("link", name="Key dates").click()
    page.locator("#dates_la_aware-day").fill("32")
    page.locator("#dates_la_aware-month").fill("12")
    page.locator("#dates_la_aware-year").fill("2026")
    page.get_by_role("button", name="Save the dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    expect(page.locator("#dates_la_aware-day")).to_have_value("32")
    check_page(page, "key dates with an error")
    aware = date.fromisoformat(COMPLETE["notification"]["la_aware_date"])
    _fill_date(page, "dates_la_aware", aware)
    page.get_by_role("button", name="Save the dates").click()
    expect(_task(page, "la_aware")).to_contain_text("Completed")
    due_notification = clock.notification_due(aware)
    expect(_task(page, "notification")).to_contain_text(clock.short_date(due_notification))

    # Each partner's home page lists the view they have to give; each gives their own.
    for partner, notify in [("local_authority", True), ("police", True), ("icb", False)]:
        sign_in(page, server, PARTNER_EMAILS[partner])
        expect(page.locator("#waiting")).to_be_visible()
        page.get_by_role("link", name="Give your view on notifying the Panel").click()
        page.get_by_label("Notify the Panel" if notify else "Do not notify the Panel",
                          exact=True).check()
        page.get_by_label("Reasons for the view").fill(
            "Serious harm, and abuse is suspected." if notify
            else "The injury is explained by the medical evidence.")  # fmt: skip
        if partner == "police":
            check_page(page, "a partner gives a view")
        page.get_by_role("button", name="Save the view").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    expect(page.locator("#views")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3 of 3 partners have given a view")
    expect(page.get_by_text("Disagrees")).to_be_visible()
    expect(_task(page, "views")).to_contain_text("Completed")

    # The notification form arrives filled in from the case: the child, the aware date and the
    # agencies from the referral.
    page.get_by_role("button", name="Notification details").click()
    page.goto(page.url.rsplit("/", 1)[0] + "/children")
    expect(page.locator('input[value="Amelia"]')).to_have_count(1)
    page.goto(page.url.rsplit("/", 1)[0] + "/incident")
    expect(page.locator(f'input[value="{aware.day}"]').first).to_be_visible()
    page.goto(page.url.rsplit("/", 1)[0] + "/details")
    expect(page.locator("textarea").filter(has_text="Health visiting team")).to_have_count(1)
    sign_in(page, server, PARTNER_EMAILS["local_authority"])
    page.get_by_role("link", name="Record the local authority's notification").click()
    notified = date.today() - timedelta(days=1)
    _fill_date(page, "notified_on", notified)
    page.get_by_label("Reference from the national online system").fill("NSI-2026-0099")
    check_page(page, "the local authority records its notification")
    page.get_by_role("button", name="Save the notification").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("notification")

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    expect(_task(page, "notification")).to_contain_text("Completed")
    page.get_by_role("link", name="Confirm the notification was made").click()
    page.get_by_role("button", name=re.compile("^Yes")).click()
    page.get_by_role("link", name="Start the rapid review").click()
    page.get_by_role("button", name=re.compile("^Yes")).click()
    due_review = clock.rapid_review_due(notified)
    expect(_task(page, "sent")).to_contain_text(clock.short_date(due_review))
    expect(_task(page, "sent")).to_contain_text("Statutory")
    check_page(page, "case at rapid review")

    send_rapid_review(page)
    _open_case(page, server)
    expect(_task(page, "rapid_review_form")).to_contain_text("Completed")
    expect(_task(page, "signoff")).to_contain_text("0 of 3 partners have signed off")

    for email in PARTNER_EMAILS.values():
        sign_in(page, server, email)
        page.get_by_role("link", name=re.compile("^Sign off rapid review SUB-")).click()
        expect(page.locator("main")).to_contain_text("Version check")
        page.get_by_role("button", name="Sign off this version").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    check_page(page, "case rapid review signed off")

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    expect(_task(page, "signoff")).to_contain_text("Completed")
    expect(_task(page, "signoff")).to_contain_text("3 of 3 partners have signed off")
