"""Edits to a choice question's options: add, change, reorder, remove, chosen on its own."""

from __future__ import annotations

from typing import Any

from cspr.builder.edits import (
    Doc,
    Field,
    clean_text,
    find_field,
    move_item,
    set_or_drop,
    slug,
    unique,
)
from cspr.exceptions import Refused
from cspr.formengine.fieldtypes import field_type


def add_option(
    doc: Doc, path: str, label: str, value: str, hint: str, exclusive: bool = False
) -> None:
    """Add an option to a radios, checkboxes or select question."""
    field = _option_field(doc, path)
    taken = {option["value"] for option in field["options"]}
    value = clean_text(value) or unique(slug(label, "_", "option"), taken)
    if value in taken:
        raise Refused(f"Another option already has the value '{value}'", "value")
    option = {"value": value, "label": clean_text(label)}
    field["options"].append(option)
    _option_details(field, option, hint, exclusive)


def edit_option(
    doc: Doc, path: str, index: int, label: str, hint: str, exclusive: bool = False
) -> None:
    """Change an option's label and hint (its stored value stays, so answers keep meaning)."""
    option = _option(doc, path, index)
    option["label"] = clean_text(label)
    _option_details(_option_field(doc, path), option, hint, exclusive)


def _option_details(field: Field, option: dict[str, Any], hint: str, exclusive: bool) -> None:
    """Set an option's hint, and whether it is chosen on its own (then no other option is)."""
    set_or_drop(option, "hint", clean_text(hint))
    if exclusive and not field_type(field).exclusive_options:
        raise Refused("Only a checkboxes question can have an option chosen on its own",
                      "exclusive")
    if exclusive:
        for other in field["options"]:
            other.pop("exclusive", None)
    set_or_drop(option, "exclusive", True if exclusive else None)


def move_option(doc: Doc, path: str, index: int, step: int) -> None:
    """Move an option one place up or down."""
    field = _option_field(doc, path)
    _option(doc, path, index)
    move_item(field["options"], index, step)


def remove_option(doc: Doc, path: str, index: int) -> None:
    """Remove an option, keeping at least one."""
    field = _option_field(doc, path)
    _option(doc, path, index)
    if len(field["options"]) == 1:
        raise Refused("A question with choices needs at least one option.")
    del field["options"][index]


def _option_field(doc: Doc, path: str) -> Field:
    """Return a field that has options, or refuse."""
    field = find_field(doc, path)[2]
    if not field_type(field).has_options:
        raise Refused("Only radios, checkboxes and select questions have options.")
    return field


def _option(doc: Doc, path: str, index: int) -> dict[str, Any]:
    """Return one option of a field, or refuse if it has gone."""
    options = _option_field(doc, path)["options"]
    if not 0 <= index < len(options):
        raise Refused("That option is no longer in the question. Someone may have removed it.")
    option: dict[str, Any] = options[index]
    return option
