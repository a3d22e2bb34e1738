"""The one number reader and the one date reader, shared by pages, the API, the builder and checks.

Each returns the value, or a short code saying what is wrong; callers turn the code into a
message that fits where the value was typed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation

LARGEST_NUMBER = Decimal(10) ** 15  # far beyond any real count or measure
_NUMBER_NOISE = re.compile(r"[\s,]")  # "1,000" and "1 000" are both a thousand
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/ .-]\s*(\d{1,2})\s*[/ .-]\s*(\d{4})\s*$")

NOT_A_NUMBER = "number"
NOT_WHOLE = "whole"
TOO_LARGE = "large"
PARTS_MISSING = "missing"
NOT_A_DATE = "date"


def read_number(text: str, whole: bool = False) -> tuple[int | float | None, str | None]:
    """Read a number typed with optional commas or spaces: (number, None), (None, code) or blank."""
    cleaned = _NUMBER_NOISE.sub("", text or "")
    if not cleaned:
        return None, None
    if not cleaned.isascii():
        return None, NOT_A_NUMBER  # Python's Decimal reads Arabic-Indic digits; people do not
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None, NOT_A_NUMBER
    if not number.is_finite():
        return None, NOT_A_NUMBER
    if abs(number) >= LARGEST_NUMBER:
        return None, TOO_LARGE  # 1E400 would otherwise become infinity
    integral = number == number.to_integral_value()
    if whole and not integral:
        return None, NOT_WHOLE
    if whole or (integral and "." not in cleaned and "e" not in cleaned.lower()):
        return int(number), None
    return float(number), None


def read_date_parts(
    day: str, month: str, year: str
) -> tuple[date | None, str | None, list[str]]:
    """Read the day, month and year boxes: (date, None, []) or (None, code, missing parts)."""
    given = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [part for part, text in given.items() if not text]
    if len(missing) == 3:
        return None, None, []
    if missing:
        return None, PARTS_MISSING, missing
    if not all(text.isdigit() and text.isascii() for text in given.values()):
        return None, NOT_A_DATE, []
    if len(given["year"]) != 4:
        return None, NOT_A_DATE, []
    d, m, y = int(given["day"]), int(given["month"]), int(given["year"])
    if not (1 <= m <= 12 and y >= 1000 and 1 <= d <= calendar.monthrange(y, m)[1]):
        return None, NOT_A_DATE, []
    return date(y, m, d), None, []


def read_date_text(text: str) -> date | None:
    """Read a date typed as 27/3/2025 (or 27 3 2025, 27-3-2025) or as 2025-03-27."""
    match = _DAY_MONTH_YEAR.match(text or "")
    if match:
        day, month, year = match.groups()
        return read_date_parts(day, month, year)[0]
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
