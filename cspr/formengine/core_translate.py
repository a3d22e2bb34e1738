"""Turn jsonschema's errors on submission data into one GOV.UK-style message per field path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError

from cspr.formengine import messages
from cspr.formengine.definitions import FormDefinition

Field = Mapping[str, Any]
# When several errors land on one path, the most basic one is shown: missing or wrong kind
# first, then wrong format or choice, then limits.
_PRIORITY = {"required": 0, "type": 0, "format": 1, "pattern": 1, "enum": 1, "const": 1}
_PARTED = ("person_name", "uk_address")


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
    if field["type"] == "repeating_group" and len(rest) >= 2:
        sub = next((s for s in field["fields"] if s["name"] == rest[1]), None)
        if sub is None:
            return Located(key, field, "item")
        field, key, rest = sub, f"{key}.{rest[0]}.{rest[1]}", rest[2:]
    elif field["type"] == "repeating_group" and rest:
        return Located(key, field, "item")
    if not rest:
        return Located(key, field)
    if field["type"] in _PARTED:
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
        return messages.required_message(field)
    if field.get("type") == "file":
        return messages.file_failed_message()
    return messages.part_required_message(field, str(where.part))


def _problem(where: Located, keyword: str, expected: Any) -> str:
    """Return the message for an answer that breaks a schema keyword."""
    field = where.field or {}
    kind, part = field.get("type"), where.part
    if kind == "file":
        return _file_problem(field, part, keyword)
    if kind == "repeating_group":
        if keyword == "minItems":
            return messages.group_min_message(field, int(expected))
        if keyword == "maxItems":
            return messages.group_max_message(field, int(expected))
        return messages.wrong_type_message(field)
    if kind in _PARTED and part is not None:
        if part == "postcode" and keyword == "pattern":
            return messages.postcode_message()
        if keyword == "maxLength":
            return messages.part_too_long_message(str(part), int(expected))
        return messages.part_required_message(field, str(part))
    if keyword in ("pattern", "format", "maxLength") and kind in ("email", "uk_phone"):
        return messages.email_message() if kind == "email" else messages.phone_message()
    if keyword == "maxLength":
        return messages.too_long_message(field, int(expected))
    if keyword == "minLength" and "min_length" in field.get("validation", {}):
        return messages.too_short_message(field, int(expected))
    if keyword in ("minimum", "maximum"):
        return messages.number_range_message(field)
    if kind == "date" and keyword in ("pattern", "format"):
        return messages.real_date_message(messages.error_name(field))
    if keyword == "type":
        return messages.wrong_type_message(field)
    return messages.required_message(field)


def _file_problem(field: Field, part: str | int | None, keyword: str) -> str:
    """Return the message for a problem with an uploaded file's details."""
    if part == "filename" and keyword == "pattern":
        return messages.file_type_message(field)
    if part == "size" and keyword == "maximum":
        return messages.file_size_message(field)
    if part == "size" and keyword == "minimum":
        return messages.file_empty_message()
    return messages.file_failed_message()
