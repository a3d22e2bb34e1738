"""Every other builder page in a real browser: import, details, JSON errors, confirmations."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_EMAIL
from tests.browser.harness import ROOT, LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser
EXAMPLE = ROOT / "forms" / "examples" / "every_field.json"


def test_import_details_json_errors_and_confirmations(
    page_without_js: Page, live_server: LiveServer
) -> None:
    page = page_without_js
    server = live_server
    sign_in(page, server, ADMIN_EMAIL)
    base = server.url + "/admin/forms"

    page.goto(base + "/import")
    page.get_by_role("button", name="Import form").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a JSON file")
    check_page(page, "builder import with an error")
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["pages"][0]["fields"][1]["type"] = "colour"
    page.get_by_label("Or paste the JSON").fill(json.dumps(doc))
    page.get_by_role("button", name="Import form").click()
    expect(page.get_by_role("table", name="Each problem, with where it is in the JSON"))\
        .to_contain_text("$.pages[0].fields[1].type")  # fmt: skip
    check_page(page, "builder import with problems")
    page.get_by_label("Upload a JSON file").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Import form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Example: every field type")

    form = base + "/every_field"
    for path, label in [
        ("/details", "builder details"),
        ("/pages/new", "builder add page"),
        ("/pages/child/fields/new", "builder add question"),
        ("/groups/other_children/fields/new", "builder add question to a group"),
        ("/fields/outcome", "builder edit radios"),
        ("/fields/date_of_death", "builder edit date"),
        ("/fields/chronology", "builder edit file"),
        ("/fields/other_children", "builder edit group"),
        ("/fields/agency/options/1", "builder edit option"),
        ("/fields/summary/remove", "builder remove question"),
        ("/pages/others/remove", "builder remove page"),
        ("/conditions/date_of_death/required_if", "builder complex condition"),
        ("/conditions/page:others/show_if?field=outcome", "builder page condition"),
        ("/compare?from=working&to=working", "builder compare nothing"),
        ("/retire", "builder delete form"),
    ]:
        page.goto(form + path)
        expect(page.locator("main h1")).to_be_visible()
        check_page(page, label)

    # A field error on the settings page is shown by the field and in the summary.
    page.goto(form + "/fields/number_of_siblings")
    page.get_by_label("Smallest allowed").fill("ten")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Smallest allowed must be a number")
    check_page(page, "builder question with an error")

    # The JSON editor lists each problem by its path and keeps the form as it was.
    page.goto(form + "/json")
    page.get_by_label("Definition (JSON)").fill('{"id": "every_field", "title": " "}')
    page.get_by_role("button", name="Save JSON").click()
    expect(page.locator("#problems")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("$.title")
    check_page(page, "builder json with problems")

    # Publish, change, then the discard and revert confirmations.
    page.goto(form + "/publish")
    page.get_by_role("button", name="Publish now").click()
    page.goto(form + "/details")
    page.get_by_label("Title").fill("Every field, renamed")
    page.get_by_role("button", name="Save details").click()
    page.goto(form + "/discard")
    check_page(page, "builder discard changes")
    page.get_by_role("button", name="Throw away changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Example: every field type")
    page.goto(form + "/details")
    page.get_by_label("Title").fill("Every field, version 2")
    page.get_by_role("button", name="Save details").click()
    page.goto(form + "/publish")
    page.get_by_role("button", name="Publish now").click()
    page.goto(form + "/versions/1/revert")
    expect(page.locator("#changes")).to_contain_text("Every field, version 2")
    check_page(page, "builder revert")
    page.goto(form + "/retire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this form?")


def test_case_fact_binding_pages(page: Page, live_server: LiveServer) -> None:
    """Bind, refuse and move a case fact binding through the real pages, checked by axe."""
    sign_in(page, live_server, ADMIN_EMAIL)
    referral = live_server.url + "/admin/forms/referral"
    aware = "Date the local authority became aware"

    page.goto(referral)
    question = page.locator("#field-la_aware_date")
    expect(question).to_contain_text(f"Fills and updates the case fact: {aware}")
    question.get_by_role("link", name="Case fact").click()
    expect(page.locator("main h1")).to_contain_text("Case fact for the question")
    expect(page.get_by_label("Case fact", exact=True)).to_have_value("dates.la_aware")
    check_page(page, "builder case fact binding")

    # Removing the only binding the clock uses is refused, saying why.
    page.get_by_role("button", name="Remove the binding").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"fills '{aware}', which the statutory clocks use. Bind another question to it first, "
        "or move the binding.")
    check_page(page, "builder case fact binding refused")
    page.goto(referral + "/fields/la_aware_date/remove")
    expect(page.locator("main")).to_contain_text(f"This question fills '{aware}'")
    check_page(page, "builder remove a bound question")

    # An error on the binding page is shown by the field and in the summary.
    page.goto(referral + "/fields/aware_date/binding")
    page.get_by_label("Case fact", exact=True).select_option(label=aware)
    page.get_by_role("button", name="Save binding").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what the question does with the case fact")
    check_page(page, "builder case fact binding with an error")

    # Binding another question takes the writing over; then the old one may go.
    page.get_by_label("Case fact", exact=True).select_option(label=aware)
    page.get_by_label("Write only").check()
    page.get_by_role("button", name="Save binding").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "no longer changes it")
    expect(page.locator("#field-aware_date")).to_contain_text(
        f"Fills and updates the case fact: {aware}")
    page.goto(referral + "/fields/la_aware_date/remove")
    expect(page.get_by_role("button", name="Remove")).to_be_visible()
