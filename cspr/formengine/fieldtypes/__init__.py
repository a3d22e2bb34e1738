"""The registry of field types: the one place that maps a type's name to its class.

The engine, the builder, exports, documents and the API ask the registry about a field
("may it be asked in a group?", "how is it shown?") and never test a type's name. Adding a
type is one module holding a FieldType subclass, one template holding its macro, and a call
to `register` (see "Adding a field type" in the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cspr.formengine.fieldtypes import (
    booleans,
    choices,
    dates,
    group,
    guidance,
    managed_choice,
    nhs_number,
    numbers,
    parts,
    text,
    time_of_day,
    upload,
)
from cspr.formengine.fieldtypes.base import FieldType

__all__ = [
    "DEFAULT_TYPE", "INTRODUCTION_TYPE", "FieldType", "field_type", "known", "names", "op_types",
    "register", "registered", "unregister",
]

DEFAULT_TYPE = "short_text"  # what a new question, or a new group's first question, starts as
INTRODUCTION_TYPE = "guidance"  # what the builder's new form starts with
_REGISTRY: dict[str, FieldType] = {}
# The order the builder offers the shipped types in, and the meta-schema lists them in.
_SHIPPED = (
    text.TYPES[:2], numbers.TYPES, text.TYPES[2:], dates.TYPES, booleans.TYPES[:1],
    choices.TYPES, parts.TYPES, upload.TYPES, group.TYPES, guidance.TYPES, booleans.TYPES[1:],
    time_of_day.TYPES, nhs_number.TYPES, managed_choice.TYPES,
)


def register(kind: FieldType) -> FieldType:
    """Add a field type (or replace one of the same name); return it."""
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a field type (tests that add a type take it away again)."""
    _REGISTRY.pop(name, None)


def registered() -> list[FieldType]:
    """Return every field type, in the order the builder offers them."""
    return list(_REGISTRY.values())


def names() -> tuple[str, ...]:
    """Return the name of every field type."""
    return tuple(_REGISTRY)


def field_type(field: Mapping[str, Any] | str) -> FieldType:
    """Return the type of a field (or the type of that name); KeyError when there is none."""
    name = field if isinstance(field, str) else field.get("type")
    found = _REGISTRY.get(name) if isinstance(name, str) else None
    if found is None:
        raise KeyError(f"there is no field type called {name!r}")
    return found


def known(field: Mapping[str, Any]) -> bool:
    """Say whether a field has a registered type (definitions not yet checked may not)."""
    return isinstance(field.get("type"), str) and field["type"] in _REGISTRY


def op_types(op: str) -> frozenset[str]:
    """Return the names of the types a condition comparison can test."""
    return frozenset(kind.name for kind in _REGISTRY.values() if op in kind.ops)


for _family in _SHIPPED:
    for _kind in _family:
        register(_kind)
