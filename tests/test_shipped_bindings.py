"""The shipped forms' case-fact bindings: every fact the process needs has a form to fill it.

Casework, clocks, letters and exports read case facts, never form field names, so a fact the
process needs must be written by some shipped form (or recorded on the case's own pages).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cspr.builder.fact_bindings import bound_questions
from cspr.casework.bindings import GROUP_FACTS, LISTS
from cspr.casework.catalog import CHILDREN, FACTS, NEEDED
from cspr.casework.routes import PAGE_DATES

FORMS = Path(__file__).resolve().parents[1] / "forms"
# Needed facts that no shipped form writes, by design: they are what the business unit itself
# did (sent the notification, sent the report, published it), so it records them on the case's
# pages (the key dates page, and "record the notification" for the date and reference).
RECORDED_ON_CASE_PAGES = {"notification.reference", "dates.notified", "dates.rapid_review_sent",
                          "dates.final_report_sent", "dates.published"}  # fmt: skip
NOTIFICATION_PAGE = {"notification.reference", "dates.notified"}  # record_notification's facts


def shipped() -> dict[str, dict[str, Any]]:
    """Return every shipped form definition by id."""
    docs = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FORMS.glob("*.json"))
            if path.name != "definition.schema.json"]  # fmt: skip
    return {doc["id"]: doc for doc in docs}


def written() -> dict[str, list[str]]:
    """Return each fact written by a shipped form, with the forms' questions that write it."""
    found: dict[str, list[str]] = {}
    for form_id, doc in shipped().items():
        for bound in bound_questions(doc):
            if bound.writes:
                found.setdefault(bound.fact, []).append(f"{form_id}:{bound.path}")
    return found


def test_needed_facts_no_form_writes_are_the_ones_the_case_pages_record() -> None:
    unwritten = set(NEEDED) - set(written())
    assert unwritten == RECORDED_ON_CASE_PAGES
    for name in unwritten:
        assert name in PAGE_DATES or name in NOTIFICATION_PAGE, name


def test_the_aware_date_is_written_by_the_referral_and_the_notification() -> None:
    assert written()["dates.la_aware"] == ["notification:la_aware_date", "referral:la_aware_date"]


def test_every_bound_question_has_a_type_that_fits_its_fact() -> None:
    checked = 0
    for form_id, doc in shipped().items():
        groups = {f["name"]: f for page in doc["pages"] for f in page["fields"]}
        for bound in bound_questions(doc):
            where = f"{form_id}:{bound.path}"
            group = groups[bound.path.split(".")[0]] if "." in bound.path else None
            if group is not None and group["case_fact"] in LISTS:
                assert bound.fact == LISTS[group["case_fact"]], where
            elif bound.fact == CHILDREN:
                assert group is None and bound.kind == "repeating_group", where
            else:
                assert bound.fact in FACTS, where
                assert bound.kind in FACTS[bound.fact].field_types, where
                if group is not None:
                    assert group["case_fact"] == CHILDREN and FACTS[bound.fact].per_child, where
            checked += 1
    assert checked > 50  # every shipped form was read, groups included
    assert all(fact in GROUP_FACTS for fact in (CHILDREN, *LISTS))
