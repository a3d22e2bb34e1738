"""The case register reads cases where they are stored and finds what the plain reading finds."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from cspr.casework import caselist, cases, deadlines, stages
from cspr.storage import get_store
from cspr.storage.ids import new_id
from cspr.timeutil import uk_today
from tests.casework.test_cases import only_case, people, send  # noqa: F401 - people is a fixture

STAGE_CYCLE = ["referral", "consideration", "rapid_review", "closed", "rapid_review", "notified"]


def plain_search(user: dict[str, Any], args: dict[str, str]) -> tuple[list[tuple], int, list]:
    """The register as it was first written: every visible case read whole, then filtered."""
    today = uk_today()
    asked = {k: str(args.get(k, "")).strip()[:100] for k in ("q", "stage", "deadline", "year")}
    visible = cases.list_cases(user)
    years = sorted({int(str(c.get("opened_at", "0"))[:4]) for c in visible}, reverse=True)
    rows = []
    for case in visible:
        if asked["stage"] in stages.STAGES and case["stage"] != asked["stage"]:
            continue
        if asked["year"].isdigit() and not str(case.get("opened_at", "")).startswith(
                asked["year"]):  # fmt: skip
            continue
        if asked["q"] and asked["q"].lower() not in (
                case["reference"].lower() + " " + caselist.child_name(case).lower()):  # fmt: skip
            continue
        found = deadlines.deadlines(case, today) if case["stage"] not in stages.ENDED else []
        states = caselist._states(found)
        if asked["deadline"] in caselist.DEADLINE_STATES and asked["deadline"] not in states:
            continue
        live = [d for d in found if d.status.state not in ("met", "missed")]
        upcoming = min(live, key=lambda d: d.status.due, default=None)
        rows.append((case["reference"], caselist.child_name(case),
                     upcoming and (upcoming.key, upcoming.status.due), sorted(states)))
    return rows, len(rows), years


@pytest.fixture
def register(app: Flask, people: dict) -> dict:  # noqa: F811
    """Sixty cases copied from one real referral: stages, years, dates and children vary."""
    send(app, people["agency"], "referral")
    source = only_case(app)
    today = uk_today()
    with app.app_context():
        store = get_store()
        with store.transaction():
            for n in range(60):
                case = copy.deepcopy(source)
                case.update(id=new_id(), reference=f"CSPR-{2024 + n % 3}-{n:04d}",
                            stage=STAGE_CYCLE[n % len(STAGE_CYCLE)],
                            opened_at=f"{2024 + n % 3}-0{1 + n % 9}-1{n % 10}T09:00:00+00:00")
                facts = case["facts"]
                facts["dates.la_aware"] = (today - timedelta(days=3 * n)).isoformat()
                if n % 4 == 0:
                    facts["dates.notified"] = (today - timedelta(days=2 * n)).isoformat()
                facts["children"][0]["name"] = {"given_names": f"Child{n}", "family_name": "Test"}
                if n % 5 == 0:
                    case["agency_id"] = "another agency"
                store.insert(cases.CASES, case)
    return people


ASKED = [
    {}, {"stage": "rapid_review"}, {"deadline": "overdue"}, {"deadline": "on_track"},
    {"stage": "rapid_review", "deadline": "overdue"}, {"year": "2025"}, {"q": "child1"},
    {"q": "cspr-2024"}, {"page": "2"}, {"page": "3", "deadline": "missed"}, {"stage": "nowhere"},
]  # fmt: skip


@pytest.mark.parametrize("who", ["bu", "agency"])
def test_the_register_finds_what_reading_every_case_finds(
    app: Flask, register: dict, who: str
) -> None:
    for args in ASKED:
        with app.app_context():
            found = caselist.search(register[who], args, uk_today())
            rows, total, years = plain_search(register[who], args)
        start = (found.page - 1) * caselist.PAGE_SIZE
        assert (found.total, found.years) == (total, years), args
        assert [(r.case["reference"], r.child, r.next_deadline and (r.next_deadline.key,
                 r.next_deadline.status.due), sorted(r.states)) for r in found.rows] == rows[
            start:start + caselist.PAGE_SIZE], args  # fmt: skip
        assert all(set(r.case) == {"id", "reference", "stage", "opened_at"} for r in found.rows)
