"""Date answers: the GOV.UK day, month and year boxes, with limits and comparisons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import Form, FormField, StringField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.core_errors import quoted
from cspr.formengine.core_types import DATE_PATTERN, DATE_RULES, matches, parse_iso_date
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    FieldType,
    RuleContext,
    Schema,
    refuse_value,
    text_of,
)
from cspr.formengine.readers import PARTS_MISSING, read_date_parts, read_date_text

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

_RULE_WORDS = {"on_or_after": "on or after", "on_or_before": "on or before",
               "after": "after", "before": "before"}
_TARGET = {"anyOf": [{"$ref": "#/$defs/name"}, {"$ref": "#/$defs/iso_date"}]}


class DateParts(Form):
    """The day, month and year boxes of a GOV.UK date input."""

    day = StringField("Day")
    month = StringField("Month")
    year = StringField("Year")


class DateType(FieldType):
    """A calendar date, stored as YYYY-MM-DD."""

    answer_kind = "date"

    name = "date"
    label = "Date"
    words = "date"
    template = "formengine/fieldtypes/date.html"
    ops = ALWAYS_OPS | EQUALITY_OPS | {"before", "after"}
    keys = {"validation": {"type": "object", "additionalProperties": False, "properties": {
        "not_in_future": {"type": "boolean"}, "not_in_past": {"type": "boolean"},
        **{rule: _TARGET for rule in DATE_RULES}}}}
    settings = frozenset({"not_in_future", "not_in_past", "on_or_after", "on_or_before"})
    export_width = 13.0
    condition_hint = "A date like 27/3/2025, or the word today."

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Check that each date rule naming another field names another date."""
        limits = field.get("validation", {})
        problems = []
        for rule in DATE_RULES:
            target = limits.get(rule)
            if isinstance(target, str) and not matches(DATE_PATTERN, target):
                for reason in scope.same_type_problems(target, field, group):
                    problems.append((["validation", rule], reason))
        return problems

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare dates for equality only with real dates."""
        return None if parse_iso_date(value) else f"{quoted(value)} is not a date like 2025-04-01"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return an ISO date string."""
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}

    def schema_notes(self, field: Field) -> list[str]:
        """Describe the date's limits, which only the server checks."""
        limits = field.get("validation", {})
        texts = []
        if limits.get("not_in_future"):
            texts.append("Must be today or in the past (checked by the server)")
        if limits.get("not_in_past"):
            texts.append("Must be today or in the future (checked by the server)")
        for rule in DATE_RULES:
            if rule in limits:
                texts.append(f"Must be {_RULE_WORDS[rule]} {limits[rule]} (checked by the server)")
        return texts

    def rule_problem(self, field: Field, value: Any, context: RuleContext) -> str | None:
        """Check the date against its limits: today, fixed dates and other answers."""
        answer = parse_iso_date(value)
        if answer is None:
            return None  # the schema reports dates that are not real
        limits = field.get("validation", {})
        if limits.get("not_in_future") and answer > context.today:
            return messages.date_rule_message(field, "not_in_future")
        if limits.get("not_in_past") and answer < context.today:
            return messages.date_rule_message(field, "not_in_past")
        tests = {
            "on_or_after": lambda other: answer >= other,
            "on_or_before": lambda other: answer <= other,
            "after": lambda other: answer > other,
            "before": lambda other: answer < other,
        }
        for rule, passes in tests.items():
            if rule not in limits:
                continue
            other, words = _rule_target(limits[rule], context)
            if other is not None and not passes(other):
                return messages.date_rule_message(field, rule, words)
        return None

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return the day, month and year boxes."""
        return FormField(DateParts, field.get("label", ""))

    def form_data(self, field: Field, value: Any) -> Any:
        """Split a stored date into its boxes."""
        day = parse_iso_date(value)
        return None if day is None else {"day": str(day.day), "month": str(day.month),
                                         "year": str(day.year)}

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the three boxes; say which part is missing or that the date is not real."""
        boxes = raw if isinstance(raw, Mapping) else {}
        day, problem, missing = read_date_parts(
            *(text_of(boxes.get(part)) for part in ("day", "month", "year"))
        )
        name = messages.error_name(field)
        if problem == PARTS_MISSING:
            return None, {"": messages.date_parts_message(name, missing)}
        if problem:
            return None, {"": messages.real_date_message(name)}
        return (day.isoformat() if day else None), {}

    def element_id(self, field: Field, prefix: str, rest: list[str]) -> str:
        """Link errors to the day box."""
        return f"{prefix}-day"

    def display(self, field: Field, value: Any) -> str:
        """Write the date like 4 June 2025."""
        parsed = parse_iso_date(value)
        return messages.format_date(parsed) if parsed else str(value)

    def cell(self, field: Field, value: Any) -> Any:
        """Make a real spreadsheet date."""
        return parse_iso_date(value) or str(value)

    def wrong_type_message(self, field: Field) -> str:
        """Ask for a real date."""
        return messages.real_date_message(messages.error_name(field))

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Ask for a real date when the text is not one."""
        if keyword in ("pattern", "format"):
            return self.wrong_type_message(field)
        return super().problem_message(field, part, keyword, expected)

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the date rules."""
        from cspr.exceptions import Refused

        limits = dict(field.get("validation", {}))
        limits["not_in_future"] = True if data.get("not_in_future") else None
        limits["not_in_past"] = True if data.get("not_in_past") else None
        if limits["not_in_future"] and limits["not_in_past"]:
            raise Refused("A date cannot be both not in the future and not in the past",
                          "not_in_past")
        for key in ("on_or_after", "on_or_before"):
            limits[key] = data.get(key) or None
        return {"validation": {k: v for k, v in limits.items() if v is not None}}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the date rules."""
        limits = field.get("validation", {})
        return {"not_in_future": bool(limits.get("not_in_future")),
                "not_in_past": bool(limits.get("not_in_past")),
                "on_or_after": limits.get("on_or_after", ""),
                "on_or_before": limits.get("on_or_before", "")}

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Read a date typed as 27/3/2025 or 2025-03-27, or "today" for before and after."""
        if op in ("before", "after") and text.strip().lower() == "today":
            return "today"
        day = read_date_text(text)
        if day is None:
            raise refuse_value("Enter a real date, like 27/3/2025, or the word today")
        return day.isoformat()

    def describe_value(self, field: Field, value: Any) -> str:
        """Write a date like 1 April 2025."""
        day = parse_iso_date(value)
        return "today" if value == "today" else messages.format_date(day) if day else str(value)


def _rule_target(target: str, context: RuleContext) -> tuple[Any, str]:
    """Return the date a rule compares with, and how a message names it."""
    if matches(DATE_PATTERN, target):
        other = parse_iso_date(target)
        return other, (messages.format_date(other) if other else "")
    other_field = context.definition.resolve(target, context.group)
    group = context.group
    sibling = group is not None and any(sub is other_field for sub in group["fields"])
    holder = context.item if sibling and context.item is not None else context.clean
    return parse_iso_date(holder.get(target)), messages.error_name(other_field or {})


TYPES = (DateType(),)
