"""What every field type is: a class holding all the engine, builder and exports need of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import StringField
from wtforms.fields.core import UnboundField

from cspr.exceptions import Refused
from cspr.formengine import messages

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

Field = Mapping[str, Any]
Schema = dict[str, Any]
Problems = list[tuple[list[str | int], str]]
"""Definition problems a type finds in one field: (path below the field, reason)."""

@dataclass(frozen=True)
class RuleContext:
    """What a server-side rule may look at besides the answer: the rest of the form."""

    definition: FormDefinition
    clean: Mapping[str, Any]  # the whole form's tidy answers
    item: Mapping[str, Any] | None  # the repeating-group item the answer is in, if any
    group: Field | None
    today: date


# The keys every field may have, and those every answered field may have.
COMMON_KEYS = frozenset({"name", "type", "label", "hint", "show_if"})
ANSWER_KEYS = frozenset({"required", "required_if", "error_name"})
# A question's binding to a case fact (which facts exist is casework's to check).
CASE_FACT_KEYS = frozenset({"case_fact", "case_fact_use"})
ALWAYS_OPS = frozenset({"answered", "not_answered"})
EQUALITY_OPS = frozenset({"equals", "not_equals", "one_of"})


def text_of(raw: Any) -> str:
    """Return a trimmed string for any raw posted input."""
    return raw.strip() if isinstance(raw, str) else ""


class FieldType:
    """One kind of question: its definition keys, answers, reading, display, exports, builder."""

    name: ClassVar[str]
    label: ClassVar[str]  # how the builder offers it: "Short text"
    words: ClassVar[str]  # how sentences name it: "short text"
    template: ClassVar[str] = "formengine/fieldtypes/text.html"  # holds macro `render`
    answered: ClassVar[bool] = True  # False for guidance: no answer to give or store
    posted: ClassVar[bool] = True  # read from the page's form data (uploads are not)
    exported: ClassVar[bool] = True  # has a column in exports
    in_groups: ClassVar[bool] = True  # may be asked inside a repeating group
    not_in_group_reason: ClassVar[str] = ""
    prefillable: ClassVar[bool] = True  # may take its answer from another form
    is_group: ClassVar[bool] = False
    is_upload: ClassVar[bool] = False
    has_options: ClassVar[bool] = False
    exclusive_options: ClassVar[bool] = False  # an option may be chosen only on its own
    withheld: ClassVar[bool] = False  # identifies someone: withheld in anonymised documents
    names_person: ClassVar[bool] = False  # a person's name: pseudonymised in documents
    # What kind of value an answer is, for things outside the engine that bind to answers (case
    # facts): text, date, time, number, choice, choices, boolean, person, address, rows, file
    # or none.
    answer_kind: ClassVar[str] = "text"
    parts: ClassVar[tuple[str, ...]] = ()  # named parts of a structured answer
    ops: ClassVar[frozenset[str]] = ALWAYS_OPS  # condition comparisons it can be tested by
    keys: ClassVar[Schema] = {}  # its own definition keys, with their meta-schema
    required_keys: ClassVar[tuple[str, ...]] = ()
    settings: ClassVar[frozenset[str]] = frozenset()  # builder inputs beyond the common ones
    export_width: ClassVar[float] = 20.0
    contains_verb: ClassVar[str] = "contains"  # how the builder words a "contains" condition
    condition_hint: ClassVar[str] = (
        "The words to compare with. For is one of, separate them with commas."
    )

    # --- The definition ------------------------------------------------------------------

    def definition_keys(self) -> set[str]:
        """Return every key a field of this type may have."""
        keys = set(COMMON_KEYS) | set(self.keys)
        if self.answered:
            keys |= ANSWER_KEYS | CASE_FACT_KEYS
        if self.prefillable:
            keys |= {"prefill", "from_account"}
        return keys

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Problems:
        """Check what the meta-schema cannot: limits in order, references to other fields."""
        return []

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Explain why a condition cannot compare this field's answers with a value."""
        if isinstance(value, str):
            return None
        return f"'{field['name']}' can only be compared with text"

    # --- Answers ---------------------------------------------------------------------------

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return the JSON Schema of one answer."""
        return {"type": "string", "minLength": 1}

    def schema_notes(self, field: Field) -> list[str]:
        """Describe rules the server checks that the JSON Schema cannot say."""
        return []

    def normalise(self, field: Field, value: Any) -> Any:
        """Tidy an answer; values of the wrong kind are kept for validation to report."""
        return value

    def rule_problem(self, field: Field, value: Any, context: RuleContext) -> str | None:
        """Check an answer against rules only the server applies; return the reason or None."""
        return None

    # --- The page --------------------------------------------------------------------------

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField | None:
        """Return the WTForms field that carries the posted value."""
        return StringField(field.get("label", ""))

    def form_data(self, field: Field, value: Any) -> Any:
        """Turn a stored answer into what its input shows."""
        return value

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read a posted value: the answer, and plain-English reasons keyed by part ('' whole)."""
        return (text_of(raw) or None), {}

    def element_id(self, field: Field, prefix: str, rest: list[str]) -> str:
        """Return the id of the input an error links to."""
        return prefix

    def from_account(self, field: Field, text: str) -> Any:
        """Turn what an account holds (a name, an email address) into an answer."""
        return text

    # --- Showing and exporting ---------------------------------------------------------------

    def display(self, field: Field, value: Any) -> str:
        """Write an answer as plain text for check-your-answers and sent-form pages."""
        return str(value)

    def cell(self, field: Field, value: Any) -> Any:
        """Return an answer as a typed spreadsheet cell: text, number, date or time."""
        return value if isinstance(value, int | float | str) else str(value)

    # --- Messages --------------------------------------------------------------------------

    def required_message(self, field: Field) -> str:
        """Return the message for a missing answer."""
        return messages.enter_message(field)

    def wrong_type_message(self, field: Field) -> str:
        """Return the message for an answer of the wrong kind (only the API can send one)."""
        return self.required_message(field)

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Return the message for an answer that breaks a keyword of its JSON Schema."""
        if keyword == "maxLength":
            return messages.too_long_message(field, int(expected))
        if keyword == "type":
            return self.wrong_type_message(field)
        return self.required_message(field)

    def missing_part_message(self, field: Field, part: str) -> str:
        """Return the message for a missing part of a structured answer."""
        return self.required_message(field)

    # --- The builder -----------------------------------------------------------------------

    def new_keys(self, label: str, extra: Mapping[str, str]) -> dict[str, Any]:
        """Return the keys a new question of this type starts with, beyond name and label."""
        return {}

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the builder's type-specific settings into definition keys."""
        return {}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Return the builder's type-specific settings as the page shows them."""
        return {}

    def condition_choices(self, field: Field) -> list[tuple[str, str]]:
        """Return the values a builder condition offers to pick, or [] when typed."""
        return []

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Turn a value typed or picked in the builder into the value conditions compare."""
        return text

    def describe_value(self, field: Field, value: Any) -> str | None:
        """Describe a compared value in words, or None to quote it as it is."""
        return None


def refuse_value(message: str) -> Refused:
    """Return the builder's refusal of a condition value."""
    return Refused(message, "value")
