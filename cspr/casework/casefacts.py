"""Reading and changing a case's facts, with the history of every change and its source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from cspr.casework.catalog import (
    CHILDREN,
    FACTS,
    MAX_CHILDREN,
    Child,
    FactChange,
    FactConflict,
)
from cspr.storage.ids import new_id

Proposal = tuple[str, int | None, Any]  # (fact name, child number or None, value)
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def children(case: dict[str, Any]) -> list[Child]:
    """Return what the case holds about each child, the subject child first."""
    found: list[Child] = list((case.get("facts") or {}).get(CHILDREN) or [])
    return found


def get(case: dict[str, Any], name: str, child: int = 0) -> Any:
    """Return one fact's value (for child facts, of the given child), or None."""
    spec = FACTS.get(name)
    if spec is None:
        raise KeyError(f"There is no case fact called {name}")
    if spec.per_child:
        kids = children(case)
        held = dict(kids[child]) if child < len(kids) else {}
        if spec.key == "unborn" and "unborn" not in held and held.get("name"):
            return "no"  # a child with a name (from the referral, say) has been born
        return held.get(spec.key)
    return (case.get("facts") or {}).get(name)


def get_date(case: dict[str, Any], name: str) -> date | None:
    """Return a date fact as a date, or None."""
    value = get(case, name)
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def is_set(value: Any) -> bool:
    """Say whether a fact value holds anything."""
    return value not in _EMPTY


def conflicts(case: dict[str, Any]) -> list[FactConflict]:
    """Return the values from forms still waiting for the business unit to confirm."""
    return list(case.get("fact_conflicts") or [])


def apply(
    case: dict[str, Any], proposals: Sequence[Proposal], by: str, source: str, confirmed: bool
) -> tuple[dict[str, Any], list[FactChange], list[FactConflict]]:
    """Return the case's new facts, the changes made and the disagreements held back."""
    # A value fills an empty fact at once. A value that differs from one already held is
    # taken only when confirmed (the business unit changing it on purpose); otherwise it
    # waits as a conflict for the business unit to accept or turn down.
    facts = dict(case.get("facts") or {})
    kids = [dict(child) for child in children(case)]
    changes: list[FactChange] = []
    held: list[FactConflict] = []
    at = _now()
    for name, child, value in proposals:
        spec = FACTS[name]
        number = (child or 0) if spec.per_child else None
        if number is not None and number >= MAX_CHILDREN:
            continue
        if number is not None:
            while len(kids) <= number:
                kids.append({})
            current = kids[number].get(spec.key)
        else:
            current = facts.get(name)
        if not is_set(value) or value == current:
            continue
        if is_set(current) and not confirmed and not spec.latest_wins:
            held.append(FactConflict(id=new_id(), fact=name, child=number, current=current,
                                     proposed=value, by=by, at=at, source=source))  # fmt: skip
            continue
        if number is not None:
            kids[number][spec.key] = value
        else:
            facts[name] = value
        changes.append(FactChange(fact=name, child=number, old=current, new=value, by=by,
                                  at=at, source=source))  # fmt: skip
    if kids:
        facts[CHILDREN] = kids
    return facts, changes, held


def resolve(
    case: dict[str, Any], conflict_id: str, accept: bool, by: str
) -> tuple[dict[str, Any], list[FactChange], FactConflict | None]:
    """Take or turn down one held value; return the new facts, any change and the conflict."""
    waiting = conflicts(case)
    found = next((c for c in waiting if c["id"] == conflict_id), None)
    if found is None:
        return dict(case.get("facts") or {}), [], None
    if not accept:
        return dict(case.get("facts") or {}), [], found
    proposal = (found["fact"], found["child"], found["proposed"])
    facts, changes, _ = apply(case, [proposal], by, f"confirmed:{found['source']}", True)
    return facts, changes, found


def age_at(case: dict[str, Any], on: date | None, child: int = 0) -> int | None:
    """Return a child's age in whole years on a day, from the date of birth or the age held."""
    born = get(case, "child.date_of_birth", child)
    if isinstance(born, str) and born and on is not None:
        try:
            birth = date.fromisoformat(born)
        except ValueError:
            birth = None
        if birth is not None:
            years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
            return max(years, 0)
    age = get(case, "child.age", child)
    return int(age) if isinstance(age, int | float) else None


def display(name: str, value: Any) -> str:
    """Write a fact's value in words for a page: dates as 3 December 2026, names whole."""
    from cspr.casework.catalog import choice_label
    from cspr.casework.clock import short_date

    spec = FACTS.get(name)
    if not is_set(value) or spec is None:
        return "Not recorded"
    if spec.shape == "date" and isinstance(value, str):
        try:
            return short_date(date.fromisoformat(value))
        except ValueError:
            return value
    if spec.shape == "person" and isinstance(value, dict):
        return " ".join(str(value.get(p) or "") for p in ("given_names", "family_name")).strip()
    if spec.shape == "boolean":
        return {"yes": "Yes", "no": "No"}.get(str(value), str(value))
    if spec.choices:
        return choice_label(name, value) or str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    return str(value)
