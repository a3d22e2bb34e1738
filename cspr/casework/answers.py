"""What someone typed into a page's form, and what is wrong with it, for GOV.UK error pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import abort

from cspr.casework.calendar_settings import read_date
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound

DATE_PARTS = ("day", "month", "year")
DATE_INPUTS = frozenset({"start", "end", "date"})


@dataclass
class Answers:
    """What someone typed into a form, and what is wrong with it."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    dates: frozenset[str] = DATE_INPUTS  # the names of day/month/year inputs

    def refuse(self, refused: Refused) -> None:
        """Keep the first message for the field it concerns."""
        self.errors.setdefault(refused.field or "start", refused.message)

    def error_list(self) -> list[dict[str, str]]:
        """Return the error summary's links, in the order of the form."""
        return [
            {"text": message, "href": f"#{self.target(name)}"}
            for name, message in self.errors.items()
        ]

    def target(self, name: str) -> str:
        """Return the id an error links to: for a date, the first box that needs fixing."""
        if name in self.dates:
            return f"{name}-{self.bad_parts(name)[0]}"
        return name

    def bad_parts(self, prefix: str) -> list[str]:
        """Say which boxes of a date to outline: the empty ones, or all when none is empty."""
        if prefix not in self.errors:
            return []
        empty = [part for part in DATE_PARTS if not self.values.get(f"{prefix}-{part}")]
        return empty if 0 < len(empty) < 3 else list(DATE_PARTS)



    def when(self, prefix: str, name: str, required: bool = True) -> date | None:
        """Read one day/month/year input, recording its error; None when wrong or left empty."""
        parts = [self.values.get(f"{prefix}-{part}", "") for part in DATE_PARTS]
        if not required and not any(parts):
            return None
        try:
            return read_date(parts[0], parts[1], parts[2], name=name, field=prefix)
        except Refused as refused:
            self.errors.setdefault(prefix, refused.message)
            return None

    def text(self, name: str) -> str:
        """Return a text answer, trimmed."""
        return self.values.get(name, "").strip()


def read_answers(source: Mapping[str, str], names: list[str], dates: list[str]) -> Answers:
    """Copy a posted form's values: the named fields and each date's three boxes."""
    wanted = [*names, *(f"{d}-{part}" for d in dates for part in DATE_PARTS)]
    return Answers({n: str(source.get(n, "")).strip() for n in wanted}, dates=frozenset(dates))


def date_values(prefix: str, value: date | str | None) -> dict[str, str]:
    """Return the three boxes of a date input filled with a date, for showing it again."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if value is None:
        return {}
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month),
            f"{prefix}-year": str(value.year)}  # fmt: skip


def attempt(answers: Answers, change: Callable[[], Any], default_field: str) -> bool:
    """Run a page's change: 404 or 403 where the user may not; a refusal's message kept
    against its field; say whether it worked."""
    try:
        change()
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Refused as refused:
        answers.errors[refused.field or default_field] = refused.message
        return False
    return True
