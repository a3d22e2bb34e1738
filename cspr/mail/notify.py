"""Who is told what, and when: case changes and sent forms become queued emails.

Emails carry a case reference, the stage, a deadline and a link; never a child's name, the
family's details or anything about the incident. Only active accounts receive them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import current_app

from cspr.auth.operations import USERS
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, PARTNER
from cspr.casework import signoff, stages
from cspr.mail import bodies, outbox
from cspr.mail.outbox import Recipient
from cspr.storage import get_store

if TYPE_CHECKING:
    from cspr.mail.reminders import Wanted

F = TypeVar("F", bound=Callable[..., Any])


def never_break_casework(hook: F) -> F:
    """Log a failure to queue email rather than fail the case change it reacts to."""

    @wraps(hook)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            # A nested transaction: if queuing fails, only its own writes are undone.
            with get_store().transaction():
                return hook(*args, **kwargs)
        except Exception:  # noqa: BLE001 - the case change stands; the log tells the admin
            current_app.logger.exception("Could not queue the emails for %s", hook.__name__)
            return None

    return cast(F, wrapped)


def recipients(role: str, skip_partners: set[str] | None = None) -> list[Recipient]:
    """Return the active accounts holding a role (optionally leaving out some partners)."""
    users = get_store().find(USERS, where={"role": role}, order_by="email")
    return [
        Recipient(user["id"], user["email"], user.get("name") or user["email"])
        for user in users
        if not user.get("disabled") and user.get("partner") not in (skip_partners or set())
    ]


def absolute_url(endpoint: str, **values: Any) -> str:
    """Build a full web address from BASE_URL, inside or outside a request."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def base_values(recipient: Recipient) -> dict[str, str]:
    """Return the values every email may use."""
    return {
        "reference": "",
        "stage": "",
        "deadline": "",
        "link": absolute_url("main.home"),
        "recipient_name": recipient.name,
        "partnership_name": str(current_app.config["PARTNERSHIP_NAME"]),
    }


def notify_case(
    kind: str, key: str, case: dict[str, Any], to: list[Recipient], deadline: str = ""
) -> list[str]:
    """Queue one kind of email about a case to each recipient, once for the key."""

    def render(recipient: Recipient) -> tuple[str, str]:
        values = base_values(recipient)
        values.update(
            reference=case["reference"],
            stage=stages.label(case["stage"]),
            deadline=deadline,
            link=absolute_url("cases.case_page", case_id=case["id"]),
        )
        return bodies.compose(kind, values)

    return outbox.dispatch(key, kind, to, render, case["reference"])


def agency_staff(agency_id: str) -> list[Recipient]:
    """Return the active accounts of an agency's staff."""
    users = get_store().find(USERS, where={"role": AGENCY_USER, "agency_id": agency_id},
                             order_by="email")  # fmt: skip
    return [Recipient(u["id"], u["email"], u.get("name") or u["email"])
            for u in users if not u.get("disabled")]  # fmt: skip


def notify_other(wanted: Wanted) -> list[str]:
    """Queue a reminder another capability asked for, once for its key."""
    to = [r for role in wanted.roles for r in recipients(role)]
    if wanted.agency_id:
        to += agency_staff(wanted.agency_id)
    unique = list({r.user_id: r for r in to}.values())

    def render(recipient: Recipient) -> tuple[str, str]:
        values = base_values(recipient)
        values.update(reference=wanted.reference, deadline=wanted.deadline,
                      link=absolute_url(wanted.endpoint, **wanted.values))  # fmt: skip
        return bodies.compose(wanted.kind, values)

    return outbox.dispatch(wanted.key, wanted.kind, unique, render, wanted.reference)


def request_signoffs(case: dict[str, Any], rapid_review_id: str) -> list[str]:
    """Ask each partner who has not signed off this version to sign off the rapid review."""
    review = signoff.current_review(case["id"])
    waiting = recipients(PARTNER, skip_partners=set(signoff.valid(case, review)))
    return notify_case("signoff_request", f"signoff:{rapid_review_id}", case, waiting)


@never_break_casework
def on_case_change(case: dict[str, Any], events: list[dict[str, Any]]) -> None:
    """Tell people about a new referral, a decision needed, a rapid review to sign off, and the
    Panel's response (inside the transaction of the case change)."""
    for event in events:
        if event.get("kind") == "form":
            _on_case_form(case, str(event.get("form_id")), str(event.get("submission")))
        if event.get("kind") == "opened":
            key = f"new_referral:{case['id']}"
            notify_case("new_referral", key, case, recipients(BUSINESS_UNIT))
        elif event.get("kind") == "stage" and event.get("to") == "consideration":
            key = f"decision_needed:{case['id']}"
            notify_case("decision_needed", key, case, recipients(PARTNER))
        elif event.get("kind") == "stage" and event.get("to") == "rapid_review":
            rapid_review = signoff.current_review(case["id"])
            if rapid_review is not None:
                request_signoffs(case, rapid_review["id"])


def _on_case_form(case: dict[str, Any], form_id: str, submission_id: str) -> None:
    """Ask for sign-offs when a rapid review is sent; tell partners of the Panel's response."""
    if form_id == "rapid_review" and case["stage"] == "rapid_review":
        request_signoffs(case, submission_id)
    elif form_id == "panel_response":
        key = f"panel_response:{submission_id}"
        notify_case("panel_response", key, case, recipients(PARTNER))


def queue_test_email(admin: dict[str, Any]) -> dict[str, Any]:
    """Queue a test email to the admin's own address."""
    recipient = Recipient(admin["id"], admin["email"], admin.get("name") or admin["email"])
    subject, body = bodies.compose("test", base_values(recipient))
    return outbox.queue(recipient, "test", subject, body)
