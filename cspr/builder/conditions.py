"""Build a condition from three dropdown choices: a question, a comparison and a value."""

from __future__ import annotations

from typing import Any

from cspr.builder.edits import Doc, Field, find_field, find_page
from cspr.exceptions import Refused
from cspr.formengine.core_types import OPS
from cspr.formengine.fieldtypes import field_type

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
    kind = field_type(field)
    return kind.answered and not kind.is_group


def ops_for(field: Field) -> list[tuple[str, str]]:
    """Return the comparisons that make sense for a field's type, with their words."""
    return [(op, OP_LABELS[op]) for op in OPS if op in field_type(field).ops]


def value_choices(field: Field) -> list[tuple[str, str]]:
    """Return the values offered in a dropdown for a field, or [] when the value is typed."""
    return field_type(field).condition_choices(field)


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
    return field_type(field).condition_value(field, text, op)


def value_style(field: Field) -> str:
    """Say how the value is asked for: "pick_one" (of two), "pick_any" or "typed"."""
    if not value_choices(field):
        return "typed"
    return "pick_any" if field_type(field).ops & {"one_of", "contains"} else "pick_one"


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
