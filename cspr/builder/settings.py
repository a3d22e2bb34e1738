"""Read a question's settings page into definition keys, with plain messages for bad values."""

from __future__ import annotations

from typing import Any

from cspr.builder.edits import Doc, Field
from cspr.exceptions import Refused
from cspr.formengine.core_types import DATE_RULES, FIELD_TYPES, NUMBER_TYPES, OPTION_TYPES

TEXT_TYPES = frozenset({"short_text", "long_text"})  # the types with length limits
ANSWERED = frozenset(FIELD_TYPES) - {"guidance"}


def shown_settings(field_type: str) -> set[str]:
    """Return the settings page inputs that apply to a type of question."""
    shown = {"label", "hint", "name"}
    if field_type in ANSWERED:
        shown |= {"required", "error_name"}
    if field_type == "guidance":
        shown.add("text")
    if field_type in TEXT_TYPES:
        shown |= {"min_length", "max_length"}
    if field_type in NUMBER_TYPES:
        shown |= {"min", "max"}
    if field_type == "date":
        shown |= {"not_in_future", "not_in_past", "on_or_after", "on_or_before"}
    if field_type == "file":
        shown |= {"max_size_mb", "accept"}
    if field_type == "repeating_group":
        shown |= {"min_items", "max_items", "item_label", "item_label_plural"}
    return shown


def _int(text: str, key: str, label: str, low: int, high: int) -> int | None:
    """Read an optional whole number within limits."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise Refused(f"{label} must be a whole number, like 10", key) from None
    if not low <= number <= high:
        raise Refused(f"{label} must be between {low:,} and {high:,}", key)
    return number


def _number(text: str, key: str, label: str, whole: bool) -> int | float | None:
    """Read an optional limit for a number question."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise Refused(f"{label} must be a number", key) from None
    if number != number or abs(number) >= 10**15:
        raise Refused(f"{label} must be a number smaller than a thousand million million", key)
    if whole:
        if not number.is_integer():
            raise Refused(f"{label} must be a whole number for a whole-number question", key)
        return int(number)
    return int(number) if number.is_integer() else number


def read(field: Field, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the settings page's values into the field's definition keys."""
    kind = field["type"]
    shown = shown_settings(kind)
    settings: dict[str, Any] = {
        "label": data.get("label", "").strip(),
        "hint": data.get("hint", "").strip(),
    }
    if "required" in shown:
        settings["required"] = bool(data.get("required"))
        settings["error_name"] = data.get("error_name", "").strip()
    if "text" in shown:
        settings["text"] = data.get("text", "").strip()
        if not settings["text"]:
            raise Refused("Enter the guidance text", "text")
    validation = dict(field.get("validation", {}))
    if kind in TEXT_TYPES:
        validation["min_length"] = _int(data.get("min_length", ""), "min_length",
                                        "Fewest characters", 0, 100000)
        validation["max_length"] = _int(data.get("max_length", ""), "max_length",
                                        "Most characters", 1, 100000)
        _order(validation, "min_length", "max_length", "Fewest characters", "most characters")
    if kind in NUMBER_TYPES:
        whole = kind == "integer"
        validation["min"] = _number(data.get("min", ""), "min", "Smallest allowed", whole)
        validation["max"] = _number(data.get("max", ""), "max", "Largest allowed", whole)
        _order(validation, "min", "max", "Smallest allowed", "largest allowed")
    if kind == "date":
        validation["not_in_future"] = True if data.get("not_in_future") else None
        validation["not_in_past"] = True if data.get("not_in_past") else None
        if validation["not_in_future"] and validation["not_in_past"]:
            raise Refused("A date cannot be both not in the future and not in the past",
                          "not_in_past")
        for key in ("on_or_after", "on_or_before"):
            validation[key] = data.get(key) or None
    if kind == "file":
        size = _number(data.get("max_size_mb", ""), "max_size_mb", "Largest file", False)
        if size is not None and not 0 < size <= 100:
            raise Refused("Largest file must be more than 0 and no more than 100 MB", "max_size_mb")
        validation["max_size_mb"] = size
        validation["accept"] = _extensions(data.get("accept", ""))
    settings["validation"] = {k: v for k, v in validation.items() if v is not None}
    if kind == "repeating_group":
        settings["min_items"] = _int(data.get("min_items", ""), "min_items", "Fewest items",
                                     0, 1000)
        settings["max_items"] = _int(data.get("max_items", ""), "max_items", "Most items", 1, 1000)
        if settings["min_items"] is not None and settings["max_items"] is not None and \
                settings["min_items"] > settings["max_items"]:
            raise Refused("Fewest items must not be more than most items", "min_items")
        settings["item_label"] = data.get("item_label", "").strip()
        settings["item_label_plural"] = data.get("item_label_plural", "").strip()
    if kind in OPTION_TYPES:
        settings.pop("validation")
    return settings


def _order(values: dict[str, Any], low: str, high: str, low_label: str, high_label: str) -> None:
    """Refuse a lower limit above the upper one."""
    if values.get(low) is not None and values.get(high) is not None and values[low] > values[high]:
        raise Refused(f"{low_label} must not be more than {high_label}", low)


def _extensions(text: str) -> list[str] | None:
    """Read a comma-separated list of file extensions."""
    items = [part.strip().lower() for part in (text or "").replace(";", ",").split(",")]
    items = [item if item.startswith(".") else f".{item}" for item in items if item]
    if not items:
        return None
    for item in items:
        if not (2 <= len(item) <= 11 and item[1:].isalnum() and item[1:].isascii()):
            raise Refused(f"'{item}' is not a file extension: write them like .pdf, .docx",
                          "accept")
    return list(dict.fromkeys(items))


def date_rule_choices(doc: Doc, path: str) -> list[tuple[str, str]]:
    """Offer the other date questions a date may be compared with."""
    group = path.split(".")[0] if "." in path else None
    choices = [("", "No rule")]
    for page in doc["pages"]:
        for field in page["fields"]:
            holder = field.get("fields", []) if group and field["name"] == group else [field]
            for item in holder:
                name = item["name"]
                if item["type"] == "date" and name != path.split(".")[-1]:
                    choices.append((name, item["label"]))
    return choices


def initial(field: Field) -> dict[str, Any]:
    """Return the settings page's starting values from a field."""
    validation = field.get("validation", {})
    data: dict[str, Any] = {
        key: field.get(key, "")
        for key in ("label", "hint", "name", "error_name", "text", "item_label",
                    "item_label_plural")
    }
    data["required"] = bool(field.get("required"))
    for key in ("min_items", "max_items"):
        data[key] = "" if field.get(key) is None else str(field[key])
    for key in ("min_length", "max_length", "min", "max", "max_size_mb"):
        data[key] = "" if validation.get(key) is None else str(validation[key])
    for key in ("not_in_future", "not_in_past"):
        data[key] = bool(validation.get(key))
    for key in DATE_RULES[:2]:
        data[key] = validation.get(key, "")
    data["accept"] = ", ".join(validation.get("accept", []))
    return data

