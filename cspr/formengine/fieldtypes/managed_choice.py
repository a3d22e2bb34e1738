"""A choice from a list the administrator keeps, such as the partnership's agencies.

The choices are read from the list each time the page is shown, so they stay in step with it:
an agency added under Agencies appears at once, a retired one is no longer offered. The answer
keeps the name as it was chosen. With `allow_other`, a name not in the list may be typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import has_app_context
from wtforms import Form, FormField, StringField
from wtforms.fields.core import UnboundField

from cspr.exceptions import Refused
from cspr.formengine import messages
from cspr.formengine.core_types import PART_MAX_LENGTH
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    FieldType,
    RuleContext,
    Schema,
    text_of,
)

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

OTHER = "__other__"  # the select's "not in the list" choice; never stored
DEFAULT_LIST = "agencies"


@dataclass(frozen=True)
class ManagedList:
    """A list kept by the administrator: its name in definitions and how to read its entries."""

    name: str
    title: str  # how the builder offers it
    noun: str  # one entry: "agency"
    entries: Callable[[], list[str]]


def _agencies() -> list[str]:
    """Return the names of the agencies in use, as the administrator keeps them."""
    from cspr.auth.agencies import list_agencies

    return [agency["name"] for agency in list_agencies(active_only=True)]


LISTS: dict[str, ManagedList] = {
    "agencies": ManagedList("agencies", "The partnership's agencies", "agency", _agencies),
}


class Choice(Form):
    """The list's drop-down, and the box for a name not in the list."""

    choice = StringField("Choice")
    other = StringField("Other")


class ManagedChoice(FieldType):
    """One entry from a managed list, as a drop-down with type-ahead when JavaScript runs."""

    answer_kind = "choice"

    name = "managed_choice"
    label = "One choice from a list the administrator keeps (such as agencies)"
    words = "choice from a managed list"
    template = "formengine/fieldtypes/managed_choice.html"
    ops = ALWAYS_OPS | EQUALITY_OPS
    keys = {"list": {"enum": list(LISTS)}, "allow_other": {"type": "boolean"}}
    settings = frozenset({"list", "allow_other"})
    export_width = 30.0

    def managed(self, field: Field) -> ManagedList:
        """Return the list a field chooses from."""
        return LISTS[str(field.get("list") or DEFAULT_LIST)]

    def entries(self, field: Field) -> list[str]:
        """Return the list's entries now."""
        return self.managed(field).entries()

    def other_label(self, field: Field) -> str:
        """Name the choice for an entry that is not in the list."""
        return f"Another {self.managed(field).noun} not in the list"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a name (the list itself changes, so the server checks membership)."""
        return {"type": "string", "minLength": 1, "maxLength": PART_MAX_LENGTH}

    def schema_notes(self, field: Field) -> list[str]:
        """Say where the names come from."""
        noun = self.managed(field).noun
        if field.get("allow_other"):
            return [f"The name of an {noun} in the partnership's list, or of another {noun}"]
        return [f"The name of an {noun} in the partnership's list when the form is sent "
                "(checked by the server)"]

    def rule_problem(self, field: Field, value: Any, context: RuleContext) -> str | None:
        """Refuse a name that is not in the list, unless other names are allowed."""
        # Outside the app (a script checking answers) there is no list to read.
        if field.get("allow_other") or not has_app_context():
            return None
        return None if value in self.entries(field) else self.not_listed_message(field)

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return the drop-down and the box for another name."""
        return FormField(Choice, field.get("label", ""))

    def form_data(self, field: Field, value: Any) -> Any:
        """Choose the stored name, or "another" with the name in its box."""
        if field.get("allow_other") and value not in self.entries(field):
            return {"choice": OTHER, "other": value}
        return {"choice": value}

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the chosen name, or the name typed for another."""
        given = raw if isinstance(raw, Mapping) else {}
        choice, other = text_of(given.get("choice")), text_of(given.get("other"))
        if field.get("allow_other") and (choice == OTHER or (not choice and other)):
            if not other:
                return None, {"": f"Enter the name of the other {self.managed(field).noun}"}
            return other, {}
        return (choice if choice and choice != OTHER else None), {}

    def element_id(self, field: Field, prefix: str, rest: list[str]) -> str:
        """Link errors to the drop-down."""
        return f"{prefix}-choice"

    def required_message(self, field: Field) -> str:
        """Ask for a choice."""
        return f"Select {messages.error_name(field)}"

    def not_listed_message(self, field: Field) -> str:
        """Ask for a name from the list."""
        return f"{messages.capitalise(messages.error_name(field))} must be one of the names " \
               "in the list"

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read which list, and whether other names may be typed."""
        chosen = str(data.get("list") or field.get("list") or "")
        if chosen not in LISTS:
            raise Refused("Choose the list the answer comes from", "list")
        return {"list": chosen, "allow_other": True if data.get("allow_other") else None}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the list and the other-name setting."""
        return {"list": field.get("list", ""), "allow_other": bool(field.get("allow_other"))}

    def new_keys(self, label: str, extra: Mapping[str, str]) -> dict[str, Any]:
        """Start with the first list."""
        return {"list": next(iter(LISTS))}


TYPES = (ManagedChoice(),)
