"""Realistic case data for the load bench: the demo's cases at every stage, copied to 1,000.

The demo makes its 18 cases through the real operations (so each has true facts, views,
sign-offs, forms and timeline); copying them straight into the store is what makes 1,000
cases and 10,000 submissions quick to build. Copies keep their facts (so deadlines are due,
overdue and met as in the demo) and get new ids, references, years and linked forms.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cspr.storage import get_store
from cspr.storage.ids import new_id
from cspr.storage.memory import clone

BATCH = 1000
YEARS = (2023, 2024, 2025)  # copies are spread over earlier years; the demo's cases are this year


Numbers = dict[tuple[str, int], int]


def _reference(numbers: Numbers, prefix: str, year: int) -> str:
    """Return the next reference of a kind for a year, like CSPR-2024-0007."""
    numbers[prefix, year] = numbers.get((prefix, year), 0) + 1
    return f"{prefix}-{year}-{numbers[prefix, year]:04d}"


def _copy_case(source: dict[str, Any], forms: list[dict[str, Any]], year: int,
               numbers: Numbers) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """Copy one case and its forms with new ids and references, links kept."""
    case = clone(source)
    case["id"] = new_id()
    case["reference"] = _reference(numbers, "CSPR", year)
    case["opened_at"] = f"{year}{str(case['opened_at'])[4:]}"
    ids: dict[str, str] = {}
    copies = []
    for form in forms:
        copied = clone(form)
        copied["id"] = ids[form["id"]] = new_id()
        copied["case_id"] = case["id"]
        if copied.get("reference"):
            copied["reference"] = _reference(numbers, "SUB", year)
        copies.append(copied)
    case["referral_id"] = ids.get(case.get("referral_id") or "", case.get("referral_id"))
    for signed in (case.get("signoffs") or {}).values():
        version = signed.get("version") or {}
        version["submission_id"] = ids.get(version.get("submission_id", ""), "")
    for entry in case.get("events", []):
        if entry.get("submission"):
            entry["submission"] = ids.get(entry["submission"], entry["submission"])
    return case, copies


def copy_demo_cases(total_cases: int) -> int:
    """Copy the demo's cases (and their forms) until the store holds total_cases; return forms."""
    store = get_store()
    demo = store.find("cases", order_by="reference")
    forms: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for form in store.find("submissions"):
        if form.get("case_id"):
            forms[form["case_id"]].append(form)
    numbers: Numbers = {}
    cases, copies = [], []
    for n in range(total_cases - len(demo)):
        source = demo[n % len(demo)]
        case, linked = _copy_case(source, forms[source["id"]], YEARS[n % len(YEARS)], numbers)
        cases.append(case)
        copies += linked
    for start in range(0, len(cases), BATCH):
        store.insert_many("cases", cases[start:start + BATCH])
    for start in range(0, len(copies), BATCH):
        store.insert_many("submissions", copies[start:start + BATCH])
    return store.count("submissions")
