"""Evaluate declarative conditions and work out which pages and fields a user sees."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cspr.formengine.core_clean import normalise_answers, normalise_value
from cspr.formengine.core_errors import ConditionError
from cspr.formengine.core_types import (
    MAX_CONDITION_DEPTH,
    is_blank,
    is_number,
    json_equal,
    parse_iso_date,
    text_contains,
)
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.timeutil import uk_today

Field = Mapping[str, Any]
Answers = Mapping[str, Any]


def evaluate(
    condition: Mapping[str, Any],
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None = None,
    today: date | None = None,
    *,
    group: Field | None = None,
) -> bool:
    """Say whether a condition holds for some answers (and one repeating-group item)."""
    return _evaluate(condition, answers, definition, item, group, today or uk_today(), 1)


def _evaluate(
    condition: Mapping[str, Any],
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None,
    group: Field | None,
    today: date,
    depth: int,
    trail: frozenset[str] = frozenset(),
) -> bool:
    """Evaluate a condition at a nesting depth, refusing to go deeper than the limit."""
    if depth > MAX_CONDITION_DEPTH:
        raise ConditionError(f"conditions nest more than {MAX_CONDITION_DEPTH} levels deep")
    if not isinstance(condition, Mapping):
        raise ConditionError(f"a condition must be an object, not {condition!r}")
    if "all" in condition:
        return all(
            _evaluate(part, answers, definition, item, group, today, depth + 1, trail)
            for part in condition["all"]
        )
    if "any" in condition:
        return any(
            _evaluate(part, answers, definition, item, group, today, depth + 1, trail)
            for part in condition["any"]
        )
    if "not" in condition:
        inner = condition["not"]
        return not _evaluate(inner, answers, definition, item, group, today, depth + 1, trail)
    if "ref" in condition:
        name = condition["ref"]
        named = definition.conditions.get(name)
        if named is None:
            raise ConditionError(f"there is no named condition called {name!r}")
        if name in trail:  # checked definitions have no loops, but never recurse forever
            raise ConditionError(f"named condition {name!r} refers back to itself")
        # Named conditions test top-level fields, even when used inside a repeating group.
        return _evaluate(named, answers, definition, None, None, today, depth, trail | {name})
    if "field" in condition and "op" in condition:
        return _compare(condition, answers, definition, item, group, today)
    raise ConditionError(f"not a condition: {condition!r}")


def _lookup(
    name: str,
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None,
    group: Field | None,
) -> Any:
    """Return the answer a condition names, or None when it is not answered."""
    if item is not None and _is_sibling(name, definition, group):
        value = item.get(name)
    else:
        value = answers.get(name)
    if isinstance(value, str):
        value = value.strip()
    return None if is_blank(value) else value


def _is_sibling(name: str, definition: FormDefinition, group: Field | None) -> bool:
    """Say whether a name, used inside a repeating group item, means a sub-field."""
    if group is not None:
        return any(sub["name"] == name for sub in group.get("fields", []))
    # Without the group, any repeating group's sub-field of that name is taken to be meant.
    return any(
        sub["name"] == name
        for field in definition.all_fields()
        for sub in field.get("fields", [])
    )


def _compare(
    condition: Mapping[str, Any],
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None,
    group: Field | None,
    today: date,
) -> bool:
    """Evaluate one comparison between an answer and a value."""
    op, expected = condition["op"], condition.get("value")
    value = _lookup(condition["field"], answers, definition, item, group)
    if op == "answered":
        return value is not None
    if op == "not_answered":
        return value is None
    if op == "equals":
        return value is not None and json_equal(value, expected)
    if op == "not_equals":
        return not (value is not None and json_equal(value, expected))
    if op == "one_of":
        return value is not None and any(json_equal(value, each) for each in expected or [])
    if op == "contains":
        if isinstance(value, list):
            return any(json_equal(each, expected) for each in value)
        if not (isinstance(value, str) and isinstance(expected, str)):
            return False
        return text_contains(value, expected)
    if op in ("greater_than", "less_than"):
        if not (is_number(value) and is_number(expected)):
            return False
        return bool(value > expected if op == "greater_than" else value < expected)
    if op in ("before", "after"):
        mine = parse_iso_date(value)
        other = _date_operand(expected, answers, definition, item, group, today)
        if mine is None or other is None:
            return False
        return mine < other if op == "before" else mine > other
    raise ConditionError(f"unknown condition operator {op!r}")


def _date_operand(
    expected: Any,
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None,
    group: Field | None,
    today: date,
) -> date | None:
    """Return the date a before/after condition compares with."""
    if expected == "today":
        return today
    if isinstance(expected, Mapping) and "field" in expected:
        return parse_iso_date(_lookup(expected["field"], answers, definition, item, group))
    return parse_iso_date(expected)


def prune(
    definition: FormDefinition, answers: Answers, today: date | None = None
) -> dict[str, Any]:
    """Drop the answers of hidden pages and fields until what is left is consistent."""
    day = today or uk_today()
    current = {
        name: [dict(item) if isinstance(item, Mapping) else item for item in value]
        if isinstance(value, list) and definition.has_field(name)
        and field_type(definition.field(name)).is_group else value
        for name, value in answers.items()
    }
    # Dropping one answer can hide another field, so repeat until nothing changes. Answers are
    # only ever removed, so this ends after at most one pass per answer.
    while True:
        changed = False
        for page in definition.pages:
            page_shown = _shown(page, current, definition, day)
            for field in page["fields"]:
                name = field["name"]
                if name not in current:
                    continue
                if not (page_shown and _shown(field, current, definition, day)):
                    del current[name]
                    changed = True
                elif field_type(field).is_group and isinstance(current[name], list):
                    changed |= _prune_items(field, current, definition, day)
        if not changed:
            return current


def _prune_items(
    group: Field, current: dict[str, Any], definition: FormDefinition, today: date
) -> bool:
    """Drop hidden sub-field answers in each item of a group; say whether any went."""
    changed = False
    for item in current[group["name"]]:
        if not isinstance(item, dict):
            continue
        for sub in group["fields"]:
            if sub["name"] in item and "show_if" in sub and not _evaluate(
                sub["show_if"], current, definition, item, group, today, 1
            ):
                del item[sub["name"]]
                changed = True
    return changed


def _shown(
    node: Mapping[str, Any], answers: Answers, definition: FormDefinition, today: date
) -> bool:
    """Say whether a page or top-level field is shown, judging by its own show_if."""
    if "show_if" not in node:
        return True
    return _evaluate(node["show_if"], answers, definition, None, None, today, 1)


def visible_pages(
    definition: FormDefinition, answers: Answers, today: date | None = None
) -> list[dict[str, Any]]:
    """Return the pages the user sees, given their answers so far."""
    day = today or uk_today()
    current = prune(definition, normalise_answers(definition, answers), day)
    return [page for page in definition.pages if _shown(page, current, definition, day)]


def visible_fields(
    definition: FormDefinition,
    page: Mapping[str, Any] | str,
    answers: Answers,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Return the fields of a page the user sees (none when the page itself is hidden)."""
    day = today or uk_today()
    chosen = definition.page(page) if isinstance(page, str) else page
    current = prune(definition, normalise_answers(definition, answers), day)
    if not _shown(chosen, current, definition, day):
        return []
    return [field for field in chosen["fields"] if _shown(field, current, definition, day)]


def is_required(
    field: Field,
    answers: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None = None,
    today: date | None = None,
    *,
    group: Field | None = None,
) -> bool:
    """Say whether a field must be answered, given the other answers."""
    if field.get("required", False):
        return True
    if "required_if" not in field:
        return False
    day = today or uk_today()
    current = prune(definition, normalise_answers(definition, answers), day)
    if item is None:
        return _evaluate(field["required_if"], current, definition, None, None, day, 1)
    group = group or _group_of(field, definition)
    if group is not None:
        item = {
            sub["name"]: normalise_value(sub, item[sub["name"]])
            for sub in group["fields"]
            if sub["name"] in item
        }
    return _evaluate(field["required_if"], current, definition, item, group, day, 1)


def required_now(
    field: Field,
    current: Answers,
    definition: FormDefinition,
    item: Mapping[str, Any] | None,
    group: Field | None,
    today: date,
) -> bool:
    """Say whether a field must be answered, given answers that are already tidied and pruned."""
    if field.get("required", False):
        return True
    if "required_if" not in field:
        return False
    return _evaluate(field["required_if"], current, definition, item, group, today, 1)


def shown(
    node: Mapping[str, Any],
    current: Answers,
    definition: FormDefinition,
    today: date,
    item: Mapping[str, Any] | None = None,
    group: Field | None = None,
) -> bool:
    """Say whether a page, field or sub-field is shown by its own show_if, given tidy answers."""
    if "show_if" not in node:
        return True
    return _evaluate(node["show_if"], current, definition, item, group, today, 1)


def _group_of(field: Field, definition: FormDefinition) -> Field | None:
    """Return the repeating group a sub-field belongs to."""
    for candidate in definition.all_fields():
        if any(sub is field for sub in candidate.get("fields", [])):
            return candidate
    return None
