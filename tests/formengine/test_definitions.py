"""Checking and loading form definitions: meta-schema, cross-references, folders of files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cspr.formengine.definitions import (
    FIELD_TYPES,
    DefinitionError,
    DefinitionInvalid,
    check_definition,
    load_definition,
    load_directory,
)
from cspr.formengine.metaschema import field_keys, meta_schema

from .helpers import EXAMPLES, doc, example_doc, field, options

RADIOS = field("outcome", "radios", options=options("died", "harmed"))
DATE = field("incident_date", "date")


def two_pages(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a definition with two pages."""
    built = doc(*first)
    built["pages"].append({"id": "second", "title": "Second", "fields": second})
    return built


def nested_not(depth: int) -> dict[str, Any]:
    """Return a condition nested `depth` levels deep."""
    condition: dict[str, Any] = {"field": "outcome", "op": "answered"}
    for _ in range(depth - 1):
        condition = {"not": condition}
    return condition


INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown type", doc(field("a", "textarea")), "$.pages[0].fields[0].type",
     "'textarea' is not a field type"),
    ("missing label", doc({"name": "a", "type": "short_text"}), "$.pages[0].fields[0].label",
     "needs 'label'"),
    ("blank label", doc({"name": "a", "type": "short_text", "label": "  "}),
     "$.pages[0].fields[0].label", "must not be blank"),
    ("duplicate name across pages", two_pages([field("a", "date")], [field("a", "yes_no")]),
     "$.pages[1].fields[0].name", "already has the name 'a'"),
    ("duplicate sub-field name", doc(field("g", "repeating_group", fields=[
        field("x", "short_text"), field("x", "date")])),
     "$.pages[0].fields[0].fields[1].name", "already has the name 'x'"),
    ("duplicate page id", two_pages([field("a", "date")], [field("b", "date")]) | {"pages": [
        {"id": "p", "title": "P", "fields": [field("a", "date")]},
        {"id": "p", "title": "Q", "fields": [field("b", "date")]}]},
     "$.pages[1].id", "already has the id 'p'"),
    ("options on a text field", doc(field("a", "short_text", options=options("x"))),
     "$.pages[0].fields[0].options", "A short_text field cannot have 'options'"),
    ("radios without options", doc(field("a", "radios")), "$.pages[0].fields[0].options",
     "A radios field needs 'options'"),
    ("checkboxes with no options", doc(field("a", "checkboxes", options=[])),
     "$.pages[0].fields[0].options", "at least 1 item"),
    ("duplicate option values", doc(field("a", "select", options=options("x", "x"))),
     "$.pages[0].fields[0].options[1].value", "already has the value 'x'"),
    ("bad field name", doc(field("Child Name", "short_text")), "$.pages[0].fields[0].name",
     "'Child Name' is not a valid name"),
    ("bad form id", doc(field("a", "date")) | {"id": "Referral!"}, "$.id",
     "'Referral!' is not a valid id"),
    ("version 0", doc(field("a", "date")) | {"version": 0}, "$.version", "Must be 1 or more"),
    ("min_items above max_items", doc(field("g", "repeating_group", min_items=3, max_items=2,
                                            fields=[field("x", "date")])),
     "$.pages[0].fields[0].min_items", "'min_items' cannot be more than 'max_items'"),
    ("min_length above max_length", doc(field("a", "long_text",
                                              validation={"min_length": 9, "max_length": 2})),
     "$.pages[0].fields[0].validation.min_length", "cannot be more than 'max_length'"),
    ("nested repeating group", doc(field("g", "repeating_group", fields=[
        field("h", "repeating_group", fields=[field("x", "date")])])),
     "$.pages[0].fields[0].fields[0].type", "cannot contain another repeating group"),
    ("unknown key at the top", doc(field("a", "date")) | {"colour": "red"}, "$.colour",
     "'colour' is not allowed here"),
    ("unknown key on a page", doc(field("a", "date")) | {"pages": [
        {"id": "p", "title": "P", "fields": [field("a", "date")], "layout": "wide"}]},
     "$.pages[0].layout", "'layout' is not allowed here"),
    ("unknown key on a field", doc(field("a", "date", placeholder="x")),
     "$.pages[0].fields[0].placeholder", "A date field cannot have 'placeholder'"),
    ("validation key of another type", doc(field("a", "integer", validation={"max_length": 3})),
     "$.pages[0].fields[0].validation.max_length", "'max_length' is not allowed here"),
    ("unknown key in a condition", doc(RADIOS, field("b", "date", show_if={
        "field": "outcome", "op": "answered", "colour": 1})),
     "$.pages[0].fields[1].show_if.colour", "A condition cannot have 'colour'"),
    ("unknown operator", doc(RADIOS, field("b", "date", show_if={
        "field": "outcome", "op": "is", "value": "died"})),
     "$.pages[0].fields[1].show_if.op", "'is' is not a condition operator"),
    ("condition on an unknown field", doc(RADIOS, field("b", "date", show_if={
        "field": "outcom", "op": "equals", "value": "died"})),
     "$.pages[0].fields[1].show_if.field", "There is no field called 'outcom'"),
    ("condition on an unknown named condition", doc(RADIOS, field("b", "date", show_if={
        "ref": "child_died"})), "$.pages[0].fields[1].show_if.ref",
     "no named condition called 'child_died'"),
    ("value not among the options", doc(RADIOS, field("b", "date", show_if={
        "field": "outcome", "op": "equals", "value": "dead"})),
     "$.pages[0].fields[1].show_if.value", "'dead' is not one of the options of 'outcome'"),
    ("operator that does not suit the field", doc(field("a", "short_text"), field(
        "b", "date", show_if={"field": "a", "op": "greater_than", "value": 3})),
     "$.pages[0].fields[1].show_if.op",
     "'greater_than' cannot be used with 'a', a short_text field"),
    ("yes/no compared with text", doc(field("a", "yes_no"), field("b", "date", show_if={
        "field": "a", "op": "equals", "value": "yes"})),
     "$.pages[0].fields[1].show_if.value", "compared with true or false"),
    ("answered with a value", doc(RADIOS, field("b", "date", show_if={
        "field": "outcome", "op": "answered", "value": "x"})),
     "$.pages[0].fields[1].show_if.value", "take no value"),
    ("equals without a value", doc(RADIOS, field("b", "date", show_if={
        "field": "outcome", "op": "equals"})),
     "$.pages[0].fields[1].show_if.value", "needs 'value'"),
    ("two combinators in one condition", doc(RADIOS, field("b", "date", show_if={
        "all": [{"field": "outcome", "op": "answered"}],
        "any": [{"field": "outcome", "op": "answered"}]})),
     "$.pages[0].fields[1].show_if", "only one of 'all', 'any', 'not' or 'ref'"),
    ("empty condition", doc(RADIOS, field("b", "date", show_if={})),
     "$.pages[0].fields[1].show_if", "cannot be empty"),
    ("on_or_after naming a non-date field", doc(RADIOS, field("b", "date", validation={
        "on_or_after": "outcome"})),
     "$.pages[0].fields[1].validation.on_or_after", "'outcome' is a radios field, not a date"),
    ("on_or_after naming an unknown field", doc(field("b", "date", validation={
        "on_or_after": "birth"})),
     "$.pages[0].fields[0].validation.on_or_after", "There is no field called 'birth'"),
    ("before naming a non-date field", doc(RADIOS, DATE, field("b", "date", show_if={
        "field": "incident_date", "op": "before", "value": {"field": "outcome"}})),
     "$.pages[0].fields[2].show_if.value.field", "not a date field"),
    ("show_if on its own answer", doc(field("a", "yes_no", show_if={
        "field": "a", "op": "answered"})),
     "$.pages[0].fields[0].show_if", "cannot be shown or hidden by its own answer"),
    ("page shown by its own answers", doc(RADIOS) | {"pages": [{
        "id": "p", "title": "P", "show_if": {"field": "outcome", "op": "answered"},
        "fields": [RADIOS]}]},
     "$.pages[0].show_if", "cannot be shown or hidden by answers on the same page"),
    ("top-level condition naming a sub-field", doc(
        field("g", "repeating_group", fields=[field("x", "date")]),
        field("b", "date", show_if={"field": "x", "op": "answered"})),
     "$.pages[0].fields[1].show_if.field", "There is no field called 'x'"),
    ("condition on guidance", doc(field("intro", "guidance", text="Read this"),
                                  field("b", "date", show_if={"field": "intro", "op": "answered"})),
     "$.pages[0].fields[1].show_if.field", "guidance, which has no answer"),
    ("guidance without text", doc(field("intro", "guidance")), "$.pages[0].fields[0].text",
     "A guidance field needs 'text'"),
    ("required on guidance", doc(field("intro", "guidance", text="x", required=True)),
     "$.pages[0].fields[0].required", "A guidance field cannot have 'required'"),
    ("conditions nested too deeply", doc(RADIOS, field("b", "date", show_if=nested_not(11))),
     "$.pages[0].fields[1].show_if.not.not.not.not.not.not.not.not.not.not",
     "cannot nest more than 10 levels"),
    ("bad file extension", doc(field("f", "file", validation={"accept": ["pdf"]})),
     "$.pages[0].fields[0].validation.accept[0]", "not a file extension"),
    ("no pages", doc(field("a", "date")) | {"pages": []}, "$.pages", "at least one page"),
]


@pytest.mark.parametrize(
    ("definition", "path", "reason"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_definition_is_reported_with_form_path_and_reason(
    definition: dict[str, Any], path: str, reason: str
) -> None:
    errors = check_definition(definition)
    assert errors, "the definition should have been refused"
    assert all(isinstance(error, DefinitionError) for error in errors)
    assert all(error.form_id == definition.get("id") for error in errors)
    matching = [error for error in errors if error.path == path]
    assert matching, f"no error at {path}: {errors}"
    assert any(reason.lower() in error.reason.lower() for error in matching), matching
    for error in errors:  # never jsonschema's own wording
        assert "is not valid under" not in error.reason
        assert "were unexpected" not in error.reason


def test_every_field_type_is_accepted() -> None:
    fields = []
    for kind in FIELD_TYPES:
        extra: dict[str, Any] = {}
        if kind in ("radios", "checkboxes", "select"):
            extra["options"] = options("a", "b")
        if kind == "guidance":
            extra["text"] = "Some guidance"
        if kind == "repeating_group":
            extra["fields"] = [field("x", "short_text")]
        fields.append(field(f"f_{kind}", kind, **extra))
    assert check_definition(doc(*fields)) == []


def test_sub_fields_may_reuse_top_level_names_and_name_siblings() -> None:
    definition = doc(
        field("name", "short_text"),
        field("children", "repeating_group", fields=[
            field("name", "short_text"),
            field("dob", "date"),
            field("notes", "long_text", show_if={"field": "dob", "op": "answered"},
                  required_if={"field": "name", "op": "answered"}),
        ]),
    )
    assert check_definition(definition) == []


def test_named_conditions_in_a_loop_are_refused() -> None:
    definition = doc(RADIOS, field("b", "date", show_if={"ref": "a"}), conditions={
        "a": {"any": [{"ref": "b"}, {"field": "outcome", "op": "answered"}]},
        "b": {"not": {"ref": "a"}},
        "c": {"ref": "c"},
    })
    errors = check_definition(definition)
    loops = [error for error in errors if "loop" in error.reason]
    assert {error.path for error in loops} == {"$.conditions.a", "$.conditions.c"}
    assert any("a -> b -> a" in error.reason for error in loops)
    assert all(error.form_id == "test_form" for error in loops)


def test_named_condition_depth_counts_towards_the_limit() -> None:
    definition = doc(RADIOS, field("b", "date", show_if={"not": {"not": {"ref": "deep"}}}),
                     conditions={"deep": nested_not(9)})
    errors = check_definition(definition)
    assert [error.path for error in errors] == ["$.pages[0].fields[1].show_if.not.not"]
    definition["pages"][0]["fields"][1]["show_if"] = {"not": {"ref": "deep"}}
    assert check_definition(definition) == []


def test_not_an_object_and_absurd_nesting_are_reported_without_crashing() -> None:
    assert check_definition([])[0] == DefinitionError("(no id)", "$", "Must be an object")
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    errors = check_definition(doc(field("a", "date")) | {"description": deep})
    assert errors[0].path == "$" and "nests more than" in errors[0].reason


def test_load_definition_raises_with_every_error() -> None:
    bad = doc(field("a", "textarea"), field("B", "short_text"), {"name": "c", "type": "date"})
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(bad)
    assert len(caught.value.errors) == 3
    assert "test_form" in str(caught.value)


def test_loaded_definition_looks_up_pages_and_fields() -> None:
    source = example_doc("every_field")
    definition = load_definition(source)
    assert (definition.id, definition.version, definition.title) == (
        "every_field", 1, "Example: every field type")
    assert definition.description and definition.declaration
    assert definition.field("child_name")["type"] == "short_text"
    assert definition.field("other_children.age")["type"] == "integer"
    assert definition.page("child")["title"] == "About the child"
    assert definition.page_of("outcome")["id"] == "incident"
    assert [f["name"] for f in definition.all_fields()][:3] == [
        "intro", "referrer_name", "referrer_email"]
    assert definition.schema_id == "urn:cspr:form:every_field:v1"
    with pytest.raises(KeyError):
        definition.field("nope")
    with pytest.raises(KeyError):
        definition.field("other_children.nope")
    with pytest.raises(KeyError):
        definition.page("nope")
    source["title"] = "Changed"  # the loaded copy does not follow later edits
    assert definition.raw["title"] == "Example: every field type"


def test_meta_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(meta_schema())
    assert meta_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_examples_all_load() -> None:
    loaded, errors = load_directory(EXAMPLES)
    assert errors == []
    assert set(loaded) == {"every_field", "follow_up", "notification", "referral"}


def test_load_directory_loads_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "a_broken.json").write_text('{"id": "broken", "title": ', encoding="utf-8")
    invalid = doc(field("a", "textarea")) | {"id": "invalid_form"}
    (tmp_path / "b_invalid.json").write_text(json.dumps(invalid), encoding="utf-8")
    good = doc(field("a", "date")) | {"id": "good_form"}
    (tmp_path / "c_good.json").write_text(json.dumps(good), encoding="utf-8")
    (tmp_path / "definition.schema.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a form", encoding="utf-8")

    loaded, errors = load_directory(tmp_path)

    assert list(loaded) == ["good_form"]
    assert loaded["good_form"].field("a")["type"] == "date"
    broken = [error for error in errors if error.source == "a_broken.json"]
    assert len(broken) == 1
    assert broken[0].form_id == "a_broken" and broken[0].path == "$"
    assert "not valid JSON" in broken[0].reason and "line 1" in broken[0].reason
    refused = [error for error in errors if error.source == "b_invalid.json"]
    assert [(e.form_id, e.path) for e in refused] == [("invalid_form", "$.pages[0].fields[0].type")]
    assert "b_invalid.json" in str(refused[0])
    assert len(errors) == 2


def test_load_directory_keeps_the_highest_version_of_a_form(tmp_path: Path) -> None:
    for name, version in (("a.json", 2), ("b.json", 1), ("c.json", 3)):
        definition = doc(field("a", "date")) | {"version": version}
        (tmp_path / name).write_text(json.dumps(definition), encoding="utf-8")
    loaded, errors = load_directory(tmp_path)
    assert loaded["test_form"].version == 3
    assert len(errors) == 2
    assert {error.source for error in errors} == {"a.json", "b.json"}


def test_load_directory_reports_files_that_are_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin.json").write_bytes('{"title": "Caf\xe9"}'.encode("latin-1"))
    loaded, errors = load_directory(tmp_path)
    assert loaded == {}
    assert "UTF-8" in errors[0].reason


def test_prefill_and_schema_keys_are_accepted_and_checked() -> None:
    good = doc(field("child_name", "short_text", prefill={"form": "referral", "field": "child"}))
    good["$schema"] = "../definition.schema.json"
    assert check_definition(good) == []
    bad = doc(field("child_name", "short_text", prefill={"form": "Referral", "field": "child"}),
              field("upload", "file", prefill={"form": "referral", "field": "x"}))
    assert {(error.path, error.reason[:30]) for error in check_definition(bad)} == {
        ("$.pages[0].fields[0].prefill.form", "'Referral' is not a valid form"),
        ("$.pages[0].fields[1].prefill", "A file field cannot have 'pref"),
    }


def test_meta_schema_key_lists_match_the_python_checks() -> None:
    branches = meta_schema()["$defs"]["field_base"]["allOf"]
    listed = {
        branch["if"]["properties"]["type"]["const"]: set(branch["then"]["propertyNames"]["enum"])
        for branch in branches
        if "propertyNames" in branch["then"]
    }
    assert listed == {kind: field_keys(kind) for kind in FIELD_TYPES}
