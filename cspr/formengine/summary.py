"""Turn stored answers into readable rows for "Check your answers" and submission pages."""

from __future__ import annotations

from typing import Any

from cspr.formengine import messages
from cspr.formengine.conditions import visible_fields
from cspr.formengine.core_types import ADDRESS_PARTS, parse_iso_date
from cspr.formengine.definitions import FormDefinition

FieldDef = dict[str, Any]


def display(field: FieldDef, value: Any) -> str:
    """Write one answer as plain text (templates escape it)."""
    if value is None or value == "" or value == []:
        return "Not answered"
    kind = field["type"]
    labels = {str(o["value"]): o["label"] for o in field.get("options", [])}
    if kind == "date":
        parsed = parse_iso_date(value)
        return messages.format_date(parsed) if parsed else str(value)
    if kind == "yes_no":
        return "Yes" if value is True else "No"
    if kind in {"radios", "select"}:
        return str(labels.get(str(value), value))
    if kind == "checkboxes":
        return "\n".join(str(labels.get(str(v), v)) for v in value)
    if kind == "person_name":
        return " ".join(str(value.get(p, "")) for p in ("given_names", "family_name")).strip()
    if kind == "uk_address":
        return "\n".join(str(value[p]) for p in ADDRESS_PARTS if value.get(p))
    if kind == "file":
        return (
            f"{value.get('filename', 'file')} ({round(int(value.get('size', 0)) / 1024) or 1} KB)"
        )
    if kind == "declaration":
        return "Confirmed"
    if kind == "repeating_group":
        return f"{len(value)} {messages.item_label(field, len(value))}"
    return str(value)


def rows(
    definition: FormDefinition, answers: dict[str, Any], pages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return one row per shown question of the given pages, with group items expanded."""
    result: list[dict[str, Any]] = []
    for page in pages:
        for field in visible_fields(definition, page, answers):
            if field["type"] == "guidance":
                continue
            value = answers.get(field["name"])
            row = {
                "page": page,
                "field": field,
                "label": field["label"],
                "text": display(field, value),
            }
            if field["type"] == "repeating_group" and value:
                row["group_items"] = [
                    [
                        {"label": sub["label"], "text": display(sub, item.get(sub["name"]))}
                        for sub in field.get("fields", [])
                        if sub["type"] != "guidance"
                    ]
                    for item in value
                ]
            if field["type"] == "file" and value:
                row["file_id"] = value.get("file_id")
            result.append(row)
    return result
