"""Number answers: whole numbers and numbers with decimals, read by the one number reader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from cspr.formengine import messages
from cspr.formengine.core_types import is_finite_number, is_number
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    RuleContext,
    Schema,
    refuse_value,
)
from cspr.formengine.fieldtypes.common import (
    in_order,
    kept,
    limits_in_order,
    number_setting,
    shown_limits,
)
from cspr.formengine.fieldtypes.text import TextType
from cspr.formengine.readers import NOT_WHOLE, TOO_LARGE, read_number

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition


def _limits(json_type: str) -> Schema:
    """Return the meta-schema of limits of the same kind as the answers."""
    return {"validation": {"type": "object", "additionalProperties": False, "properties": {
        "min": {"type": json_type}, "max": {"type": json_type}}}}


class NumberType(TextType):
    """A number typed in a text box, with optional smallest and largest values."""

    answer_kind = "number"

    whole: ClassVar[bool] = False
    json_type: ClassVar[str] = "number"
    ops = ALWAYS_OPS | EQUALITY_OPS | {"greater_than", "less_than"}
    spellcheck = False
    width = "govuk-input--width-10"
    export_width = 10.0
    settings = frozenset({"min", "max"})
    condition_hint = "A number. For is one of, separate numbers with commas."

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Report a smallest value above the largest."""
        return limits_in_order(field, "min", "max")

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare numbers only with numbers."""
        return None if is_number(value) else f"'{field['name']}' can only be compared with a number"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a number within the field's limits."""
        limits = field.get("validation", {})
        number: Schema = {"type": self.json_type}
        if "min" in limits:
            number["minimum"] = limits["min"]
        if "max" in limits:
            number["maximum"] = limits["max"]
        return number

    def normalise(self, field: Field, value: Any) -> Any:
        """Read a number sent as text the way pages read it; keep anything else for checking."""
        if isinstance(value, str):
            number, problem = read_number(value, whole=self.whole)
            return value if problem or number is None else number
        if self.whole and is_finite_number(value) and float(value).is_integer():
            return int(value)
        return value

    def rule_problem(self, field: Field, value: Any, context: RuleContext) -> str | None:
        """Refuse infinity and NaN, which JSON Schema counts as numbers."""
        return self.wrong_type_message(field) if is_number(value) and not is_finite_number(value) \
            else None

    def form_data(self, field: Field, value: Any) -> Any:
        """Show a stored number as typed text."""
        return str(value)

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read a number typed with optional commas or spaces."""
        number, problem = read_number(raw if isinstance(raw, str) else "", whole=self.whole)
        return number, ({"": self.wrong_type_message(field)} if problem else {})

    def display(self, field: Field, value: Any) -> str:
        """Write the number as stored."""
        return str(value)

    def cell(self, field: Field, value: Any) -> Any:
        """Keep numbers as numbers in spreadsheets."""
        return value if is_number(value) else str(value)

    def wrong_type_message(self, field: Field) -> str:
        """Say what kind of number is wanted."""
        wanted = "a whole number" if self.whole else "a number"
        return f"{messages.capitalise(messages.error_name(field))} must be {wanted}"

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Name the limits the number breaks."""
        if keyword in ("minimum", "maximum"):
            return messages.number_range_message(field)
        return super().problem_message(field, part, keyword, expected)

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the smallest and largest values allowed."""
        limits = {
            "min": number_setting(data, "min", "Smallest allowed", self.whole),
            "max": number_setting(data, "max", "Largest allowed", self.whole),
        }
        in_order(limits, "min", "max", "Smallest allowed", "largest allowed")
        return {"validation": kept({**field.get("validation", {}), **limits})}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the limits."""
        return shown_limits(field, "min", "max")

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Read the number a condition compares with."""
        number, problem = read_number(text, whole=self.whole)
        if problem == TOO_LARGE:
            raise refuse_value("Enter a number smaller than a thousand million million")
        if problem == NOT_WHOLE:
            raise refuse_value("Enter a whole number, like 4")
        if problem or number is None:
            raise refuse_value("Enter the value as a number, like 4 or 2.5")
        return int(number) if isinstance(number, float) and number.is_integer() else number

    def describe_value(self, field: Field, value: Any) -> str:
        """Write a number without a needless ".0"."""
        return messages.plain_number(value)


class WholeNumber(NumberType):
    """A whole number, such as an age or a count."""

    name = "integer"
    label = "Whole number"
    words = "whole number"
    whole = True
    json_type = "integer"
    keys = _limits("integer")
    inputmode = "numeric"


class DecimalNumber(NumberType):
    """A number that may have decimals, such as hours in hospital."""

    name = "decimal"
    label = "Number with decimals"
    words = "number"
    keys = _limits("number")
    inputmode = "decimal"


TYPES = (WholeNumber(), DecimalNumber())
