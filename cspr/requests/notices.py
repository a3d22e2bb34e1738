"""Emails about information requests: the request, reminders, chasing and the daily overdue note.

Each carries the case reference, the due date and a link to the request, never the child's
details or the business unit's message (that is shown only to the agency, once signed in).
Every message is keyed, so the same step never emails anyone twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr.auth.operations import USERS
from cspr.casework import clock, stages
from cspr.mail import bodies, outbox
from cspr.mail.notify import absolute_url, base_values
from cspr.mail.outbox import Recipient
from cspr.requests import records
from cspr.storage import get_store

REQUEST = "information_request"
REMINDER = "information_request_reminder"
OVERDUE = "information_request_overdue"


def contacts(request: dict[str, Any], only: list[str] | None = None) -> list[Recipient]:
    """Return the request's contacts who may get email: active staff of the agency asked."""
    found = []
    for user_id in only if only is not None else request.get("contacts") or []:
        user = get_store().get(USERS, user_id)
        if user and not user.get("disabled") and records.is_for(user, request):
            found.append(Recipient(user["id"], user["email"], user.get("name") or user["email"]))
    return found


def _send(kind: str, key: str, request: dict[str, Any], to: list[Recipient]) -> list[str]:
    """Queue one kind of email about a request to each recipient, once for the key."""

    def render(recipient: Recipient) -> tuple[str, str]:
        values = base_values(recipient)
        values.update(
            reference=request["reference"],
            stage=stages.label("rapid_review"),
            deadline=clock.long_date(records.due_of(request)),
            link=absolute_url("requests.respond", request_id=request["id"]),
        )
        return bodies.compose(kind, values)

    return outbox.dispatch(key, kind, to, render, request["reference"])


def tell_contacts(request: dict[str, Any], user_ids: list[str] | None = None) -> list[str]:
    """Send the request to its contacts (or just those named), once to each person."""
    sent: list[str] = []
    for recipient in contacts(request, user_ids):
        key = f"request:{request['id']}:{recipient.user_id}"
        sent += _send(REQUEST, key, request, [recipient])
    return sent


def chase(request: dict[str, Any], today: date) -> list[str]:
    """Remind the contacts now, at most once a day; return the new message ids."""
    kind = OVERDUE if today > records.due_of(request) else REMINDER
    key = f"request_chase:{request['id']}:{today.isoformat()}"
    return _send(kind, key, request, contacts(request))


def due_reminder(request: dict[str, Any], today: date, days_before: int,
                 closed: frozenset[date]) -> tuple[str, str] | None:  # fmt: skip
    """Return (kind, key) of the automatic reminder a request needs today, if any."""
    due = records.due_of(request)
    if today <= due:
        if clock.working_days_between(today, due, closed) > days_before:
            return None
        return REMINDER, f"request_reminder:{request['id']}:{due.isoformat()}"
    if not clock.is_working_day(today, closed):
        return None
    return OVERDUE, f"request_overdue:{request['id']}:{today.isoformat()}"


def run_reminders(today: date, days_before: int, closed: frozenset[date]) -> list[
        tuple[str, list[str]]]:  # fmt: skip
    """Queue the reminders open requests need today (receives signals.reminders_due)."""
    queued = []
    for request in records.open_requests():
        if not records.case_open(request):
            continue
        due = due_reminder(request, today, days_before, closed)
        if due is None:
            continue
        kind, key = due
        ids = _send(kind, key, request, contacts(request))
        if ids:
            queued.append((key, ids))
    return queued

