"""A time of day, such as when an incident happened: typed as 14:30 or 2:30pm, kept as HH:MM."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cspr.formengine import messages
from cspr.formengine.core_errors import quoted
from cspr.formengine.fieldtypes.base import (
    ALWAYS_OPS,
    EQUALITY_OPS,
    Field,
    Schema,
    refuse_value,
    text_of,
)
from cspr.formengine.fieldtypes.text import TextType

if TYPE_CHECKING:
    from cspr.formengine.definitions import FormDefinition

STORED = "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
# 14:30, 14.30, 9:05, 2:30pm, 2.30 p.m., 2pm, 12am; the hour and minutes are read below.
_TYPED = re.compile(
    r"^(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>[ap])?\.?\s*(?:m\.?)?$"
)
_WORDS = {"midnight": "00:00", "midday": "12:00", "noon": "12:00", "12 noon": "12:00"}


def read_time(text: str) -> str | None:
    """Return a typed time as HH:MM (24-hour clock), or None when it is not a time."""
    typed = " ".join(text.lower().split())
    if typed in _WORDS:
        return _WORDS[typed]
    match = _TYPED.match(typed)
    if match is None or not typed.isascii():
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = match["half"]
    if half is None and match["minute"] is None:
        return None  # "14" alone could be anything
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def spoken(value: str) -> str:
    """Write HH:MM the GOV.UK way: 9am, 2:30pm, midday, midnight."""
    hour, minute = (int(part) for part in value.split(":"))
    if (hour, minute) == (0, 0):
        return "midnight"
    if (hour, minute) == (12, 0):
        return "midday"
    clock = hour % 12 or 12
    suffix = "am" if hour < 12 else "pm"
    return f"{clock}{suffix}" if minute == 0 else f"{clock}:{minute:02d}{suffix}"


class TimeOfDay(TextType):
    """A time of day on the 24-hour or 12-hour clock, shown as 2:30pm."""

    answer_kind = "time"

    name = "time_of_day"
    label = "Time of day"
    words = "time of day"
    template = "formengine/fieldtypes/time_of_day.html"
    ops = ALWAYS_OPS | EQUALITY_OPS
    inputmode = None
    spellcheck = False
    width = "govuk-input--width-5"
    export_width = 10.0
    condition_hint = "A time like 14:30 or 2:30pm. For is one of, separate times with commas."

    def condition_value_problem(self, field: Field, op: str, value: Any) -> str | None:
        """Compare only with times written HH:MM."""
        if isinstance(value, str) and re.match(STORED, value):
            return None
        return f"{quoted(value)} is not a time like 14:30"

    def answer_schema(self, field: Field, definition: FormDefinition) -> Schema:
        """Return a time on the 24-hour clock, HH:MM."""
        return {"type": "string", "pattern": STORED}

    def normalise(self, field: Field, value: Any) -> Any:
        """Read a time sent as 2:30pm or 14.30 the way pages read it."""
        if isinstance(value, str):
            return read_time(value) or value
        return value

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read a typed time, or explain how to write one."""
        typed = text_of(raw)
        if not typed:
            return None, {}
        time = read_time(typed)
        return (time, {}) if time else (None, {"": self.wrong_type_message(field)})

    def display(self, field: Field, value: Any) -> str:
        """Write the time like 2:30pm."""
        return spoken(value) if isinstance(value, str) and re.match(STORED, value) else str(value)

    def wrong_type_message(self, field: Field) -> str:
        """Show how to write a time."""
        return f"Enter {messages.error_name(field)} in the correct format, like 14:30 or 2:30pm"

    def condition_value(self, field: Field, text: str, op: str) -> Any:
        """Read the time a condition compares with."""
        time = read_time(text)
        if time is None:
            raise refuse_value("Enter a time, like 14:30 or 2:30pm")
        return time


TYPES = (TimeOfDay(),)
