"""Turn stored answers into readable rows for "Check your answers" and submission pages."""

from __future__ import annotations

from typing import Any

from cspr.formengine.conditions import visible_fields
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type

FieldDef = dict[str, Any]


def display(field: FieldDef, value: Any) -> str:
    """Write one answer as plain text (templates escape it)."""
    if value is None or value == "" or value == []:
        return "Not answered"
    return field_type(field).display(field, value)


def rows(
    definition: FormDefinition, answers: dict[str, Any], pages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return one row per shown question of the given pages, with group items expanded."""
    result: list[dict[str, Any]] = []
    for page in pages:
        for field in visible_fields(definition, page, answers):
            kind = field_type(field)
            if not kind.answered:
                continue
            value = answers.get(field["name"])
            row = {
                "page": page,
                "field": field,
                "label": field["label"],
                "text": display(field, value),
            }
            if kind.is_group and value:
                row["group_items"] = [
                    [
                        {"label": sub["label"], "text": display(sub, item.get(sub["name"]))}
                        for sub in field.get("fields", [])
                        if field_type(sub).answered
                    ]
                    for item in value
                ]
            if kind.is_upload and value:
                row["file_id"] = value.get("file_id")
            result.append(row)
    return result
