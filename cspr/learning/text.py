"""Reading what people typed into learning's pages, with messages in GOV.UK words."""

from __future__ import annotations

from datetime import date

from cspr.casework.calendar_settings import check_year
from cspr.exceptions import Refused

MAX_REACHED = 1_000_000


def text(
    value: str, message: str, field: str, limit: int, name: str, required: bool = True
) -> str:
    """Return an answer trimmed, or refuse one that is missing or too long."""
    found = (value or "").strip()
    if required and not found:
        raise Refused(message, field)
    if len(found) > limit:
        raise Refused(f"{name} must be {limit:,} characters or fewer", field)
    return found


def number(value: str, field: str, what: str) -> int:
    """Return a whole number of people, or refuse it in words."""
    found = (value or "").strip().replace(",", "")
    if not found:
        raise Refused(f"Enter {what}", field)
    if not (found.isascii() and found.isdigit()):
        raise Refused(f"Enter {what} as a whole number, like 25", field)
    count = int(found)
    if count > MAX_REACHED:
        raise Refused(f"Enter {what} as a number no bigger than {MAX_REACHED:,}", field)
    return count


def when(day: date, field: str) -> date:
    """Refuse a date outside the years the toolkit works with."""
    return check_year(day, "the date", field)
