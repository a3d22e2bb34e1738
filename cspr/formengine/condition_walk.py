"""The one condition walker: the comparisons inside a condition and the fields they read.

The engine, the definition checks, the builder, the flow map and the diff all ask it, so
they can never disagree about which answers a condition depends on. It accepts conditions
of any shape (the builder and the diff read definitions that may not be valid yet).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

MAX_WALK_DEPTH = 20  # beyond the checked limit, so a bad definition is walked far enough


def comparisons(
    condition: Any, named: Mapping[str, Any] | None = None, depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> Iterator[dict[str, Any]]:
    """Yield each comparison node, following named conditions when they are given."""
    if not isinstance(condition, dict) or depth > MAX_WALK_DEPTH:
        return
    ref = condition.get("ref")
    if isinstance(ref, str):
        if named is not None and ref not in seen and isinstance(named.get(ref), dict):
            yield from comparisons(named[ref], named, depth + 1, seen | {ref})
        return
    for key in ("all", "any"):
        parts = condition.get(key)
        for part in parts if isinstance(parts, list) else []:
            yield from comparisons(part, named, depth + 1, seen)
    if "not" in condition:
        yield from comparisons(condition["not"], named, depth + 1, seen)
    if "field" in condition:
        yield condition


def fields_read(condition: Any, named: Mapping[str, Any] | None = None) -> set[str]:
    """Return the names of the fields a condition reads, including a date it compares with."""
    names: set[str] = set()
    for node in comparisons(condition, named):
        if isinstance(node.get("field"), str):
            names.add(node["field"])
        other = node.get("value")
        if isinstance(other, dict) and isinstance(other.get("field"), str):
            names.add(other["field"])
    return names


def refs(condition: Any) -> set[str]:
    """Return the named conditions a condition refers to directly."""
    found: set[str] = set()
    stack = [(condition, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict) or depth > MAX_WALK_DEPTH:
            continue
        if isinstance(node.get("ref"), str):
            found.add(node["ref"])
            continue
        for key in ("all", "any"):
            parts = node.get(key)
            stack.extend((part, depth + 1) for part in (parts if isinstance(parts, list) else []))
        if "not" in node:
            stack.append((node["not"], depth + 1))
    return found
