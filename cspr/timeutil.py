"""What time and what day it is in the UK: the one place the toolkit asks.

Dates in the process (an incident, a decision, a deadline) are days in England, so "today"
is the date in Europe/London, not the UTC date: between midnight and 1 am in summer the two
differ, and a date typed as today would be refused as in the future. Stored moments stay
in UTC; only "today" and the local time shown to people come from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    """Return the moment now, in UTC (the clock everything here reads; tests may set it)."""
    return datetime.now(UTC)


def uk_now() -> datetime:
    """Return the moment now, in UK time."""
    return utc_now().astimezone(UK)


def uk_today() -> date:
    """Return today's date in the UK."""
    return uk_now().date()
