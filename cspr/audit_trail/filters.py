"""The audit trail's filters as typed: who, what, which object or case, and UK dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cspr.casework.answers import DATE_PARTS, Answers, date_values
from cspr.casework.calendar_settings import check_year
from cspr.exceptions import Refused
from cspr.formengine.readers import read_date_text
from cspr.timeutil import UK

TEXT = ("user", "action", "object_type", "object_id")
DATES = {"since": "from date", "until": "to date"}
CASE = "case"
CASE_REFERENCE = re.compile(r"CSPR-\d{4}-\d{4,}")
MAX_TEXT = 200  # longer than any email, action, id or reference
WRONG_REFERENCE = "Enter a case reference like CSPR-2026-0016"


@dataclass
class TrailFilters:
    """What the trail is filtered by, and what is wrong with what was typed."""

    text: dict[str, str]
    case: str  # a case reference, upper case, or ""
    since: date | None
    until: date | None
    answers: Answers  # what was typed, for showing again, with the errors

    @property
    def errors(self) -> dict[str, str]:
        """Return the problems with the filters, by input."""
        return self.answers.errors

    def window(self) -> tuple[str | None, str | None]:
        """Return the moments entries must fall within (since <= at < until), as stored."""
        since = _uk_midnight(self.since) if self.since else None
        until = _uk_midnight(self.until + timedelta(days=1)) if self.until else None
        return since, until

    def query(self) -> dict[str, str]:
        """Return the filters as request values, for page links and the download form."""
        values = {key: value for key, value in self.text.items() if value}
        if self.case:
            values[CASE] = self.case
        for prefix, day in (("since", self.since), ("until", self.until)):
            values.update(date_values(prefix, day))
        return values

    def details(self) -> dict[str, Any]:
        """Return the filters for the audit entry that records their use."""
        found: dict[str, Any] = {key: value for key, value in self.text.items() if value}
        if self.case:
            found[CASE] = self.case
        found.update({key: day.isoformat() for key, day in (("since", self.since),
                                                              ("until", self.until)) if day})
        return found


def _uk_midnight(day: date) -> str:
    """Return the UTC moment a UK day starts, written as the trail stores its times."""
    # Entries are stamped in UTC; in summer a UK day starts at 11pm UTC the day before.
    start = datetime.combine(day, time(), tzinfo=UK).astimezone(UTC)
    return start.isoformat(timespec="microseconds")


def _typed(source: Mapping[str, str], name: str) -> str:
    """Return one typed value, trimmed and cut to a sane length."""
    return str(source.get(name, "") or "").strip()[:MAX_TEXT]


def _read_date(answers: Answers, prefix: str, whole: str) -> date | None:
    """Read a date from its three boxes, or from one text such as 3/12/2026 or 2026-12-03."""
    name = DATES[prefix]
    parts = [answers.values.get(f"{prefix}-{part}", "") for part in DATE_PARTS]
    if not any(parts[1:]) and ("/" in parts[0] or "-" in parts[0] or "." in parts[0]):
        whole = parts[0]  # the whole date typed into the day box
    if whole and not any(parts[1:]):
        found = read_date_text(whole)
        if found is None:
            answers.refuse(Refused(f"{name.capitalize()} must be a real date, like 3/12/2026",
                                   prefix))  # fmt: skip
            return None
        answers.values.update(date_values(prefix, found))
        try:
            return check_year(found, name, prefix)
        except Refused as refused:
            answers.refuse(refused)
            return None
    return answers.when(prefix, name, required=False)


def read_filters(source: Mapping[str, str]) -> TrailFilters:
    """Read the filters from a request's values, recording a message for each problem."""
    names = [CASE, *(f"{prefix}-{part}" for prefix in DATES for part in DATE_PARTS)]
    answers = Answers({name: _typed(source, name) for name in names}, dates=frozenset(DATES))
    text = {key: _typed(source, key) for key in TEXT}
    since = _read_date(answers, "since", _typed(source, "since"))
    until = _read_date(answers, "until", _typed(source, "until"))
    if since and until and until < since:
        answers.refuse(Refused("To date must be the same as or after the from date", "until"))
        until = None
    case = "".join(answers.values[CASE].split()).upper()
    if case and not CASE_REFERENCE.fullmatch(case):
        answers.refuse(Refused(WRONG_REFERENCE, CASE))
        case = ""
    answers.values[CASE] = case or answers.values[CASE]
    return TrailFilters(text, case, since, until, answers)
