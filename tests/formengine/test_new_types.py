"""The time of day, NHS number and managed-list types; exclusive options; one condition walker."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cspr.builder.diff import condition_field_names
from cspr.exceptions import Refused
from cspr.formengine import messages
from cspr.formengine.definitions import check_definition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.fieldtypes.upload import file_hint
from cspr.formengine.readers import read_number
from cspr.formengine.schema import submission_schema
from cspr.formengine.validation import validate_submission

from .helpers import TODAY, doc, field, form, options

TIME = field("incident_time", "time_of_day", error_name="the time of the incident")
NHS = field("nhs", "nhs_number", error_name="the child's NHS number")


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("14:30", "14:30", "2:30pm"), ("2:30pm", "14:30", "2:30pm"), ("2.30 p.m.", "14:30", "2:30pm"),
    ("9am", "09:00", "9am"), ("12am", "00:00", "midnight"), ("midday", "12:00", "midday"),
    ("00:05", "00:05", "12:05am"), ("23:59", "23:59", "11:59pm"),
])
def test_time_of_day_reads_both_clocks_and_shows_the_gov_uk_way(
    typed: str, stored: str, shown: str
) -> None:
    kind = field_type(TIME)
    assert kind.read(TIME, typed) == (stored, {})
    assert kind.display(TIME, stored) == shown


@pytest.mark.parametrize("typed", ["25:00", "14", "13pm", "2:60", "soon", "١٤:٣٠"])
def test_time_of_day_refuses_what_is_not_a_time(typed: str) -> None:
    value, errors = field_type(TIME).read(TIME, typed)
    assert value is None
    assert errors == {"": "Enter the time of the incident in the correct format, "
                          "like 14:30 or 2:30pm"}


def test_time_of_day_through_the_api_and_the_schema() -> None:
    definition = form(TIME)
    clean, errors = validate_submission(definition, {"incident_time": "7.15pm"}, TODAY)
    assert (clean, errors) == ({"incident_time": "19:15"}, {})
    _, errors = validate_submission(definition, {"incident_time": "evening"}, TODAY)
    assert errors == {"incident_time": "Enter the time of the incident in the correct format, "
                                       "like 14:30 or 2:30pm"}
    schema = submission_schema(definition)["properties"]["incident_time"]
    assert Draft202012Validator(schema).is_valid("19:15")
    assert not Draft202012Validator(schema).is_valid("7.15pm")


def test_nhs_number_is_checked_with_its_check_digit_and_shown_3_3_4() -> None:
    kind = field_type(NHS)
    assert kind.read(NHS, "943 476 5919") == ("9434765919", {})
    assert kind.read(NHS, "943-476-5919") == ("9434765919", {})
    assert kind.read(NHS, "943 476 5918") == (None, {
        "": "The child's NHS number is not a real NHS number: check each digit"})
    assert kind.read(NHS, "943 476 591") == (None, {
        "": "The child's NHS number must be 10 digits, like 943 476 5919"})
    assert kind.display(NHS, "9434765919") == "943 476 5919"
    assert kind.cell(NHS, "9434765919") == "943 476 5919"  # text: a spreadsheet never rounds it
    assert kind.withheld  # it identifies the child: withheld from anonymised documents


def test_nhs_number_check_digit_is_enforced_for_the_api_too() -> None:
    definition = form(NHS)
    assert validate_submission(definition, {"nhs": "401 023 2137"}, TODAY) == (
        {"nhs": "4010232137"}, {})
    _, errors = validate_submission(definition, {"nhs": "4010232138"}, TODAY)
    assert errors == {"nhs": "The child's NHS number is not a real NHS number: check each digit"}
    # A number whose check digit would be 10 is never issued.
    _, errors = validate_submission(definition, {"nhs": "0000000060"}, TODAY)
    assert "check each digit" in errors["nhs"]


def test_managed_choice_reads_a_listed_name_or_another() -> None:
    listed = field("agency", "managed_choice", list="agencies", error_name="the agency")
    other = {**listed, "allow_other": True}
    kind = field_type(listed)
    assert kind.read(listed, {"choice": "Northshire Police"}) == ("Northshire Police", {})
    assert kind.read(listed, {"choice": ""}) == (None, {})
    assert kind.read(other, {"choice": "__other__", "other": " Out of area GP "}) == (
        "Out of area GP", {})
    assert kind.read(other, {"choice": "__other__", "other": ""}) == (
        None, {"": "Enter the name of the other agency"})
    assert kind.read(other, {"choice": "", "other": "Typed without JavaScript"}) == (
        "Typed without JavaScript", {})
    assert check_definition(doc(field("a", "managed_choice", list="schools"))) != []


CHECKBOXES = field("status", "checkboxes", required=True, error_name="the child's status",
                   options=[*options("cin", "cpp"),
                            {"value": "none", "label": "None of these", "exclusive": True}])


def test_an_exclusive_option_cannot_be_sent_with_others() -> None:
    definition = form(CHECKBOXES)
    assert validate_submission(definition, {"status": ["none"]}, TODAY)[1] == {}
    assert validate_submission(definition, {"status": ["cin", "cpp"]}, TODAY)[1] == {}
    _, errors = validate_submission(definition, {"status": ["cin", "none"]}, TODAY)
    assert errors == {"status": "Select either \u2018None of these\u2019 or the other options "
                                "that apply, not both"}
    schema = submission_schema(definition)
    assert not Draft202012Validator(schema).is_valid({"status": ["none", "cpp"]})


def test_only_checkboxes_have_an_exclusive_option_and_only_one() -> None:
    radios = field("r", "radios", options=[{"value": "a", "label": "A", "exclusive": True}])
    two = {**CHECKBOXES, "options": [*CHECKBOXES["options"],
                                     {"value": "nk", "label": "Not known", "exclusive": True}]}
    reasons = {e.path: e.reason for e in check_definition(doc(radios, two))}
    assert reasons == {
        "$.pages[0].fields[0].options[0].exclusive":
            "Only a checkboxes question can have an option that must be chosen on its own",
        "$.pages[0].fields[1].options[3].exclusive": "Only one option can be chosen on its own",
    }


def test_a_page_shown_by_a_comparison_with_its_own_answer_is_refused() -> None:
    # Issue 17: the checker's own walker missed {"value": {"field": ...}}, so a page whose
    # show_if compared an earlier date with a date asked on that same page was accepted,
    # although it could never be shown.
    definition = doc(field("incident_date", "date"))
    definition["pages"].append({
        "id": "later", "title": "Later", "fields": [field("aware_date", "date")],
        "show_if": {"field": "incident_date", "op": "before", "value": {"field": "aware_date"}},
    })
    assert [(e.path, e.reason) for e in check_definition(definition)] == [
        ("$.pages[1].show_if",
         "A page cannot be shown or hidden by answers on the same page (aware_date)")]
    # The same walker serves the builder's flow map and diff.
    assert condition_field_names(definition["pages"][1]["show_if"], definition) == {
        "incident_date", "aware_date"}


def test_one_number_reader_for_pages_the_api_and_the_builder() -> None:
    assert read_number("1 000") == (1000, None)
    assert read_number("1,000.5") == (1000.5, None)
    assert read_number("2.5", whole=True) == (None, "whole")
    assert read_number("1e400") == (None, "large")
    definition = form(field("count", "integer"))
    assert validate_submission(definition, {"count": "1 000"}, TODAY) == ({"count": 1000}, {})
    question = field("count", "integer")
    settings = field_type(question).read_settings(question, {"min": "1 000", "max": ""})
    assert settings["validation"] == {"min": 1000}
    assert field_type(question).condition_value(question, "1 000", "equals") == 1000
    with pytest.raises(Refused, match="whole number"):
        field_type(question).condition_value(question, "2.5", "equals")


@pytest.mark.parametrize(("label", "expected"), [
    ("Tell us about the other children", "Tell us about the other children"),
    ("Describe what happened.", "Describe what happened"),
    ("What is the child's name?", "Enter your answer to \u2018What is the child's name?\u2019"),
    ("ICB name", "Enter ICB name"),
])
def test_a_question_without_error_wording_still_gets_a_sentence(label: str, expected: str) -> None:
    assert messages.required_message({"type": "long_text", "label": label}) == expected


def test_file_hint_names_types_and_size_the_gov_uk_way() -> None:
    question: dict[str, Any] = {"validation": {"accept": [".pdf", ".docx", ".odt"]}}
    assert file_hint(question) == "PDF, DOCX or ODT, up to 10 MB."
    assert file_hint({"validation": {"max_size_mb": 0.5}}) == "Up to 512 KB."
