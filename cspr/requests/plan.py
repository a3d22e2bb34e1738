"""The partnership's rapid review plan: its milestones inside the 15 working days.

The plan is a setting (administrators, under Settings): each milestone falls on a working day
after the notification and is done when something happens on the case. Milestones are the
partnership's own targets, so they may skip its closure days and follow its counting rule
(clock.internal_target); they never move the statutory 15-working-day deadline.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr import audit
from cspr.auth.roles import ADMIN
from cspr.casework import clock
from cspr.casework.deadlines import PANEL_REPLY_SETTING, Deadline, expected_reply_days
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store, transactional

PLAN_SETTING = "requests.rapid_review_plan"
MAX_MILESTONES = 12
MAX_NAME = 100
MAX_REPLY_DAYS = 60
# What marks a milestone done, in words for the settings page.
DONE_WHEN: dict[str, str] = {
    "requests_sent": "Information requests have been sent to agencies",
    "summaries_received": "Every agency asked has sent its summary (or the request was closed)",
    "meeting": "The date of the rapid review meeting is recorded",
    "draft": "The rapid review form has been sent to the partners",
    "signed_off": "Enough partners have signed off the rapid review",
    "sent": "The date the rapid review was sent to the Panel is recorded",
    "recorded": "The business unit marks it done on the case",
}
# The milestone whose date is a request's default due date.
SUMMARIES = "summaries_received"
DEFAULT_SUMMARY_DAY = 8


@dataclass(frozen=True)
class Milestone:
    """One step of the rapid review plan, on a working day after the notification."""

    id: str
    name: str
    day: int
    done_when: str

    def as_dict(self) -> dict[str, Any]:
        """Return the milestone as it is stored."""
        return {"id": self.id, "name": self.name, "day": self.day, "done_when": self.done_when}


DEFAULT_PLAN = (
    Milestone("requests", "Information requests sent to agencies", 1, "requests_sent"),
    Milestone("summaries", "Agency summaries received", DEFAULT_SUMMARY_DAY, SUMMARIES),
    Milestone("meeting", "Rapid review meeting", 10, "meeting"),
    Milestone("draft", "Draft rapid review sent to the partners", 12, "draft"),
    Milestone("send", "Partners' sign-off and the rapid review sent to the Panel", 15, "sent"),
)


class Target(Deadline):
    """A deadline the partnership sets itself: shown as its own target, never as statutory."""

    @property
    def kind(self) -> str:
        """Say that the date is the partnership's own target."""
        return "Partnership's own target"


def plan() -> list[Milestone]:
    """Return the partnership's rapid review plan, earliest milestone first."""
    stored = get_store().get_setting(PLAN_SETTING)
    if not stored:
        return list(DEFAULT_PLAN)
    return [Milestone(str(m["id"]), str(m["name"]), int(m["day"]), str(m["done_when"]))
            for m in stored]  # fmt: skip


def milestone_dates(
    notified: date,
    milestones: list[Milestone],
    closures: frozenset[date] = clock.NO_CLOSURES,
    start_is_day_zero: bool = True,
) -> list[tuple[Milestone, date]]:
    """Return each milestone with the date it falls on, counted from the notification."""
    return [(m, clock.internal_target(notified, m.day, closures, start_is_day_zero))
            for m in milestones]  # fmt: skip


def summaries_due(notified: date, closures: frozenset[date], day_zero: bool) -> date:
    """Return the plan's date for agency summaries: a request's default due date."""
    day = next((m.day for m in plan() if m.done_when == SUMMARIES), DEFAULT_SUMMARY_DAY)
    return clock.internal_target(notified, day, closures, day_zero)


# --- Changing the plan (administrators) -----------------------------------------------------


@dataclass
class Row:
    """One milestone as typed on the settings page."""

    id: str
    name: str
    day: str
    done_when: str

    @property
    def blank(self) -> bool:
        """Say whether nothing was typed in the row."""
        return not (self.name.strip() or self.day.strip())


def _read_row(number: int, row: Row) -> Milestone:
    """Check one typed milestone, or raise Refused naming the field to fix."""
    name = " ".join(row.name.split())
    if not name:
        raise Refused(f"Enter the name of milestone {number}", f"name-{number}")
    if len(name) > MAX_NAME:
        raise Refused(f"The name of milestone {number} must be {MAX_NAME} characters or fewer",
                      f"name-{number}")  # fmt: skip
    day = row.day.strip()
    if not day:
        raise Refused(f"Enter the working day of milestone {number}", f"day-{number}")
    if not (day.isascii() and day.isdigit()):
        raise Refused(f"The working day of milestone {number} must be a whole number, like 8",
                      f"day-{number}")  # fmt: skip
    if not 1 <= int(day) <= clock.RAPID_REVIEW_WORKING_DAYS:
        raise Refused(
            f"The working day of milestone {number} must be between 1 and "
            f"{clock.RAPID_REVIEW_WORKING_DAYS}, inside the rapid review's 15 working days",
            f"day-{number}",
        )
    if row.done_when not in DONE_WHEN:
        raise Refused(f"Select when milestone {number} is done", f"done_when-{number}")
    known = re.fullmatch(r"[a-z0-9-]{1,40}", row.id or "")
    return Milestone(row.id if known else "m-" + secrets.token_hex(4), name, int(day),
                     row.done_when)  # fmt: skip


def check_plan(rows: list[Row]) -> list[Milestone]:
    """Return the milestones typed, earliest first, or raise Refused for the first problem."""
    milestones = [_read_row(n, row) for n, row in enumerate(rows, start=1) if not row.blank]
    if not milestones:
        raise Refused("Enter at least one milestone", "name-1")
    if len(milestones) > MAX_MILESTONES:
        raise Refused(f"The plan can have up to {MAX_MILESTONES} milestones", "name-1")
    ids = [m.id for m in milestones]
    if len(set(ids)) != len(ids):
        raise Refused("Two milestones are the same one: reload the page and try again", "name-1")
    return sorted(milestones, key=lambda m: m.day)


def check_reply_days(text: str) -> int:
    """Return the working days the Panel is expected to take to reply, or raise Refused."""
    text = text.strip()
    if not text:
        raise Refused("Enter how many working days the Panel usually takes to reply",
                      "reply_days")  # fmt: skip
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_REPLY_DAYS:
        raise Refused(f"The Panel's reply time must be a whole number of working days from 1 "
                      f"to {MAX_REPLY_DAYS}", "reply_days")  # fmt: skip
    return int(text)


@transactional
def save_plan(actor: dict[str, Any], milestones: list[Milestone], reply_days: int) -> None:
    """Keep the partnership's rapid review plan and the Panel's expected reply time."""
    if actor.get("role") != ADMIN:
        raise Forbidden("Only administrators change the rapid review plan")
    store = get_store()
    stored = [m.as_dict() for m in milestones]
    if stored != [m.as_dict() for m in plan()]:
        store.set_setting(PLAN_SETTING, stored)
        audit.record("update", "setting", PLAN_SETTING, {"milestones": stored}, user=actor)
    if reply_days != expected_reply_days():
        store.set_setting(PANEL_REPLY_SETTING, reply_days)
        audit.record("update", "setting", PANEL_REPLY_SETTING, {"working_days": reply_days},
                     user=actor)  # fmt: skip
