"""Field types, value patterns and value helpers shared by the schema and the server checks."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

FIELD_TYPES: tuple[str, ...] = (
    "short_text",
    "long_text",
    "integer",
    "decimal",
    "email",
    "uk_phone",
    "date",
    "yes_no",
    "radios",
    "checkboxes",
    "select",
    "person_name",
    "uk_address",
    "file",
    "repeating_group",
    "guidance",
    "declaration",
)
OPTION_TYPES = frozenset({"radios", "checkboxes", "select"})
STRING_TYPES = frozenset(
    {"short_text", "long_text", "email", "uk_phone", "date", "radios", "select"}
)
TEXT_TYPES = frozenset({"short_text", "long_text", "email", "uk_phone"})
NUMBER_TYPES = frozenset({"integer", "decimal"})

OPS: tuple[str, ...] = (
    "equals",
    "not_equals",
    "one_of",
    "contains",
    "greater_than",
    "less_than",
    "before",
    "after",
    "answered",
    "not_answered",
)
# Which field types each comparison makes sense for; anything else is a definition error.
OP_FIELD_TYPES: dict[str, frozenset[str]] = {
    "equals": frozenset(STRING_TYPES | NUMBER_TYPES | {"yes_no", "declaration"}),
    "not_equals": frozenset(STRING_TYPES | NUMBER_TYPES | {"yes_no", "declaration"}),
    "one_of": frozenset(STRING_TYPES | NUMBER_TYPES),
    "contains": frozenset(TEXT_TYPES | {"checkboxes"}),
    "greater_than": NUMBER_TYPES,
    "less_than": NUMBER_TYPES,
    "before": frozenset({"date"}),
    "after": frozenset({"date"}),
    "answered": frozenset(set(FIELD_TYPES) - {"guidance"}),
    "not_answered": frozenset(set(FIELD_TYPES) - {"guidance"}),
}
DATE_RULES: tuple[str, ...] = ("on_or_after", "on_or_before", "after", "before")
MAX_CONDITION_DEPTH = 10

NAME_PARTS: tuple[str, ...] = ("given_names", "family_name")
ADDRESS_PARTS: tuple[str, ...] = ("line1", "line2", "town", "county", "postcode")
ADDRESS_REQUIRED: tuple[str, ...] = ("line1", "town", "postcode")
FILE_PARTS: tuple[str, ...] = ("file_id", "filename", "size", "content_type")
PART_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
DEFAULT_MAX_SIZE_MB = 10
# Uploads are always type-checked; a form that does not say otherwise gets office documents
# and pictures, never executables or macro-enabled formats.
DEFAULT_ACCEPT: tuple[str, ...] = (".pdf", ".docx", ".odt", ".rtf", ".txt", ".jpg", ".jpeg", ".png")

# Patterns are used both in the derived JSON Schema and by the server (with re.search, as
# jsonschema does), so the two can never disagree. They avoid \d and \s, which mean more
# than ASCII in Python but not in every JSON Schema implementation.
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EMAIL_PATTERN = (
    "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    "(?:[.][A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
PHONE_PATTERN = "^(?:(?:[+]44|0044) ?(?:[(]0[)] ?)?|[(]?0)[1-9](?:[ ()-]*[0-9]){8,9}$"
POSTCODE_PATTERN = (
    "^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    "|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)
_REGEX_SPECIAL = set("\\^$.|?*+()[]{}/")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def matches(pattern: str, value: str) -> bool:
    """Say whether a value matches a pattern the way jsonschema's `pattern` keyword does."""
    return re.search(pattern, value) is not None


def is_blank(value: Any) -> bool:
    """Say whether a value counts as not answered."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    if isinstance(value, Mapping):
        return all(is_blank(part) for part in value.values())
    return False


def is_number(value: Any) -> bool:
    """Say whether a value is a JSON number (booleans are not numbers in JSON)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite_number(value: Any) -> bool:
    """Say whether a value is a JSON number that is neither infinite nor NaN."""
    return is_number(value) and math.isfinite(value)


def json_equal(one: Any, two: Any) -> bool:
    """Compare two JSON values the way JSON Schema's const and enum do."""
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return one.keys() == two.keys() and all(json_equal(one[k], two[k]) for k in one)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    return bool(one == two)


def parse_iso_date(value: Any) -> date | None:
    """Return the date a "YYYY-MM-DD" string holds, or None if it is not a real date."""
    if not isinstance(value, str) or not matches(DATE_PATTERN, value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def normalise_postcode(value: str) -> str:
    """Upper-case a postcode and put exactly one space before the inward code."""
    compact = "".join(value.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def ascii_lower(text: str) -> str:
    """Lower-case only ASCII letters, which a JSON Schema pattern can express exactly."""
    return text.translate(_ASCII_LOWER)


def _regex_literal(text: str) -> str:
    """Build a pattern matching text exactly, ignoring the case of ASCII letters."""
    out = []
    for char in text:
        if "a" <= char.lower() <= "z" and char.isascii():
            out.append(f"[{char.lower()}{char.upper()}]")
        elif char in _REGEX_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def contains_text_pattern(needle: str) -> str:
    """Return a pattern for "contains this text, ignoring case" usable in JSON Schema."""
    return _regex_literal(needle)


def text_contains(haystack: str, needle: str) -> bool:
    """Say whether text contains other text, ignoring the case of ASCII letters."""
    return ascii_lower(needle) in ascii_lower(haystack)


def accepted_extensions(field: Mapping[str, Any]) -> list[str]:
    """Return the file extensions a file field accepts."""
    return list(field.get("validation", {}).get("accept", DEFAULT_ACCEPT))


def accept_pattern(extensions: Sequence[str]) -> str:
    """Return a pattern matching file names ending in one of the extensions, any case."""
    return "(?:" + "|".join(_regex_literal(ext) for ext in extensions) + ")$"


def max_size_mb(field: Mapping[str, Any]) -> float:
    """Return the largest upload a file field accepts, in megabytes."""
    return float(field.get("validation", {}).get("max_size_mb", DEFAULT_MAX_SIZE_MB))


def max_size_bytes(field: Mapping[str, Any]) -> int:
    """Return the largest upload a file field accepts, in bytes."""
    return int(max_size_mb(field) * 1024 * 1024)
