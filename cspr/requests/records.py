"""Reading information requests: where they stand, for whom, and what the agency has done.

A request is kept in this capability's own table. Its state for people is worked out when read
(sent, viewed, draft started, received, overdue, withdrawn, no involvement), so it never says
something its record and the agency's draft do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cspr.auth.operations import USERS
from cspr.auth.roles import AGENCY_USER
from cspr.casework import clock
from cspr.casework.cases import CASES
from cspr.casework.stages import ENDED
from cspr.formengine.operations import SUBMISSIONS
from cspr.storage import get_store
from cspr.timeutil import UK

REQUESTS = "information_requests"
SUMMARY_FORM = "agency_summary"
OPEN, RECEIVED, WITHDRAWN, NO_INVOLVEMENT = "open", "received", "withdrawn", "no_involvement"
CLOSED = {WITHDRAWN: "Withdrawn", NO_INVOLVEMENT: "No involvement"}
SETTLED = {RECEIVED, WITHDRAWN, NO_INVOLVEMENT}
# The state shown for a request, with its tag colour.
STATES = {"sent": ("Sent", "grey"), "viewed": ("Viewed", "blue"),
          "draft": ("Draft started", "light-blue"), "overdue": ("Overdue", "red"),
          RECEIVED: ("Received", "green"), WITHDRAWN: ("Withdrawn", "grey"),
          NO_INVOLVEMENT: ("No involvement", "grey")}  # fmt: skip


def now_iso() -> str:
    """Return the time now as UTC ISO text, as records store it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def uk_day(moment: str | None) -> date | None:
    """Return the UK calendar day of a stored UTC time."""
    if not moment:
        return None
    return datetime.fromisoformat(moment).astimezone(UK).date()


def due_of(request: dict[str, Any]) -> date:
    """Return the date a request's summary is due."""
    return date.fromisoformat(request["due"])


def live_draft(request: dict[str, Any]) -> dict[str, Any] | None:
    """Return the agency's unsent draft for the request, if it still has one."""
    draft_id = request.get("draft_id")
    draft = get_store().get(SUBMISSIONS, draft_id) if draft_id else None
    return draft if draft and draft["status"] == "draft" else None


@dataclass(frozen=True)
class Standing:
    """Where one request stands today."""

    state: str
    deadline: clock.DeadlineStatus

    @property
    def text(self) -> str:
        """Return the state in words."""
        return STATES[self.state][0]

    @property
    def colour(self) -> str:
        """Return the GOV.UK tag colour for the state."""
        return STATES[self.state][1]

    @property
    def outstanding(self) -> bool:
        """Say whether the agency still owes its summary."""
        return self.state in ("sent", "viewed", "draft", "overdue")


def standing(request: dict[str, Any], today: date) -> Standing:
    """Say where a request stands today."""
    received = uk_day(request.get("received_at"))
    deadline = clock.deadline_status(due_of(request), today, received)
    status = request["status"]
    if status in SETTLED:
        return Standing(status, deadline)
    if deadline.state == "overdue":
        return Standing("overdue", deadline)
    if live_draft(request):
        return Standing("draft", deadline)
    return Standing("viewed" if request.get("viewed_at") else "sent", deadline)


def returns_of(request: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the summaries the agency sent for a request, oldest first."""
    found = (get_store().get(SUBMISSIONS, i) for i in request.get("returns") or [])
    return [s for s in found if s]


def for_case(case_id: str) -> list[dict[str, Any]]:
    """Return a case's requests, in the order they were sent."""
    return get_store().find(REQUESTS, where={"case_id": case_id}, order_by="sent_at")


def for_agency(agency_id: str | None) -> list[dict[str, Any]]:
    """Return the requests addressed to an agency, newest first."""
    if not agency_id:
        return []
    return get_store().find(REQUESTS, where={"agency_id": agency_id}, order_by="sent_at",
                            reverse=True)  # fmt: skip


def open_requests() -> list[dict[str, Any]]:
    """Return every request still waiting for its agency."""
    return get_store().find(REQUESTS, where={"status": OPEN}, order_by="sent_at")


def case_open(request: dict[str, Any]) -> bool:
    """Say whether a request's case is still open (a closed case's requests wait for nobody)."""
    case = get_store().get(CASES, request["case_id"])
    return case is not None and case["stage"] not in ENDED


def agency_staff(agency_id: str) -> list[dict[str, Any]]:
    """Return the active accounts of an agency's staff, by name."""
    return [
        {"id": u["id"], "name": u.get("name") or u["email"], "email": u["email"]}
        for u in get_store().find(USERS, where={"role": AGENCY_USER, "agency_id": agency_id},
                                  order_by="email")  # fmt: skip
        if not u.get("disabled")
    ]


def is_for(user: dict[str, Any], request: dict[str, Any]) -> bool:
    """Say whether a request is addressed to the user's agency."""
    return (user["role"] == AGENCY_USER and bool(user.get("agency_id"))
            and user.get("agency_id") == request["agency_id"])  # fmt: skip
