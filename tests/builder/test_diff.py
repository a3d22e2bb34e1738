"""Differences between two versions of a form definition, described in plain English."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr.builder.diff import Change, condition_field_names, describe_condition, diff_definitions
from cspr.formengine.definitions import check_definition
from tests.formengine.strategies import definitions

ROOT = Path(__file__).resolve().parents[2]
EVERY_FIELD = json.loads((ROOT / "forms" / "examples" / "every_field.json").read_text("utf-8"))
FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CHILD_PAGE = 'page "About the child"'
DOB = f'field "Date of birth" on {CHILD_PAGE}'


def every_field() -> dict[str, Any]:
    """Return a fresh copy of the every-field example."""
    return copy.deepcopy(EVERY_FIELD)


def page(doc: dict[str, Any], page_id: str) -> dict[str, Any]:
    """Return a page of a definition by id."""
    return next(p for p in doc["pages"] if p["id"] == page_id)


def field(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """Return a top-level field of a definition by name."""
    return next(f for p in doc["pages"] for f in p["fields"] if f["name"] == name)


def test_identical_definitions_have_no_changes() -> None:
    assert diff_definitions(every_field(), every_field()) == []


def test_a_new_version_number_alone_is_not_a_change() -> None:
    new = every_field()
    new["version"] = 7
    assert diff_definitions(every_field(), new) == []


def test_label_change() -> None:
    new = every_field()
    field(new, "date_of_birth")["label"] = "Child's date of birth"
    assert diff_definitions(every_field(), new) == [Change(
        "changed", "Field", f'field "Child\'s date of birth" on {CHILD_PAGE}',
        'Label changed from "Date of birth" to "Child\'s date of birth"',
    )]


def test_option_added_removed_renamed_and_reordered() -> None:
    where = 'field "Your agency" on page "About you"'
    new = every_field()
    field(new, "agency")["options"].append({"value": "probation", "label": "Probation"})
    assert diff_definitions(every_field(), new) == [
        Change("added", "Option", where, 'Option "Probation" added')]

    new = every_field()
    options = field(new, "agency")["options"]
    del options[0]
    options[0]["label"] = "Police service"
    options.reverse()
    assert diff_definitions(every_field(), new) == [
        Change("removed", "Option", where, 'Option "Health" removed'),
        Change("changed", "Option", where, 'Option "Police" renamed to "Police service"'),
        Change("changed", "Option", where, "Order of options changed"),
    ]


def test_field_removed() -> None:
    new = every_field()
    page(new, "about-you")["fields"].pop(3)
    assert diff_definitions(every_field(), new) == [Change(
        "removed", "Field", 'field "Your telephone number" on page "About you"', "Removed")]


def test_page_added_lists_its_questions_once() -> None:
    new = every_field()
    new["pages"].insert(2, {"id": "school", "title": "School", "fields": [
        {"name": "school_name", "type": "short_text", "label": "Name of the school"},
    ]})
    assert diff_definitions(every_field(), new) == [Change(
        "added", "Page", 'page "School"',
        'Page added as page 3, with 1 question: "Name of the school"')]


def test_page_removed_does_not_list_each_field_again() -> None:
    new = every_field()
    removed = new["pages"].pop(1)
    assert diff_definitions(every_field(), new) == [Change(
        "removed", "Page", CHILD_PAGE,
        f"Page 2 removed, with {len(removed['fields'])} questions: " + ", ".join(
            f'"{f["label"]}"' for f in removed["fields"]))]


def test_field_moved_to_another_page_is_one_change() -> None:
    new = every_field()
    moved = page(new, "child")["fields"].pop(0)
    page(new, "incident")["fields"].insert(0, moved)
    assert diff_definitions(every_field(), new) == [Change(
        "changed", "Field", 'field "Child\'s full name" on page "The incident"',
        'Moved from page 2 "About the child" to page 3 "The incident"')]


def test_reordering_a_page_reports_the_order_once() -> None:
    new = every_field()
    fields = page(new, "child")["fields"]
    fields.append(fields.pop(0))
    assert diff_definitions(every_field(), new) == [
        Change("changed", "Page", CHILD_PAGE, "Order of questions changed")]


def test_page_moved_without_noise_for_the_pages_it_passed() -> None:
    new = every_field()
    new["pages"].insert(1, new["pages"].pop(3))
    assert diff_definitions(every_field(), new) == [Change(
        "changed", "Page", 'page "Other children and documents"', "Moved from page 4 to page 2")]


def test_required_toggled_both_ways() -> None:
    new = every_field()
    field(new, "referrer_phone")["required"] = True
    field(new, "child_name")["required"] = False
    assert diff_definitions(every_field(), new) == [
        Change("changed", "Field", 'field "Your telephone number" on page "About you"',
               "Now required"),
        Change("changed", "Field", f'field "Child\'s full name" on {CHILD_PAGE}',
               "No longer required"),
    ]


def test_condition_added_to_a_field_in_plain_english() -> None:
    new = every_field()
    field(new, "summary")["show_if"] = {"field": "outcome", "op": "equals", "value": "died"}
    assert diff_definitions(every_field(), new) == [Change(
        "changed", "Field", 'field "Summary of the incident" on page "The incident"',
        'Shown only if What happened to the child? is "The child died"')]


def test_condition_removed_and_changed() -> None:
    new = every_field()
    del field(new, "hours_in_hospital")["show_if"]
    field(new, "date_of_death")["required_if"] = {"field": "known_to_csc", "op": "equals",
                                                  "value": True}
    changes = diff_definitions(every_field(), new)
    assert [c.detail for c in changes] == [
        "Now required only if Was the child known to children's social care? is \"Yes\" "
        '(was required only if What happened to the child? is "The child died")',
        'Now always shown (was shown only if What happened to the child? is '
        '"The child was seriously harmed")',
    ]


def test_page_condition_added() -> None:
    new = every_field()
    page(new, "others")["show_if"] = {"not": {"ref": "child_died"}}
    assert diff_definitions(every_field(), new) == [Change(
        "changed", "Page", 'page "Other children and documents"',
        'Shown only if not: What happened to the child? is "The child died"')]


def test_named_condition_change_is_reported_once_not_for_each_user() -> None:
    new = every_field()
    new["conditions"]["child_died"]["value"] = "harmed"
    new["conditions"]["older"] = {"field": "number_of_siblings", "op": "greater_than", "value": 2}
    assert diff_definitions(every_field(), new) == [
        Change("changed", "Condition", 'condition "child_died"',
               'Changed from: What happened to the child? is "The child died" '
               'to: What happened to the child? is "The child was seriously harmed"'),
        Change("added", "Condition", 'condition "older"',
               "Added: How many brothers and sisters does the child have? is more than 2"),
    ]


def test_form_title_declaration_and_audience() -> None:
    new = every_field()
    new["title"] = "Every field"
    new["audience"] = ["agency_user", "partner"]
    new["declaration"]["text"] = "We will use this information."
    changes = diff_definitions(every_field(), new)
    assert changes == [
        Change("changed", "Form", "the form",
               'Title changed from "Example: every field type" to "Every field"'),
        Change("changed", "Form", "the form", "Who can fill it in changed from everyone "
               "except administrators to agency staff, statutory partner"),
        Change("changed", "Declaration", "the declaration",
               'Text changed from "The partnership will use this information to decide whether '
               'to review the case." to "We will use this information."'),
    ]
    del new["declaration"]
    assert diff_definitions(every_field(), new)[-1] == Change(
        "removed", "Declaration", "the declaration", 'Declaration removed (was "I confirm the '
        'information is correct to the best of my knowledge")')


def test_validation_hint_type_and_guidance() -> None:
    new = every_field()
    field(new, "child_name")["validation"] = {"max_length": 200, "min_length": 2}
    field(new, "la_aware_date")["validation"]["on_or_after"] = "date_of_birth"
    field(new, "date_of_birth")["hint"] = "For example, 27 3 2016"
    field(new, "summary")["type"] = "short_text"
    field(new, "intro")["text"] = "Have the dates to hand."
    assert [c.detail for c in diff_definitions(every_field(), new)] == [
        'Text changed from "Have the child\'s details and the dates of the incident to hand." '
        'to "Have the dates to hand."',
        "Validation changed: maximum length from 100 to 200",
        "Validation added: minimum length 2",
        'Hint changed from "For example, 27 3 2015" to "For example, 27 3 2016"',
        'Validation changed: on or after from "Date of the incident" to "Date of birth"',
        "Type changed from long text to short text",
    ]


def test_repeating_group_sub_fields_and_settings() -> None:
    new = every_field()
    group = field(new, "other_children")
    group["max_items"] = 6
    group["fields"][1]["label"] = "Age in years"
    group["fields"].append({"name": "school", "type": "short_text", "label": "School"})
    in_group = 'in group "Other children in the household" on page "Other children and documents"'
    assert diff_definitions(every_field(), new) == [
        Change("changed", "Field", 'field "Other children in the household" on page '
               '"Other children and documents"', "Maximum number of items changed from 4 to 6"),
        Change("changed", "Field", f'field "Age in years" {in_group}',
               'Label changed from "Age" to "Age in years"'),
        Change("added", "Field", f'field "School" {in_group}', "Added (short text)"),
    ]


def test_field_added_mentions_type_required_and_condition() -> None:
    new = every_field()
    page(new, "incident")["fields"].append({
        "name": "cause", "type": "long_text", "label": "Cause of death", "required": True,
        "show_if": {"ref": "child_died"}})
    assert diff_definitions(every_field(), new) == [Change(
        "added", "Field", 'field "Cause of death" on page "The incident"',
        'Added (long text); required; shown only if What happened to the child? is '
        '"The child died"')]


@pytest.mark.parametrize(("condition", "expected"), [
    ({"ref": "child_died"}, 'What happened to the child? is "The child died"'),
    ({"field": "age", "op": "greater_than", "value": 4}, "Age is more than 4"),
    ({"field": "date_of_death", "op": "answered"}, "Date of death is answered"),
    ({"field": "date_of_death", "op": "not_answered"}, "Date of death is not answered"),
    ({"field": "agency", "op": "one_of", "value": ["police", "la"]},
     'Your agency is one of "Police", "Local authority children\'s social care"'),
    ({"field": "agencies_involved", "op": "contains", "value": "police"},
     'Which agencies were involved with the family? includes "Police"'),
    ({"field": "summary", "op": "contains", "value": "fire"},
     'Summary of the incident contains "fire"'),
    ({"field": "incident_date", "op": "before", "value": "2024-04-01"},
     "Date of the incident is before 1 April 2024"),
    ({"field": "incident_date", "op": "after", "value": {"field": "date_of_birth"}},
     "Date of the incident is after Date of birth"),
    ({"field": "incident_date", "op": "before", "value": "today"},
     "Date of the incident is before today"),
    ({"field": "hours_in_hospital", "op": "less_than", "value": 2.0}, "Hours spent in hospital "
     "is less than 2"),
    ({"field": "confirm", "op": "equals", "value": True},
     "I confirm the information is correct is ticked"),
    ({"field": "known_to_csc", "op": "not_equals", "value": False},
     'Was the child known to children\'s social care? is not "No"'),
    ({"field": "ghost", "op": "equals", "value": "x"}, 'ghost is "x"'),
    ({"all": [{"ref": "child_died"}, {"any": [
        {"field": "age", "op": "less_than", "value": 2},
        {"not": {"field": "age", "op": "answered"}},
    ]}]}, 'all of: What happened to the child? is "The child died"; '
          "(any of: Age is less than 2; (not: Age is answered))"),
])
def test_describe_condition(condition: dict[str, Any], expected: str) -> None:
    assert describe_condition(condition, every_field()) == expected


def test_describe_condition_survives_cycles_depth_and_bad_shapes() -> None:
    doc = every_field()
    doc["conditions"] = {"a": {"ref": "b"}, "b": {"any": [{"ref": "a"}]}}
    assert "refers back to itself" in describe_condition({"ref": "a"}, doc)
    deep: dict[str, Any] = {"field": "age", "op": "answered"}
    for _ in range(30):
        deep = {"not": deep}
    assert "too deeply" in describe_condition(deep, doc)
    assert "missing" in describe_condition({"ref": "nowhere"}, doc)
    odd_shapes: list[Any] = [None, 3, [], {}, {"all": "x"}, {"field": 5}, {"ref": []}]
    for odd in odd_shapes:
        assert isinstance(describe_condition(odd, doc), str)
    assert isinstance(describe_condition({"ref": "a"}, None), str)


def test_sub_field_conditions_prefer_siblings() -> None:
    doc = every_field()
    group = field(doc, "other_children")
    page(doc, "child")["fields"].append({"name": "age", "type": "integer", "label": "Top age"})
    condition = {"field": "age", "op": "greater_than", "value": 4}
    assert describe_condition(condition, doc) == "Top age is more than 4"
    assert describe_condition(condition, doc, group) == "Age is more than 4"


def test_condition_field_names_follow_refs() -> None:
    doc = every_field()
    condition = {"all": [{"ref": "child_died"}, {"field": "incident_date", "op": "after",
                                                 "value": {"field": "date_of_birth"}}]}
    assert condition_field_names(condition, doc) == {"outcome", "incident_date", "date_of_birth"}


@pytest.mark.parametrize("odd", [
    {}, {"pages": "nope"}, {"pages": [None, 3, {"fields": "x"}, {"id": "p", "fields": [1, {}]}]},
    {"pages": [{"id": "p", "fields": [{"name": "g", "type": "radios", "options": [{"x": 1}]}]}]},
    {"conditions": [], "declaration": "yes", "audience": "all"},
])
def test_odd_shapes_never_raise(odd: dict[str, Any]) -> None:
    assert all(isinstance(c, Change) for c in diff_definitions(every_field(), odd))
    assert all(isinstance(c, Change) for c in diff_definitions(odd, every_field()))
    assert diff_definitions(odd, copy.deepcopy(odd)) == []


def test_every_shipped_form_compares_with_the_example() -> None:
    for path in sorted((ROOT / "forms").rglob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        doc = json.loads(path.read_text("utf-8"))
        assert diff_definitions(doc, copy.deepcopy(doc)) == []
        if doc != EVERY_FIELD:
            assert diff_definitions(every_field(), doc)
            assert diff_definitions(doc, every_field())


@FAST
@given(definitions(), definitions())
def test_random_definitions_never_raise(one: dict[str, Any], two: dict[str, Any]) -> None:
    assert not check_definition(one)
    assert diff_definitions(one, copy.deepcopy(one)) == []
    assert all(isinstance(c, Change) for c in diff_definitions(one, two))


LABELS = st.text(min_size=1, max_size=60).filter(lambda s: s.strip() != "")
TOP_FIELDS = [(p["id"], i) for p in EVERY_FIELD["pages"] for i in range(len(p["fields"]))]


@FAST
@given(st.sampled_from(TOP_FIELDS), LABELS)
def test_a_label_edit_is_exactly_one_change(spot: tuple[str, int], label: str) -> None:
    new = every_field()
    edited = page(new, spot[0])["fields"][spot[1]]
    if edited["label"] == label:
        assert diff_definitions(every_field(), new) == []
        return
    old_label, edited["label"] = edited["label"], label
    changes = diff_definitions(every_field(), new)
    assert len(changes) == 1
    assert changes[0].kind == "changed" and changes[0].what == "Field"
    assert changes[0].detail.startswith("Label changed from ")
    assert old_label.split()[0] in changes[0].detail


def test_exclusive_options_and_account_prefill_are_described() -> None:
    old = {"id": "f", "title": "F", "version": 1, "pages": [{"id": "p", "title": "P", "fields": [
        {"name": "s", "type": "checkboxes", "label": "Status",
         "options": [{"value": "a", "label": "A"}, {"value": "none", "label": "None"}]},
        {"name": "e", "type": "email", "label": "Email"}]}]}
    new = copy.deepcopy(old)
    new["pages"][0]["fields"][0]["options"][1]["exclusive"] = True
    new["pages"][0]["fields"][1]["from_account"] = "email"
    details = [change.detail for change in diff_definitions(old, new)]
    assert 'Option "None" now chosen on its own' in details
    assert "Filled in from the account's email" in details
