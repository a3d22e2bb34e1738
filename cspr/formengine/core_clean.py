"""Tidy raw answers: trim text, read simple strings as numbers, drop blanks and unknown keys."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cspr.formengine.core_types import (
    ADDRESS_PARTS,
    FILE_PARTS,
    NAME_PARTS,
    STRING_TYPES,
    is_blank,
    normalise_postcode,
)

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,15}")
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?")
_TRUE_WORDS = {"yes", "true"}
_FALSE_WORDS = {"no", "false"}
_TICKED_WORDS = {"y", "yes", "on", "true", "1"}


def normalise_answers(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers to the form's fields, tidied, with blank and unknown ones left out."""
    out: dict[str, Any] = {}
    for field in definition.all_fields():
        name = field["name"]
        if field["type"] == "guidance" or name not in answers:
            continue
        value = normalise_value(field, answers[name])
        if not is_blank(value):
            out[name] = value
    return out


def normalise_value(field: Mapping[str, Any], value: Any) -> Any:
    """Tidy one answer; values of the wrong kind are kept so that validation can report them."""
    kind = field["type"]
    if isinstance(value, str):
        # Browsers send CRLF line ends, which would count twice against a character limit.
        value = value.replace("\r\n", "\n").strip()
        if kind in STRING_TYPES:
            return value
    if kind == "integer":
        return _integer(value)
    if kind == "decimal":
        return _decimal(value)
    if kind == "yes_no" and isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else value
    if kind == "declaration":
        return _ticked(value)
    if kind == "checkboxes" and isinstance(value, list):
        choices = [item.strip() if isinstance(item, str) else item for item in value]
        return [item for item in choices if not is_blank(item)]
    if kind == "person_name":
        return _parts(value, NAME_PARTS)
    if kind == "uk_address":
        address = _parts(value, ADDRESS_PARTS)
        if isinstance(address, dict) and isinstance(address.get("postcode"), str):
            address["postcode"] = normalise_postcode(address["postcode"])
        return address
    if kind == "file" and isinstance(value, Mapping):
        return {key: value[key] for key in FILE_PARTS if key in value}
    if kind == "repeating_group" and isinstance(value, list):
        return [_item(field, item) for item in value]
    return value


def _integer(value: Any) -> Any:
    """Read a whole number written as text, or a float with nothing after the point."""
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value.strip() if isinstance(value, str) else value


def _decimal(value: Any) -> Any:
    """Read a number written as text."""
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL_TEXT.fullmatch(text):
            return float(text) if "." in text else int(text)
        return text
    return value


def _ticked(value: Any) -> Any:
    """Read a single checkbox: ticked is True, unticked counts as not answered."""
    if value is False:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in _TICKED_WORDS else (None if not text else value)
    return value


def _parts(value: Any, parts: tuple[str, ...]) -> Any:
    """Keep the known parts of a name or address, trimmed, leaving out blank ones."""
    if not isinstance(value, Mapping):
        return value
    out: dict[str, Any] = {}
    for part in parts:
        if part in value:
            text = value[part].strip() if isinstance(value[part], str) else value[part]
            if not is_blank(text):
                out[part] = text
    return out


def _item(group: Mapping[str, Any], item: Any) -> Any:
    """Tidy one item of a repeating group; items are kept even when empty, to keep positions."""
    if not isinstance(item, Mapping):
        return item
    out: dict[str, Any] = {}
    for sub in group["fields"]:
        name = sub["name"]
        if sub["type"] == "guidance" or name not in item:
            continue
        value = normalise_value(sub, item[name])
        if not is_blank(value):
            out[name] = value
    return out
