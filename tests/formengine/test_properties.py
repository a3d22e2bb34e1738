"""Property-based checks that the derived schema and the server validation agree."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from cspr.formengine.conditions import evaluate
from cspr.formengine.core_clean import normalise_answers
from cspr.formengine.definitions import FormDefinition, check_definition, load_definition
from cspr.formengine.schema import RULES_KEY, submission_schema, translate_condition
from cspr.formengine.validation import (
    clean_answers,
    rule_errors,
    schema_errors,
    validate_submission,
)

from .helpers import TODAY
from .strategies import definitions, submissions

# CSPR_FORM_EXAMPLES=5000 runs a longer search; the default keeps the suite quick.
FAST = settings(
    max_examples=int(os.environ.get("CSPR_FORM_EXAMPLES", "150")),
    deadline=None,
    database=None,  # keep runs repeatable and leave no .hypothesis folder behind
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def server_only_rules(schema: dict[str, Any]) -> bool:
    """Say whether a derived schema notes rules that only the server checks."""
    return RULES_KEY in json.dumps(schema)


@FAST
@given(definitions())
def test_generated_definitions_pass_and_give_valid_schemas(doc: dict[str, Any]) -> None:
    assert check_definition(doc) == []
    Draft202012Validator.check_schema(submission_schema(load_definition(doc)))


@FAST
@given(st.data())
def test_server_validation_and_schema_agree(data: st.DataObject) -> None:
    doc = data.draw(definitions(server_rules=data.draw(st.booleans())))
    definition = load_definition(doc)
    schema = submission_schema(definition)
    answers = data.draw(submissions(doc))
    clean, errors = validate_submission(definition, answers, TODAY)
    schema_accepts = Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(clean)
    if not errors:
        assert schema_accepts, "the server accepted data the schema refuses"
    if not server_only_rules(schema):
        assert schema_accepts == (not errors)
        # Stronger: every requirement the server applies is one the schema states too.
        from_schema = schema_errors(definition, clean)
        for key, message in rule_errors(definition, clean, TODAY).items():
            assert from_schema.get(key) == message
    assert all(isinstance(message, str) and message for message in errors.values())
    assert not any("is not valid" in message or "'" + "type'" in message
                   for message in errors.values())


@FAST
@given(st.data())
def test_translated_conditions_agree_with_evaluate(data: st.DataObject) -> None:
    doc = data.draw(definitions())
    definition = load_definition(doc)
    answers = normalise_answers(definition, data.draw(submissions(doc)))
    for condition, group in _all_conditions(definition):
        translated = translate_condition(condition, definition, group)
        if translated is None:
            continue
        scope, schema = translated
        checker = Draft202012Validator(schema)
        items = answers.get(group["name"]) if group else None
        if group is None:
            expected = evaluate(condition, answers, definition, today=TODAY)
            assert checker.is_valid(answers) == expected, condition
        elif isinstance(items, list):
            for item in (each for each in items if isinstance(each, dict)):
                expected = evaluate(condition, answers, definition, item, TODAY, group=group)
                instance = item if scope == "item" else answers
                assert checker.is_valid(instance) == expected, condition


@FAST
@given(st.data())
def test_cleaning_is_stable(data: st.DataObject) -> None:
    doc = data.draw(definitions())
    definition = load_definition(doc)
    clean = clean_answers(definition, data.draw(submissions(doc)), TODAY)
    assert clean_answers(definition, clean, TODAY) == clean


def _all_conditions(
    definition: FormDefinition,
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """List every condition in a definition with the repeating group it sits in, if any."""
    found: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
        (body, None) for body in definition.conditions.values()]
    for page in definition.pages:
        found += [(page["show_if"], None)] if "show_if" in page else []
        for field in page["fields"]:
            found += [(field[key], None) for key in ("show_if", "required_if") if key in field]
            for sub in field.get("fields", []):
                found += [(sub[key], field) for key in ("show_if", "required_if") if key in sub]
    return found
