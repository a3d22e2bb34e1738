"""The verbs of information requests: send, change contacts, chase, extend, close, view, answer.

The business unit sends a request to each agency involved in a rapid review. The agency's
staff see it on their home page, fill in the agency summary (a shared draft any of them can
continue) and send it, which marks the request received. Each verb checks who is acting,
changes the request under one storage transaction and writes the audit entry with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr import audit
from cspr.auth.operations import AGENCIES
from cspr.auth.roles import BUSINESS_UNIT
from cspr.casework import casefacts, cases, clock, stages, tracks
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.requests import notices, records
from cspr.requests.records import OPEN, RECEIVED, REQUESTS, SUMMARY_FORM
from cspr.storage import NotFound, get_store, transactional, within_transaction
from cspr.timeutil import uk_today

MAX_MESSAGE = 2000
MAX_REASON = 1000
# Stages at which agencies can be asked: the notification is made and the review is under way.
ASKING_STAGES = ("notified", "rapid_review")
DEFAULT_MESSAGE = (
    "The safeguarding partners are carrying out a rapid review and need to know what your "
    "agency knew and did. Please fill in the agency summary: your involvement, a chronology, "
    "what went well and what could have been better, and any actions you have taken since."
)


class LateDue(Refused):
    """The due date falls after the rapid review's own statutory due date."""


@dataclass
class Choice:
    """One agency the business unit chose to ask, with the people to tell."""

    agency_id: str
    contact_ids: list[str] = field(default_factory=list)


def require_business_unit(actor: dict[str, Any]) -> None:
    """Refuse anyone but the business unit."""
    if actor["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit sends and manages information requests")


def _history(text: str, actor: dict[str, Any] | None) -> dict[str, Any]:
    """Make one line of a request's history."""
    return {"at": records.now_iso(), "text": text, "by": actor["name"] if actor else "system"}


def rapid_review_due(case: dict[str, Any]) -> date | None:
    """Return the statutory date the case's rapid review must reach the Panel, if it runs."""
    notified = casefacts.get_date(case, "dates.notified")
    return clock.rapid_review_due(notified) if notified else None


def check_asking(case: dict[str, Any]) -> date:
    """Refuse a case whose agencies cannot be asked now; return its statutory due date."""
    due = rapid_review_due(case)
    if tracks.track(case) != stages.SERIOUS or due is None:
        raise Refused("Agencies can be asked for information once the notification to the Panel "
                      "is recorded")  # fmt: skip
    if case["stage"] not in ASKING_STAGES:
        raise Refused("Agencies can be asked for information only while the rapid review is "
                      "being prepared")  # fmt: skip
    return due


def check_due(due: date | None, statutory: date, allow_late: bool, today: date) -> date:
    """Refuse a due date in the past, or (unless confirmed) after the statutory date."""
    if due is None:
        raise Refused("Enter the date the summary is due", "due")
    if due < today:
        raise Refused("The due date must be today or in the future", "due")
    if due > statutory and not allow_late:
        raise LateDue(
            f"The due date is after the rapid review must reach the Panel "
            f"({clock.long_date(statutory)}). Choose an earlier date, or confirm you want this one",
            "due",
        )
    return due


def _text(value: str, what: str, name: str, limit: int) -> str:
    """Return typed text tidied, or refuse it when empty or too long."""
    value = value.strip()
    if not value:
        raise Refused(f"Enter {what}", name)
    if len(value) > limit:
        raise Refused(f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer", name)
    return value


def _check_contacts(agency_id: str, contact_ids: list[str]) -> list[str]:
    staff = {u["id"] for u in records.agency_staff(agency_id)}
    if any(c not in staff for c in contact_ids):
        raise Refused("Choose contacts from the agency's own staff", "contacts")
    return list(dict.fromkeys(contact_ids))


@transactional
def send_requests(actor: dict[str, Any], case_id: str, choices: list[Choice], due: date | None,
                  message: str, allow_late: bool = False,
                  sent_on: date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Ask each chosen agency for its summary by the due date, telling its contacts by email.

    sent_on is the day the requests go out: today, except in the demo, whose stories send
    them on an earlier day.
    """
    require_business_unit(actor)
    case = cases.get_case(actor, case_id, action="")
    statutory = check_asking(case)
    if not choices:
        raise Refused("Select at least one agency to ask", "agencies")
    sent_on = sent_on or uk_today()
    due = check_due(due, statutory, allow_late, sent_on)
    sent_at = records.now_iso() if sent_on == uk_today() else f"{sent_on}T09:00:00+00:00"
    message = _text(message, "a message for the agencies", "message", MAX_MESSAGE)
    store = get_store()
    asked = {r["agency_id"] for r in records.for_case(case_id) if r["status"] != "withdrawn"}
    made = []
    for choice in choices:
        agency = store.get(AGENCIES, choice.agency_id)
        if agency is None or not agency.get("active", True):
            raise Refused("Select agencies from the list", "agencies")
        if choice.agency_id in asked:
            raise Refused(f"{agency['name']} has already been asked for this case", "agencies")
        request = store.insert(REQUESTS, {
            "case_id": case_id, "reference": case["reference"], "agency_id": agency["id"],
            "agency_name": agency["name"], "due": due.isoformat(),
            "message": message, "status": OPEN, "sent_at": sent_at,
            "sent_by": actor["name"], "contacts": _check_contacts(agency["id"],
                                                                  choice.contact_ids),
            "viewed_at": None, "draft_id": None, "returns": [], "received_at": None,
            "extensions": [], "chases": [],
            "history": [_history(f"Sent to {agency['name']}", actor)],
        })  # fmt: skip
        audit.record("create", "information_request", request["id"],
                     {"case": case_id, "agency": agency["name"], "due": request["due"]},
                     user=actor)  # fmt: skip
        notices.tell_contacts(request)
        asked.add(agency["id"])
        made.append(request)
    names = ", ".join(r["agency_name"] for r in made)
    cases.add_timeline_entry(case_id, "requests", f"Information requested from {names}, due "
                             f"{clock.short_date(due)}", actor)  # fmt: skip
    return made


def get_for_case_team(user: dict[str, Any], request_id: str, action: str = "view") -> dict[
        str, Any]:  # fmt: skip
    """Return a request to someone working on its case, auditing the view."""
    request = get_store().get(REQUESTS, request_id)
    if request is None or user["role"] not in cases.CASE_ROLES:
        raise NotFound(request_id)
    cases.get_case(user, request["case_id"], action="")
    if action:
        audit.record(action, "information_request", request_id, user=user)
    return request


def _open_request(actor: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Return an open request for the business unit to change, or refuse."""
    require_business_unit(actor)
    request = get_for_case_team(actor, request_id, action="")
    if request["status"] != OPEN:
        raise Refused("This request is no longer open, so it cannot be changed")
    return request


@within_transaction
def _update(request_id: str, text: str, actor: dict[str, Any] | None, **changes: Any) -> dict[
        str, Any]:  # fmt: skip
    """Change a request and add a line to its history (inside the caller's transaction)."""

    def apply(request: dict[str, Any]) -> dict[str, Any]:
        request.update(changes)
        request["history"] = [*request.get("history", []), _history(text, actor)]
        return request

    return get_store().update(REQUESTS, request_id, apply)


@transactional
def set_contacts(actor: dict[str, Any], request_id: str, contact_ids: list[str]) -> dict[
        str, Any]:  # fmt: skip
    """Choose who at the agency is told of the request; new contacts are emailed it."""
    request = _open_request(actor, request_id)
    chosen = _check_contacts(request["agency_id"], contact_ids)
    added = [c for c in chosen if c not in (request.get("contacts") or [])]
    updated = _update(request_id, f"Contacts changed ({len(chosen)} now)", actor, contacts=chosen)
    audit.record("update", "information_request", request_id, {"contacts": chosen}, user=actor)
    notices.tell_contacts(updated, added)
    return updated


@within_transaction
def add_contact(actor: dict[str, Any], request_id: str, user_id: str, text: str) -> dict[
        str, Any]:  # fmt: skip
    """Add one person to a request's contacts (inside the caller's transaction)."""
    request = _open_request(actor, request_id)
    chosen = list(dict.fromkeys([*(request.get("contacts") or []), user_id]))
    return _update(request_id, text, actor, contacts=chosen)


@transactional
def chase(actor: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Remind the agency's contacts by email now (once a day at most), and log it."""
    request = _open_request(actor, request_id)
    today = uk_today()
    if not notices.contacts(request):
        raise Refused("Nobody at the agency can be emailed yet: choose a contact or invite "
                      "someone first")  # fmt: skip
    if not notices.chase(request, today):
        raise Refused("The agency has already been chased today")
    chases = [*(request.get("chases") or []), {"at": records.now_iso(), "by": actor["name"]}]
    updated = _update(request_id, "Chased by email", actor, chases=chases)
    audit.record("chase", "information_request", request_id, user=actor)
    return updated


@transactional
def extend(actor: dict[str, Any], request_id: str, new_due: date | None, reason: str,
           allow_late: bool = False) -> dict[str, Any]:  # fmt: skip
    """Give the agency more time, with the reason."""
    request = _open_request(actor, request_id)
    case = cases.get_case(actor, request["case_id"], action="")
    statutory = rapid_review_due(case) or records.due_of(request)
    due = check_due(new_due, statutory, allow_late, uk_today())
    if due <= records.due_of(request):
        raise Refused("The new due date must be after the current one, "
                      f"{clock.long_date(records.due_of(request))}", "due")  # fmt: skip
    reason = _text(reason, "the reason for the extension", "reason", MAX_REASON)
    extensions = [*(request.get("extensions") or []),
                  {"from": request["due"], "to": due.isoformat(), "reason": reason,
                   "by": actor["name"], "at": records.now_iso()}]  # fmt: skip
    updated = _update(request_id, f"Extended to {clock.short_date(due)}: {reason}", actor,
                      due=due.isoformat(), extensions=extensions)  # fmt: skip
    audit.record("extend", "information_request", request_id,
                 {"from": request["due"], "to": due.isoformat()}, user=actor)  # fmt: skip
    return updated


CLOSE_HOW = {
    "withdraw": (records.WITHDRAWN, "Withdrawn"),
    "no_involvement": (records.NO_INVOLVEMENT, "The agency had no involvement"),
}


@transactional
def close(actor: dict[str, Any], request_id: str, how: str, reason: str) -> dict[str, Any]:
    """Withdraw a request, or record that the agency had no involvement, with the reason."""
    if how not in CLOSE_HOW:
        raise NotFound(how)
    request = _open_request(actor, request_id)
    status, words = CLOSE_HOW[how]
    reason = _text(reason, "the reason", "reason", MAX_REASON)
    updated = _update(request_id, f"{words}: {reason}", actor, status=status,
                      closed_reason=reason, closed_at=records.now_iso())  # fmt: skip
    audit.record(how, "information_request", request_id, {"reason": reason}, user=actor)
    cases.add_timeline_entry(request["case_id"], "requests",
                             f"Information request to {request['agency_name']}: "
                             f"{words.lower()}", actor)  # fmt: skip
    return updated


# --- The agency's side ----------------------------------------------------------------------


def get_for_agency(user: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Return a request addressed to the user's agency, or NotFound whether missing or not."""
    request = get_store().get(REQUESTS, request_id)
    if request is None or not records.is_for(user, request):
        raise NotFound(request_id)
    return request


@transactional
def view_as_agency(user: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Show a request to its agency: audited each time, the first view kept on the request."""
    request = get_for_agency(user, request_id)
    audit.record("view", "information_request", request_id, user=user)
    if request.get("viewed_at") or request["status"] != OPEN:
        return request
    return _update(request_id, f"First seen by {user['name']}", user,
                   viewed_at=records.now_iso(), viewed_by=user["name"])  # fmt: skip


@transactional
def start_summary(user: dict[str, Any], request_id: str) -> dict[str, Any]:
    """Return the agency's draft summary for the request, starting it if there is none."""
    request = get_for_agency(user, request_id)
    if request["status"] not in (OPEN, RECEIVED):
        raise Refused("This request has been closed, so no summary is needed for it")
    draft = records.live_draft(request)
    if draft is not None:
        return draft
    try:
        draft = form_ops.start_draft(user, SUMMARY_FORM, case_id=request["case_id"],
                                     request_id=request_id)  # fmt: skip
    except (Forbidden, NotFound) as unavailable:
        raise Refused("The agency summary form is not available at the moment: ask the "
                      "business unit") from unavailable  # fmt: skip
    _update(request_id, f"Summary started by {user['name']}", user, draft_id=draft["id"],
            draft_started_at=records.now_iso())  # fmt: skip
    audit.record("start_summary", "information_request", request_id, {"draft": draft["id"]},
                 user=user)  # fmt: skip
    return draft


def on_form_sent(user: dict[str, Any], submission: dict[str, Any]) -> None:
    """Mark a request received when its agency's summary is sent (in the same transaction)."""
    request_id = submission.get("request_id")
    if submission.get("form_id") != SUMMARY_FORM or not request_id:
        return
    request = get_store().get(REQUESTS, request_id)
    if request is None or request["agency_id"] != submission.get("agency_id"):
        return
    returns = [*(request.get("returns") or []), submission["id"]]
    _update(request_id, f"Summary {submission['reference']} sent by {user['name']}", user,
            status=RECEIVED, received_at=records.now_iso(), returns=returns,
            draft_id=None)  # fmt: skip
    audit.record("receive", "information_request", request_id,
                 {"submission": submission["id"]}, user=user)  # fmt: skip
