"""Answers in named parts, each a text box: a person's name and a UK address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from wtforms import Form, FormField, StringField
from wtforms.fields.core import UnboundField

from cspr.formengine import messages
from cspr.formengine.core_types import PART_MAX_LENGTH, is_blank
from cspr.formengine.fieldtypes.base import Field, FieldType, Schema, text_of

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

POSTCODE_PATTERN = (
    "^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    "|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)


def normalise_postcode(value: str) -> str:
    """Upper-case a postcode and put exactly one space before the inward code."""
    compact = "".join(value.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


class PartsType(FieldType):
    """An answer made of text parts; some parts must be given."""

    template = "formengine/fieldtypes/parts.html"
    required_parts: ClassVar[tuple[str, ...]] = ()
    # (part, label on the page, autocomplete) for each box, in order.
    boxes: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    part_messages: ClassVar[dict[str, str]] = {}
    joiner: ClassVar[str] = "\n"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return an object of text parts."""
        text = {"type": "string", "minLength": 1, "maxLength": PART_MAX_LENGTH}
        return {"type": "object", "properties": {part: dict(text) for part in self.parts},
                "required": list(self.required_parts), "additionalProperties": False}

    def normalise(self, field: Field, value: Any) -> Any:
        """Keep the known parts, trimmed, leaving out blank ones."""
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] = {}
        for part in self.parts:
            if part in value:
                text = value[part].strip() if isinstance(value[part], str) else value[part]
                if not is_blank(text):
                    out[part] = text
        return out

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField:
        """Return one text box per part."""
        boxes = type("Parts", (Form,), {part: StringField(part) for part in self.parts})
        return FormField(boxes, field.get("label", ""))

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read the boxes that were filled in."""
        given = raw if isinstance(raw, Mapping) else {}
        parts = {k: text_of(v) for k, v in given.items() if text_of(v)}
        return parts or None, {}

    def element_id(self, field: Field, prefix: str, rest: list[str]) -> str:
        """Link to the part with the problem, or the first box."""
        return f"{prefix}-{rest[0] if rest else self.parts[0]}"

    def display(self, field: Field, value: Any) -> str:
        """Write the parts given, in order."""
        return self.joiner.join(str(value[p]) for p in self.parts if value.get(p))

    def cell(self, field: Field, value: Any) -> Any:
        """Write the parts in one cell."""
        return self.display(field, value) if isinstance(value, Mapping) else str(value)

    def missing_part_message(self, field: Field, part: str) -> str:
        """Name the part that is missing."""
        wording = self.part_messages.get(part)
        if wording is None:
            return self.required_message(field)
        return wording.format(name=messages.capitalise(messages.error_name(field)))

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Explain a problem with one part."""
        if part is None:
            return super().problem_message(field, part, keyword, expected)
        if keyword == "maxLength":
            label = next((lab for p, lab, _ in self.boxes if p == part), "This answer")
            return f"{label.removesuffix(' (optional)')} must be {int(expected)} characters or less"
        return self.missing_part_message(field, part)


class PersonName(PartsType):
    """Given names and a family name."""

    answer_kind = "person"

    name = "person_name"
    label = "Person's name (given names and family name)"
    words = "person's name"
    names_person = True
    parts = ("given_names", "family_name")
    required_parts = parts
    boxes = (("given_names", "Given names", "given-name"),
             ("family_name", "Family name", "family-name"))
    part_messages = {"given_names": "{name} must include given names",
                     "family_name": "{name} must include a family name"}
    joiner = " "
    export_width = 24.0

    def from_account(self, field: Field, text: str) -> Any:
        """Split an account's name: the last word is the family name."""
        given, _, family = text.strip().rpartition(" ")
        return {"given_names": given, "family_name": family} if given else {"family_name": family}


class UkAddress(PartsType):
    """A UK address with a real postcode."""

    answer_kind = "address"

    name = "uk_address"
    label = "UK address"
    words = "UK address"
    withheld = True
    parts = ("line1", "line2", "town", "county", "postcode")
    required_parts = ("line1", "town", "postcode")
    boxes = (("line1", "Address line 1", "off"), ("line2", "Address line 2 (optional)", "off"),
             ("town", "Town or city", "off"), ("county", "County (optional)", "off"),
             ("postcode", "Postcode", "off"))
    part_messages = {"line1": "Enter address line 1, usually the building and street",
                     "town": "Enter the town or city", "postcode": "Enter a postcode"}
    export_width = 40.0

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Add the postcode's shape to the parts."""
        address = super().answer_schema(field, definition)
        address["properties"]["postcode"]["pattern"] = POSTCODE_PATTERN
        return address

    def normalise(self, field: Field, value: Any) -> Any:
        """Tidy the postcode's case and spacing."""
        address = super().normalise(field, value)
        if isinstance(address, dict) and isinstance(address.get("postcode"), str):
            address["postcode"] = normalise_postcode(address["postcode"])
        return address

    def cell(self, field: Field, value: Any) -> Any:
        """Write the address on one line."""
        if not isinstance(value, Mapping):
            return str(value)
        return ", ".join(str(value[p]) for p in self.parts if value.get(p))

    def problem_message(self, field: Field, part: str | None, keyword: str, expected: Any) -> str:
        """Ask for a real postcode."""
        if part == "postcode" and keyword == "pattern":
            return "Enter a real postcode"
        return super().problem_message(field, part, keyword, expected)


TYPES = (PersonName(), UkAddress())
