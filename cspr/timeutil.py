"""Today and now as people in England see them (Europe/London), wherever the server runs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_now() -> datetime:
    """Return the time now in the UK."""
    return datetime.now(UK)


def uk_today() -> date:
    """Return today's date in the UK (not the UTC date, which differs around midnight)."""
    return uk_now().date()
