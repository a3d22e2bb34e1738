"""Journey (issue 19): a demo case goes from the decision to commission a local review, through
the lead reviewer's appointment, a delay approved for an inquest, a publication hold set and
lifted, and publication, to an action its agency completes with evidence the business unit
accepts; the yearly figures count it. Every new page is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cspr.casework import clock
from cspr.demo.run import DEMO_PASSWORD
from cspr.timeutil import uk_today
from tests.browser.filler import fill_form
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser
BU_EMAIL = "bu@demo.example.org"
NURSE_EMAIL = "nurse@health.demo.example.org"
SCHOOL_EMAIL = "dsl@school.demo.example.org"
HEALTH = "Exampleshire Community Health Services"
CHILD = "Freya Pretendwell"  # demo case F: the partners decided on a local review
INQUEST = "The coroner's inquest into Freya's death will not finish within the six months."
ACTION = "Health visitors to check who else cares for a baby at every new-birth visit"
FIGURES = ("Local reviews commissioned", "Local reviews published",
           "Delays approved, with their reasons", "Actions completed with evidence")  # fmt: skip


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the demo partnership."""
    server = LiveServer(tmp_path_factory.mktemp("local-review-journey") / "data")
    server.flask("demo")
    server.start()
    yield server
    server.stop()


def _days_ago(working_days: int) -> date:
    """Return a working day in the past, kept inside this reporting year so the figures count it."""
    today = uk_today()
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return max(clock.add_working_days(today, -working_days), year_start)


def _date(page: Page, prefix: str, when: date) -> None:
    page.locator(f"#{prefix}-day").fill(str(when.day))
    page.locator(f"#{prefix}-month").fill(str(when.month))
    page.locator(f"#{prefix}-year").fill(str(when.year))


def _figures(page: Page, server: LiveServer) -> dict[str, int]:
    """Read the yearly figures this journey changes."""
    page.goto(server.url + "/exports/yearly-figures")
    found = {}
    for label in FIGURES:
        row = page.get_by_role("row", name=re.compile(f"^{re.escape(label)}"))
        found[label] = int(row.locator("td").last.inner_text())
    return found


def _move(page: Page, label: str) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    page.get_by_role("button", name=re.compile("^Yes, ")).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def _commission(page: Page, panel_replied: date, commissioned: date) -> None:
    """Record the Panel's agreement and the decision to commission, and start the review."""
    page.get_by_role("button", name="The Panel's response").click()
    fill_form(page, "panel_response", {
        "local_decision": "local_cspr", "response_received_date": panel_replied.isoformat(),
        "panel_view": "agree", "panel_comments": "The Panel agrees a local review is right.",
    })  # fmt: skip
    page.get_by_role("link", name=re.compile("^Go to case")).click()
    _move(page, "Record the Panel's response")
    page.get_by_role("link", name="Decision to commission the local review").click()
    _date(page, "dates_commissioned", commissioned)
    page.get_by_role("button", name="Save the dates").click()
    _move(page, "Start the local review")


def _appoint_the_reviewer(page: Page, commissioned: date) -> None:
    page.get_by_role("link", name="Lead reviewer appointed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The local review")
    check_page(page, "the local review's steps")
    page.get_by_label("Which step?").select_option(label="Lead reviewer appointed")
    _date(page, "done_on", commissioned)
    page.get_by_label("Note (optional)").fill("Rowan Fictitious, an independent reviewer")
    page.get_by_role("button", name="Save the step").click()
    page.get_by_label("Which step?").select_option(label="The Panel told the lead reviewer's name")
    _date(page, "done_on", commissioned)
    page.get_by_role("button", name="Save the step").click()
    steps = page.locator("#milestones")
    expect(steps.get_by_role("row", name=re.compile("^Lead reviewer appointed")))\
        .to_contain_text(clock.short_date(commissioned))  # fmt: skip
    expect(steps.get_by_role("row", name=re.compile("^The Panel told")))\
        .to_contain_text(clock.short_date(commissioned))  # fmt: skip
    check_page(page, "the local review with the reviewer appointed")
    page.get_by_role("link", name="Back to the case").click()


def _delay_for_the_inquest(page: Page, commissioned: date, told: date) -> None:
    deadlines = page.get_by_role("table", name="Deadlines for this case")
    deadline = deadlines.get_by_role("row", name=re.compile("^Local review published"))
    expect(deadline).to_contain_text(clock.short_date(clock.add_months(commissioned, 6)))
    page.get_by_role("link", name="Record an approved delay to the local review").click()
    check_page(page, "record a delay")
    new_date = clock.add_months(commissioned, 9)
    page.get_by_label("Reason for the delay").fill(INQUEST)
    page.get_by_label("Who approved the delay?").fill("Jo Example, chair of the review group")
    _date(page, "new_date", new_date)
    _date(page, "panel_told", told)
    _date(page, "sos_told", told)
    page.get_by_role("button", name="Record the delay").click()
    expect(deadline).to_contain_text(clock.short_date(new_date))


def _hold_and_publish(page: Page, sent: date) -> None:
    page.get_by_role("link", name="Published, with its web address").click()
    check_page(page, "publication")
    # Within the next 5 working days, so the Deadlines page lists it with the others due soon.
    review_on = clock.add_working_days(uk_today(), 3)
    page.get_by_label("Why is publication on hold?").fill("The inquest opens next month.")
    _date(page, "review_on", review_on)
    page.get_by_role("button", name="Put publication on hold").click()
    expect(page.locator("#publication-hold")).to_contain_text(clock.short_date(review_on))
    check_page(page, "publication on hold")

    # Publication is not offered while the hold is on, here or as a move on the case page.
    expect(page.get_by_role("button", name="Record publication")).to_have_count(0)
    expect(page.locator("#publication-refused")).to_have_text(
        "Publication cannot be recorded while it is on hold. Lift the hold first.")
    page.get_by_role("link", name="Back to the case").click()
    expect(page.locator("#moves + ul")).to_contain_text(
        "Record publication: not yet. Publication is on hold: lift the hold")
    expect(page.get_by_role("table", name="Deadlines for this case").get_by_role(
        "row", name=re.compile("^Look again at the publication hold"))).to_contain_text(
        clock.short_date(review_on))  # fmt: skip
    page.get_by_role("link", name="Deadlines", exact=True).click()
    hold_row = page.get_by_role("row", name=re.compile("Look again at the publication hold"))
    expect(hold_row).to_contain_text(clock.short_date(review_on))
    page.go_back()

    page.get_by_role("link", name="Published, with its web address").click()
    page.get_by_label("Why can the hold be lifted?").fill("The coroner has given the findings.")
    page.get_by_role("button", name="Lift the hold").click()
    expect(page.locator("#publication-hold")).to_have_count(0)
    _date(page, "sent_on", sent)
    page.locator("form", has=page.locator("#sent_on-day")).get_by_role("button").click()
    expect(page.locator("#publication-checklist")).to_contain_text(
        "Sent to the Panel and the Secretary of State (and Ofsted) Completed")
    published = uk_today()
    _date(page, "published_on", published)
    page.get_by_label("Web address where it is published").fill(
        "https://www.exampleshire-scp.example.org/reviews/child-f")
    page.get_by_role("button", name="Record publication").click()
    keep = clock.keep_published_until(published)
    expect(page.get_by_text(f"Keep it on the website until at least {clock.short_date(keep)}"))\
        .to_be_visible()  # fmt: skip
    check_page(page, "publication recorded")
    page.get_by_role("link", name="Back to the case").click()
    _move(page, "Record publication")
    _move(page, "Move to the action plan")


def _plan_an_action(page: Page) -> None:
    page.get_by_role("link", name="Recommendations and actions").click()
    page.get_by_label("The review's name").fill("Child F")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been recorded")
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation").fill("Agencies should know who cares for a baby.")
    page.get_by_role("button", name="Add the recommendation").click()
    page.get_by_role("link", name="Add an action for recommendation 1").click()
    page.get_by_label("What will be done?").fill(ACTION)
    page.get_by_label("Which agency owns the action?").select_option(label=HEALTH)
    page.get_by_label("Name of the person who owns the action").fill("Sam Example")
    page.get_by_label("Their role").fill("Named nurse")
    _date(page, "due", uk_today() + timedelta(days=60))
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("table", name="Actions for recommendation 1")).to_contain_text(HEALTH)
    check_page(page, "the local review's action plan")


def _agency_completes_it(page: Page, server: LiveServer, tmp_path: Path) -> str:
    """Complete the action as its agency; return the action page's address."""
    sign_in(page, server, NURSE_EMAIL, DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile("^Update your agency's action: Health visitors "
                                             "to check")).click()  # fmt: skip
    evidence = tmp_path / "new-birth-visit-audit.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% 30 of 30 new-birth visits asked who cares for the baby\n")
    page.get_by_label("File of evidence").set_input_files(str(evidence))
    page.get_by_role("button", name="Upload the evidence").click()
    expect(page.get_by_role("link", name="new-birth-visit-audit.pdf")).to_be_visible()
    page.get_by_label("How was the action completed, and what difference has it made?")\
        .fill("Every new-birth visit in the audit asked who else cares for the baby.")  # fmt: skip
    page.get_by_role("button", name="Submit as complete").click()
    expect(page.locator("#submitted")).to_contain_text("waiting for the business unit")
    return page.url


def test_a_demo_case_from_commissioning_to_publication_and_a_completed_action(
    page: Page, demo_server: LiveServer, tmp_path: Path
) -> None:
    server = demo_server
    panel_replied, commissioned, sent = _days_ago(9), _days_ago(8), _days_ago(7)
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)
    before = _figures(page, server)

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("row", name=re.compile(CHILD)).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decided")
    case_url = page.url
    _commission(page, panel_replied, commissioned)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Local review in progress")
    check_page(page, "a case whose local review has started")
    _appoint_the_reviewer(page, commissioned)
    _delay_for_the_inquest(page, commissioned, commissioned)
    _hold_and_publish(page, sent)
    _plan_an_action(page)

    action_url = _agency_completes_it(page, server, tmp_path)
    # The other demo agency neither sees the action nor can open it.
    sign_in(page, server, SCHOOL_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_text("Health visitors to check")).to_have_count(0)
    response = page.goto(action_url)
    assert response is not None and response.status == 404
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile("^Review the evidence for action: Health "
                                             "visitors")).click()  # fmt: skip
    page.get_by_label("Accept the action as complete").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted as complete")
    page.goto(case_url)
    expect(page.locator("#task-actions_complete")).to_contain_text("1 of 1 accepted as complete")

    after = _figures(page, server)
    assert after == {label: count + 1 for label, count in before.items()}
    expect(page.get_by_role("table", name=re.compile("^Delays to local reviews")))\
        .to_contain_text(INQUEST)  # fmt: skip
    check_page(page, "yearly figures counting the review")
