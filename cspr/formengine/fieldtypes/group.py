"""A repeating group: the same questions asked once per item, such as each child."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wtforms import FieldList, Form, FormField
from wtforms.fields.core import UnboundField

from cspr.exceptions import Refused
from cspr.formengine import messages
from cspr.formengine.fieldtypes.base import Field, FieldType, Schema
from cspr.formengine.fieldtypes.common import whole_setting

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition


def _of(field: Field) -> FieldType:
    """Return a sub-field's type."""
    from cspr.formengine.fieldtypes import field_type

    return field_type(field)


class RepeatingGroup(FieldType):
    """A list of items, each holding answers to the group's own questions."""

    answer_kind = "rows"

    name = "repeating_group"
    label = "Repeating group (questions asked once per item, like each child)"
    words = "repeating group"
    template = "formengine/fieldtypes/group.html"
    is_group = True
    in_groups = False
    not_in_group_reason = "A repeating group cannot contain another repeating group"
    prefillable = False
    keys = {
        "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/sub_field"}},
        "min_items": {"$ref": "#/$defs/count"},
        "max_items": {"type": "integer", "minimum": 1, "maximum": 1000},
        "item_label": {"$ref": "#/$defs/text"},
        "item_label_plural": {"$ref": "#/$defs/text"},
    }
    required_keys = ("fields",)
    settings = frozenset({"min_items", "max_items", "item_label", "item_label_plural"})
    export_width = 12.0

    def definition_problems(self, field: Field, scope: Any, group: Field | None) -> Any:
        """Report a minimum number of items above the maximum."""
        if field.get("min_items", 0) > field.get("max_items", float("inf")):
            return [(["min_items"], "'min_items' cannot be more than 'max_items'")]
        return []

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a list of items holding the sub-fields' answers."""
        from cspr.formengine.schema import group_schema

        return group_schema(field, definition)

    def normalise(self, field: Field, value: Any) -> Any:
        """Tidy each item; items are kept even when empty, to keep positions."""
        if not isinstance(value, list):
            return value
        from cspr.formengine.core_clean import tidy_answers

        return [tidy_answers(field["fields"], item) if isinstance(item, Mapping) else item
                for item in value]

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return one sub-form per item shown."""
        attrs = {}
        for sub in field.get("fields", []):
            bound = _of(sub).form_field(sub) if _of(sub).posted else None
            if bound is not None:
                attrs[sub["name"]] = bound
        item = type(f"Item_{field['name']}", (Form,), attrs)
        return FieldList(FormField(item), field.get("label", ""), min_entries=item_count)

    def form_data(self, field: Field, value: Any) -> Any:
        """Show each item's answers in its sub-form."""
        subs = {s["name"]: s for s in field.get("fields", [])}
        return [
            {name: _of(subs[name]).form_data(subs[name], v) for name, v in item.items()
             if name in subs and v is not None}
            for item in value if isinstance(item, dict)
        ]

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the items, skipping items left wholly blank; errors keyed "index.sub"."""
        subs = [s for s in field.get("fields", []) if _of(s).posted]
        values: list[dict[str, Any]] = []
        errors: dict[str, str] = {}
        for item in raw or []:
            answer: dict[str, Any] = {}
            item_errors: dict[str, str] = {}
            for sub in subs:
                value, sub_errors = _of(sub).read(sub, (item or {}).get(sub["name"]))
                if value is not None:
                    answer[sub["name"]] = value
                for key, message in sub_errors.items():
                    item_errors[sub["name"] + (f".{key}" if key else "")] = message
            if answer or item_errors:
                index = len(values)
                values.append(answer)
                errors.update({f"{index}.{k}": m for k, m in item_errors.items()})
        return values or None, errors

    def element_id(self, field: Field, prefix: str, rest: list[str]) -> str:
        """Link to the sub-field's input inside its item, or to the item."""
        if not rest:
            return prefix
        subs = {s["name"]: s for s in field.get("fields", [])}
        if len(rest) > 1 and rest[1] in subs:
            inner = f"{prefix}-{rest[0]}-{rest[1]}"
            return _of(subs[rest[1]]).element_id(subs[rest[1]], inner, rest[2:])
        return f"{prefix}-{rest[0]}"

    def display(self, field: Field, value: Any) -> str:
        """Count the items."""
        return f"{len(value)} {messages.item_label(field, len(value))}"

    def cell(self, field: Field, value: Any) -> Any:
        """Count the items (each has its own row on the group's sheet)."""
        return len(value) if isinstance(value, list) else str(value)

    def required_message(self, field: Field) -> str:
        """Ask for the fewest items."""
        return messages.group_min_message(field, max(1, int(field.get("min_items", 1))))

    def wrong_type_message(self, field: Field) -> str:
        """Ask for each item's details."""
        return f"Enter the details of each {messages.item_label(field, 1)}"

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Explain too few or too many items."""
        if keyword == "minItems":
            return messages.group_min_message(field, int(expected))
        if keyword == "maxItems":
            return messages.group_max_message(field, int(expected))
        return self.wrong_type_message(field)

    def new_keys(self, label: str, extra: Mapping[str, str]) -> dict[str, Any]:
        """Start with one question and a name for the items."""
        from cspr.formengine.fieldtypes import DEFAULT_TYPE

        first = extra.get("first_question") or "Details"
        return {"fields": [{"name": extra.get("first_question_name") or "details",
                            "type": DEFAULT_TYPE, "label": first}],
                "item_label": extra.get("item_label") or "Item"}

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the item limits and labels."""
        low = whole_setting(data, "min_items", "Fewest items", 0, 1000)
        high = whole_setting(data, "max_items", "Most items", 1, 1000)
        if low is not None and high is not None and low > high:
            raise Refused("Fewest items must not be more than most items", "min_items")
        return {"min_items": low, "max_items": high,
                "item_label": str(data.get("item_label") or "").strip(),
                "item_label_plural": str(data.get("item_label_plural") or "").strip()}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the item limits and labels."""
        return {"min_items": "" if field.get("min_items") is None else str(field["min_items"]),
                "max_items": "" if field.get("max_items") is None else str(field["max_items"]),
                "item_label": field.get("item_label", ""),
                "item_label_plural": field.get("item_label_plural", "")}


TYPES = (RepeatingGroup(),)
