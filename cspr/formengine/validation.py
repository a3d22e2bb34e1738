"""Validate a submission: tidy it, drop hidden answers, check it and explain every problem."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from cspr.formengine import messages
from cspr.formengine.conditions import prune, required_now, shown
from cspr.formengine.core_clean import normalise_answers
from cspr.formengine.core_translate import translate
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.fieldtypes.base import RuleContext
from cspr.formengine.schema import submission_schema

Field = Mapping[str, Any]
SubmissionErrors = dict[str, str]
"""Messages by field path ("child_name", "children.0.date_of_birth", "address.postcode")."""

# Building a validator compiles the schema; do it once per loaded form version.
_VALIDATORS: weakref.WeakKeyDictionary[FormDefinition, Draft202012Validator] = (
    weakref.WeakKeyDictionary()
)


def submission_validator(definition: FormDefinition) -> Draft202012Validator:
    """Return a jsonschema validator (with format checks) for a form version's submissions."""
    validator = _VALIDATORS.get(definition)
    if validator is None:
        validator = Draft202012Validator(
            submission_schema(definition), format_checker=FormatChecker()
        )
        _VALIDATORS[definition] = validator
    return validator


def clean_answers(
    definition: FormDefinition, answers: Mapping[str, Any], today: date
) -> dict[str, Any]:
    """Return the answers tidied, without blank, unknown, guidance or hidden ones."""
    return prune(definition, normalise_answers(definition, answers), today)


def validate_submission(
    definition: FormDefinition, answers: Mapping[str, Any], today: date
) -> tuple[dict[str, Any], SubmissionErrors]:
    """Return (clean answers, errors): one message per field path, in the order of the form."""
    clean = clean_answers(definition, answers, today)
    errors = schema_errors(definition, clean)
    for key, message in rule_errors(definition, clean, today).items():
        errors.setdefault(key, message)
    return clean, _in_form_order(definition, errors)


def validate_page(
    definition: FormDefinition, page_id: str, answers: Mapping[str, Any], today: date
) -> SubmissionErrors:
    """Return the errors of one page's visible fields, for page-by-page journeys."""
    names = {field["name"] for field in definition.page(page_id)["fields"]}
    _, errors = validate_submission(definition, answers, today)
    return {key: message for key, message in errors.items() if key.split(".")[0] in names}


def schema_errors(definition: FormDefinition, clean: Mapping[str, Any]) -> SubmissionErrors:
    """Check clean answers against the derived JSON Schema, with readable messages."""
    return translate(definition, submission_validator(definition).iter_errors(clean))


def rule_errors(
    definition: FormDefinition, clean: Mapping[str, Any], today: date
) -> SubmissionErrors:
    """Check what the schema cannot fully say: requirements set by conditions, date limits."""
    errors: SubmissionErrors = {}
    for page in definition.pages:
        if not shown(page, clean, definition, today):
            continue
        for field in page["fields"]:
            if not field_type(field).answered or not shown(field, clean, definition, today):
                continue
            name = field["name"]
            _check(field, name, clean, None, None, definition, today, errors)
            items = clean.get(name)
            if not field_type(field).is_group or not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, Mapping):
                    continue
                for sub in field["fields"]:
                    if field_type(sub).answered and shown(
                        sub, clean, definition, today, item, field
                    ):
                        key = f"{name}.{index}.{sub['name']}"
                        _check(sub, key, clean, item, field, definition, today, errors)
    return errors


def _check(
    field: Field,
    key: str,
    clean: Mapping[str, Any],
    item: Mapping[str, Any] | None,
    group: Field | None,
    definition: FormDefinition,
    today: date,
    errors: SubmissionErrors,
) -> None:
    """Check one visible field's answer against the rules only the server applies."""
    holder = clean if item is None else item
    if field["name"] not in holder:
        if required_now(field, clean, definition, item, group, today):
            errors[key] = messages.required_message(field)
        return
    context = RuleContext(definition, clean, item, group, today)
    problem = field_type(field).rule_problem(field, holder[field["name"]], context)
    if problem:
        errors[key] = problem


def _in_form_order(definition: FormDefinition, errors: SubmissionErrors) -> SubmissionErrors:
    """Sort errors into the order the fields appear in, as the error summary lists them."""
    names = [field["name"] for field in definition.all_fields()]

    def position(key: str) -> tuple[int, ...]:
        parts = key.split(".")
        top = names.index(parts[0]) if parts[0] in names else len(names)
        order = [top]
        field = definition.field(parts[0]) if definition.has_field(parts[0]) else None
        if len(parts) >= 3 and parts[1].isdigit() and field is not None:
            subs = {sub["name"]: sub for sub in field.get("fields", [])}
            order += [int(parts[1]), list(subs).index(parts[2]) if parts[2] in subs else len(subs)]
            field, parts = subs.get(parts[2]), parts[2:]
        if len(parts) == 2 and field is not None:
            known = field_type(field).parts
            order.append(known.index(parts[1]) if parts[1] in known else len(known))
        return tuple(order)

    return {key: errors[key] for key in sorted(errors, key=position)}
