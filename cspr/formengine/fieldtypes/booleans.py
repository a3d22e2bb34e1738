"""True-or-false answers: a yes or no question, and a declaration box to tick."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wtforms import BooleanField, RadioField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.fieldtypes.base import ALWAYS_OPS, Field, FieldType, Schema, text_of

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

_TRUE_WORDS = {"yes", "true"}
_FALSE_WORDS = {"no", "false"}
_TICKED_WORDS = {"y", "yes", "on", "true", "1"}


class BooleanType(FieldType):
    """An answer stored as true or false, compared with true or false."""

    answer_kind = "boolean"

    ops = ALWAYS_OPS | {"equals", "not_equals"}
    export_width = 8.0

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare only with true or false."""
        if isinstance(value, bool):
            return None
        return f"'{field['name']}' can only be compared with true or false"

    def cell(self, field: Field, value: Any) -> Any:
        """Write Yes or No."""
        return "Yes" if value is True else "No"

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Read the picked value."""
        return text == "yes"


class YesNo(BooleanType):
    """Yes or no, as two inline radios."""

    name = "yes_no"
    label = "Yes or no"
    words = "yes or no"
    template = "formengine/fieldtypes/yes_no.html"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a boolean."""
        return {"type": "boolean"}

    def normalise(self, field: Field, value: Any) -> Any:
        """Read yes/no and true/false written as words."""
        if isinstance(value, str):
            word = value.strip().lower()
            return True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else value
        return value

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return two radios."""
        return RadioField(field.get("label", ""), choices=[("yes", "Yes"), ("no", "No")],
                          validate_choice=False)

    def form_data(self, field: Field, value: Any) -> Any:
        """Tick the radio of the stored answer."""
        return "yes" if value is True else "no" if value is False else None

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the ticked radio."""
        return {"yes": True, "no": False}.get(text_of(raw)), {}

    def display(self, field: Field, value: Any) -> str:
        """Write Yes or No."""
        return "Yes" if value is True else "No"

    def required_message(self, field: Field) -> str:
        """Ask for yes or no."""
        if messages.named(field):
            return f"Select whether {messages.error_name(field)}"
        return "Select yes or no"

    def condition_choices(self, field: Field) -> list[tuple[str, str]]:
        """Offer Yes and No."""
        return [("yes", "Yes"), ("no", "No")]

    def describe_value(self, field: Field, value: Any) -> str | None:
        """Quote Yes or No."""
        return ('"Yes"' if value else '"No"') if isinstance(value, bool) else None


class Declaration(BooleanType):
    """A single box the person must tick to confirm something."""

    name = "declaration"
    label = "Declaration (a box to tick)"
    words = "declaration"
    template = "formengine/fieldtypes/declaration.html"
    exported = False
    prefillable = False

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return true: the box must be ticked."""
        return {"type": "boolean", "const": True}

    def normalise(self, field: Field, value: Any) -> Any:
        """Read a single checkbox: ticked is True, unticked counts as not answered."""
        if value is False:
            return None
        if isinstance(value, str):
            text = value.strip().lower()
            return True if text in _TICKED_WORDS else (None if not text else value)
        return value

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return one checkbox."""
        return BooleanField(field.get("label", ""))

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read whether the box was ticked."""
        return (True if raw else None), {}

    def display(self, field: Field, value: Any) -> str:
        """Say that it was confirmed."""
        return "Confirmed"

    def required_message(self, field: Field) -> str:
        """Ask for the box to be ticked."""
        if messages.named(field):
            return f"Confirm {messages.error_name(field)}"
        return "Select the box to confirm the declaration"

    def condition_choices(self, field: Field) -> list[tuple[str, str]]:
        """Offer only the ticked state."""
        return [("yes", "Confirmed")]

    def describe_value(self, field: Field, value: Any) -> str | None:
        """Say ticked or not ticked."""
        return ("ticked" if value else "not ticked") if isinstance(value, bool) else None


TYPES = (YesNo(), Declaration())
