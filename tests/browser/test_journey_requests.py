"""Journey: information requests for a rapid review, from the business unit's request to the
report, with an invited contributor, a second agency's return and a third agency chased.

The app runs under waitress with two worker processes and sends its email to a real SMTP
server on loopback; the invitation's link is read from the email that arrived.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from cspr import create_app
from cspr.casework import clock
from cspr.storage import close_store, get_store
from cspr.timeutil import uk_today
from tests.browser.filler import fill_form, send_rapid_review
from tests.browser.harness import check_page, sign_in
from tests.browser.test_mail_pages import MailLiveServer
from tests.conftest import make_user
from tests.mail.conftest import SmtpServer, assert_no_personal_data
from tests.requests.conftest import HEALTH, SCHOOL, SUMMARY, case_under_review

pytestmark = pytest.mark.browser
YOUTH = "Testshire Youth Service"
BU_EMAIL = "bu@testshire.example.org"
ADMIN_EMAIL = "admin@testshire.example.org"
INVITEE = "yan.youth@youth.example.org"
NEW_PASSWORD = "orbit lantern kettle marmalade"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/invitations/\S+)")


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    """Run a real SMTP server for the module."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _prepare(data_dir: Path) -> dict[str, Any]:
    """Make the people, three agencies (one with nobody in the toolkit) and a case under review."""
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir)})
    try:
        people = {
            "bu": make_user(app, BU_EMAIL, "business_unit", name="Bea Unit"),
            "admin": make_user(app, ADMIN_EMAIL, "admin", name="Ada Admin"),
            "la": make_user(app, "la@testshire.example.org", "partner",
                            partner="local_authority"),
            "police": make_user(app, "police@testshire.example.org", "partner"),
            "icb": make_user(app, "icb@testshire.example.org", "partner", partner="icb"),
            "officer": make_user(app, "pc@police.example.org", "agency_user",
                                 agency="Testshire Police", name="Omar Officer"),
            "nurse": make_user(app, "nurse@health.example.org", "agency_user", agency=HEALTH,
                               name="Nina Nurse"),
            "teacher": make_user(app, "dsl@school.example.org", "agency_user", agency=SCHOOL,
                                 name="Tess Teacher"),
        }  # fmt: skip
        from cspr.auth.agencies import add_agency

        with app.app_context():
            youth = add_agency(None, YOUTH)
        case = case_under_review(app, people)
        return {"case": case, "youth_id": youth["id"]}
    finally:
        close_store(app)


@pytest.fixture(scope="module")
def requests_server(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer
) -> Iterator[tuple[MailLiveServer, dict[str, Any]]]:
    """Serve the app with the case ready for its requests, sending real email."""
    data_dir = tmp_path_factory.mktemp("requests") / "data"
    prepared = _prepare(data_dir)
    server = MailLiveServer(data_dir, smtp_port=smtp_server.port)
    server.start()
    yield server, prepared
    server.stop()


def _wait_for_mail(smtp: SmtpServer, address: str, subject: str, seconds: float = 30) -> Any:
    """Wait until a message with the subject reaches an address, and return it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in smtp.to(address) if subject in m.subject]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no email {subject!r} to {address}: {[m.subject for m in smtp.messages]}")


def _the_time_passes(data_dir: Path, agency: str) -> str:
    """Make one agency's request fall overdue (its due date a working day before today)."""
    app: Flask = create_app({"TESTING": True, "DATA_DIR": str(data_dir)})
    try:
        with app.app_context():
            store = get_store()
            (request,) = store.find("information_requests", where={"agency_name": agency})
            yesterday = clock.add_working_days(uk_today(), -1)
            with store.transaction():
                store.update("information_requests", request["id"], {"due": yesterday.isoformat()})
            return str(request["id"])
    finally:
        close_store(app)


def _send_summary(page: Page, answers: dict[str, Any]) -> None:
    """Open the request from the home page and send the agency's summary."""
    page.get_by_role("link", name="Send your agency's summary for a rapid review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case CSPR-")
    page.get_by_role("button", name="Start your agency's summary").click()
    fill_form(page, "agency_summary", answers)


def test_requests_from_invitation_to_the_rapid_review_report(
    page: Page,
    requests_server: tuple[MailLiveServer, dict[str, Any]],
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    server, prepared = requests_server
    case, youth_id = prepared["case"], prepared["youth_id"]
    case_url = f"{server.url}/cases/{case['id']}"

    # The administrator adds a milestone the business unit marks done itself.
    sign_in(page, server, ADMIN_EMAIL)
    page.goto(server.url + "/admin/settings")
    page.get_by_role("link", name="Rapid review plan").click()
    check_page(page, "rapid review plan settings")
    page.locator("#name-6").fill("Chair briefed")
    page.locator("#day-6").fill("5")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("plan has been saved")

    # The business unit asks three agencies; nobody at the youth service has an account.
    sign_in(page, server, BU_EMAIL)
    page.goto(case_url)
    expect(page.locator("#task-milestone-summaries")).to_contain_text("Partnership's own target")
    page.get_by_role("link", name="Agency information requested").click()
    check_page(page, "information requests for a case")
    page.get_by_role("link", name="Ask agencies for information").click()
    check_page(page, "ask agencies for information")
    for name in (HEALTH, SCHOOL, YOUTH):
        page.get_by_label(name, exact=True).check()
    page.locator(f"#invite_email-{youth_id}").fill(INVITEE)
    page.locator(f"#invite_name-{youth_id}").fill("Yan Youth")
    check_page(page, "ask agencies with an invitation")
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Invitation emailed to {INVITEE}")
    expect(page.locator("#requests")).to_contain_text(YOUTH)

    # The invited contributor chooses a password from the emailed link, then answers.
    invitation = _wait_for_mail(smtp_server, INVITEE, "You are invited to contribute")
    link = LINK.search(invitation.body)
    assert link, invitation.body
    page.context.clear_cookies()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    check_page(page, "invited contributor chooses a password")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("password has been set")
    sign_in(page, server, INVITEE, NEW_PASSWORD)
    check_page(page, "contributor's home page")
    page.get_by_role("link", name="Send your agency's summary for a rapid review").click()
    check_page(page, "information request to an agency")
    expect(page.locator("#request-message")).to_contain_text("The safeguarding partners")
    page.get_by_role("button", name="Start your agency's summary").click()
    chronology = tmp_path / "chronology.pdf"
    chronology.write_bytes(b"%PDF-1.4\n% an existing chronology\n")
    youth_summary = {**SUMMARY, "agency_name": YOUTH, "chronology_file": str(chronology),
                     "involvement": "The youth worker met the older brother weekly."}
    fill_form(page, "agency_summary", youth_summary)
    page.get_by_role("link", name="Requests", exact=True).click()
    expect(page.locator("#agency-requests")).to_contain_text("Received")
    check_page(page, "the agency's requests")
    assert page.goto(case_url).status == 404  # a contributor never sees the case itself

    # The link worked once.
    page.context.clear_cookies()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation link cannot be used")
    check_page(page, "invitation link used")

    # The school answers too; the health service does not.
    sign_in(page, server, "dsl@school.example.org")
    school_summary = {**SUMMARY, "agency_name": SCHOOL,
                      "involvement": "The school taught the older brother in year 3.",
                      "chronology": [{"entry_date": "2026-10-05", "contact": "Parents' evening",
                                      "what_happened": "Both parents came; no worries raised."}]}
    _send_summary(page, school_summary)

    # Time passes: the health service's summary is overdue, and the reminder run chases it.
    health_request = _the_time_passes(server.data_dir, HEALTH)
    next_working_day = clock.add_working_days(uk_today(), 1)
    output = server.flask("reminders", "--today", next_working_day.isoformat(), "--send")
    assert "queued" in output, output
    overdue = _wait_for_mail(smtp_server, "nurse@health.example.org", "Overdue: information")
    assert case["reference"] in overdue.subject
    assert f"/information-requests/{health_request}" in overdue.body
    assert not [m for m in smtp_server.to("dsl@school.example.org") if "Overdue" in m.subject]

    # The business unit sees two received and one overdue, and can act on the late one.
    sign_in(page, server, BU_EMAIL)
    expect(page.locator("main")).to_contain_text("Chase agency information: 1 of 1 overdue")
    page.goto(case_url + "/requests")
    table = page.locator("#requests")
    expect(table.locator("tr", has_text=YOUTH)).to_contain_text("Received")
    expect(table.locator("tr", has_text=SCHOOL)).to_contain_text("Received")
    expect(table.locator("tr", has_text=HEALTH)).to_contain_text("Overdue")
    check_page(page, "requests received and overdue")
    table.get_by_role("link", name=HEALTH).click()
    check_page(page, "one request")
    for link_text, label in (("Change the contacts", "request contacts"),
                             ("Invite someone without an account", "invite a contributor"),
                             ("Give the agency more time", "extend a request"),
                             ("Withdraw the request", "withdraw a request")):  # fmt: skip
        page.get_by_role("link", name=link_text).click()
        check_page(page, label)
        page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("button", name="Chase the agency by email").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("reminder has been emailed")

    # The milestone the business unit marks itself, and the deadlines page.
    page.goto(case_url)
    expect(page.locator("#task-info_received")).to_contain_text(HEALTH)
    page.get_by_role("link", name="Milestone: Chair briefed").click()
    check_page(page, "mark a milestone done")
    page.goto(server.url + "/dashboard")
    expect(page.locator("main")).to_contain_text("Partnership's own target")

    # The rapid review itself is sent (a report is made only from a sent rapid review) ...
    page.goto(case_url)
    send_rapid_review(page)

    # ... and its report holds both agencies' summaries.
    page.goto(case_url)
    page.get_by_label("Document", exact=True).select_option(label="Rapid review report")
    page.get_by_label("Full version, with names").check()
    page.get_by_role("button", name="Generate document").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been generated")
    with page.expect_download() as caught:
        page.locator("#document-history").get_by_role(
            "link", name="Word copy of Rapid review report v1").click()
    saved = tmp_path / "report.docx"
    caught.value.save_as(saved)
    report = docx.Document(BytesIO(saved.read_bytes()))
    text = "\n".join(p.text for p in report.paragraphs)
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    for expected in ("The youth worker met the older brother weekly.",
                     "The school taught the older brother in year 3."):
        assert expected in text, expected
    assert YOUTH in text and SCHOOL in text and HEALTH not in text
    assert "Home visit by the health visitor" in cells and "Parents' evening" in cells
    assert_no_personal_data(smtp_server.messages)


def _fill_date(page: Page, prefix: str, when: Any) -> None:
    page.locator(f"#{prefix}-day").fill(str(when.day))
    page.locator(f"#{prefix}-month").fill(str(when.month))
    page.locator(f"#{prefix}-year").fill(str(when.year))


def test_waiting_for_the_panel_and_its_questions(
    page: Page, requests_server: tuple[MailLiveServer, dict[str, Any]]
) -> None:
    server, prepared = requests_server
    case_url = f"{server.url}/cases/{prepared['case']['id']}"
    sign_in(page, server, BU_EMAIL)
    page.goto(case_url + "/facts")
    today = uk_today()
    _fill_date(page, "dates_rapid_review_sent", today)
    page.get_by_role("button", name="Save the dates").click()
    expected = clock.add_working_days(today, 10)
    expect(page.locator("main")).to_contain_text("Waiting for the Panel")
    expect(page.locator("main")).to_contain_text(clock.short_date(expected))
    check_page(page, "case waiting for the Panel")
    page.get_by_role("link", name="Record or see questions from the Panel").click()
    check_page(page, "questions from the Panel")
    page.get_by_role("button", name="Record the questions").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date")
    check_page(page, "questions from the Panel with an error")
    _fill_date(page, "received_on", today)
    page.get_by_label("The Panel's questions").fill("Why was the school not asked sooner?")
    page.get_by_role("button", name="Record the questions").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been recorded")
    page.get_by_role("link", name=re.compile("^Record the partners' reply")).click()
    check_page(page, "the partners' reply to the Panel")
    _fill_date(page, "reply_on", today)
    page.get_by_label("The partners' reply").fill("The school was not named on the referral.")
    page.get_by_role("button", name="Record the reply").click()
    expect(page.locator("main")).to_contain_text("The school was not named on the referral.")


def test_asking_agencies_works_without_javascript(
    page_without_js: Page, requests_server: tuple[MailLiveServer, dict[str, Any]]
) -> None:
    server, prepared = requests_server
    page = page_without_js
    sign_in(page, server, BU_EMAIL)
    # Each agency's contacts and invitation boxes are shown under it, all at once.
    page.goto(f"{server.url}/cases/{prepared['case']['id']}/requests/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask agencies for information")
    check_page(page, "ask agencies without JavaScript")
