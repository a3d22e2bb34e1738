"""An NHS number: 10 digits whose last is a modulus 11 check digit, shown as 943 476 5919."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cspr.formengine import messages
from cspr.formengine.core_errors import quoted
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    RuleContext,
    Schema,
    refuse_value,
    text_of,
)
from cspr.formengine.fieldtypes.text import TextType

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

STORED = "^[0-9]{10}$"
_SEPARATORS = re.compile(r"[\s-]")


def digits_of(text: str) -> str | None:
    """Return the 10 digits of a typed NHS number (spaces and hyphens allowed), or None."""
    digits = _SEPARATORS.sub("", text)
    return digits if re.fullmatch(STORED, digits) else None


def check_digit_matches(digits: str) -> bool:
    """Say whether the 10th digit is the modulus 11 check digit of the first nine."""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1),
                                                               strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def grouped(digits: str) -> str:
    """Write an NHS number in 3-3-4 groups, as the NHS does."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


class NhsNumber(TextType):
    """A person's NHS number, checked with its check digit; it identifies them."""

    name = "nhs_number"
    label = "NHS number"
    words = "NHS number"
    template = "formengine/fieldtypes/nhs_number.html"
    ops = ALWAYS_OPS | EQUALITY_OPS
    inputmode = "numeric"
    spellcheck = False
    width = "govuk-input--width-10"
    withheld = True
    export_width = 14.0
    condition_hint = "An NHS number like 943 476 5919. For is one of, separate them with commas."

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare only with NHS numbers written as 10 digits."""
        if isinstance(value, str) and re.match(STORED, value):
            return None
        return f"{quoted(value)} is not an NHS number written as 10 digits"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return 10 digits (the check digit is checked by the server)."""
        return {"type": "string", "pattern": STORED}

    def schema_notes(self, field: Field) -> list[str]:
        """Say that the check digit is checked."""
        return ["The last digit must be the NHS number's check digit (checked by the server)"]

    def normalise(self, field: Field, value: Any) -> Any:
        """Drop the spaces and hyphens people type between the groups."""
        return (digits_of(value) or value) if isinstance(value, str) else value

    def rule_problem(self, field: Field, value: Any, context: RuleContext) -> str | None:
        """Refuse a number whose check digit is wrong: almost always a typing mistake."""
        if isinstance(value, str) and re.match(STORED, value) and not check_digit_matches(value):
            return self.mistyped_message(field)
        return None

    def form_data(self, field: Field, value: Any) -> Any:
        """Show a stored number in its groups."""
        return grouped(value) if isinstance(value, str) and re.match(STORED, value) else value

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read 10 digits and check the last one."""
        typed = text_of(raw)
        if not typed:
            return None, {}
        digits = digits_of(typed)
        if digits is None:
            return None, {"": self.wrong_type_message(field)}
        if not check_digit_matches(digits):
            return None, {"": self.mistyped_message(field)}
        return digits, {}

    def display(self, field: Field, value: Any) -> str:
        """Write the number as 943 476 5919."""
        return str(self.form_data(field, value))

    def cell(self, field: Field, value: Any) -> Any:
        """Keep the number as text in its groups, so a spreadsheet never rounds it."""
        return self.display(field, value)

    def wrong_type_message(self, field: Field) -> str:
        """Ask for 10 digits."""
        return f"{messages.capitalise(messages.error_name(field))} must be 10 digits, " \
               "like 943 476 5919"

    def mistyped_message(self, field: Field) -> str:
        """Say the number has a mistake in it."""
        return f"{messages.capitalise(messages.error_name(field))} is not a real NHS number: " \
               "check each digit"

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Read the NHS number a condition compares with."""
        digits = digits_of(text)
        if digits is None:
            raise refuse_value("Enter an NHS number with 10 digits, like 943 476 5919")
        return digits


TYPES = (NhsNumber(),)
