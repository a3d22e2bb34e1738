"""The derived submission schema, and the round trip definition -> schema -> validated data."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from cspr.formengine.definitions import FormDefinition
from cspr.formengine.schema import RULES_KEY, submission_schema, translate_condition
from cspr.formengine.validation import validate_submission

from .helpers import TODAY, example, field, form, options

EVERY_FIELD_ANSWERS: dict[str, Any] = {
    "intro": "ignored",
    "referrer_name": {"given_names": "Ann", "family_name": "Smith"},
    "referrer_email": "ann.smith@example.org",
    "referrer_phone": "01632 960 001",
    "agency": "health",
    "child_name": "Sam Jones",
    "date_of_birth": "2015-03-27",
    "number_of_siblings": "2",
    "home_address": {"line1": "1 High Street", "town": "Leeds", "postcode": "ls1 1aa"},
    "known_to_csc": True,
    "outcome": "died",
    "date_of_death": "2025-01-10",
    "incident_date": "2025-01-10",
    "la_aware_date": "2025-01-11",
    "agencies_involved": ["health", "police"],
    "hours_in_hospital": 12.5,
    "summary": "What happened, briefly.",
    "other_children": [{"name": "Alex", "age": 7, "at_school": True}, {"name": "Jo", "age": 2}],
    "chronology": {"file_id": "abc", "filename": "chronology.docx", "size": 1000,
                   "content_type": "application/octet-stream"},
    "confirm": True,
}
NOTIFICATION_ANSWERS: dict[str, Any] = {
    "children": [
        {"name": {"given_names": "Sam", "family_name": "Jones"}, "date_of_birth": "2010-05-05"},
        {"name": {"given_names": "Jo", "family_name": "Jones"}, "age_known": True, "age": 19,
         "care_leaver": True},
    ],
    "incident_type": "death",
    "incident_date": "2025-05-01",
    "la_aware_date": "2025-05-02",
}
REFERRAL_ANSWERS: dict[str, Any] = {
    "referrer_name": {"given_names": "Ann", "family_name": "Smith"},
    "referrer_email": "ann@example.org",
    "outcome": "died",
    "abuse_or_neglect": "suspected",
    "date_of_death": "2025-05-01",
    "place_of_death": "At home",
    "concerns": "Bruising seen by the school nurse.",
}


def validator(definition: FormDefinition) -> Draft202012Validator:
    """Return a validator of the form's derived schema."""
    return Draft202012Validator(submission_schema(definition), format_checker=FormatChecker())


@pytest.mark.parametrize(
    ("name", "answers"),
    [("every_field", EVERY_FIELD_ANSWERS), ("notification", NOTIFICATION_ANSWERS),
     ("referral", REFERRAL_ANSWERS)],
)
def test_round_trip(name: str, answers: dict[str, Any]) -> None:
    definition = example(name)
    schema = submission_schema(definition)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:cspr:form:{name}:v{definition.version}"
    assert schema["title"] == definition.title
    assert schema["additionalProperties"] is False
    clean, errors = validate_submission(definition, answers, TODAY)
    assert errors == {}
    assert list(validator(definition).iter_errors(clean)) == []
    # The raw answers were tidied on the way.
    if name == "every_field":
        assert clean["home_address"]["postcode"] == "LS1 1AA"
        assert clean["number_of_siblings"] == 2
        assert "intro" not in clean and "hours_in_hospital" not in clean


def test_unconditional_requirements_are_plain_required() -> None:
    schema = submission_schema(example("every_field"))
    assert schema["required"] == [
        "referrer_name", "referrer_email", "agency", "child_name", "date_of_birth",
        "known_to_csc", "outcome", "incident_date", "la_aware_date", "summary", "confirm"]
    assert "intro" not in schema["properties"]
    assert schema["properties"]["agencies_involved"]["items"]["enum"] == [
        "health", "police", "education", "probation"]
    assert schema["properties"]["child_name"]["maxLength"] == 100
    assert schema["properties"]["chronology"]["properties"]["size"]["maximum"] == 10 * 1024 * 1024


def test_conditional_requirements_become_if_then() -> None:
    definition = example("referral")
    check = validator(definition)
    died = {"referrer_name": {"given_names": "A", "family_name": "B"},
            "referrer_email": "a@example.org", "outcome": "died", "abuse_or_neglect": "no"}
    assert not check.is_valid(died)  # the death page is shown, and its fields are required
    assert check.is_valid(died | {"date_of_death": "2025-01-01", "place_of_death": "Home"})
    assert check.is_valid(died | {"outcome": "harmed"})
    assert not check.is_valid(died | {"outcome": "harmed", "abuse_or_neglect": "known"})


def test_sub_field_requirements_in_items_and_from_the_top_level() -> None:
    definition = form(
        field("outcome", "radios", options=options("died", "harmed")),
        field("children", "repeating_group", fields=[
            field("name", "short_text"),
            field("age", "integer", required_if={"field": "name", "op": "answered"}),
            field("cause", "short_text", required_if={"field": "outcome", "op": "equals",
                                                      "value": "died"}),
            field("school", "short_text", required_if={"all": [
                {"field": "name", "op": "answered"},
                {"field": "outcome", "op": "equals", "value": "harmed"}]}),
        ]),
    )
    schema = submission_schema(definition)
    items = schema["properties"]["children"]["items"]
    assert items["allOf"] == [{"if": {"required": ["name"]}, "then": {"required": ["age"]}}]
    assert schema["allOf"][0]["then"] == {
        "properties": {"children": {"items": {"required": ["cause"]}}}}
    assert "checked by the server" in items["properties"]["school"][RULES_KEY][0]
    check = validator(definition)
    assert not check.is_valid({"children": [{"name": "Sam"}]})
    assert check.is_valid({"children": [{"name": "Sam", "age": 3}]})
    assert not check.is_valid({"outcome": "died", "children": [{}]})


def test_rules_json_schema_cannot_express_are_annotated() -> None:
    definition = form(
        field("incident_date", "date", validation={"not_in_future": True}),
        field("aware_date", "date", validation={"on_or_after": "incident_date"}),
        field("late_reason", "long_text", required_if={
            "field": "aware_date", "op": "after", "value": {"field": "incident_date"}}),
        field("notes", "long_text"),
    )
    properties = submission_schema(definition)["properties"]
    assert properties["incident_date"][RULES_KEY] == [
        "Must be today or in the past (checked by the server)"]
    assert properties["aware_date"][RULES_KEY] == [
        "Must be on or after incident_date (checked by the server)"]
    assert properties["late_reason"][RULES_KEY] == [
        "Required when 'aware_date' is after 'incident_date' (checked by the server)"]
    assert RULES_KEY not in properties["notes"]
    assert "allOf" not in submission_schema(definition)


def test_translate_condition_scopes() -> None:
    definition = form(
        field("outcome", "radios", options=options("died", "harmed")),
        field("when", "date"),
        field("children", "repeating_group", fields=[field("name", "short_text")]),
        conditions={"died": {"field": "outcome", "op": "equals", "value": "died"}},
    )
    group = definition.field("children")
    sibling = {"field": "name", "op": "answered"}
    top = {"field": "outcome", "op": "answered"}
    assert translate_condition(sibling, definition, group) == ("item", {"required": ["name"]})
    assert translate_condition(top, definition, group) == ("form", {"required": ["outcome"]})
    assert translate_condition({"ref": "died"}, definition, group)[0] == "form"  # type: ignore[index]
    assert translate_condition({"all": [sibling, top]}, definition, group) is None
    assert translate_condition({"field": "when", "op": "before", "value": "today"},
                               definition) is None
    assert translate_condition({"not": {"field": "when", "op": "after", "value": "2025-01-01"}},
                               definition) is None


def test_each_call_returns_a_fresh_schema() -> None:
    definition = example("referral")
    first = submission_schema(definition)
    first["properties"].clear()
    assert submission_schema(definition)["properties"]
