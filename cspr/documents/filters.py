"""Filters templates can use: UK dates, working-day arithmetic, names and yes or no."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from cspr.casework import clock

MAX_WORKING_DAYS = 1000
MAX_MONTHS = 1200
MAX_DAYS = 10_000

# name: (what it does, an example of its use, what the example gives)
FILTER_DOCS: dict[str, tuple[str, str, str]] = {
    "uk_date": (
        "Write a date the GOV.UK way.",
        "{{ case.dates.la_aware | uk_date }}",
        "5 January 2027",
    ),
    "uk_day_date": (
        "Write a date with its weekday.",
        "{{ case.dates.la_aware | uk_day_date }}",
        "Tuesday 5 January 2027",
    ),
    "add_working_days": (
        "Count working days on from a date (or back, with a negative number), skipping "
        "weekends, bank holidays in England and Wales and the partnership's closure days. "
        "Gives a date to write with uk_date.",
        "{{ case.dates.la_aware | add_working_days(5) | uk_date }}",
        "12 January 2027",
    ),
    "working_days_between": (
        "Count the working days from one date to another.",
        "{{ today | working_days_between(case.dates.planned_publication) }}",
        "12",
    ),
    "add_months": (
        "Count calendar months on from a date.",
        "{{ case.dates.commissioned | add_months(6) | uk_date }}",
        "22 October 2026",
    ),
    "add_days": (
        "Count calendar days on from a date.",
        "{{ today | add_days(28) | uk_date }}",
        "2 February 2027",
    ),
    "name": (
        "Write a name answer (given names, then family name).",
        "{{ forms.notification.answers.notifier_name | name }}",
        "Bea Example",
    ),
    "yes_no": ("Write a yes or no answer as Yes or No.", "{{ x | yes_no }}", "Yes"),
}
FILTER_NAMES = frozenset(FILTER_DOCS)


def as_date(value: Any) -> date | None:
    """Read a date, a time or ISO text such as 2027-01-05; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _whole(value: Any, limit: int, what: str) -> int:
    """Read a whole number within a limit, for day and month counts."""
    number = int(value)
    if abs(number) > limit:
        raise ValueError(f"{what} must be between -{limit} and {limit}")
    return number


def uk_date(value: Any) -> str:
    """Write a date like 5 January 2027; other text is left as it is."""
    day = as_date(value)
    return clock.short_date(day) if day else ("" if not value else str(value))


def uk_day_date(value: Any) -> str:
    """Write a date like Tuesday 5 January 2027."""
    day = as_date(value)
    return clock.long_date(day) if day else ("" if not value else str(value))


def person_name(value: Any) -> str:
    """Write a name answer as given names then family name."""
    if isinstance(value, dict):
        parts = (str(value.get(p) or "").strip() for p in ("given_names", "family_name"))
        return " ".join(p for p in parts if p)
    return "" if not value else str(value)


def yes_no(value: Any) -> str:
    """Write True as Yes and False as No; anything else as nothing."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return ""


def make_filters(
    closures: Iterable[date] = clock.NO_CLOSURES, start_is_day_zero: bool = True
) -> dict[str, Callable[..., Any]]:
    """Return the filters, counting working days in the partnership's own calendar."""
    closed = frozenset(closures)

    def add_working_days(value: Any, days: Any) -> str:
        """Count working days on (or back) from a date."""
        start = as_date(value)
        if start is None:
            return ""
        count = _whole(days, MAX_WORKING_DAYS, "The number of working days")
        return clock.add_working_days(start, count, closed, start_is_day_zero).isoformat()

    def working_days_between(value: Any, end: Any) -> Any:
        """Count the working days from one date to another."""
        first, last = as_date(value), as_date(end)
        if first is None or last is None:
            return ""
        return clock.working_days_between(first, last, closed, start_is_day_zero)

    def add_months(value: Any, months: Any) -> str:
        """Count calendar months on from a date."""
        start = as_date(value)
        if start is None:
            return ""
        return clock.add_months(
            start, _whole(months, MAX_MONTHS, "The number of months")
        ).isoformat()

    def add_days(value: Any, days: Any) -> str:
        """Count calendar days on from a date."""
        start = as_date(value)
        if start is None:
            return ""
        return (start + timedelta(days=_whole(days, MAX_DAYS, "The number of days"))).isoformat()

    return {
        "uk_date": uk_date,
        "uk_day_date": uk_day_date,
        "add_working_days": add_working_days,
        "working_days_between": working_days_between,
        "add_months": add_months,
        "add_days": add_days,
        "name": person_name,
        "yes_no": yes_no,
    }
