"""Error messages in the GOV.UK Design System's style, built from a field's definition."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cspr.formengine.core_types import TEXT_TYPES, accepted_extensions, max_size_mb

Field = Mapping[str, Any]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_IRREGULAR_PLURALS = {"child": "children", "person": "people", "man": "men", "woman": "women"}
# First words kept as written: the pronoun "I" and acronyms such as ICB, LA's or GPs.
_KEEP_CASE = re.compile(r"^(?:I|[A-Z0-9]{2,}(?:'s|s)?)[,:]?$")
_PART_LABELS = {
    "given_names": "Given names",
    "family_name": "Family name",
    "line1": "Address line 1",
    "line2": "Address line 2",
    "town": "Town or city",
    "county": "County",
    "postcode": "Postcode",
}
_DATE_PART_ORDER = ("day", "month", "year")
# Letters whose English names begin with a vowel sound take "an": an ODT, an RTF, an XLSX.
_AN_LETTERS = set("AEFHILMNORSX")


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


def _number(value: Any) -> str:
    """Write a limit without a pointless ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choice_list(items: list[str]) -> str:
    """Join items as "A, B or C"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def required_message(field: Field) -> str:
    """Return the message for a required answer that is missing."""
    kind = field.get("type")
    named = bool(str(field.get("error_name") or "").strip())
    name = error_name(field)
    if kind == "yes_no":
        return f"Select whether {name}" if named else "Select yes or no"
    if kind in ("radios", "select"):
        return f"Select {name}"
    if kind == "checkboxes":
        return f"Select {name}" if named else "Select at least one option"
    if kind == "file":
        return f"Select {name}" if named else "Select a file"
    if kind == "declaration":
        return f"Confirm {name}" if named else "Select the box to confirm the declaration"
    if kind == "repeating_group":
        return group_min_message(field, max(1, int(field.get("min_items", 1))))
    return f"Enter {name}"


def wrong_type_message(field: Field) -> str:
    """Return the message for an answer of the wrong kind, such as text for a number."""
    kind = field.get("type")
    if kind == "integer":
        return f"{capitalise(error_name(field))} must be a whole number"
    if kind == "decimal":
        return f"{capitalise(error_name(field))} must be a number"
    if kind == "date":
        return real_date_message(error_name(field))
    if kind == "file":
        return file_failed_message()
    if kind == "repeating_group":
        return f"Enter the details of each {item_label(field, 1)}"
    if kind in TEXT_TYPES:  # only the API can send a number, list or object here
        return f"{capitalise(error_name(field))} must be text"
    return required_message(field)


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
            return f"Enter a {name[4:]} from {_number(low)} to {_number(high)}"
        return f"{capitalise(name)} must be between {_number(low)} and {_number(high)}"
    if low is not None:
        return f"{capitalise(name)} must be {_number(low)} or more"
    return f"{capitalise(name)} must be {_number(high)} or less"


def email_message() -> str:
    """Return the message for an email address in the wrong format."""
    return "Enter an email address in the correct format, like name@example.com"


def phone_message() -> str:
    """Return the message for a telephone number in the wrong format."""
    return "Enter a telephone number, like 01632 960 001 or 07700 900 982"


def postcode_message() -> str:
    """Return the message for a postcode that cannot be real."""
    return "Enter a real postcode"


def part_required_message(field: Field, part: str) -> str:
    """Return the message for a missing part of a name or address."""
    name = capitalise(error_name(field))
    messages = {
        "given_names": f"{name} must include given names",
        "family_name": f"{name} must include a family name",
        "line1": "Enter address line 1, usually the building and street",
        "town": "Enter the town or city",
        "postcode": "Enter a postcode",
    }
    return messages.get(part, required_message(field))


def part_too_long_message(part: str, limit: int) -> str:
    """Return the message for a part of a name or address over its limit."""
    return f"{_PART_LABELS.get(part, 'This answer')} must be {limit} characters or less"


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


def file_size_message(field: Field) -> str:
    """Return the message for an upload over the size limit."""
    size = max_size_mb(field)
    text = f"{_number(round(size * 1024))}KB" if size < 1 else f"{_number(size)}MB"
    return f"The selected file must be smaller than {text}"


def file_type_message(field: Field) -> str:
    """Return the message for an upload of a type the field does not accept."""
    names = [ext.lstrip(".").upper() for ext in accepted_extensions(field)]
    article = "an" if names[0][:1] in _AN_LETTERS else "a"
    return f"The selected file must be {article} {_choice_list(names)}"


def file_empty_message() -> str:
    """Return the message for an empty upload."""
    return "The selected file is empty"


def file_failed_message() -> str:
    """Return the message for an upload whose details are incomplete."""
    return "The selected file could not be uploaded – try again"


def group_min_message(field: Field, count: int) -> str:
    """Return the message for a repeating group with too few items."""
    return f"Add at least {count} {item_label(field, count)}"


def group_max_message(field: Field, count: int) -> str:
    """Return the message for a repeating group with too many items."""
    if count == 1:
        return f"You can only add 1 {item_label(field, 1)}"
    return f"You can add up to {count} {item_label(field, count)}"
