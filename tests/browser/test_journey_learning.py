"""Journey: the business unit turns a report's recommendation into an action an agency owns;
the agency completes it with uploaded evidence; the business unit accepts it; the yearly
figures count it. Every new page is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cspr.timeutil import uk_today
from tests.browser.harness import LiveServer, check_page, sign_in
from tests.documents.conftest import docx_text

pytestmark = pytest.mark.browser
BU_EMAIL = "bu@testshire.example.org"
AGENCY_EMAIL = "nurse@testshire.example.org"
AGENCY = "Testshire Community Health"


@pytest.fixture(scope="module")
def learning_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app with a business unit member and a nurse at a health agency."""
    server = LiveServer(tmp_path_factory.mktemp("learning") / "data")
    server.add_user(BU_EMAIL, "business_unit", "--name", "Bea Unit")
    server.add_agency_user(AGENCY_EMAIL, "Nia Nurse", AGENCY)
    server.add_agency_user("dsl@testshire.example.org", "Tam Teacher", "Testshire Primary School")
    server.start()
    yield server
    server.stop()


def _date(page: Page, prefix: str, day: str, month: str, year: str) -> None:
    page.locator(f"#{prefix}-day").fill(day)
    page.locator(f"#{prefix}-month").fill(month)
    page.locator(f"#{prefix}-year").fill(year)


def _business_unit_records_the_plan(page: Page, server: LiveServer) -> None:
    sign_in(page, server, BU_EMAIL)
    page.get_by_role("link", name="Actions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions")
    check_page(page, "actions list for the business unit")
    page.get_by_role("link", name="See the reviews and their action plans").click()
    check_page(page, "reviews and their action plans")
    page.get_by_role("link", name="Record a review").click()
    page.get_by_label("The review's name").fill("Panel report: babies who are not yet mobile")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("link", name="Select the kind of review")).to_be_visible()
    expect(page.get_by_label("The review's name")).to_have_value(
        "Panel report: babies who are not yet mobile")
    check_page(page, "record a review with an error")
    page.get_by_label("Panel thematic report adopted by the partnership").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been recorded")
    check_page(page, "a review with no recommendations yet")

    page.get_by_role("link", name="Add a recommendation").click()
    check_page(page, "add a recommendation")
    page.get_by_label("Recommendation").fill("Agencies should share bruising concerns at once.")
    page.get_by_role("button", name="Add the recommendation").click()

    page.get_by_role("link", name="Add an action for recommendation 1").click()
    page.get_by_label("What will be done?").fill("Train health visitors on bruising in babies")
    page.get_by_label("Name of the person who owns the action").fill("Sam Lead")
    page.get_by_label("Their role").fill("Named nurse")
    due = uk_today() + timedelta(days=90)
    _date(page, "due", str(due.day), str(due.month), str(due.year))
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("link", name="Select the agency responsible for the action"))\
        .to_be_visible()  # fmt: skip
    expect(page.get_by_label("Name of the person who owns the action")).to_have_value("Sam Lead")
    check_page(page, "add an action with an error")
    page.get_by_label("Which agency owns the action?").select_option(label=AGENCY)
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("table", name="Actions for recommendation 1")).to_contain_text(AGENCY)

    page.get_by_role("link", name="Record learning activity").click()
    check_page(page, "record learning activity")
    page.get_by_label("Seven-minute briefing").check()
    page.get_by_label("What was it about?").fill("Bruising in babies who are not yet mobile")
    today = uk_today()
    _date(page, "held_on", str(today.day), str(today.month), str(today.year))
    page.get_by_label("Who was it for?").fill("Health visitors and GPs")
    page.get_by_label("How many people did it reach?").fill("60")
    page.get_by_role("button", name="Record the activity").click()
    expect(page.get_by_text("Seven-minute briefing: Bruising in babies")).to_be_visible()
    check_page(page, "a review with its action and learning activity")


def test_an_agency_completes_an_action_with_evidence_the_business_unit_accepts(
    page: Page, learning_server: LiveServer, tmp_path: Path
) -> None:
    server = learning_server
    _business_unit_records_the_plan(page, server)

    # The other agency does not see it at all.
    sign_in(page, server, "dsl@testshire.example.org")
    expect(page.locator("#waiting")).to_be_visible()
    expect(page.get_by_text("Train health visitors")).to_have_count(0)

    sign_in(page, server, AGENCY_EMAIL)
    page.get_by_role("link", name=re.compile("^Update your agency's action: Train health")).click()
    check_page(page, "an agency's action")
    page.get_by_label("What has been done since the last update?").fill("Two sessions booked.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_role("link", name="Select the action's status now")).to_be_visible()
    expect(page.get_by_label("What has been done since the last update?"))\
        .to_have_value("Two sessions booked.")  # fmt: skip
    check_page(page, "an agency's action with an error")
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Post the update").click()
    expect(page.locator("#updates")).to_be_visible()
    expect(page.get_by_text("Two sessions booked.")).to_be_visible()

    evidence = tmp_path / "training-register.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% 42 of 45 health visitors trained\n")
    page.get_by_label("File of evidence").set_input_files(str(evidence))
    page.get_by_label("What does the file show? (optional)").fill("The training register")
    page.get_by_role("button", name="Upload the evidence").click()
    expect(page.get_by_role("link", name="training-register.pdf")).to_be_visible()
    page.get_by_label("How was the action completed, and what difference has it made?")\
        .fill("42 of 45 health visitors trained; referrals for bruising doubled.")  # fmt: skip
    page.get_by_role("button", name="Submit as complete").click()
    expect(page.locator("#submitted")).to_contain_text("waiting for the business unit")
    check_page(page, "an action submitted as complete")

    sign_in(page, server, BU_EMAIL)
    page.get_by_role("link", name=re.compile("^Review the evidence for action")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="training-register.pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    check_page(page, "an action waiting for its evidence to be reviewed")
    page.get_by_label("Accept the action as complete").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted as complete")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complete")
    page.get_by_role("link", name="Back to actions").click()
    page.get_by_label("Show").select_option(label="Accepted as complete")
    page.get_by_role("button", name="Show actions").click()
    expect(page.get_by_role("table")).to_contain_text("Train health visitors")

    # The yearly figures count it, and its Word section says the same.
    page.goto(server.url + "/exports/yearly-figures")
    row = page.get_by_role("row", name=re.compile("^Actions completed with evidence"))
    expect(row).to_contain_text("1")
    expect(page.get_by_role("row", name=re.compile("^People the learning reached")))\
        .to_contain_text("60")  # fmt: skip
    check_page(page, "yearly figures with actions and learning")
    with page.expect_download() as section:
        page.get_by_role("button", name="Download the section for the yearly report (Word)")\
            .click()  # fmt: skip
    text = docx_text(Path(section.value.path()).read_bytes())
    assert "Bruising in babies who are not yet mobile" in text and "60" in text
