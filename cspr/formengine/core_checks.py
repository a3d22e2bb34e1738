"""Checks on definitions that JSON Schema cannot make: unique names, references, cycles."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from cspr.formengine.condition_walk import fields_read, refs
from cspr.formengine.core_errors import json_path
from cspr.formengine.core_types import MAX_CONDITION_DEPTH
from cspr.formengine.fieldtypes import field_type

Path = list[str | int]
MAX_DEPTH = MAX_CONDITION_DEPTH
_TOO_DEEP = f"Conditions cannot nest more than {MAX_DEPTH} levels deep"
Problems = Iterator[tuple[str, str]]


class _Scope:
    """The fields a definition declares, for resolving names used in conditions and rules."""

    def __init__(self, doc: dict[str, Any]) -> None:
        """Index the top-level fields, the pages they are on and the named conditions."""
        self.top: dict[str, dict[str, Any]] = {}
        self.page_of: dict[str, int] = {}
        for page_index, page in enumerate(doc["pages"]):
            for field in page["fields"]:
                self.top.setdefault(field["name"], field)
                self.page_of.setdefault(field["name"], page_index)
        self.named: dict[str, Any] = doc.get("conditions", {})

    def resolve(self, name: str, group: dict[str, Any] | None) -> dict[str, Any] | None:
        """Find a field by name: a sibling inside a group first, then the top level."""
        if group is not None:
            for sub in group["fields"]:
                if sub["name"] == name:
                    return sub
        return self.top.get(name)

    def same_type_problems(self, name: str, field: dict[str, Any], group: Any) -> list[str]:
        """Check that a rule or comparison names another field of the field's own type."""
        target = self.resolve(name, group)
        if target is None:
            return [f"There is no field called '{name}'"]
        if target is field:
            return [f"A {field_type(field).words} cannot be compared with itself"]
        if target["type"] != field["type"]:
            return [f"'{name}' is a {target['type']} field, not a {field['type']} field"]
        return []


def _non_finite(node: Any, path: Path) -> Iterator[tuple[str, str]]:
    """Find numbers that JSON cannot hold: NaN, Infinity, or too big like 1e400."""
    if isinstance(node, float) and not math.isfinite(node):
        yield json_path(path), "Must be an ordinary number: NaN, Infinity and 1e400 cannot be kept"
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite(value, [*path, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite(value, [*path, index])


def semantic_errors(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Check a meta-schema-valid definition for problems between its parts."""
    scope = _Scope(doc)
    problems: list[tuple[str, str]] = list(_non_finite(doc, []))
    problems += _duplicate_names(doc)
    cyclic = set()
    for path, reason, members in _cycles(scope.named):
        problems.append((path, reason))
        cyclic |= members
    for name, condition in scope.named.items():
        problems += _condition(condition, ["conditions", name], scope, None, cyclic)
    for page_index, page in enumerate(doc["pages"]):
        page_path: Path = ["pages", page_index]
        if "show_if" in page:
            problems += _condition(page["show_if"], [*page_path, "show_if"], scope, None, cyclic)
            own = {field["name"] for field in page["fields"]}
            used = fields_read(page["show_if"], scope.named) & own
            if used:
                problems.append((
                    json_path([*page_path, "show_if"]),
                    "A page cannot be shown or hidden by answers on the same page "
                    f"({', '.join(sorted(used))})",
                ))
        for field_index, field in enumerate(page["fields"]):
            field_path: Path = [*page_path, "fields", field_index]
            problems += _field(field, field_path, scope, None, cyclic)
            for sub_index, sub in enumerate(field.get("fields", [])):
                problems += _field(sub, [*field_path, "fields", sub_index], scope, field, cyclic)
    return problems


def _duplicate_names(doc: dict[str, Any]) -> Problems:
    """Report page ids, field names and option values used twice in one scope."""
    seen_pages: dict[str, str] = {}
    seen_fields: dict[str, str] = {}
    for page_index, page in enumerate(doc["pages"]):
        where = json_path(["pages", page_index, "id"])
        if page["id"] in seen_pages:
            first = seen_pages[page["id"]]
            yield where, f"Another page ({first}) already has the id '{page['id']}'"
        seen_pages.setdefault(page["id"], where)
        for field_index, field in enumerate(page["fields"]):
            field_path: Path = ["pages", page_index, "fields", field_index]
            yield from _duplicate_in(seen_fields, field["name"], [*field_path, "name"])
            seen_subs: dict[str, str] = {}
            for sub_index, sub in enumerate(field.get("fields", [])):
                sub_path: Path = [*field_path, "fields", sub_index]
                yield from _duplicate_in(seen_subs, sub["name"], [*sub_path, "name"])
                yield from _duplicate_options(sub, sub_path)
            yield from _duplicate_options(field, field_path)


def _duplicate_in(seen: dict[str, str], name: str, path: Path) -> Problems:
    """Report a name already used in the same scope, then remember it."""
    where = json_path(path)
    if name in seen:
        yield where, f"Another field ({seen[name]}) already has the name '{name}'"
    seen.setdefault(name, where)


def _duplicate_options(field: dict[str, Any], path: Path) -> Problems:
    """Report option values used twice in one field."""
    values: set[str] = set()
    for index, option in enumerate(field.get("options", [])):
        if option["value"] in values:
            where = json_path([*path, "options", index, "value"])
            yield where, f"Another option already has the value '{option['value']}'"
        values.add(option["value"])


def _field(
    field: dict[str, Any],
    path: Path,
    scope: _Scope,
    group: dict[str, Any] | None,
    cyclic: set[str],
) -> Problems:
    """Check one field's limits, the fields its rules name, and its conditions."""
    for where, reason in field_type(field).definition_problems(field, scope, group):
        yield json_path([*path, *where]), reason
    for key in ("show_if", "required_if"):
        if key in field:
            yield from _condition(field[key], [*path, key], scope, group, cyclic)
    # Named conditions always test top-level fields, so they matter only outside groups.
    used = fields_read(field.get("show_if", {}), scope.named if group is None else None)
    if field["name"] in used:
        yield json_path([*path, "show_if"]), "A field cannot be shown or hidden by its own answer"


def _condition(
    condition: Any,
    path: Path,
    scope: _Scope,
    group: dict[str, Any] | None,
    cyclic: set[str],
    depth: int = 1,
) -> Problems:
    """Check a condition's references, operators and values, and how deep it nests."""
    if depth > MAX_DEPTH:
        yield json_path(path), _TOO_DEEP
        return
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        for index, part in enumerate(condition[key]):
            yield from _condition(part, [*path, key, index], scope, group, cyclic, depth + 1)
    elif "not" in condition:
        yield from _condition(condition["not"], [*path, "not"], scope, group, cyclic, depth + 1)
    elif "ref" in condition:
        name = condition["ref"]
        if name not in scope.named:
            yield json_path([*path, "ref"]), f"There is no named condition called '{name}'"
        elif name not in cyclic and _depth(scope.named[name], scope.named) + depth - 1 > MAX_DEPTH:
            # The named condition takes the place of the reference, at the reference's level.
            yield json_path(path), _TOO_DEEP
    else:
        yield from _comparison(condition, path, scope, group)


def _comparison(
    condition: dict[str, Any], path: Path, scope: _Scope, group: dict[str, Any] | None
) -> Problems:
    """Check a single comparison against the field it names."""
    name, op = condition["field"], condition["op"]
    field = scope.resolve(name, group)
    if field is None:
        inside = " in this group or at the top level of the form" if group is not None else ""
        yield json_path([*path, "field"]), f"There is no field called '{name}'{inside}"
        return
    kind = field_type(field)
    if not kind.answered:
        yield json_path([*path, "field"]), f"'{name}' is {kind.name}, which has no answer to test"
        return
    if op not in kind.ops:
        yield json_path([*path, "op"]), f"'{op}' cannot be used with '{name}', a {kind.name} field"
        return
    value = condition.get("value")
    where = json_path([*path, "value"])
    if op in ("before", "after"):
        if isinstance(value, dict):
            for reason in scope.same_type_problems(value["field"], field, group):
                yield json_path([*path, "value", "field"]), reason
        return
    if op in ("answered", "not_answered", "greater_than", "less_than"):
        return
    values: list[Any] = list(value or []) if op == "one_of" else [value]
    for each in values:
        problem = kind.condition_value_problem(field, op, each)
        if problem:
            yield where, problem


def _cycles(named: dict[str, Any]) -> Iterator[tuple[str, str, set[str]]]:
    """Find named conditions that refer to each other in a loop."""
    state: dict[str, int] = {}  # 1 while being visited, 2 when finished
    reported: set[frozenset[str]] = set()

    def visit(name: str, trail: list[str]) -> Iterator[tuple[str, str, set[str]]]:
        state[name] = 1
        for target in sorted(refs(named[name])):
            if target not in named:
                continue
            if state.get(target) == 1:
                loop = trail[trail.index(target):] + [target] if target in trail else [name, target]
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    where = json_path(["conditions", target])
                    reason = f"Named conditions refer to each other in a loop: {' -> '.join(loop)}"
                    yield where, reason, set(loop)
            elif target not in state:
                yield from visit(target, [*trail, target])
        state[name] = 2

    for name in named:
        if name not in state:
            yield from visit(name, [name])


def _depth(condition: Any, named: dict[str, Any], seen: frozenset[str] = frozenset()) -> int:
    """Return how deep a condition nests once named conditions are expanded."""
    if "ref" in condition:
        name = condition["ref"]
        if name in seen or name not in named:
            return 0
        return _depth(named[name], named, seen | {name})
    parts = condition.get("all") or condition.get("any") or []
    if "not" in condition:
        parts = [condition["not"]]
    return 1 + max((_depth(part, named, seen) for part in parts), default=0)
