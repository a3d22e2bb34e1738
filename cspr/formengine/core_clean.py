"""Tidy submitted answers before they are checked: trim text, read numbers and booleans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cspr.formengine.core_types import is_blank
from cspr.formengine.fieldtypes import field_type

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition


def normalise_answers(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers to the form's fields, tidied, with blank and unknown ones left out."""
    return tidy_answers(definition.all_fields(), answers)


def tidy_answers(fields: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Tidy the answers to some fields (a form's, or one group item's), dropping blank ones."""
    out: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        if not field_type(field).answered or name not in answers:
            continue
        value = normalise_value(field, answers[name])
        if not is_blank(value):
            out[name] = value
    return out


def normalise_value(field: Mapping[str, Any], value: Any) -> Any:
    """Tidy one answer; values of the wrong kind are kept so that validation can report them."""
    if isinstance(value, str):
        # Browsers send CRLF line ends, which would count twice against a character limit.
        value = value.replace("\r\n", "\n").strip()
    return field_type(field).normalise(field, value)
