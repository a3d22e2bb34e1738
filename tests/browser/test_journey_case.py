"""Journey 3: the business unit takes a case through consideration, notification and sign-off."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from cspr.casework import clock
from tests.browser.conftest import AGENCY_EMAIL
from tests.browser.filler import fill_form
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
    check_page(page, "case at referral")
    page.get_by_role("button", name="Start the partners' consideration").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consideration")

    # A forbidden move is refused with the reason.
    page.get_by_role("button", name="Record that the Panel has been notified").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The partners have not decided that the case is notifiable"
    )

    for partner, view in [("local_authority", "agree"), ("police", "agree"), ("icb", "disagree")]:
        sign_in(page, server, PARTNER_EMAILS[partner])
        _open_case(page, server)
        page.get_by_role("button", name="Start: Case for consideration decision").click()
        answers = copy.deepcopy(COMPLETE["consideration_decision"])
        answers.update(partner_organisation=partner, notifiable_decision=view)
        fill_form(page, "consideration_decision", answers)

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    decision = page.locator("main")
    expect(decision).to_contain_text(
        "2 of 3 partners agree, so under the majority rule it is notifiable"
    )
    expect(page.locator("table").nth(0)).to_be_visible()
    expect(page.get_by_text("Dissent")).to_be_visible()
    check_page(page, "case with partner decisions")

    page.get_by_role("button", name="Start: Serious incident notification").click()
    fill_form(page, "notification", COMPLETE["notification"])
    _open_case(page, server)
    page.get_by_role("button", name="Record that the Panel has been notified").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Notified to the Panel")

    aware = date.fromisoformat(COMPLETE["notification"]["la_aware_date"])
    notified = date.today()
    clock_table = page.locator("table").first
    due_notification = clock.notification_due(aware)
    due_review = clock.rapid_review_due(notified)
    rows = clock_table.get_by_role("row")
    expect(rows.filter(has_text="Serious incident notification")).to_contain_text(
        f"{due_notification:%A} {due_notification.day} {due_notification:%B %Y}"
    )
    expect(rows.filter(has_text="Rapid review")).to_contain_text(
        f"{due_review:%A} {due_review.day} {due_review:%B %Y}"
    )
    expect(rows.filter(has_text="Rapid review")).to_contain_text("Due in 15 working days")
    check_page(page, "case notified with clock")

    page.get_by_role("button", name="Start the rapid review").click()
    page.get_by_role("button", name="Start: Rapid review").click()
    answers = copy.deepcopy(COMPLETE["rapid_review"])
    answers.update(recommendation="local_cspr")
    answers.pop("other_learning_route", None)
    fill_form(page, "rapid_review", answers)
    _open_case(page, server)
    page.get_by_role("button", name="Record the partners' decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("it has 0")

    for email in PARTNER_EMAILS.values():
        sign_in(page, server, email)
        _open_case(page, server)
        page.get_by_role("button", name="Sign off the rapid review").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    check_page(page, "case rapid review signed off")

    sign_in(page, server, BU_EMAIL)
    _open_case(page, server)
    expect(page.locator("main")).to_contain_text("3 of 3 sign-offs needed")
    page.get_by_role("button", name="Record the partners' decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided")
    expect(page.locator("main")).to_contain_text("A local child safeguarding practice review")
    page.get_by_role("link", name="Deadlines").click()
    check_page(page, "deadlines dashboard")
    page.goto(server.url + "/cases")
    check_page(page, "case register")
