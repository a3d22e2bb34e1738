"""The working-day clock: bank holidays in England and Wales, closure days and deadlines.

Pure functions with no Flask and no storage: callers pass the partnership's closure days
and counting rule (see calendar_settings) so that the same answers come from every caller.

Counting: the start day (the day of becoming aware) is day 0 and the deadline is the Nth
working day after it. Statutory clocks always count so, skipping only weekends and bank
holidays. A partnership's closure days, and counting the start day as day 1
(start_is_day_zero=False), apply only to its own internal targets. Backwards counts
(negative days) mirror this exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

NO_CLOSURES: frozenset[date] = frozenset()
DEFAULT_SOON_DAYS = 5

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
PUBLICATION_MONTHS = 6
PANEL_NOTICE_WORKING_DAYS = 7
KEEP_PUBLISHED_MONTHS = 12

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Our names for the holidays package's English names, as people in England say them.
_HOLIDAY_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}
_OBSERVED = " (observed)"

State = Literal["due", "due_soon", "overdue", "met", "missed"]


# --- Bank holidays -----------------------------------------------------------------------


@lru_cache(maxsize=512)
def _holidays_in_year(year: int) -> Mapping[date, str]:
    """Return the bank holidays in England and Wales in one year, read once and kept."""
    import holidays  # loaded when a deadline is first worked out: about 3 MB

    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    named = {day: _our_name(str(name)) for day, name in found.items() if day.year == year}
    return MappingProxyType(dict(sorted(named.items())))


@lru_cache(maxsize=512)
def _holiday_dates_in_year(year: int) -> frozenset[date]:
    """Return just the dates of one year's bank holidays, for fast membership tests."""
    return frozenset(_holidays_in_year(year))


def _our_name(name: str) -> str:
    """Name a bank holiday plainly; a moved holiday is called a substitute day."""
    parts = [part.strip() for part in name.split(";")]
    named = []
    for part in parts:
        substitute = part.endswith(_OBSERVED)
        base = part.removesuffix(_OBSERVED)
        base = _HOLIDAY_NAMES.get(base, base)
        named.append(f"{base} (substitute day)" if substitute else base)
    return "; ".join(named)


def is_bank_holiday(day: date) -> bool:
    """Say whether a day is a bank holiday in England and Wales."""
    return day in _holiday_dates_in_year(day.year)


def bank_holiday_name(day: date) -> str | None:
    """Return the name of the bank holiday on a day, or None if it is not one."""
    return _holidays_in_year(day.year).get(day)


def bank_holidays(first: date, last: date) -> list[tuple[date, str]]:
    """List the bank holidays from first to last inclusive, with their names."""
    found: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        found.extend((d, n) for d, n in _holidays_in_year(year).items() if first <= d <= last)
    return found


# --- Working days ------------------------------------------------------------------------


def is_working_day(day: date, closures: Collection[date] = NO_CLOSURES) -> bool:
    """Say whether a day is a working day: Monday to Friday, not a bank or closure day."""
    return day.weekday() < 5 and not is_bank_holiday(day) and day not in closures


def add_working_days(
    start: date,
    days: int,
    closures: Iterable[date] = NO_CLOSURES,
    start_is_day_zero: bool = True,
) -> date:
    """Return the day that is `days` working days after (or, if negative, before) start."""
    # 0 days is always the start date itself, whatever the counting rule.
    if days == 0:
        return start
    return _add_working_days(start, days, _as_set(closures), start_is_day_zero)


# Home pages and lists work out the same few dates for every case on each request; bank
# holidays are England and Wales's (not a setting) and closures are part of the key.
@lru_cache(maxsize=65_536)
def _add_working_days(start: date, days: int, closed: frozenset[date],
                      start_is_day_zero: bool) -> date:  # fmt: skip
    """Walk working days from start (cached: the answer never changes for the same question)."""
    step = 1 if days > 0 else -1
    remaining = abs(days)
    day = start
    if not start_is_day_zero and is_working_day(start, closed):
        remaining -= 1
        if remaining == 0:
            return start
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, closed):
            remaining -= 1
    return day


def working_days_between(
    start: date,
    end: date,
    closures: Iterable[date] = NO_CLOSURES,
    start_is_day_zero: bool = True,
) -> int:
    """Count working days from start to end; negative when end is before start.

    With day-0 counting the end day counts and the start day does not, so
    working_days_between(s, add_working_days(s, n)) == n. When end is before start the
    count is of the days from end up to but not including start, made negative. With
    day-1 counting both days count. The same day twice gives 0 with day-0 counting.
    """
    if start == end and start_is_day_zero:
        return 0
    sign = 1 if end >= start else -1
    first, last = (start, end) if sign == 1 else (end, start)
    if start_is_day_zero:
        if sign == 1:
            first += timedelta(days=1)
        else:
            last -= timedelta(days=1)
    return sign * _count_working_days(first, last, _as_set(closures))


@lru_cache(maxsize=65_536)  # as _add_working_days: the same question always has this answer
def _count_working_days(first: date, last: date, closures: frozenset[date]) -> int:
    """Count working days from first to last inclusive without walking every day."""
    if last < first:
        return 0
    weekdays = _count_weekdays(first, last)
    off = {d for d, _ in bank_holidays(first, last) if d.weekday() < 5}
    off.update(d for d in closures if first <= d <= last and d.weekday() < 5)
    return weekdays - len(off)


def _count_weekdays(first: date, last: date) -> int:
    """Count Mondays to Fridays from first to last inclusive."""
    total = (last - first).days + 1
    whole_weeks, extra = divmod(total, 7)
    count = whole_weeks * 5
    start_weekday = first.weekday()
    count += sum(1 for offset in range(extra) if (start_weekday + offset) % 7 < 5)
    return count


def days_off(
    first: date, last: date, closures: Mapping[date, str] | Iterable[date] = NO_CLOSURES
) -> list[tuple[date, str]]:
    """List the weekdays from first to last inclusive that were not working days, and why."""
    reasons: dict[date, str] = {d: n for d, n in bank_holidays(first, last) if d.weekday() < 5}
    labelled = closures if isinstance(closures, Mapping) else dict.fromkeys(closures, "")
    for day, reason in labelled.items():
        if first <= day <= last and day.weekday() < 5 and day not in reasons:
            reasons[day] = f"Closure day: {reason}" if reason else "Closure day"
    return sorted(reasons.items())


def _as_set(closures: Iterable[date]) -> frozenset[date]:
    """Freeze closures once so each day's test is a set look-up."""
    return closures if isinstance(closures, frozenset) else frozenset(closures)


# --- Calendar months ---------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """Add calendar months, moving to the month's last day when the day does not exist."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    """Return how many days a month has."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# --- The statutory deadlines -------------------------------------------------------------


def notification_due(aware: date) -> date:
    """Return when the serious incident notification is due: 5 working days after aware."""
    # Statutory clocks skip only weekends and bank holidays, and the day of the event is
    # day 0, whatever a partnership's own settings say (those set internal targets only).
    return add_working_days(aware, NOTIFICATION_WORKING_DAYS)


def rapid_review_due(notified: date) -> date:
    """Return when the rapid review is due: 15 working days after the notification."""
    return add_working_days(notified, RAPID_REVIEW_WORKING_DAYS)


def publication_due(commissioned: date) -> date:
    """Return when a local review must be published: 6 calendar months after commissioning."""
    return add_months(commissioned, PUBLICATION_MONTHS)


def panel_notice_due(planned_publication: date) -> date:
    """Return the last day the final report can go to the Panel: 7 working days before."""
    # Publication day is day 0 and never one of the seven: sending on the returned day leaves
    # 7 working days up to and including publication.
    return add_working_days(planned_publication, -PANEL_NOTICE_WORKING_DAYS)


def notice_given(sent: date, published: date) -> int:
    """Count the working days of notice the Panel had: from sending up to publication."""
    return working_days_between(sent, published)


def internal_target(
    start: date, days: int, closures: Iterable[date] = NO_CLOSURES, start_is_day_zero: bool = True
) -> date:
    """Return a partnership's own target date, which may skip its closure days too."""
    return add_working_days(start, days, closures, start_is_day_zero)


def keep_published_until(published: date) -> date:
    """Return the first day a published report may come off the website: 1 year on."""
    return add_months(published, KEEP_PUBLISHED_MONTHS)


# --- Status of a deadline ----------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineStatus:
    """Where a deadline stands on a given day, with a phrase to show people."""

    state: State
    due: date
    today: date
    done: date | None
    working_days: int  # left before due, or over it (overdue or missed); 0 if on the day
    phrase: str

    @property
    def is_late(self) -> bool:
        """Say whether the deadline was or is being missed."""
        return self.state in ("overdue", "missed")


def deadline_status(
    due: date,
    today: date,
    done: date | None = None,
    soon_days: int = DEFAULT_SOON_DAYS,
    closures: Iterable[date] = NO_CLOSURES,
) -> DeadlineStatus:
    """Say whether a deadline is met, missed, overdue, due soon or simply due."""
    closed = _as_set(closures)
    if done is not None:
        if done <= due:
            early = working_days_between(done, due, closed)
            phrase = "done on time" if early == 0 else f"done {_days(early)} early"
            return DeadlineStatus("met", due, today, done, early, phrase)
        late = working_days_between(due, done, closed)
        phrase = f"done {_days(late)} late" if late else f"done late, on {long_date(done)}"
        return DeadlineStatus("missed", due, today, done, late, phrase)
    if today > due:
        over = working_days_between(due, today, closed)
        phrase = f"overdue by {_days(over)}" if over else f"overdue since {long_date(due)}"
        return DeadlineStatus("overdue", due, today, None, over, phrase)
    left = working_days_between(today, due, closed)
    if today == due:
        phrase = "due today"
    elif left == 0:
        phrase = "due tomorrow" if due - today == timedelta(days=1) else f"due {long_date(due)}"
    else:
        phrase = f"due in {_days(left)}"
    state: State = "due_soon" if left <= soon_days else "due"
    return DeadlineStatus(state, due, today, None, left, phrase)


def _days(count: int) -> str:
    """Write a number of working days in words people read easily."""
    return f"{count} working day" if count == 1 else f"{count} working days"


def long_date(day: date) -> str:
    """Write a date in full the GOV.UK way, like Tuesday 5 January 2027."""
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """Write a date the GOV.UK way without the weekday, like 5 January 2027."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
