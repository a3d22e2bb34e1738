"""The case register: search by reference or child, filter by stage, deadline and year, pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.casework import casefacts, cases, deadlines, stages
from cspr.casework.deadlines import Deadline
from cspr.storage import get_store

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


def _clocks(case: dict[str, Any], today: date) -> tuple[Deadline | None, set[str]]:
    """Return a case's next live deadline and the states of its statutory ones."""
    # The clocks follow from the case alone (its facts, stage and delays) and the day, and the
    # store stamps every change with a new updated_at: so a case's clocks are worked out once
    # a day per process until it changes, not on every look at the register.
    key = (str(case.get("id")), str(case.get("updated_at") or ""), today)
    known = _CLOCKS.get(key) if key[1] else None
    if known is None:
        found = deadlines.deadlines(case, today) if case["stage"] not in stages.ENDED else []
        live = [d for d in found if d.status.state not in ("met", "missed")]
        known = (min(live, key=lambda d: d.status.due, default=None), frozenset(_states(found)))
        if len(_CLOCKS) >= _CLOCKS_KEPT:
            _CLOCKS.clear()
        if key[1]:
            _CLOCKS[key] = known
    return known[0], set(known[1])


_CLOCKS: dict[tuple[str, str, date], tuple[Deadline | None, frozenset[str]]] = {}
_CLOCKS_KEPT = 20_000


def _summary(case: dict[str, Any]) -> dict[str, Any]:
    """Return what a line of the register shows of a case (never the whole record)."""
    return {key: case.get(key) for key in ("id", "reference", "stage", "opened_at")}


def search(user: dict[str, Any], args: Mapping[str, str], today: date) -> Found:
    """Return the page of cases the user asked for, newest first."""
    from cspr.documents.pseudonyms import child_pseudonyms  # documents own the register

    # The register reads every case the user may see, so it reads them where they are stored
    # (find's predicate sees each stored case, must not change it, and here keeps nothing of
    # it): copying 1,000 whole cases, timelines and all, for one page of 25 lines took 90% of
    # the page's time.
    asked = {k: str(args.get(k, "")).strip()[:100] for k in ("q", "stage", "deadline", "year")}
    store = get_store()
    pseudonyms: dict[str, str] = {}
    if asked["q"]:
        visible: list[str] = []

        def note(case: dict[str, Any]) -> bool:
            if cases.can_see(user, case):
                visible.append(case["id"])
            return False

        store.find(cases.CASES, predicate=note)
        pseudonyms = child_pseudonyms(visible)
    years: set[int] = set()
    matched: list[tuple[str, int, Row]] = []
    by_deadline = asked["deadline"] in DEADLINE_STATES

    def consider(case: dict[str, Any]) -> bool:
        if not cases.can_see(user, case):
            return False
        years.add(int(str(case.get("opened_at", "0"))[:4]))
        if asked["stage"] in stages.STAGES and case["stage"] != asked["stage"]:
            return False
        if asked["year"].isdigit() and not str(case.get("opened_at", "")).startswith(
                asked["year"]):  # fmt: skip
            return False
        if not _matches(case, asked["q"], pseudonyms):
            return False
        row = Row({"id": case["id"]}, "", None, set())
        if by_deadline:
            row.next_deadline, row.states = _clocks(case, today)
            if asked["deadline"] not in row.states:
                return False
        matched.append((str(case.get("opened_at") or ""), len(matched), row))
        return False

    store.find(cases.CASES, predicate=consider)
    # Newest first, and among cases opened at the same moment the later stored, as list_cases.
    matched.sort(key=lambda m: (m[0], m[1]), reverse=True)
    rows = [row for _, _, row in matched]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(int(args.get("page", "1")) if str(args.get("page", "1")).isdigit() else 1,
                   1), pages)  # fmt: skip
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    stage = {"stage": asked["stage"]} if asked["stage"] in stages.STAGES else None
    _fill(shown, today, not by_deadline, stage)
    return Found(shown, len(rows), page, pages, asked, sorted(years, reverse=True))


def _fill(rows: list[Row], today: date, clocks: bool, where: dict[str, str] | None) -> None:
    """Fill in the lines on the page: the case's summary, the child and (if asked) clocks."""
    wanted = {row.case["id"]: row for row in rows}

    def fill(case: dict[str, Any]) -> bool:
        row = wanted.get(case["id"])
        if row is not None:
            row.case, row.child = _summary(case), child_name(case)
            if clocks:
                row.next_deadline, row.states = _clocks(case, today)
        return False

    if wanted:
        get_store().find(cases.CASES, where=where, predicate=fill)  # where: an index look-up
