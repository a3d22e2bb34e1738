"""Deadline reminders from the working-day clock, each queued once however often cron runs.

Every reminder has an idempotency key, recorded durably before its emails are queued:
  reminder:<case>:<deadline>:deadline_reminder:<due date>   once per deadline (and due date)
  reminder:<case>:<deadline>:deadline_overdue:<today>       once per working day while overdue
The first goes out when the deadline is the configured number of working days away, or
fewer (so a day when cron did not run is caught up). If a deadline's due date changes, the
new date gets its own reminder. Other capabilities ask for reminders of their own through
signals.reminders_due (information requests) and signals.reminders_wanted (learning's overdue
actions), each with its own key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app

from cspr import audit
from cspr.auth.roles import ADMIN, BUSINESS_UNIT
from cspr.casework import casefacts, clock, deadlines, stages
from cspr.casework.calendar_settings import closures
from cspr.casework.cases import CASES
from cspr.exceptions import Forbidden, Refused
from cspr.mail.notify import notify_case, notify_other, recipients
from cspr.signals import reminders_due, reminders_wanted
from cspr.storage import get_store, transactional
from cspr.timeutil import uk_today

DAYS_SETTING = "mail.reminder_working_days"
MAX_DAYS = 20


@dataclass(frozen=True)
class Wanted:
    """A reminder another capability asks for: queued once for its key."""

    kind: str  # the email's wording (bodies.KINDS)
    key: str
    reference: str  # the record's reference, never anything about a child
    deadline: str
    endpoint: str  # where the link in the email goes
    values: dict[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()  # everyone holding these roles
    agency_id: str | None = None  # and the staff of this agency


@dataclass
class ReminderRun:
    """What one run of the reminders found and queued."""

    today: date
    days_before: int
    checked: int = 0
    queued: list[str] = field(default_factory=list)  # keys newly queued this run
    messages: int = 0

    def count(self, key: str, ids: list[str]) -> None:
        """Note what one key queued now (nothing when it was queued before)."""
        if ids:
            self.queued.append(key)
            self.messages += len(ids)


def reminder_days() -> int:
    """Return how many working days before a deadline the reminder goes out."""
    default = int(current_app.config["MAIL_REMINDER_DAYS"])
    return int(get_store().get_setting(DAYS_SETTING, default))


@transactional
def set_reminder_days(actor: dict[str, Any], days: str) -> int:
    """Change how many working days before a deadline the reminder goes out."""
    if actor.get("role") != ADMIN:
        raise Forbidden("Only administrators change reminder settings")
    text = days.strip()
    if not text:
        raise Refused("Enter how many working days before a deadline to send a reminder", "days")
    if not text.isascii() or not text.isdigit():
        raise Refused("The number of working days must be a whole number, like 2", "days")
    number = int(text)
    if not 1 <= number <= MAX_DAYS:
        raise Refused(f"The number of working days must be between 1 and {MAX_DAYS}", "days")
    get_store().set_setting(DAYS_SETTING, number)
    audit.record("update", "setting", DAYS_SETTING, {"working_days": number}, user=actor)
    return number


def _slug(name: str) -> str:
    """Turn a deadline's name into a short key part."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def may_come_down(case: dict[str, Any], today: date) -> tuple[str, str] | None:
    """Return (key, text) once a published report has been up for the year it must stay."""
    published = casefacts.get_date(case, "dates.published")
    if published is None:
        return None
    until = clock.keep_published_until(published)
    if until > today:
        return None
    text = (f"Published on {clock.long_date(published)}; it may come off the website from "
            f"{clock.long_date(until)}, if the partnership chooses")  # fmt: skip
    return f"takedown:{case['id']}:{published.isoformat()}", text


def due_reminders(
    case: dict[str, Any], today: date, days_before: int, closed: frozenset[date]
) -> list[tuple[str, str, str]]:
    """Return (kind, key, deadline text) for each reminder a case needs today."""
    found = []
    for deadline in deadlines.deadlines(case, today):
        status = deadline.status
        if status.state in ("due", "due_soon") and status.working_days <= days_before:
            kind, day = "deadline_reminder", status.due
        elif status.state == "overdue" and clock.is_working_day(today, closed):
            kind, day = "deadline_overdue", today
        else:
            continue
        key = f"reminder:{case['id']}:{_slug(deadline.name)}:{kind}:{day.isoformat()}"
        text = f"{deadline.name}: due {clock.long_date(status.due)} ({status.phrase})"
        found.append((kind, key, text))
    return found


def run_reminders(today: date | None = None) -> ReminderRun:
    """Queue every reminder due today that has not been queued before."""
    today = today or uk_today()
    run = ReminderRun(today, reminder_days())
    closed = closures()
    business_unit = recipients(BUSINESS_UNIT)
    # One pass over every case: deadlines for open ones, and the year on the website for any
    # published report (it stays up after the case closes).
    for case in get_store().find(CASES, order_by="opened_at"):
        wanted = []
        if case.get("stage") not in stages.ENDED:
            run.checked += 1
            wanted = due_reminders(case, today, run.days_before, closed)
        takedown = may_come_down(case, today)
        if takedown is not None:
            wanted.append(("report_may_come_down", *takedown))
        for kind, key, text in wanted:
            run.count(key, notify_case(kind, key, case, business_unit, deadline=text))
    # Other capabilities' reminders (information requests to agencies), keyed the same way.
    for _, found in reminders_due.send(today, days_before=run.days_before, closed=closed):
        for key, ids in found or []:
            run.count(key, ids)
    # Reminders other capabilities want queued for them (learning's overdue actions).
    for _, asked in reminders_wanted.send(today):
        for wanted_elsewhere in asked or []:
            run.checked += 1
            run.count(wanted_elsewhere.key, notify_other(wanted_elsewhere))
    return run
