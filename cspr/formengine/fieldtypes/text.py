"""Text answers: a line, a paragraph, an email address and a UK telephone number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import TextAreaField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.fieldtypes.base import ALWAYS_OPS, EQUALITY_OPS, Field, FieldType, Schema
from cspr.formengine.fieldtypes.common import (
    in_order,
    kept,
    limits_in_order,
    shown_limits,
    whole_setting,
)

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

TEXT_OPS = ALWAYS_OPS | EQUALITY_OPS | {"contains"}
EMAIL_MAX_LENGTH = 254
# Patterns are used both in the derived JSON Schema and by the server (with re.search, as
# jsonschema does), so the two can never disagree. They avoid \d and \s, which mean more
# than ASCII in Python but not in every JSON Schema implementation.
EMAIL_PATTERN = (
    "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    "(?:[.][A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
PHONE_PATTERN = "^(?:(?:[+]44|0044) ?(?:[(]0[)] ?)?|[(]?0)[1-9](?:[ ()-]*[0-9]){8,9}$"
_LENGTHS = {"min_length": {"$ref": "#/$defs/count"},
            "max_length": {"type": "integer", "minimum": 1, "maximum": 100000}}


class TextType(FieldType):
    """Typed words kept as written (trimmed), with the GOV.UK text input's attributes."""

    ops = TEXT_OPS
    input_type: ClassVar[str] = "text"
    inputmode: ClassVar[str | None] = None
    autocomplete: ClassVar[str] = "off"
    spellcheck: ClassVar[bool | None] = None
    width: ClassVar[str] = ""
    export_width = 30.0

    def wrong_type_message(self, field: Field) -> str:
        """Say that the answer must be text: only the API can send a number, list or object."""
        return f"{messages.capitalise(messages.error_name(field))} must be text"

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Say what shape the text must have when it breaks its type's pattern."""
        if keyword == "pattern":
            return self.wrong_type_message(field)
        return super().problem_message(field, part, keyword, expected)


class ShortText(TextType):
    """A line of text, with optional length limits."""

    name = "short_text"
    label = "Short text"
    words = "short text"
    keys: ClassVar[Schema] = {"validation": {
        "type": "object", "additionalProperties": False, "properties": _LENGTHS,
    }}
    settings = frozenset({"min_length", "max_length"})

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Report a minimum length above the maximum."""
        return limits_in_order(field, "min_length", "max_length")

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a string within the field's length limits."""
        limits = field.get("validation", {})
        text: Schema = {"type": "string", "minLength": max(1, limits.get("min_length", 1))}
        if "max_length" in limits:
            text["maxLength"] = limits["max_length"]
        return text

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Name a length limit the answer breaks."""
        if keyword == "minLength" and "min_length" in field.get("validation", {}):
            return messages.too_short_message(field, int(expected))
        return super().problem_message(field, part, keyword, expected)

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the fewest and most characters."""
        limits = {
            "min_length": whole_setting(data, "min_length", "Fewest characters", 0, 100000),
            "max_length": whole_setting(data, "max_length", "Most characters", 1, 100000),
        }
        in_order(limits, "min_length", "max_length", "Fewest characters", "most characters")
        return {"validation": kept({**field.get("validation", {}), **limits})}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the length limits."""
        return shown_limits(field, "min_length", "max_length")


class LongText(ShortText):
    """A paragraph or more; a maximum length adds a character count."""

    name = "long_text"
    label = "Long text (a paragraph or more)"
    words = "long text"
    template = "formengine/fieldtypes/long_text.html"
    export_width = 60.0

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return a text area."""
        return TextAreaField(field.get("label", ""))


class Email(TextType):
    """An email address in the usual format."""

    name = "email"
    label = "Email address"
    words = "email address"
    input_type = "email"
    autocomplete = "email"
    spellcheck = False
    withheld = True

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return an email address no longer than any address can be."""
        return {"type": "string", "format": "email", "pattern": EMAIL_PATTERN,
                "maxLength": EMAIL_MAX_LENGTH}

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Show the format expected."""
        if keyword in ("pattern", "format", "maxLength"):
            return "Enter an email address in the correct format, like name@example.com"
        return super().problem_message(field, part, keyword, expected)


class UkPhone(TextType):
    """A UK telephone number, landline or mobile."""

    name = "uk_phone"
    label = "UK telephone number"
    words = "UK telephone number"
    input_type = "tel"
    autocomplete = "tel"
    spellcheck = False
    width = "govuk-input--width-10"
    withheld = True
    export_width = 16.0

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a string shaped like a UK number."""
        return {"type": "string", "pattern": PHONE_PATTERN}

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Show the kinds of number expected."""
        if keyword in ("pattern", "format", "maxLength"):
            return "Enter a telephone number, like 01632 960 001 or 07700 900 982"
        return super().problem_message(field, part, keyword, expected)


TYPES = (ShortText(), LongText(), Email(), UkPhone())
