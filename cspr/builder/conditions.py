"""Build a condition from three dropdown choices: a question, a comparison and a value."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cspr.builder.edits import Doc, Field, find_field, find_page
from cspr.exceptions import Refused
from cspr.formengine.core_types import NUMBER_TYPES, OP_FIELD_TYPES, OPS, OPTION_TYPES

OP_LABELS = {
    "equals": "is",
    "not_equals": "is not",
    "one_of": "is one of",
    "contains": "contains",
    "greater_than": "is more than",
    "less_than": "is less than",
    "before": "is before",
    "after": "is after",
    "answered": "has been answered",
    "not_answered": "has not been answered",
}
NO_VALUE = frozenset({"answered", "not_answered"})
_DMY = re.compile(r"^\s*(\d{1,2})\s*[/ .-]\s*(\d{1,2})\s*[/ .-]\s*(\d{4})\s*$")


def candidates(doc: Doc, target: str) -> list[Field]:
    """Return the questions a condition on the target may read: those asked before it."""
    if target.startswith("page:"):
        index = find_page(doc, target[5:])[0]
        return [f for page in doc["pages"][:index] for f in page["fields"] if _usable(f)]
    group_name, _, sub_name = target.partition(".")
    found: list[Field] = []
    for page in doc["pages"]:
        for field in page["fields"]:
            if field["name"] == group_name:
                if sub_name:
                    for sub in field["fields"]:
                        if sub["name"] == sub_name:
                            return found
                        if _usable(sub):
                            found.append(sub)
                return found
            if _usable(field):
                found.append(field)
    return found


def _usable(field: Field) -> bool:
    """Say whether a condition can read a field's answer."""
    return field["type"] not in ("guidance", "repeating_group")


def ops_for(field: Field) -> list[tuple[str, str]]:
    """Return the comparisons that make sense for a field's type, with their words."""
    return [(op, OP_LABELS[op]) for op in OPS if field["type"] in OP_FIELD_TYPES[op]]


def value_choices(field: Field) -> list[tuple[str, str]]:
    """Return the values offered in a dropdown for a field, or [] when the value is typed."""
    if field["type"] in OPTION_TYPES:
        return [(o["value"], o["label"]) for o in field["options"]]
    if field["type"] == "yes_no":
        return [("yes", "Yes"), ("no", "No")]
    if field["type"] == "declaration":
        return [("yes", "Confirmed")]
    return []


def pick(doc: Doc, target: str, name: str) -> Field:
    """Return the chosen question, refusing one the condition may not read."""
    for field in candidates(doc, target):
        if field["name"] == name:
            return field
    raise Refused("Choose a question that is asked before this one", "field")


def build(field: Field, op: str, values: list[str]) -> dict[str, Any]:
    """Return the condition for a question, a comparison and the typed or chosen value(s)."""
    if op not in dict(ops_for(field)):
        raise Refused("Choose how to compare the answer", "op")
    condition: dict[str, Any] = {"field": field["name"], "op": op}
    if op in NO_VALUE:
        return condition
    cleaned = [v.strip() for v in values if v and v.strip()]
    if not cleaned:
        raise Refused("Enter or choose the value to compare the answer with", "value")
    if op == "one_of":
        items = cleaned if len(cleaned) > 1 else [p.strip() for p in cleaned[0].split(",")]
        condition["value"] = [_value(field, item) for item in items if item]
        return condition
    if len(cleaned) > 1:
        raise Refused("Tick only one value, or choose 'is one of' to allow several", "value")
    condition["value"] = _value(field, cleaned[0], op)
    return condition


def _value(field: Field, text: str, op: str = "equals") -> Any:
    """Turn one typed or chosen value into the JSON value the engine compares."""
    kind = field["type"]
    if kind in ("yes_no", "declaration"):
        return text == "yes"
    if kind in OPTION_TYPES:
        allowed = {value for value, _ in value_choices(field)}
        if text not in allowed:
            raise Refused("Choose one of the question's options", "value")
        return text
    if kind in NUMBER_TYPES:
        return _number(text, kind)
    if kind == "date":
        if op in ("before", "after") and text.lower() == "today":
            return "today"
        return _date(text)
    return text


def _number(text: str, kind: str) -> int | float:
    """Read a whole number or a decimal, refusing anything else."""
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise Refused("Enter the value as a number, like 4 or 2.5", "value") from None
    if abs(number) >= 10**15 or number != number:
        raise Refused("Enter a number smaller than a thousand million million", "value")
    if kind == "integer" or number.is_integer():
        if not number.is_integer():
            raise Refused("Enter a whole number, like 4", "value")
        return int(number)
    return number


def _date(text: str) -> str:
    """Read a date typed as 27/3/2025 or 2025-03-27."""
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise Refused("Enter a real date, like 27/3/2025, or the word today", "value") from None


def current(doc: Doc, target: str, kind: str) -> Any:
    """Return the condition a page or field has now, if any."""
    if target.startswith("page:"):
        return find_page(doc, target[5:])[1].get(kind)
    return find_field(doc, target)[2].get(kind)


def is_simple(condition: Any) -> bool:
    """Say whether a condition is one comparison the dropdowns can show and change."""
    return isinstance(condition, dict) and "field" in condition and not isinstance(
        condition.get("value"), dict
    )
