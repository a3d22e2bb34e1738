"""Journey 5: an admin builds a form, previews and publishes it; staff use it; version 2 follows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_EMAIL, AGENCY_EMAIL
from tests.browser.harness import ROOT, LiveServer, check_page, sign_in
from tests.browser.test_keyboard import FOCUS_VISIBLE

pytestmark = pytest.mark.browser
TITLE = "Home visit record"
SAVED = "The question has been saved"


def _overview(page: Page) -> None:
    """Go back to the form's overview from any builder page (saving a question lands there)."""
    if page.get_by_role("heading", level=1).inner_text() != TITLE:
        page.get_by_role("link", name=re.compile(f"^Back to ({TITLE}|the form builder)$"))\
            .first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def _add_question(page: Page, kind: str, label: str, **extra: str) -> None:
    """Add a question to the Visit page through the add-question page."""
    page.get_by_role("link", name="Add a question to this page (Visit)").click()
    page.get_by_label("Type of question").select_option(label=kind)
    page.get_by_label("Question", exact=True).fill(label)
    for field_label, value in extra.items():
        page.get_by_label(field_label.replace("_", " ")).fill(value)
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit question")


def _require(page: Page) -> None:
    """Tick "must be answered" on the question's settings page and save it."""
    page.get_by_label("The question must be answered").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(SAVED)


def _fill_visit(page: Page, day: str, seen: str, adults: str, child: str) -> None:
    """Fill in the Visit page as staff do."""
    group = page.get_by_role("group", name="Date of the visit")
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill("11")
    group.get_by_label("Year").fill("2026")
    page.get_by_label(seen, exact=True).check()
    page.get_by_role("textbox", name=re.compile("^How many adults were present")).fill(adults)
    page.get_by_role("textbox", name=re.compile("^Name")).first.fill(child)


def test_admin_builds_publishes_and_versions_a_form(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    sign_in(page, server, ADMIN_EMAIL)
    page.get_by_role("link", name="Form builder").click()
    check_page(page, "builder list")
    page.get_by_role("button", name="Create a form", exact=True).click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("A record of each home visit to a child on a plan.")
    check_page(page, "builder create form")
    page.get_by_role("button", name="Create form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # A page whose first question is a date, then four more types of question.
    page.get_by_role("button", name="Add a page", exact=True).click()
    page.get_by_label("Page title").fill("Visit")
    page.get_by_label("Type of question").select_option(label="Date")
    page.get_by_label("Question", exact=True).fill("Date of the visit")
    check_page(page, "builder add page")
    page.get_by_role("button", name="Add page").click()
    expect(page.locator("#page-visit")).to_contain_text("Date of the visit")
    page.get_by_role("link", name="Edit Date of the visit").click()
    _require(page)
    _add_question(page, "One choice from a list (radios)", "Was the child seen?",
                  **{"Options, one on each line": "Seen\nNot seen"})
    check_page(page, "builder edit question")
    _require(page)
    _overview(page)
    _add_question(page, "Long text (a paragraph or more)", "Why was the child not seen?")
    _overview(page)
    _add_question(page, "Whole number", "How many adults were present?")
    page.get_by_label("Largest allowed").fill("20")
    page.get_by_role("button", name="Save question").click()
    _overview(page)
    _add_question(page, "Repeating group (questions asked once per item, like each child)",
                  "Other children present",
                  **{"First question in the group": "Name", "What each item is called": "Child"})
    _overview(page)

    # A condition built from dropdowns: the reason is asked only when the child was not seen.
    page.get_by_role("link", name="When to show Why was the child not seen?").click()
    page.get_by_label("Question", exact=True).select_option(label="Was the child seen?")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Comparison").select_option(label="is")
    page.get_by_label("Not seen").check()
    check_page(page, "builder condition")
    page.get_by_role("button", name="Save condition").click()
    expect(page.locator("#field-why_was_the_child_not_seen")).to_contain_text(
        'Shown only if Was the child seen? is "Not seen"')
    check_page(page, "builder overview")

    page.get_by_role("link", name="Flow map").click()
    expect(page.get_by_role("img", name=re.compile(TITLE))).to_be_visible()
    check_page(page, "builder flow map")
    _overview(page)

    # Preview: the condition reveals the question as staff will see it; nothing is sent.
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_text("This is a preview of the working copy")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    reason = page.get_by_role("textbox", name=re.compile("^Why was the child not seen"))
    page.get_by_label("Seen", exact=True).check()
    expect(reason).to_be_hidden()
    page.get_by_label("Not seen", exact=True).check()
    expect(reason).to_be_visible()
    check_page(page, "builder preview page")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("date of the visit")
    _fill_visit(page, "3", "Not seen", "2", "Sam")
    reason.fill("Nobody answered the door.")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("body")).to_contain_text("Nobody answered the door.")
    check_page(page, "builder preview check")
    _overview(page)

    page.get_by_role("button", name="Publish", exact=True).click()
    check_page(page, "builder publish")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 1 is now live")

    # Agency staff fill it in and send it.
    sign_in(page, server, AGENCY_EMAIL)
    first_reference = _send(page, server, "Seen", "14")

    # The admin changes a label and publishes version 2.
    sign_in(page, server, ADMIN_EMAIL)
    page.goto(server.url + "/admin/forms")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Edit Was the child seen?").click()
    page.get_by_label("Question", exact=True).fill("Did you see the child?")
    page.get_by_role("button", name="Save question").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("#changes")).to_contain_text(
        'Label changed from "Was the child seen?" to "Did you see the child?"')
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 is now live")
    page.get_by_role("link", name="Version history").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    check_page(page, "builder version history")
    page.get_by_role("link", name="What changed in version 2").click()
    expect(page.locator("#changes")).to_contain_text("Did you see the child?")
    check_page(page, "builder compare")

    # Staff send version 2; version 1 keeps its own label; the export holds both.
    sign_in(page, server, AGENCY_EMAIL)
    _send(page, server, "Seen", "15", seen_label="Did you see the child?")
    page.goto(server.url + "/forms")
    page.locator("#sent-forms").get_by_role("link", name=TITLE).click()  # one line per form
    check_page(page, "sent forms of one form")
    page.get_by_role("link", name=re.compile(f"^{first_reference}")).click()
    expect(page.locator("body")).to_contain_text("Was the child seen?")
    expect(page.locator("body")).not_to_contain_text("Did you see the child?")
    check_page(page, "version 1 submission after version 2")

    page.get_by_role("link", name="Exports").click()
    page.get_by_role("link", name=f"Export {TITLE}").click()
    page.get_by_label("Excel workbook (XLSX)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "home_visit_record.xlsx"
    Path(download.value.path()).replace(saved)
    sheet = load_workbook(saved).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    version = header.index("Form version") if "Form version" in header else header.index("Version")
    assert sorted(row[version] for row in rows[1:]) == [1, 2]
    assert "Did you see the child?" in header


def _send(page: Page, server: LiveServer, seen: str, day: str,
          seen_label: str = "Was the child seen?") -> str:
    """Start the built form as agency staff, fill it in, send it and return the reference."""
    page.goto(server.url + "/forms")
    page.get_by_role("button", name=f"Start {TITLE}").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("group", name=seen_label)).to_be_visible()
    _fill_visit(page, day, seen, "1", "Alex")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    page.get_by_role("button", name="Send form").click()
    reference = page.locator("#reference").inner_text()
    assert reference
    return reference


def test_builder_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, ADMIN_EMAIL)
    page.goto(live_server.url + "/admin/forms/new")
    for name, text in [("title", "Keyboard form"), ("description", "Made without a mouse.")]:
        _tab_to(page, name)
        page.keyboard.type(text)
    _tab_to(page, "", tag="BUTTON")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard form")
    page.get_by_role("link", name="Add a question to this page (Before you start)").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
    _tab_to(page, "field_type")
    page.keyboard.press("ArrowDown")  # Long text
    _tab_to(page, "label")
    page.keyboard.type("Anything else to add?")
    _tab_to(page, "", tag="BUTTON")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit question")
    _tab_to(page, "required")
    page.keyboard.press("Space")
    _tab_to(page, "", tag="BUTTON")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(SAVED)
    # Reorder with the buttons alone: the new question moves above the introduction.
    page.get_by_role("button", name="Move up Anything else to add?").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cspr-question").first).to_contain_text("Anything else to add?")
    check_page(page, "builder keyboard overview")


def _tab_to(page: Page, name: str, tag: str = "", limit: int = 60) -> None:
    """Press Tab until the named field (or the first element of a tag) has visible focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        assert focused["visible"], f"focus is not visible on {focused}"
        if (name and focused["name"] == name) or (tag and focused["tag"] == tag and not name):
            return
    raise AssertionError(f"Tab never reached {name or tag}")


def test_drag_and_drop_reorders_questions(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, ADMIN_EMAIL)
    doc = json.loads((ROOT / "forms" / "examples" / "every_field.json").read_text("utf-8"))
    doc["id"] = "drag_form"
    page.goto(live_server.url + "/admin/forms/import")
    page.get_by_label("Or paste the JSON").fill(json.dumps(doc))
    page.get_by_role("button", name="Import form").click()
    first = page.locator("#page-about-you .cspr-question").first
    expect(first).to_contain_text("Before you start")
    # Headless chromium does not start native drags from synthetic mouse input, so the
    # browser's own drag events are dispatched to the page's script directly.
    page.evaluate("""() => {
        const data = new DataTransfer()
        const fire = (id, type) => document.getElementById(id).dispatchEvent(
            new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}))
        fire('field-intro', 'dragstart')
        fire('field-agency', 'dragover')
        fire('field-agency', 'drop')
    }""")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The question has been moved")
    names = page.locator("#page-about-you > .cspr-question h4").all_inner_texts()
    assert names == ["Your name", "Your email address", "Your telephone number",
                     "Your agency", "Before you start"]
