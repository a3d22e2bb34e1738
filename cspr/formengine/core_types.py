"""Value patterns and value helpers shared by the schema, the server checks and field types."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

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
DATE_RULES: tuple[str, ...] = ("on_or_after", "on_or_before", "after", "before")
MAX_CONDITION_DEPTH = 10

PART_MAX_LENGTH = 200
# Patterns are used both in the derived JSON Schema and by the server (with re.search, as
# jsonschema does), so the two can never disagree. They avoid \d and \s, which mean more
# than ASCII in Python but not in every JSON Schema implementation.
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
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


def ascii_lower(text: str) -> str:
    """Lower-case only ASCII letters, which a JSON Schema pattern can express exactly."""
    return text.translate(_ASCII_LOWER)


def regex_literal(text: str) -> str:
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
    return regex_literal(needle)


def text_contains(haystack: str, needle: str) -> bool:
    """Say whether text contains other text, ignoring the case of ASCII letters."""
    return ascii_lower(needle) in ascii_lower(haystack)
