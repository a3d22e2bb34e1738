"""Learning's part of the yearly figures: actions by kind of review and by agency, and the
learning activity of the year, all from learning's own records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr.auth.agencies import agency_names
from cspr.learning import records


@dataclass
class ActionCounts:
    """Actions of one group (a kind of review, or an agency) in a reporting year."""

    name: str
    recorded: int = 0  # recorded in the year
    open: int = 0  # not yet complete at the end of the year (or today, if sooner)
    overdue: int = 0  # of those, past their due date then
    completed: int = 0  # accepted as complete in the year
    with_evidence: int = 0  # of those, with at least one evidence file
    completed_before: int = 0  # accepted as complete before the year began


@dataclass
class ActivityCounts:
    """One kind of learning activity in a reporting year: how many, and people reached."""

    name: str
    held: int = 0
    reached: int = 0


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def count(counts: ActionCounts, action: dict[str, Any], start: date, end: date,
          as_of: date) -> None:  # fmt: skip
    """Add one action to a group's counts for the year from start to end, standing on as_of."""
    recorded = _day(action.get("recorded_on")) or start
    completed = _day(action.get("completed_on"))
    counts.recorded += int(start <= recorded <= end)
    if completed is not None and completed < start:
        counts.completed_before += 1
    elif completed is not None and completed <= end:
        counts.completed += 1
        counts.with_evidence += int(bool(action.get("evidence")))
    if recorded <= as_of and (completed is None or completed > as_of):
        counts.open += 1
        counts.overdue += int(records.due_date(action) < as_of)


def by_kind(actions: Iterable[dict[str, Any]], start: date, end: date,
            today: date) -> list[ActionCounts]:  # fmt: skip
    """Count the actions from each kind of review (local, national, thematic)."""
    found = {kind: ActionCounts(name) for kind, name in records.KINDS.items()}
    for action in actions:
        count(found[action["kind"]], action, start, end, min(end, today))
    return list(found.values())


def by_agency(actions: Iterable[dict[str, Any]], start: date, end: date,
              today: date) -> list[ActionCounts]:  # fmt: skip
    """Count the actions each agency owns."""
    names = agency_names()
    found: dict[str, ActionCounts] = {}
    for action in actions:
        name = names.get(action["agency_id"], "Agency no longer listed")
        count(found.setdefault(name, ActionCounts(name)), action, start, end, min(end, today))
    return sorted(found.values(), key=lambda c: c.name.lower())


def activity(start: date, end: date) -> tuple[list[ActivityCounts], list[dict[str, Any]]]:
    """Count the year's learning activity by kind; return the counts and the activities."""
    found = {kind: ActivityCounts(name) for kind, name in records.ACTIVITY_KINDS.items()}
    reviews = {r["id"]: r for r in records.all_reviews()}
    held = []
    for item in records.all_activities():
        day = date.fromisoformat(item["held_on"])
        if not start <= day <= end:
            continue
        found[item["kind"]].held += 1
        found[item["kind"]].reached += int(item["reached"])
        review = reviews.get(item["review_id"]) or {}
        held.append({**item, "held_on": day, "review": review.get("title", ""),
                     "review_reference": review.get("reference", ""),
                     "kind_text": records.ACTIVITY_KINDS[item["kind"]]})  # fmt: skip
    return list(found.values()), held
