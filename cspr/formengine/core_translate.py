"""Turn jsonschema's errors on submission data into one GOV.UK-style message per field path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError

from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type

Field = Mapping[str, Any]
# When several errors land on one path, the most basic one is shown: missing or wrong kind
# first, then wrong format or choice, then limits.
_PRIORITY = {"required": 0, "type": 0, "format": 1, "pattern": 1, "enum": 1, "const": 1}


class Located:
    """Where an error is: the path shown to the user, the field, and any part of its value."""

    def __init__(self, key: str, field: Field | None, part: str | int | None = None) -> None:
        """Remember the location."""
        self.key, self.field, self.part = key, field, part


def locate(definition: FormDefinition, path: list[str | int]) -> Located | None:
    """Find the field (and part) an instance path inside submission data points to."""
    if not path or not isinstance(path[0], str) or not definition.has_field(path[0]):
        return None
    field: Field = definition.field(path[0])
    key, rest = path[0], path[1:]
    if field_type(field).is_group and len(rest) >= 2:
        sub = next((s for s in field["fields"] if s["name"] == rest[1]), None)
        if sub is None:
            return Located(key, field, "item")
        field, key, rest = sub, f"{key}.{rest[0]}.{rest[1]}", rest[2:]
    elif field_type(field).is_group and rest:
        return Located(key, field, "item")
    if not rest:
        return Located(key, field)
    if field_type(field).parts:
        return Located(f"{key}.{rest[0]}", field, rest[0])
    # Errors inside a file's details or a checkbox list are about the field as a whole.
    return Located(key, field, rest[0])


def translate(
    definition: FormDefinition, errors: Iterator[ValidationError]
) -> dict[str, str]:
    """Return one message per field path for jsonschema's errors, most basic error first."""
    best: dict[str, tuple[int, str]] = {}
    for error in errors:
        for key, priority, message in _messages(definition, error):
            if key not in best or priority < best[key][0]:
                best[key] = (priority, message)
    return {key: message for key, (_, message) in best.items()}


def _messages(
    definition: FormDefinition, error: ValidationError
) -> Iterator[tuple[str, int, str]]:
    """Yield (path, priority, message) for one jsonschema error."""
    path = list(error.absolute_path)
    keyword = str(error.validator)
    priority = _PRIORITY.get(keyword, 2)
    if keyword == "required":
        present = error.instance if isinstance(error.instance, Mapping) else {}
        for name in error.validator_value:
            if name not in present:
                where = locate(definition, [*path, name])
                if where is not None and where.field is not None:
                    yield where.key, priority, _missing(where)
        return
    where = locate(definition, path)
    if where is None or where.field is None:
        # Cleaned answers only hold the form's own fields, so this means a bug, not bad input.
        yield (".".join(str(p) for p in path) or "form"), priority, "Check this answer"
        return
    yield where.key, priority, _problem(where, keyword, error.validator_value)


def _missing(where: Located) -> str:
    """Return the message for a missing answer or part of one."""
    field = where.field or {}
    if where.part is None:
        return field_type(field).required_message(field)
    return field_type(field).missing_part_message(field, str(where.part))


def _problem(where: Located, keyword: str, expected: Any) -> str:
    """Return the message for an answer that breaks a schema keyword."""
    field = where.field or {}
    part = None if where.part is None else str(where.part)
    return field_type(field).problem_message(field, part, keyword, expected)
