"""Build WTForms classes from a definition's page at run time, and read typed answers back."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.fields.core import Field as WTField

from cspr.formengine.fieldtypes import field_type

FieldDef = dict[str, Any]
Answers = dict[str, Any]


def page_form_class(fields: list[FieldDef], item_counts: dict[str, int]) -> type[FlaskForm]:
    """Make the FlaskForm class for the fields shown on one page."""
    attrs: dict[str, Any] = {}
    for field in fields:
        kind = field_type(field)
        bound = kind.form_field(field, item_counts.get(field["name"], 0)) if kind.posted else None
        if bound is not None:
            attrs[field["name"]] = bound
    return type("PageForm", (FlaskForm,), attrs)


def form_data(field: FieldDef, value: Any) -> Any:
    """Turn a stored answer into the data its WTForms field shows."""
    return None if value is None else field_type(field).form_data(field, value)


def read_page(fields: list[FieldDef], form: FlaskForm) -> tuple[Answers, dict[str, str]]:
    """Read every input field of a page into answers, with errors keyed by field path."""
    answers: Answers = {}
    errors: dict[str, str] = {}
    for field in fields:
        if not field_type(field).posted:
            continue
        bound: WTField = form[field["name"]]
        value, field_errors = field_type(field).read(field, bound.data)
        answers[field["name"]] = value
        for key, message in field_errors.items():
            errors[field["name"] + (f".{key}" if key else "")] = message
    return answers, errors


def element_id(definition_field: FieldDef, path: str) -> str:
    """Return the id of the input an error should link to (the day box for dates)."""
    prefix, *rest = path.split(".")
    return field_type(definition_field).element_id(definition_field, prefix, rest)
