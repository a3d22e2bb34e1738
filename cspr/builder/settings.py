"""Read a question's settings page into definition keys, with plain messages for bad values."""

from __future__ import annotations

from typing import Any

from cspr.builder.edits import Doc, Field
from cspr.formengine.fieldtypes import field_type, registered

COMMON = ("label", "hint", "name", "error_name", "text", "item_label", "item_label_plural")


def shown_settings(kind_name: str) -> set[str]:
    """Return the settings page inputs that apply to a type of question."""
    kind = field_type(kind_name)
    shown = {"label", "hint", "name"} | set(kind.settings)
    if kind.answered:
        shown |= {"required", "error_name"}
    return shown


def read(field: Field, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the settings page's values into the field's definition keys."""
    kind = field_type(field)
    settings: dict[str, Any] = {
        "label": data.get("label", "").strip(),
        "hint": data.get("hint", "").strip(),
    }
    if kind.answered:
        settings["required"] = bool(data.get("required"))
        settings["error_name"] = data.get("error_name", "").strip()
    settings.update(kind.read_settings(field, data))
    return settings


def date_rule_choices(doc: Doc, path: str) -> list[tuple[str, str]]:
    """Offer the other questions of the same type that a rule may compare this one with."""
    group = path.split(".")[0] if "." in path else None
    own_name = path.split(".")[-1]
    own_type = _find(doc, path)
    choices = [("", "No rule")]
    for page in doc["pages"]:
        for field in page["fields"]:
            holder = field.get("fields", []) if group and field["name"] == group else [field]
            for item in holder:
                if item["type"] == own_type and item["name"] != own_name:
                    choices.append((item["name"], item["label"]))
    return choices


def _find(doc: Doc, path: str) -> str | None:
    """Return the type of the question at a path."""
    group_name, _, sub_name = path.partition(".")
    for page in doc["pages"]:
        for field in page["fields"]:
            if field["name"] == group_name:
                if not sub_name:
                    return str(field["type"])
                return next((str(s["type"]) for s in field.get("fields", [])
                             if s["name"] == sub_name), None)
    return None


def initial(field: Field) -> dict[str, Any]:
    """Return the settings page's starting values from a field."""
    # Inputs of other types stay on the page's form unseen: give them empty, valid values.
    data: dict[str, Any] = {key: "" for kind in registered() for key in kind.settings}
    data.update({key: field.get(key, "") for key in COMMON})
    data["required"] = bool(field.get("required"))
    data.update(field_type(field).initial_settings(field))
    return data
