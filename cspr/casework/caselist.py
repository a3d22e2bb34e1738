"""The case register: search by reference or child, filter by stage, deadline and year, pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.casework import casefacts, cases, deadlines, stages
from cspr.casework.deadlines import Deadline

PAGE_SIZE = 25
DEADLINE_STATES = {
    "overdue": "Overdue",
    "due_soon": "Due in the next 5 working days",
    "missed": "A deadline was missed",
    "on_track": "Nothing overdue or missed",
}


@dataclass
class Row:
    """One case in the register."""

    case: dict[str, Any]
    child: str
    next_deadline: Deadline | None
    states: set[str]


@dataclass
class Found:
    """One page of the register, with what was asked for."""

    rows: list[Row]
    total: int
    page: int
    pages: int
    asked: dict[str, str]
    years: list[int] = field(default_factory=list)

    def link_args(self, page: int) -> dict[str, str]:
        """Return the query for another page of the same search."""
        return {**{k: v for k, v in self.asked.items() if v}, "page": str(page)}


def child_name(case: dict[str, Any]) -> str:
    """Return the subject child's name as one string."""
    name = casefacts.get(case, "child.name") or {}
    if not isinstance(name, dict):
        return ""
    return " ".join(str(name.get(p) or "").strip() for p in ("given_names", "family_name")).strip()


def _matches(case: dict[str, Any], words: str, pseudonyms: dict[str, str]) -> bool:
    if not words:
        return True
    wanted = words.lower()
    haystack = [case.get("reference", ""), child_name(case), pseudonyms.get(case["id"], "")]
    return any(wanted in str(text).lower() for text in haystack)


def _states(found: list[Deadline]) -> set[str]:
    states: set[str] = {d.status.state for d in found if d.statutory}
    if not states & {"overdue", "missed"}:
        states.add("on_track")
    return states


def search(user: dict[str, Any], args: Mapping[str, str], today: date) -> Found:
    """Return the page of cases the user asked for, newest first."""
    from cspr.documents.pseudonyms import child_pseudonyms  # documents own the register

    asked = {k: str(args.get(k, "")).strip()[:100] for k in ("q", "stage", "deadline", "year")}
    visible = cases.list_cases(user)
    pseudonyms = child_pseudonyms([c["id"] for c in visible]) if asked["q"] else {}
    years = sorted({int(str(c.get("opened_at", "0"))[:4]) for c in visible}, reverse=True)
    rows = []
    for case in visible:
        if asked["stage"] in stages.STAGES and case["stage"] != asked["stage"]:
            continue
        if asked["year"].isdigit() and not str(case.get("opened_at", "")).startswith(
                asked["year"]):  # fmt: skip
            continue
        if not _matches(case, asked["q"], pseudonyms):
            continue
        found = deadlines.deadlines(case, today) if case["stage"] not in stages.ENDED else []
        states = _states(found)
        if asked["deadline"] in DEADLINE_STATES and asked["deadline"] not in states:
            continue
        live = [d for d in found if d.status.state not in ("met", "missed")]
        upcoming = min(live, key=lambda d: d.status.due, default=None)
        rows.append(Row(case, child_name(case), upcoming, states))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(int(args.get("page", "1")) if str(args.get("page", "1")).isdigit() else 1,
                   1), pages)  # fmt: skip
    return Found(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], len(rows), page, pages, asked,
                 years)  # fmt: skip
