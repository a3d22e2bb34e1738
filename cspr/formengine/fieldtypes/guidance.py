"""Guidance: words shown on a page, with no answer to give."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms.fields.core import UnboundField

from cspr.exceptions import Refused
from cspr.formengine.fieldtypes.base import Field, FieldType


class Guidance(FieldType):
    """A heading and paragraphs between the questions."""

    answer_kind = "none"

    name = "guidance"
    label = "Guidance text (no answer)"
    words = "guidance text"
    template = "formengine/fieldtypes/guidance.html"
    answered = False
    posted = False
    exported = False
    prefillable = False
    ops = frozenset()
    keys = {"text": {"$ref": "#/$defs/text"}}
    required_keys = ("text",)
    settings = frozenset({"text"})

    def form_field(self, field: Field, item_count: int = 0) -> UnboundField | None:
        """Take no input."""
        return None

    def new_keys(self, label: str, extra: Mapping[str, str]) -> dict[str, Any]:
        """Start with the words given, or the label."""
        return {"text": (extra.get("text") or "").strip() or label}

    def read_settings(self, field: Field, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read the words to show."""
        text = str(data.get("text") or "").strip()
        if not text:
            raise Refused("Enter the guidance text", "text")
        return {"text": text}

    def initial_settings(self, field: Field) -> dict[str, Any]:
        """Show the words."""
        return {"text": field.get("text", "")}


TYPES = (Guidance(),)
