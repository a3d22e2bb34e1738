"""Conditions: every operator and combinator, groups, named conditions, visibility."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cspr.formengine.conditions import evaluate, is_required, visible_fields, visible_pages
from cspr.formengine.core_errors import ConditionError
from cspr.formengine.definitions import FormDefinition, load_definition

from .helpers import TODAY, doc, field, options


@pytest.fixture(scope="module")
def definition() -> FormDefinition:
    """A form with one field of each kind conditions can test, and a repeating group."""
    built = doc(
        field("outcome", "radios", options=options("died", "harmed")),
        field("known", "yes_no"),
        field("count", "integer"),
        field("weight", "decimal"),
        field("agencies", "checkboxes", options=options("health", "police", "school")),
        field("notes", "long_text"),
        field("name", "short_text"),
        field("incident_date", "date"),
        field("aware_date", "date"),
        field("children", "repeating_group", fields=[
            field("name", "short_text"),
            field("dob", "date"),
            field("age", "integer", show_if={"field": "dob", "op": "not_answered"}),
            field("school", "short_text", show_if={"field": "name", "op": "equals", "value": "Sam"},
                  required_if={"ref": "child_died"}),
        ]),
        conditions={
            "child_died": {"field": "outcome", "op": "equals", "value": "died"},
            "died_and_known": {"all": [{"ref": "child_died"}, {"field": "known", "op": "equals",
                                                                "value": True}]},
        },
    )
    return load_definition(built)


def check(definition: FormDefinition, condition: dict[str, Any], answers: dict[str, Any],
          **kwargs: Any) -> bool:
    """Evaluate with the tests' fixed today."""
    return evaluate(condition, answers, definition, today=TODAY, **kwargs)


CASES: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"field": "outcome", "op": "equals", "value": "died"}, {"outcome": "died"}, True),
    ({"field": "outcome", "op": "equals", "value": "died"}, {"outcome": " died "}, True),
    ({"field": "outcome", "op": "equals", "value": "died"}, {"outcome": "Died"}, False),
    ({"field": "outcome", "op": "equals", "value": "died"}, {}, False),
    ({"field": "known", "op": "equals", "value": True}, {"known": True}, True),
    ({"field": "known", "op": "equals", "value": False}, {"known": False}, True),
    ({"field": "count", "op": "equals", "value": 1}, {"count": True}, False),
    ({"field": "count", "op": "equals", "value": 2}, {"count": 2.0}, True),
    ({"field": "outcome", "op": "not_equals", "value": "died"}, {"outcome": "harmed"}, True),
    ({"field": "outcome", "op": "not_equals", "value": "died"}, {"outcome": "died"}, False),
    ({"field": "outcome", "op": "not_equals", "value": "died"}, {}, True),
    ({"field": "outcome", "op": "one_of", "value": ["died", "harmed"]}, {"outcome": "harmed"},
     True),
    ({"field": "outcome", "op": "one_of", "value": ["died"]}, {"outcome": "harmed"}, False),
    ({"field": "outcome", "op": "one_of", "value": ["died"]}, {}, False),
    ({"field": "agencies", "op": "contains", "value": "police"}, {"agencies": ["health", "police"]},
     True),
    ({"field": "agencies", "op": "contains", "value": "police"}, {"agencies": ["health"]}, False),
    ({"field": "agencies", "op": "contains", "value": "police"}, {}, False),
    ({"field": "notes", "op": "contains", "value": "knife"}, {"notes": "A KNIFE was found"}, True),
    ({"field": "notes", "op": "contains", "value": "Knife"}, {"notes": "a knife"}, True),
    ({"field": "notes", "op": "contains", "value": "knife"}, {"notes": "a fork"}, False),
    ({"field": "notes", "op": "contains", "value": "é"}, {"notes": "CAFÉ"}, False),
    ({"field": "count", "op": "greater_than", "value": 2}, {"count": 3}, True),
    ({"field": "count", "op": "greater_than", "value": 2}, {"count": 2}, False),
    ({"field": "count", "op": "greater_than", "value": 2}, {"count": "3"}, False),
    ({"field": "count", "op": "greater_than", "value": 2}, {}, False),
    ({"field": "weight", "op": "less_than", "value": 2.5}, {"weight": 2.4}, True),
    ({"field": "weight", "op": "less_than", "value": 2.5}, {"weight": 2.5}, False),
    ({"field": "incident_date", "op": "before", "value": "2025-01-01"},
     {"incident_date": "2024-12-31"}, True),
    ({"field": "incident_date", "op": "before", "value": "2025-01-01"},
     {"incident_date": "2025-01-01"}, False),
    ({"field": "incident_date", "op": "after", "value": "today"}, {"incident_date": "2025-06-02"},
     True),
    ({"field": "incident_date", "op": "after", "value": "today"}, {"incident_date": "2025-06-01"},
     False),
    ({"field": "incident_date", "op": "before", "value": {"field": "aware_date"}},
     {"incident_date": "2025-01-01", "aware_date": "2025-01-02"}, True),
    ({"field": "incident_date", "op": "before", "value": {"field": "aware_date"}},
     {"incident_date": "2025-01-01"}, False),
    ({"field": "incident_date", "op": "before", "value": "today"}, {"incident_date": "2025-02-30"},
     False),
    ({"field": "notes", "op": "answered"}, {"notes": "x"}, True),
    ({"field": "notes", "op": "answered"}, {"notes": "   "}, False),
    ({"field": "agencies", "op": "answered"}, {"agencies": []}, False),
    ({"field": "known", "op": "answered"}, {"known": False}, True),
    ({"field": "notes", "op": "not_answered"}, {}, True),
    ({"field": "notes", "op": "not_answered"}, {"notes": None}, True),
    ({"field": "notes", "op": "not_answered"}, {"notes": "x"}, False),
    ({"all": [{"field": "known", "op": "answered"}, {"field": "notes", "op": "answered"}]},
     {"known": True, "notes": "x"}, True),
    ({"all": [{"field": "known", "op": "answered"}, {"field": "notes", "op": "answered"}]},
     {"known": True}, False),
    ({"any": [{"field": "known", "op": "answered"}, {"field": "notes", "op": "answered"}]},
     {"notes": "x"}, True),
    ({"any": [{"field": "known", "op": "answered"}, {"field": "notes", "op": "answered"}]}, {},
     False),
    ({"not": {"field": "known", "op": "answered"}}, {}, True),
    ({"not": {"field": "known", "op": "answered"}}, {"known": True}, False),
    ({"ref": "child_died"}, {"outcome": "died"}, True),
    ({"ref": "died_and_known"}, {"outcome": "died", "known": True}, True),
    ({"ref": "died_and_known"}, {"outcome": "died", "known": False}, False),
    ({"not": {"ref": "died_and_known"}}, {"outcome": "harmed"}, True),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), CASES)
def test_operator_and_combinator(
    definition: FormDefinition, condition: dict[str, Any], answers: dict[str, Any], expected: bool
) -> None:
    assert check(definition, condition, answers) is expected


def test_today_defaults_to_the_real_date(definition: FormDefinition) -> None:
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    condition = {"field": "incident_date", "op": "after", "value": "today"}
    assert evaluate(condition, {"incident_date": tomorrow}, definition)


def test_sibling_in_the_same_item_comes_before_a_top_level_field(
    definition: FormDefinition,
) -> None:
    group = definition.field("children")
    answers = {"name": "Top", "children": [{"name": "Sam"}, {"name": "Alex"}]}
    condition = {"field": "name", "op": "equals", "value": "Sam"}
    first, second = answers["children"]
    assert check(definition, condition, answers, item=first, group=group)
    assert not check(definition, condition, answers, item=second, group=group)
    assert not check(definition, condition, answers)  # outside the group: the top-level name
    # Without the group, a name that belongs to a group's sub-fields is read from the item.
    assert check(definition, condition, answers, item=first)


def test_item_conditions_can_name_top_level_fields(definition: FormDefinition) -> None:
    group = definition.field("children")
    condition = {"all": [{"field": "dob", "op": "answered"},
                         {"field": "outcome", "op": "equals", "value": "died"}]}
    item = {"dob": "2015-01-01"}
    assert check(definition, condition, {"outcome": "died"}, item=item, group=group)
    assert not check(definition, condition, {"outcome": "harmed"}, item=item, group=group)


def test_named_conditions_read_top_level_fields_even_inside_items(
    definition: FormDefinition,
) -> None:
    group = definition.field("children")
    item = {"outcome": "died"}  # not a sub-field: must be ignored
    assert not check(definition, {"ref": "child_died"}, {}, item=item, group=group)
    assert check(definition, {"ref": "child_died"}, {"outcome": "died"}, item={}, group=group)


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "known", "op": "resembles", "value": 1},
        {"ref": "nope"},
        {"colour": "red"},
        {"all": ["not a condition"]},
    ],
)
def test_conditions_that_cannot_be_evaluated_raise(
    definition: FormDefinition, condition: dict[str, Any]
) -> None:
    with pytest.raises(ConditionError):
        check(definition, condition, {})


def test_deep_conditions_are_refused_at_run_time(definition: FormDefinition) -> None:
    condition: dict[str, Any] = {"field": "known", "op": "answered"}
    for _ in range(10):
        condition = {"not": condition}
    with pytest.raises(ConditionError, match="nest"):
        check(definition, condition, {})


@pytest.fixture(scope="module")
def journey() -> FormDefinition:
    """A three-page form where later pages and fields depend on earlier answers."""
    built = doc(
        field("outcome", "radios", options=options("died", "harmed"), required=True),
        field("cause", "short_text", show_if={"ref": "child_died"}),
        field("cause_known", "yes_no", show_if={"field": "cause", "op": "answered"}),
        conditions={"child_died": {"field": "outcome", "op": "equals", "value": "died"}},
    )
    built["pages"].append({
        "id": "death", "title": "Death", "show_if": {"ref": "child_died"},
        "fields": [field("date_of_death", "date", required=True),
                   field("post_mortem", "yes_no",
                         required_if={"field": "cause_known", "op": "equals", "value": False})],
    })
    built["pages"].append({"id": "end", "title": "End", "fields": [field("notes", "long_text")]})
    return load_definition(built)


def test_visible_pages_follow_the_answers(journey: FormDefinition) -> None:
    assert [p["id"] for p in visible_pages(journey, {"outcome": "died"}, TODAY)] == [
        "main", "death", "end"]
    assert [p["id"] for p in visible_pages(journey, {"outcome": "harmed"}, TODAY)] == [
        "main", "end"]
    assert [p["id"] for p in visible_pages(journey, {})] == ["main", "end"]


def test_hiding_a_field_hides_fields_that_depend_on_it(journey: FormDefinition) -> None:
    answers = {"outcome": "harmed", "cause": "fall", "cause_known": True}
    names = [f["name"] for f in visible_fields(journey, journey.page("main"), answers, TODAY)]
    # cause is hidden, so its stale answer no longer shows cause_known either.
    assert names == ["outcome"]
    answers["outcome"] = "died"
    names = [f["name"] for f in visible_fields(journey, "main", answers, TODAY)]
    assert names == ["outcome", "cause", "cause_known"]
    assert visible_fields(journey, "death", {"outcome": "harmed"}, TODAY) == []


def test_is_required(journey: FormDefinition, definition: FormDefinition) -> None:
    post_mortem = journey.field("post_mortem")
    assert is_required(journey.field("outcome"), {}, journey)
    assert not is_required(journey.field("notes"), {}, journey)
    died = {"outcome": "died", "cause": "fall", "cause_known": False}
    assert is_required(post_mortem, died, journey, today=TODAY)
    # The answer that made it required is on a field that is now hidden.
    assert not is_required(post_mortem, died | {"outcome": "harmed"}, journey, today=TODAY)
    school = definition.field("children.school")
    assert is_required(school, {"outcome": "died"}, definition, item={"name": "Sam"})
    assert not is_required(school, {"outcome": "harmed"}, definition, item={"name": "Sam"})


def test_a_loop_that_slipped_past_the_checks_is_refused_not_followed_forever() -> None:
    raw = doc(field("known", "yes_no"), conditions={"a": {"ref": "b"}, "b": {"ref": "a"}})
    unchecked = FormDefinition(raw)  # bypasses load_definition on purpose
    with pytest.raises(ConditionError, match="refers back"):
        evaluate({"ref": "a"}, {}, unchecked, today=TODAY)
