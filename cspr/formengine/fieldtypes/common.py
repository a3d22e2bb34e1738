"""Pieces several field types share: builder setting readers and limit checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cspr.exceptions import Refused
from cspr.formengine.readers import NOT_WHOLE, TOO_LARGE, read_number

Field = Mapping[str, Any]


def whole_setting(
    data: Mapping[str, Any], key: str, label: str, low: int, high: int
) -> int | None:
    """Read an optional whole-number builder setting within limits."""
    number, problem = read_number(str(data.get(key) or ""), whole=True)
    if problem:
        raise Refused(f"{label} must be a whole number, like 10", key)
    if number is not None and not low <= number <= high:
        raise Refused(f"{label} must be between {low:,} and {high:,}", key)
    return None if number is None else int(number)


def number_setting(
    data: Mapping[str, Any], key: str, label: str, whole: bool
) -> int | float | None:
    """Read an optional number builder setting, such as a limit on a number question."""
    number, problem = read_number(str(data.get(key) or ""), whole=whole)
    if problem == TOO_LARGE:
        raise Refused(f"{label} must be a number smaller than a thousand million million", key)
    if problem == NOT_WHOLE:
        raise Refused(f"{label} must be a whole number for a whole-number question", key)
    if problem:
        raise Refused(f"{label} must be a number", key)
    return number


def in_order(
    values: Mapping[str, Any], low: str, high: str, low_label: str, high_label: str
) -> None:
    """Refuse a builder setting's lower limit above its upper one."""
    if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
        raise Refused(f"{low_label} must not be more than {high_label}", low)


def limits_in_order(field: Field, low: str, high: str) -> list[tuple[list[str | int], str]]:
    """Report a definition whose lower limit is above its upper one."""
    limits = field.get("validation", {})
    if low in limits and high in limits and limits[low] > limits[high]:
        return [(["validation", low], f"'{low}' cannot be more than '{high}'")]
    return []


def kept(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop settings left blank."""
    return {key: value for key, value in values.items() if value is not None}


def shown_limits(field: Field, *keys: str) -> dict[str, str]:
    """Return validation limits as the builder's text boxes show them."""
    limits = field.get("validation", {})
    return {key: "" if limits.get(key) is None else str(limits[key]) for key in keys}
