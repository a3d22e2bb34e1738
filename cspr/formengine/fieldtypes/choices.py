"""Choices from the definition's own options: radios, a drop-down list, and checkboxes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.core_errors import quoted
from cspr.formengine.core_types import is_blank
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    FieldType,
    Schema,
    refuse_value,
)

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition


def option_values(field: Field) -> list[str]:
    """Return the stored values of a field's options."""
    return [str(option["value"]) for option in field.get("options", [])]


def option_labels(field: Field) -> dict[str, str]:
    """Map a field's option values to their labels."""
    return {str(option["value"]): str(option["label"]) for option in field.get("options", [])}


def exclusive_option(field: Field) -> dict[str, Any] | None:
    """Return the option that must be chosen on its own ("None of these"), if there is one."""
    return next((o for o in field.get("options", []) if o.get("exclusive")), None)


class OptionsType(FieldType):
    """A choice among the options the definition lists."""

    answer_kind = "choice"

    has_options = True
    keys: ClassVar[Schema] = {"options": {
        "type": "array", "minItems": 1, "maxItems": 200, "items": {"$ref": "#/$defs/option"},
    }}
    required_keys = ("options",)
    ops = ALWAYS_OPS | EQUALITY_OPS
    export_width = 28.0
    form_class: ClassVar[type] = RadioField
    first_choices: ClassVar[tuple[tuple[str, str], ...]] = ()

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Allow an exclusive option only where several may be chosen."""
        if self.exclusive_options:
            return []
        return [
            (["options", index, "exclusive"], "Only a checkboxes question can have an option "
             "that must be chosen on its own")
            for index, option in enumerate(field.get("options", [])) if option.get("exclusive")
        ]

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return the WTForms field offering the options; the page checks the choice later."""
        choices = [*self.first_choices, *option_labels(field).items()]
        return self.form_class(field.get("label", ""), choices=choices, validate_choice=False)

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare only with one of the options."""
        values = option_values(field)
        if value not in values:
            return f"{quoted(value)} is not one of the options of '{field['name']}': " \
                   f"{', '.join(values)}"
        return None

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return one of the option values."""
        return {"type": "string", "enum": option_values(field)}

    def display(self, field: Field, value: Any) -> str:
        """Write the option's label."""
        return str(option_labels(field).get(str(value), value))

    def cell(self, field: Field, value: Any) -> Any:
        """Write the option's label."""
        return option_labels(field).get(str(value), str(value))

    def required_message(self, field: Field) -> str:
        """Ask for a choice."""
        return f"Select {messages.error_name(field)}"

    def condition_choices(self, field: Field) -> list[tuple[str, str]]:
        """Offer the options."""
        return [(str(o["value"]), str(o["label"])) for o in field.get("options", [])]

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Accept only one of the options."""
        if text not in option_values(field):
            raise refuse_value("Choose one of the question's options")
        return text

    def describe_value(self, field: Field, value: Any) -> str | None:
        """Quote the option's label."""
        label = option_labels(field).get(str(value))
        return None if label is None else f'"{label}"'


class Radios(OptionsType):
    """One choice, as radios."""

    name = "radios"
    label = "One choice from a list (radios)"
    words = "choose one (radios)"
    template = "formengine/fieldtypes/radios.html"


class Select(OptionsType):
    """One choice, from a drop-down list."""

    name = "select"
    label = "One choice from a drop-down list"
    words = "choose one from a list"
    template = "formengine/fieldtypes/select.html"

    form_class = SelectField
    first_choices = (("", "Choose one"),)


class Checkboxes(OptionsType):
    """Any number of choices; an exclusive option ("None of these") must stand alone."""

    answer_kind = "choices"

    name = "checkboxes"
    label = "Any number of choices from a list (checkboxes)"
    words = "choose any (checkboxes)"
    template = "formengine/fieldtypes/checkboxes.html"
    ops = ALWAYS_OPS | {"contains"}
    exclusive_options = True
    contains_verb = "includes"
    export_width = 40.0

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Allow one exclusive option at most."""
        marked = [i for i, o in enumerate(field.get("options", [])) if o.get("exclusive")]
        return [(["options", index, "exclusive"], "Only one option can be chosen on its own")
                for index in marked[1:]]

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a list of different option values; an exclusive one comes alone."""
        schema: Schema = {"type": "array", "minItems": 1, "uniqueItems": True,
                          "items": {"type": "string", "enum": option_values(field)}}
        alone = exclusive_option(field)
        if alone is not None:
            schema["if"] = {"contains": {"const": alone["value"]}}
            schema["then"] = {"maxItems": 1}
        return schema

    def normalise(self, field: Field, value: Any) -> Any:
        """Trim each choice and drop blank ones."""
        if not isinstance(value, list):
            return value
        choices = [item.strip() if isinstance(item, str) else item for item in value]
        return [item for item in choices if not is_blank(item)]

    form_class = SelectMultipleField

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the ticked boxes."""
        return [v for v in (raw or []) if isinstance(v, str) and v] or None, {}

    def display(self, field: Field, value: Any) -> str:
        """Write one label a line."""
        labels = option_labels(field)
        return "\n".join(str(labels.get(str(v), v)) for v in value)

    def cell(self, field: Field, value: Any) -> Any:
        """Write the labels in one cell."""
        labels = option_labels(field)
        return "; ".join(labels.get(str(v), str(v)) for v in value) if isinstance(value, list) \
            else str(value)

    def required_message(self, field: Field) -> str:
        """Ask for at least one choice."""
        return messages.choose_message(field, "Select at least one option")

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Explain that the exclusive option cannot be chosen with others."""
        alone = exclusive_option(field)
        if keyword == "maxItems" and alone is not None:
            return f"Select either \u2018{alone['label']}\u2019 or the other options that " \
                   "apply, not both"
        return super().problem_message(field, part, keyword, expected)


TYPES = (Radios(), Checkboxes(), Select())
