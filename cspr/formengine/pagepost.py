"""Read one posted page of a form: its answers, plus "add another" and "remove" buttons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import abort, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage

from cspr.formengine import attachments, journey
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.pageforms import form_data, page_form_class, read_page

FieldDef = dict[str, Any]


def item_counts(fields: list[FieldDef], answers: dict[str, Any]) -> dict[str, int]:
    """Return how many items each repeating group shows: what is saved, at least its minimum."""
    return {
        f["name"]: max(len(answers.get(f["name"]) or []), int(f.get("min_items") or 0), 1)
        for f in fields
        if field_type(f).is_group
    }


def blank_form(fields: list[FieldDef], answers: dict[str, Any]) -> FlaskForm:
    """Return the page's form filled with saved answers, for showing."""
    data = {f["name"]: form_data(f, answers.get(f["name"])) for f in fields}
    return page_form_class(fields, item_counts(fields, answers))(formdata=None, data=data)


def read_posted(
    fields: list[FieldDef], answers: dict[str, Any], action: str
) -> tuple[FlaskForm, dict[str, Any], dict[str, str]]:
    """Read a posted page; an "add:" action shows one more item, "remove:" drops one."""
    counts = item_counts(fields, answers)
    group, _, index = action.partition(":")[2].partition(":")
    if action.startswith("add:") and group in counts:
        counts[group] += 1
    form = page_form_class(fields, counts)()
    if not form.validate():
        abort(400)
    values, errors = read_page(fields, form)
    if action.startswith("remove:") and isinstance(values.get(group), list) and index.isdigit():
        items = values[group]
        if int(index) < len(items):
            items.pop(int(index))
    return form, values, errors


def checked_uploads(
    fields: list[FieldDef], errors: dict[str, str]
) -> Iterator[tuple[FieldDef, FileStorage, bytes]]:
    """Yield each file chosen on the page that passes its checks; note the others' errors."""
    for field in fields:
        upload = request.files.get(field["name"]) if field_type(field).is_upload else None
        if upload is None or not upload.filename:
            continue  # nothing chosen: the file kept earlier stays
        content, error = attachments.check_upload(field, upload)
        if error:
            errors[field["name"]] = error
        else:
            assert content is not None
            yield field, upload, content


def page_context(
    definition: FormDefinition, page: dict[str, Any], fields: list[FieldDef],
    answers: dict[str, Any], errors: dict[str, str],
) -> dict[str, Any]:
    """Return what formengine/page.html needs besides the form itself."""
    return {
        "definition": definition,
        "page": page,
        "fields": fields,
        "errors": errors,
        "error_links": journey.error_links(definition, errors),
        "conditional": {
            f["name"]: json.dumps(journey.inline_refs(f.get("show_if"), definition))
            for f in fields
            if journey.same_page_condition(f, definition, page)
        },
        "earlier_answers": json.dumps(
            {k: v for k, v in answers.items() if k not in {f["name"] for f in page["fields"]}}
        ),
        "error_for": journey.error_for,
    }
