"""Server validation of every field type: good answers pass, bad ones get the right message."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from cspr.formengine.definitions import load_definition
from cspr.formengine.schema import submission_schema
from cspr.formengine.validation import validate_page, validate_submission

from .helpers import TODAY, doc, field, form, options

MB = 1024 * 1024
NAME_ERR = "the child's full name"
FIELDS: dict[str, dict[str, Any]] = {
    "short_text": field("child_name", "short_text", error_name=NAME_ERR,
                        validation={"min_length": 2, "max_length": 10}),
    "long_text": field("summary", "long_text", validation={"max_length": 20}),
    "integer": field("number_of_children", "integer", error_name="the number of children",
                     validation={"min": 1, "max": 4}),
    "decimal": field("hours", "decimal", label="Hours in hospital", validation={"min": 0.5}),
    "email": field("email", "email"),
    "uk_phone": field("phone", "uk_phone"),
    "date": field("date_of_birth", "date", label="Date of birth"),
    "yes_no": field("known", "yes_no",
                    error_name="the child was known to children's social care"),
    "radios": field("outcome", "radios", error_name="what happened to the child",
                    options=options("died", "harmed")),
    "select": field("agency", "select", error_name="your agency", options=options("police")),
    "checkboxes": field("agencies", "checkboxes", options=options("health", "police")),
    "person_name": field("child", "person_name", error_name=NAME_ERR),
    "uk_address": field("address", "uk_address"),
    "file": field("report", "file", validation={"max_size_mb": 10, "accept": [".pdf", ".docx"]}),
    "declaration": field("confirm", "declaration", error_name="that the information is correct"),
}
GOOD_FILE = {"file_id": "f1", "filename": "Report.PDF", "size": 2 * MB,
             "content_type": "application/pdf"}

# (field type, answer, field path with an error or None, message or the clean value)
CASES: list[tuple[str, Any, str | None, Any]] = [
    ("short_text", "  Sam  ", None, "Sam"),
    ("short_text", "S", "child_name", "The child's full name must be 2 characters or more"),
    ("short_text", "Samantha Jones", "child_name",
     "The child's full name must be 10 characters or less"),
    ("short_text", 12, "child_name", "The child's full name must be text"),
    ("short_text", {"first": "Sam"}, "child_name", "The child's full name must be text"),
    ("long_text", ["a", "b"], "summary", "Summary must be text"),
    ("long_text", "line one\r\nline 2", None, "line one\nline 2"),
    ("long_text", "x" * 21, "summary", "Summary must be 20 characters or less"),
    ("integer", 3, None, 3),
    ("integer", "4", None, 4),
    ("integer", 2.0, None, 2),
    ("integer", 0, "number_of_children", "Enter a number of children from 1 to 4"),
    ("integer", 5, "number_of_children", "Enter a number of children from 1 to 4"),
    ("integer", 2.5, "number_of_children", "The number of children must be a whole number"),
    ("integer", "two", "number_of_children", "The number of children must be a whole number"),
    ("integer", True, "number_of_children", "The number of children must be a whole number"),
    ("decimal", 2.75, None, 2.75),
    ("decimal", "1.5", None, 1.5),
    ("decimal", 0.25, "hours", "Hours in hospital must be 0.5 or more"),
    ("decimal", "lots", "hours", "Hours in hospital must be a number"),
    ("decimal", float("inf"), "hours", "Hours in hospital must be a number"),
    ("email", " name@example.com ", None, "name@example.com"),
    ("email", "name@example", "email",
     "Enter an email address in the correct format, like name@example.com"),
    ("email", "name example.com", "email",
     "Enter an email address in the correct format, like name@example.com"),
    ("uk_phone", "01632 960 001", None, "01632 960 001"),
    ("uk_phone", "07700 900 982", None, "07700 900 982"),
    ("uk_phone", "+44 (0)7700 900982", None, "+44 (0)7700 900982"),
    ("uk_phone", "(01632) 960001", None, "(01632) 960001"),
    ("uk_phone", "0163 29", "phone",
     "Enter a telephone number, like 01632 960 001 or 07700 900 982"),
    ("uk_phone", "+1 212 555 0100", "phone",
     "Enter a telephone number, like 01632 960 001 or 07700 900 982"),
    ("date", "2015-03-27", None, "2015-03-27"),
    ("date", "2015-02-30", "date_of_birth", "Date of birth must be a real date"),
    ("date", "27/03/2015", "date_of_birth", "Date of birth must be a real date"),
    ("date", "20150327", "date_of_birth", "Date of birth must be a real date"),
    ("yes_no", True, None, True),
    ("yes_no", False, None, False),
    ("yes_no", "yes", None, True),
    ("yes_no", "maybe", "known", "Select whether the child was known to children's social care"),
    ("radios", "died", None, "died"),
    ("radios", "dead", "outcome", "Select what happened to the child"),
    ("select", "police", None, "police"),
    ("select", "fire", "agency", "Select your agency"),
    ("checkboxes", ["police", "health"], None, ["police", "health"]),
    ("checkboxes", ["police", "fire"], "agencies", "Select at least one option"),
    ("checkboxes", ["police", "police"], "agencies", "Select at least one option"),
    ("checkboxes", "police", "agencies", "Select at least one option"),
    ("person_name", {"given_names": " Sam ", "family_name": "Jones"}, None,
     {"given_names": "Sam", "family_name": "Jones"}),
    ("person_name", {"given_names": "Sam"}, "child.family_name",
     "The child's full name must include a family name"),
    ("person_name", {"given_names": "", "family_name": "Jones"}, "child.given_names",
     "The child's full name must include given names"),
    ("person_name", {"given_names": "S" * 201, "family_name": "Jones"}, "child.given_names",
     "Given names must be 200 characters or less"),
    ("person_name", "Sam Jones", "child", "Enter the child's full name"),
    ("uk_address", {"line1": "1 High Street", "town": "Leeds", "postcode": "ls11aa"}, None,
     {"line1": "1 High Street", "town": "Leeds", "postcode": "LS1 1AA"}),
    ("uk_address", {"line1": "1 High Street", "line2": "", "town": "Leeds", "county": "West",
                    "postcode": "sw1a 1aa"}, None,
     {"line1": "1 High Street", "town": "Leeds", "county": "West", "postcode": "SW1A 1AA"}),
    ("uk_address", {"line1": "1 High St", "town": "Leeds", "postcode": "LS1 1A"},
     "address.postcode", "Enter a real postcode"),
    ("uk_address", {"line1": "1 High St", "town": "Leeds", "postcode": "QQ1 1AA"},
     "address.postcode", "Enter a real postcode"),
    ("uk_address", {"town": "Leeds", "postcode": "LS1 1AA"}, "address.line1",
     "Enter address line 1, usually the building and street"),
    ("uk_address", {"line1": "1 High St", "postcode": "LS1 1AA"}, "address.town",
     "Enter the town or city"),
    ("uk_address", {"line1": "1 High St", "town": "Leeds"}, "address.postcode", "Enter a postcode"),
    ("file", GOOD_FILE, None, GOOD_FILE),
    ("file", GOOD_FILE | {"filename": "report.exe"}, "report",
     "The selected file must be a PDF or DOCX"),
    ("file", GOOD_FILE | {"size": 11 * MB}, "report",
     "The selected file must be smaller than 10MB"),
    ("file", GOOD_FILE | {"size": 0}, "report", "The selected file is empty"),
    ("file", {"file_id": "f1", "filename": "a.pdf"}, "report",
     "The selected file could not be uploaded – try again"),
    ("declaration", True, None, True),
    ("declaration", "on", None, True),
    ("declaration", "nonsense", "confirm", "Confirm that the information is correct"),
]


@pytest.mark.parametrize(("kind", "answer", "path", "expected"), CASES)
def test_field_answer(kind: str, answer: Any, path: str | None, expected: Any) -> None:
    definition = form(FIELDS[kind])
    name = FIELDS[kind]["name"]
    clean, errors = validate_submission(definition, {name: answer}, TODAY)
    if path is None:
        assert errors == {}
        assert clean == {name: expected}
        validator = Draft202012Validator(submission_schema(definition),
                                         format_checker=FormatChecker())
        assert validator.is_valid(clean)
    else:
        assert errors == {path: expected}


REQUIRED_MESSAGES = {
    "short_text": "Enter the child's full name",
    "long_text": "Enter summary",
    "integer": "Enter the number of children",
    "decimal": "Enter hours in hospital",
    "email": "Enter email",
    "uk_phone": "Enter phone",
    "date": "Enter date of birth",
    "yes_no": "Select whether the child was known to children's social care",
    "radios": "Select what happened to the child",
    "select": "Select your agency",
    "checkboxes": "Select at least one option",
    "person_name": "Enter the child's full name",
    "uk_address": "Enter address",
    "file": "Select a file",
    "declaration": "Confirm that the information is correct",
}


@pytest.mark.parametrize("kind", sorted(REQUIRED_MESSAGES))
@pytest.mark.parametrize("blank", [None, "", "   ", [], {}, "missing"])
def test_required_field_left_blank(kind: str, blank: Any) -> None:
    definition = form(FIELDS[kind] | {"required": True})
    name = FIELDS[kind]["name"]
    answers = {} if blank == "missing" else {name: blank}
    clean, errors = validate_submission(definition, answers, TODAY)
    assert clean == {}
    assert errors == {name: REQUIRED_MESSAGES[kind]}


def test_optional_fields_left_blank_are_dropped() -> None:
    definition = form(*FIELDS.values())
    blanks: dict[str, Any] = {spec["name"]: "" for spec in FIELDS.values()}
    blanks["child"] = {"given_names": " ", "family_name": ""}
    blanks["confirm"] = False
    assert validate_submission(definition, blanks, TODAY) == ({}, {})


def test_messages_fall_back_to_the_label() -> None:
    definition = form(
        field("q1", "yes_no", label="Was the child known to the ICB?", required=True),
        field("q2", "short_text", label="ICB name", required=True),
        field("q3", "radios", label="Type of incident", options=options("a"), required=True),
        field("q4", "declaration", label="I agree", required=True),
    )
    _, errors = validate_submission(definition, {}, TODAY)
    assert errors == {
        "q1": "Select yes or no",
        "q2": "Enter ICB name",
        "q3": "Select type of incident",
        "q4": "Select the box to confirm the declaration",
    }


DATES = [
    field("date_of_birth", "date", label="Date of birth", validation={"not_in_future": True}),
    field("incident_date", "date", error_name="the date of the incident",
          validation={"on_or_after": "date_of_birth", "not_in_future": True}),
    field("aware_date", "date", error_name="the date the local authority became aware",
          validation={"on_or_after": "incident_date", "before": "2030-01-01"}),
    field("review_date", "date", label="Review date",
          validation={"not_in_past": True, "after": "aware_date", "on_or_before": "2026-01-31"}),
]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"date_of_birth": "2015-01-01", "incident_date": "2025-01-01",
          "aware_date": "2025-01-01", "review_date": "2025-06-02"}, {}),
        ({"date_of_birth": "2025-06-02"},
         {"date_of_birth": "Date of birth must be today or in the past"}),
        ({"date_of_birth": "2015-01-01", "incident_date": "2014-12-31"},
         {"incident_date": "The date of the incident must be the same as or after date of birth"}),
        ({"incident_date": "2025-01-02", "aware_date": "2025-01-01"},
         {"aware_date": "The date the local authority became aware must be the same as or after "
                        "the date of the incident"}),
        ({"aware_date": "2030-01-01"},
         {"aware_date": "The date the local authority became aware must be before 1 January 2030"}),
        ({"review_date": "2025-05-31"},
         {"review_date": "Review date must be today or in the future"}),
        ({"aware_date": "2025-06-03", "review_date": "2025-06-03"},
         {"review_date": "Review date must be after the date the local authority became aware"}),
        ({"review_date": "2026-02-01"},
         {"review_date": "Review date must be the same as or before 31 January 2026"}),
        # A comparison with a date that is missing or not real is left alone.
        ({"date_of_birth": "2015-02-30", "incident_date": "2010-01-01"},
         {"date_of_birth": "Date of birth must be a real date"}),
    ],
)
def test_date_rules(answers: dict[str, Any], expected: dict[str, str]) -> None:
    _, errors = validate_submission(form(*DATES), answers, TODAY)
    assert errors == expected


GROUP = field(
    "children", "repeating_group", item_label="Child", min_items=1, max_items=4, required=True,
    fields=[
        field("name", "short_text", error_name="the child's name", required=True),
        field("dob", "date", error_name="the child's date of birth",
              validation={"not_in_future": True}),
        field("age", "integer", error_name="the child's age", validation={"max": 17},
              show_if={"field": "dob", "op": "not_answered"},
              required_if={"field": "name", "op": "answered"}),
        field("note", "guidance", text="Tell us about each child."),
    ],
)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([{"name": "Sam", "dob": "2015-01-01"}, {"name": "Alex", "age": 3}], {}),
        (None, {"children": "Add at least 1 child"}),
        ([], {"children": "Add at least 1 child"}),
        ([{"name": "Sam", "age": 3}] * 5, {"children": "You can add up to 4 children"}),
        ([{"name": "Sam", "dob": "2030-01-01"}, {"dob": "2015-01-01"}, {"name": "Jo"}],
         {"children.0.dob": "The child's date of birth must be today or in the past",
          "children.1.name": "Enter the child's name",
          "children.2.age": "Enter the child's age"}),
        ([{"name": "Sam", "age": 18}], {"children.0.age": "The child's age must be 17 or less"}),
        (["Sam"], {"children": "Enter the details of each child"}),
    ],
)
def test_repeating_group(children: Any, expected: dict[str, str]) -> None:
    definition = form(GROUP)
    answers = {} if children is None else {"children": children}
    clean, errors = validate_submission(definition, answers, TODAY)
    assert errors == expected
    if not expected:
        assert clean == {"children": children}


def test_group_items_keep_their_positions_and_lose_hidden_answers() -> None:
    definition = form(GROUP)
    answers = {"children": [{"name": " Sam ", "dob": "2015-01-01", "age": 9, "note": "x",
                             "extra": 1}, {}]}
    clean, errors = validate_submission(definition, answers, TODAY)
    assert clean == {"children": [{"name": "Sam", "dob": "2015-01-01"}, {}]}
    assert errors == {"children.1.name": "Enter the child's name"}


def test_group_maximum_of_one_and_plural_label() -> None:
    one = form(GROUP | {"max_items": 1, "item_label": "Agency", "min_items": 0})
    two_items = [{"name": "A", "age": 1}, {"name": "B", "age": 2}]
    _, errors = validate_submission(one, {"children": two_items}, TODAY)
    assert errors == {"children": "You can only add 1 agency"}
    two = form(GROUP | {"min_items": 2, "item_label": "Agency"})
    _, errors = validate_submission(two, {"children": [{"name": "A", "age": 1}]}, TODAY)
    assert errors == {"children": "Add at least 2 agencies"}


def test_hidden_answers_are_dropped_and_not_checked() -> None:
    definition = form(
        field("outcome", "radios", options=options("died", "harmed"), required=True),
        field("date_of_death", "date", required=True, validation={"not_in_future": True},
              show_if={"field": "outcome", "op": "equals", "value": "died"}),
        field("cause", "short_text", show_if={"field": "date_of_death", "op": "answered"}),
        field("intro", "guidance", text="Guidance has no answer"),
    )
    answers = {"outcome": "harmed", "date_of_death": "2099-01-01", "cause": "x", "intro": "y",
               "not_a_field": "z"}
    assert validate_submission(definition, answers, TODAY) == ({"outcome": "harmed"}, {})
    answers["outcome"] = "died"
    clean, errors = validate_submission(definition, answers, TODAY)
    assert clean == {"outcome": "died", "date_of_death": "2099-01-01", "cause": "x"}
    assert errors == {"date_of_death": "Date of death must be today or in the past"}


def test_hidden_pages_are_dropped_and_required_fields_on_them_are_not_asked_for() -> None:
    built = doc(field("outcome", "radios", options=options("died", "harmed")),
                conditions={"died": {"field": "outcome", "op": "equals", "value": "died"}})
    built["pages"].append({"id": "death", "title": "Death", "show_if": {"ref": "died"},
                           "fields": [field("place", "short_text", required=True)]})
    definition = load_definition(built)
    assert validate_submission(definition, {"outcome": "harmed", "place": "home"}, TODAY) == (
        {"outcome": "harmed"}, {})
    _, errors = validate_submission(definition, {"outcome": "died"}, TODAY)
    assert errors == {"place": "Enter place"}
    assert validate_page(definition, "main", {"outcome": "died"}, TODAY) == {}
    assert validate_page(definition, "death", {"outcome": "died"}, TODAY) == {
        "place": "Enter place"}
    assert validate_page(definition, "death", {"outcome": "harmed"}, TODAY) == {}


def test_conditional_requirement() -> None:
    definition = form(
        field("known", "yes_no"),
        field("social_worker", "short_text", error_name="the social worker's name",
              required_if={"field": "known", "op": "equals", "value": True}),
    )
    _, errors = validate_submission(definition, {"known": True}, TODAY)
    assert errors == {"social_worker": "Enter the social worker's name"}
    assert validate_submission(definition, {"known": False}, TODAY)[1] == {}


def test_errors_come_in_the_order_of_the_form() -> None:
    definition = form(FIELDS["uk_address"] | {"required": True}, GROUP,
                      FIELDS["short_text"] | {"required": True})
    answers = {"children": [{"dob": "2015-01-01"}],
               "address": {"line1": "", "town": "", "postcode": "x"}}
    _, errors = validate_submission(definition, answers, TODAY)
    assert list(errors) == ["address.line1", "address.town", "address.postcode",
                            "children.0.name", "child_name"]
