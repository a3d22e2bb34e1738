"""Page-by-page journey helpers: which fields to show, the next page, and error links."""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr.formengine.condition_walk import fields_read
from cspr.formengine.conditions import visible_fields, visible_pages
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.pageforms import element_id
from cspr.formengine.validation import validate_submission

FieldDef = dict[str, Any]


def fields_to_render(
    definition: FormDefinition, page: dict[str, Any], answers: dict[str, Any]
) -> list[FieldDef]:
    """Return the page's shown fields plus those that answers on this same page may reveal."""
    shown = {f["name"] for f in visible_fields(definition, page, answers)}
    return [
        field
        for field in page["fields"]
        if field["name"] in shown or same_page_condition(field, definition, page)
    ]


def same_page_condition(field: FieldDef, definition: FormDefinition, page: dict[str, Any]) -> bool:
    """Say whether a field's visibility depends on an answer given on its own page."""
    depends = fields_read(field.get("show_if"), definition.conditions)
    return bool(depends & {f["name"] for f in page["fields"]})


def page_is_shown(definition: FormDefinition, page_id: str, answers: dict[str, Any]) -> bool:
    """Say whether a page is part of the journey, given the answers so far."""
    return any(p["id"] == page_id for p in visible_pages(definition, answers))


def next_page(definition: FormDefinition, page_id: str, answers: dict[str, Any]) -> str | None:
    """Return the id of the next shown page after this one, or None for the end."""
    order = [p["id"] for p in definition.pages]
    shown = {p["id"] for p in visible_pages(definition, answers)}
    later = order[order.index(page_id) + 1 :] if page_id in order else order
    return next((p for p in later if p in shown), None)


def first_page(definition: FormDefinition, answers: dict[str, Any]) -> str | None:
    """Return the first shown page."""
    pages = visible_pages(definition, answers)
    return pages[0]["id"] if pages else None


def resume_page(
    definition: FormDefinition, answers: dict[str, Any], today: date
) -> str | None:
    """Return the first shown page that still needs an answer, or None when none does."""
    _, errors = validate_submission(definition, answers, today)
    needing = {path.split(".")[0] for path in errors}
    for page in visible_pages(definition, answers):
        if any(field["name"] in needing for field in page["fields"]):
            return str(page["id"])
    return None


def error_links(definition: FormDefinition, errors: dict[str, str]) -> list[dict[str, str]]:
    """Turn field-path errors into error summary links to the inputs."""
    links = []
    for path, message in errors.items():
        top = path.split(".")[0]
        if top == "declaration" and not definition.has_field("declaration"):
            links.append({"text": message, "href": "#declaration"})
            continue
        href = element_id(definition.field(top), path) if definition.has_field(top) else top
        links.append({"text": message, "href": f"#{href}"})
    return links


def error_for(errors: dict[str, str], path: str) -> str | None:
    """Return the message for a field path or any part of it."""
    if path in errors:
        return errors[path]
    prefix = path + "."
    return next((m for p, m in errors.items() if p.startswith(prefix)), None)


def inline_refs(condition: Any, definition: FormDefinition, depth: int = 0) -> Any:
    """Replace named-condition references with their conditions, for the browser's copy."""
    if not isinstance(condition, dict) or depth > 10:
        return condition
    if "ref" in condition:
        return inline_refs(definition.conditions.get(condition["ref"]), definition, depth + 1)
    result = dict(condition)
    for key in ("all", "any"):
        if key in result:
            result[key] = [inline_refs(part, definition, depth + 1) for part in result[key]]
    if "not" in result:
        result["not"] = inline_refs(result["not"], definition, depth + 1)
    return result
