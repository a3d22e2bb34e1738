"""Error messages in the GOV.UK Design System's style, built from a field's definition."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

Field = Mapping[str, Any]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_IRREGULAR_PLURALS = {"child": "children", "person": "people", "man": "men", "woman": "women"}
# First words kept as written: the pronoun "I" and acronyms such as ICB, LA's or GPs.
_KEEP_CASE = re.compile(r"^(?:I|[A-Z0-9]{2,}(?:'s|s)?)[,:]?$")
_DATE_PART_ORDER = ("day", "month", "year")
# Labels starting with these words are instructions already ("Describe what happened").
_INSTRUCTIONS = frozenset({
    "add", "choose", "confirm", "describe", "enter", "explain", "give", "provide", "select",
    "tell", "upload", "write",
})


def capitalise(text: str) -> str:
    """Upper-case the first letter so that a phrase can start a sentence."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is "I" or an acronym."""
    words = text.split()
    if not words or _KEEP_CASE.match(words[0]):
        return text
    return text[:1].lower() + text[1:]


def error_name(field: Field) -> str:
    """Return the noun phrase messages use for a field: its error_name, or its label."""
    given = str(field.get("error_name") or "").strip()
    if given:
        return given
    label = str(field.get("label") or "").strip().rstrip("?").strip()
    return lower_first(label) if label else "this answer"


def format_date(value: date) -> str:
    """Write a date the GOV.UK way, like 4 June 2025."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def plural(noun: str) -> str:
    """Return the plural of a short noun phrase such as "child" or "agency"."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in _IRREGULAR_PLURALS:
        word = last[:1] + _IRREGULAR_PLURALS[lower][1:]
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        word = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def item_label(field: Field, count: int) -> str:
    """Return the label of a repeating group's items, singular or plural for a count."""
    singular = lower_first(str(field.get("item_label") or "item"))
    if count == 1:
        return singular
    given = field.get("item_label_plural")
    return lower_first(str(given)) if given else plural(singular)


def plain_number(value: Any) -> str:
    """Write a limit without a pointless ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def choice_list(items: list[str]) -> str:
    """Join items as "A, B or C"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def required_message(field: Field) -> str:
    """Return the message for a required answer that is missing (each type words its own)."""
    from cspr.formengine.fieldtypes import field_type

    return field_type(field).required_message(field)


def wrong_type_message(field: Field) -> str:
    """Return the message for an answer of the wrong kind, such as text for a number."""
    from cspr.formengine.fieldtypes import field_type

    return field_type(field).wrong_type_message(field)


def named(field: Field) -> bool:
    """Say whether the definition gives the words messages use for a field."""
    return bool(str(field.get("error_name") or "").strip())


def enter_message(field: Field) -> str:
    """Return "Enter ..." for a missing answer, reading as a sentence whatever the label."""
    if named(field):
        return f"Enter {error_name(field)}"
    label = " ".join(str(field.get("label") or "").split())
    first = label.split(" ", 1)[0].lower() if label else ""
    if first in _INSTRUCTIONS:
        # "Tell us about the other children" is already an instruction: use it as it is.
        return capitalise(label.rstrip(".:?! "))
    if label.endswith("?"):
        return f"Enter your answer to ‘{label}’"
    return f"Enter {error_name(field)}"


def choose_message(field: Field, unnamed: str) -> str:
    """Return "Select ..." for a missing choice; `unnamed` when the definition names nothing."""
    return f"Select {error_name(field)}" if named(field) else unnamed


def too_long_message(field: Field, limit: int) -> str:
    """Return the message for text over its character limit."""
    return f"{capitalise(error_name(field))} must be {limit} characters or less"


def too_short_message(field: Field, limit: int) -> str:
    """Return the message for text under its minimum length."""
    return f"{capitalise(error_name(field))} must be {limit} characters or more"


def number_range_message(field: Field) -> str:
    """Return the message for a number outside the field's limits."""
    limits = field.get("validation", {})
    low, high = limits.get("min"), limits.get("max")
    name = error_name(field)
    if low is not None and high is not None:
        # "Enter a number of children from 1 to 4" reads well; "Enter a child's age" does not.
        if name.lower().startswith(("the number of ", "the amount of ")):
            return f"Enter a {name[4:]} from {plain_number(low)} to {plain_number(high)}"
        return f"{capitalise(name)} must be between {plain_number(low)} and {plain_number(high)}"
    if low is not None:
        return f"{capitalise(name)} must be {plain_number(low)} or more"
    return f"{capitalise(name)} must be {plain_number(high)} or less"


def date_parts_message(error_name: str, missing_parts: Iterable[str]) -> str:
    """Return the message for a date with some of day, month and year left out."""
    missing = [part for part in _DATE_PART_ORDER if part in set(missing_parts)]
    if not missing or len(missing) == 3:
        return f"Enter {error_name}"
    wanted = " and ".join(f"a {part}" for part in missing)
    return f"{capitalise(error_name)} must include {wanted}"


def real_date_message(error_name: str) -> str:
    """Return the message for a date that does not exist, like 31 February."""
    return f"{capitalise(error_name)} must be a real date"


def date_rule_message(field: Field, rule: str, other: str = "") -> str:
    """Return the message for a date that breaks one of its field's limits."""
    name = capitalise(error_name(field))
    wording = {
        "not_in_future": "must be today or in the past",
        "not_in_past": "must be today or in the future",
        "on_or_after": f"must be the same as or after {other}",
        "on_or_before": f"must be the same as or before {other}",
        "after": f"must be after {other}",
        "before": f"must be before {other}",
    }
    return f"{name} {wording[rule]}"


def group_min_message(field: Field, count: int) -> str:
    """Return the message for a repeating group with too few items."""
    return f"Add at least {count} {item_label(field, count)}"


def group_max_message(field: Field, count: int) -> str:
    """Return the message for a repeating group with too many items."""
    if count == 1:
        return f"You can only add 1 {item_label(field, 1)}"
    return f"You can add up to {count} {item_label(field, count)}"
