"""Fill a JSON-defined form through its real pages in the browser, from a set of answers."""

from __future__ import annotations

import copy
import json
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.harness import ROOT

PARTS = {
    "person_name": ("given_names", "family_name"),
    "uk_address": ("line1", "line2", "town", "county", "postcode"),
}


def definition(form_id: str) -> dict[str, Any]:
    """Read a shipped definition."""
    return json.loads((ROOT / "forms" / f"{form_id}.json").read_text(encoding="utf-8"))


def _set(page: Page, field: dict[str, Any], name: str, value: Any) -> None:
    """Put one answer into its inputs, the way a person would."""
    kind = field["type"]
    if kind == "date":
        year, month, day = value.split("-")
        page.locator(f'[name="{name}-day"]').fill(str(int(day)))
        page.locator(f'[name="{name}-month"]').fill(str(int(month)))
        page.locator(f'[name="{name}-year"]').fill(year)
    elif kind in PARTS:
        for part in PARTS[kind]:
            if value.get(part):
                page.locator(f'[name="{name}-{part}"]').fill(str(value[part]))
    elif kind == "yes_no":
        page.locator(f'input[name="{name}"][value="{"yes" if value else "no"}"]').check()
    elif kind == "radios":
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    elif kind == "checkboxes":
        for option in value:
            page.locator(f'input[name="{name}"][value="{option}"]').check()
    elif kind == "declaration":
        page.locator(f'input[name="{name}"]').check()
    elif kind == "select":
        page.locator(f'select[name="{name}"]').select_option(str(value))
    elif kind == "managed_choice":  # a listed name, or another typed in its own box
        choice = page.locator(f'select[name="{name}-choice"]')
        if choice.locator(f'option[value="{value}"]').count():
            choice.select_option(str(value))
        else:
            choice.select_option("__other__")
            page.locator(f'[name="{name}-other"]').fill(str(value))
    elif kind == "file":  # a path to upload, or nothing
        if value:
            page.locator(f'input[name="{name}"]').set_input_files(str(value))
    elif kind == "guidance":
        return
    else:
        page.locator(f'[name="{name}"]').fill(str(value))


def _shown(page: Page, name: str) -> bool:
    """Say whether any input for the answer is on the page and visible."""
    inputs = page.locator(f'[name="{name}"], [name^="{name}-"]')
    return inputs.count() > 0 and inputs.first.is_visible()


def fill_form(page: Page, form_id: str, answers: dict[str, Any], declare: bool = True) -> None:
    """Go through every page from the current one to "Check your answers", then send."""
    doc = definition(form_id)
    pages = {p["title"]: p for p in doc["pages"]}
    for _ in range(len(pages) + 1):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading.startswith("Check your answers"):
            break
        current = pages[heading]
        groups = [f for f in current["fields"] if f["type"] == "repeating_group"]
        for field in current["fields"]:
            value = answers.get(field["name"])
            if field in groups or value is None or not _shown(page, field["name"]):
                continue
            _set(page, field, field["name"], value)
        # Answers above may reveal a group; add its items (each press re-shows the page).
        for field in groups:
            value = answers.get(field["name"]) or []
            if not value or not _shown(page, field["name"]):
                continue
            shown = page.locator(f'[id^="{field["name"]}-"][class="cspr-group-item"]').count()
            for _ in range(len(value) - shown):
                with page.expect_navigation():  # the page comes back with one more item
                    page.locator(f'button[value="add:{field["name"]}"]').click()
            subs = {s["name"]: s for s in field["fields"]}
            for index, item in enumerate(value):
                for sub_name, sub_value in item.items():
                    target = f"{field['name']}-{index}-{sub_name}"
                    if sub_name in subs and _shown(page, target):
                        _set(page, subs[sub_name], target, sub_value)
        page.get_by_role("button", name="Continue").click()
        errors = page.locator(".govuk-error-summary")
        if errors.count():
            raise AssertionError(f"{form_id} page {heading!r}: {errors.inner_text()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    if declare and doc.get("declaration"):
        page.locator('input[name="declaration"]').check()
    page.get_by_role("button", name="Send form").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Form sent")


def send_rapid_review(page: Page) -> None:
    """From a case page at rapid review, send the shipped rapid review (a local review), with
    one row for each agency the referral names (the form arrives with them listed)."""
    from tests.test_shipped_forms import COMPLETE

    page.get_by_role("button", name="Rapid review", exact=True).click()
    answers = copy.deepcopy(COMPLETE["rapid_review"])
    answers.update(recommendation="local_cspr")
    answers.pop("other_learning_route", None)
    answers["agency_involvement"] = [
        {**answers["agency_involvement"][0], "agency_name": item["agency_name"]}
        for item in COMPLETE["referral"]["agencies_involved"]
    ]
    fill_form(page, "rapid_review", answers)
