"""Build WTForms classes from a definition's page at run time, and read typed answers back."""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FileField,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import Field as WTField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.core_types import ADDRESS_PARTS, NAME_PARTS

FieldDef = dict[str, Any]
Answers = dict[str, Any]
NO_INPUT_TYPES = {"guidance"}
YES_NO = [("yes", "Yes"), ("no", "No")]
_NUMBER_NOISE = re.compile(r"[\s,]")
LARGEST_NUMBER = Decimal(10) ** 15


class DateParts(Form):
    """The day, month and year boxes of a GOV.UK date input."""

    day = StringField("Day")
    month = StringField("Month")
    year = StringField("Year")


def _parts_form(parts: tuple[str, ...]) -> type[Form]:
    """Make a sub-form with one text box per part (a name or an address)."""
    return type("Parts", (Form,), {part: StringField(part) for part in parts})


NameParts = _parts_form(NAME_PARTS)
AddressParts = _parts_form(ADDRESS_PARTS)


def _options(field: FieldDef) -> list[tuple[str, str]]:
    """Return a field's options as WTForms choices."""
    return [(str(o["value"]), str(o["label"])) for o in field.get("options", [])]


def unbound_field(field: FieldDef, item_count: int = 0) -> UnboundField | None:
    """Return the WTForms field for one definition field (None for guidance)."""
    kind = field["type"]
    label = field.get("label", "")
    if kind in NO_INPUT_TYPES:
        return None
    if kind == "long_text":
        return TextAreaField(label)
    if kind == "date":
        return FormField(DateParts, label)
    if kind == "person_name":
        return FormField(NameParts, label)
    if kind == "uk_address":
        return FormField(AddressParts, label)
    if kind == "yes_no":
        return RadioField(label, choices=YES_NO, validate_choice=False)
    if kind == "radios":
        return RadioField(label, choices=_options(field), validate_choice=False)
    if kind == "select":
        return SelectField(
            label, choices=[("", "Choose one"), *_options(field)], validate_choice=False
        )
    if kind == "checkboxes":
        return SelectMultipleField(label, choices=_options(field), validate_choice=False)
    if kind == "declaration":
        return BooleanField(label)
    if kind == "file":
        return FileField(label)
    if kind == "repeating_group":
        return FieldList(FormField(item_form(field)), label, min_entries=item_count)
    return StringField(label)


def item_form(group: FieldDef) -> type[Form]:
    """Make the sub-form of one repeating-group item."""
    attrs = {}
    for sub in group.get("fields", []):
        bound = unbound_field(sub)
        if bound is not None:
            attrs[sub["name"]] = bound
    return type(f"Item_{group['name']}", (Form,), attrs)


def page_form_class(fields: list[FieldDef], item_counts: dict[str, int]) -> type[FlaskForm]:
    """Make the FlaskForm class for the fields shown on one page."""
    attrs: dict[str, Any] = {}
    for field in fields:
        bound = unbound_field(field, item_counts.get(field["name"], 0))
        if bound is not None:
            attrs[field["name"]] = bound
    return type("PageForm", (FlaskForm,), attrs)


# --- Answers -> form data (to show saved answers) -----------------------------------------


def form_data(field: FieldDef, value: Any) -> Any:
    """Turn a stored answer into the data its WTForms field shows."""
    kind = field["type"]
    if value is None:
        return None
    if kind == "date":
        try:
            year, month, day = str(value).split("-")
            return {"day": str(int(day)), "month": str(int(month)), "year": year}
        except ValueError:
            return None
    if kind == "yes_no":
        return "yes" if value is True else "no" if value is False else None
    if kind in {"integer", "decimal"}:
        return str(value)
    if kind == "repeating_group":
        subs = {s["name"]: s for s in field.get("fields", [])}
        return [
            {name: form_data(subs[name], v) for name, v in item.items() if name in subs}
            for item in value
            if isinstance(item, dict)
        ]
    return value


# --- Form data -> answers, with errors for input that cannot be read ----------------------


def _text(value: Any) -> str:
    """Return a trimmed string for any raw input."""
    return value.strip() if isinstance(value, str) else ""


def read_date(field: FieldDef, parts: dict[str, Any]) -> tuple[str | None, str | None]:
    """Read a GOV.UK day/month/year input; return (ISO date, error)."""
    day, month, year = (_text(parts.get(k)) for k in ("day", "month", "year"))
    name = messages.error_name(field)
    if not (day or month or year):
        return None, None
    missing = [k for k, v in (("day", day), ("month", month), ("year", year)) if not v]
    if missing:
        return None, messages.date_parts_message(name, missing)
    if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
        return None, messages.real_date_message(name)
    d, m, y = int(day), int(month), int(year)
    if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1] and y >= 1000):
        return None, messages.real_date_message(name)
    return date(y, m, d).isoformat(), None


def read_number(field: FieldDef, raw: Any) -> tuple[Any, str | None]:
    """Read a whole or decimal number typed with optional commas or spaces."""
    text = _NUMBER_NOISE.sub("", _text(raw))
    if not text:
        return None, None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, messages.wrong_type_message(field)
    # Far beyond any real count or measure; 1E400 would otherwise become infinity.
    if not number.is_finite() or abs(number) > LARGEST_NUMBER:
        return None, messages.wrong_type_message(field)
    if field["type"] == "integer":
        if number != number.to_integral_value():
            return None, messages.wrong_type_message(field)
        return int(number), None
    return float(number), None


def read_value(field: FieldDef, raw: Any) -> tuple[Any, dict[str, str]]:
    """Read one field's raw form data into its answer; errors are keyed by sub-path."""
    kind = field["type"]
    if kind == "date":
        value, error = read_date(field, raw or {})
        return value, ({"": error} if error else {})
    if kind in {"integer", "decimal"}:
        value, error = read_number(field, raw)
        return value, ({"": error} if error else {})
    if kind == "yes_no":
        return {"yes": True, "no": False}.get(_text(raw)), {}
    if kind == "checkboxes":
        return [v for v in (raw or []) if isinstance(v, str) and v] or None, {}
    if kind in {"person_name", "uk_address"}:
        parts = {k: _text(v) for k, v in (raw or {}).items() if _text(v)}
        return parts or None, {}
    if kind == "declaration":
        return (True if raw else None), {}
    if kind == "repeating_group":
        return read_group(field, raw or [])
    return (_text(raw) or None), {}


def read_group(group: FieldDef, items: list[Any]) -> tuple[Any, dict[str, str]]:
    """Read the items of a repeating group, skipping items left wholly blank."""
    subs = [s for s in group.get("fields", []) if s["type"] not in NO_INPUT_TYPES]
    values: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for item in items:
        answer: dict[str, Any] = {}
        item_errors: dict[str, str] = {}
        for sub in subs:
            value, sub_errors = read_value(sub, (item or {}).get(sub["name"]))
            if value is not None:
                answer[sub["name"]] = value
            for key, message in sub_errors.items():
                item_errors[sub["name"] + (f".{key}" if key else "")] = message
        if answer or item_errors:
            index = len(values)
            values.append(answer)
            errors.update({f"{index}.{k}": m for k, m in item_errors.items()})
    return values or None, errors


def read_page(fields: list[FieldDef], form: FlaskForm) -> tuple[Answers, dict[str, str]]:
    """Read every input field of a page into answers, with errors keyed by field path."""
    answers: Answers = {}
    errors: dict[str, str] = {}
    for field in fields:
        if field["type"] in NO_INPUT_TYPES or field["type"] == "file":
            continue
        bound: WTField = form[field["name"]]
        value, field_errors = read_value(field, bound.data)
        answers[field["name"]] = value
        for key, message in field_errors.items():
            errors[field["name"] + (f".{key}" if key else "")] = message
    return answers, errors


# --- Error paths -> element ids, for the error summary ------------------------------------


def element_id(definition_field: FieldDef, path: str) -> str:
    """Return the id of the input an error should link to (the day box for dates)."""
    parts = path.split(".")
    field = definition_field
    prefix = parts[0]
    rest = parts[1:]
    if field["type"] == "repeating_group" and rest:
        index = rest[0]
        subs = {s["name"]: s for s in field.get("fields", [])}
        if len(rest) > 1 and rest[1] in subs:
            return element_id(subs[rest[1]], ".".join(rest[1:])).replace(
                rest[1], f"{prefix}-{index}-{rest[1]}", 1
            )
        return f"{prefix}-{index}"
    if field["type"] == "date":
        return f"{prefix}-day"
    if field["type"] in {"person_name", "uk_address"}:
        part = rest[0] if rest else ("given_names" if field["type"] == "person_name" else "line1")
        return f"{prefix}-{part}"
    return prefix
