"""The local review's milestones and the partners' written requests to the reviewer.

The partners must monitor the time a local review is taking and its quality, and may ask the
reviewer in writing for information or a draft (2018 Regulations, regulation 14). The
milestones' due dates are the partnership's own targets, counted from the decision to
commission the review; only the six-month completion date is statutory (see deadlines.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr import audit
from cspr.casework import casefacts, cases, clock
from cspr.casework.clock import short_date
from cspr.exceptions import Refused
from cspr.storage import transactional
from cspr.storage.ids import new_id
from cspr.timeutil import uk_today

MAX_TEXT = 5000


@dataclass(frozen=True)
class Milestone:
    """One step of a local review, due a number of working days or months after commissioning."""

    key: str
    label: str
    working_days: int = 0
    months: int = 0

    def due(self, commissioned: date) -> date:
        """Return the milestone's target date for a review commissioned on a day."""
        start = clock.add_months(commissioned, self.months) if self.months else commissioned
        return clock.add_working_days(start, self.working_days)


MILESTONES = (
    Milestone("reviewer_appointed", "Lead reviewer appointed", working_days=15),
    Milestone("panel_told_reviewer", "The Panel told the lead reviewer's name", working_days=20),
    Milestone("terms_agreed", "Terms of reference agreed", working_days=20),
    Milestone("agency_reports", "Agency reports or chronologies received", working_days=40),
    Milestone("practitioner_event", "Practitioner learning event held", months=2),
    Milestone("family_involvement", "Family involvement: meetings offered and held", months=3),
    Milestone("draft_received", "Draft report received", months=4),
    Milestone("quality_assurance", "Quality assurance of the draft", months=4, working_days=10),
    Milestone("accuracy_check", "Factual accuracy check with agencies and the family", months=5),
    Milestone("final_signed_off", "Partners' sign-off of the final report", months=5,
              working_days=5),
)
BY_KEY = {m.key: m for m in MILESTONES}


@dataclass
class MilestoneState:
    """A milestone on one case: its target, when it was done, and how it stands."""

    milestone: Milestone
    due: date
    done: date | None
    note: str
    status: clock.DeadlineStatus


def states(case: dict[str, Any], today: date) -> list[MilestoneState]:
    """Return each milestone's state on a case whose local review has been commissioned."""
    commissioned = casefacts.get_date(case, "dates.commissioned")
    if commissioned is None:
        return []
    recorded = case.get("milestones") or {}
    found = []
    for milestone in MILESTONES:
        entry = recorded.get(milestone.key) or {}
        done = date.fromisoformat(entry["done"]) if entry.get("done") else None
        due = milestone.due(commissioned)
        found.append(MilestoneState(milestone, due, done, str(entry.get("note", "")),
                                    clock.deadline_status(due, today, done)))  # fmt: skip
    return found


def _text(value: str, message: str, field: str, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise Refused(message, field)
    if len(value) > MAX_TEXT:
        raise Refused(f"The text must be {MAX_TEXT} characters or fewer", field)
    return value


@transactional
def record_milestone(
    user: dict[str, Any], case_id: str, key: str, done_on: date, note: str = ""
) -> dict[str, Any]:
    """Record the day a milestone of the local review was reached."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records the review's progress")
    case = cases.get_case(user, case_id, action="")
    milestone = BY_KEY.get(key)
    if milestone is None:
        raise Refused("Select which step of the review this is", "key")
    commissioned = casefacts.get_date(case, "dates.commissioned")
    if commissioned is None:
        raise Refused("Record the date of the decision to commission the review first")
    if done_on > uk_today():
        raise Refused(f"The date {milestone.label.lower()} must be today or in the past", "done_on")
    if done_on < commissioned:
        raise Refused(f"The date must be on or after the decision to commission the review "
                      f"({short_date(commissioned)})", "done_on")  # fmt: skip
    entry = {"done": done_on.isoformat(), "by": user["name"], "at": cases.now_iso(),
             "note": _text(note, "", "note", required=False)}  # fmt: skip
    milestones = {**(case.get("milestones") or {}), key: entry}
    text = f"{milestone.label}: {short_date(done_on)}"
    updated = cases.change(case_id, cases.event("milestone", text, user), milestones=milestones)
    audit.record("update", "case", case_id, {"milestone": key}, user=user)
    return updated


@transactional
def ask_reviewer(user: dict[str, Any], case_id: str, asked_on: date, what: str) -> dict[str, Any]:
    """Record a written request to the reviewer for information or a draft (regulation 14)."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records requests to the reviewer")
    case = cases.get_case(user, case_id, action="")
    if asked_on > uk_today():
        raise Refused("The date of the request must be today or in the past", "asked_on")
    request = {"id": new_id(), "asked_on": asked_on.isoformat(),
               "what": _text(what, "Enter what was asked for", "what"), "by": user["name"],
               "answered_on": None, "answer": ""}  # fmt: skip
    updated = cases.change(
        case_id, cases.event("reviewer_request", f"Asked the reviewer in writing on "
                             f"{short_date(asked_on)}", user),
        reviewer_requests=[*(case.get("reviewer_requests") or []), request])  # fmt: skip
    audit.record("update", "case", case_id, {"reviewer_request": request["id"]}, user=user)
    return updated


@transactional
def answer_received(
    user: dict[str, Any], case_id: str, request_id: str, answered_on: date, answer: str
) -> dict[str, Any]:
    """Record the reviewer's answer to a written request."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records the reviewer's answers")
    case = cases.get_case(user, case_id, action="")
    requests = [dict(r) for r in case.get("reviewer_requests") or []]
    found = next((r for r in requests if r["id"] == request_id), None)
    if found is None:
        raise Refused("That request is not on this case")
    if answered_on > uk_today():
        raise Refused("The date of the answer must be today or in the past", "answered_on")
    if answered_on < date.fromisoformat(found["asked_on"]):
        raise Refused("The answer cannot come before the request", "answered_on")
    found.update(answered_on=answered_on.isoformat(),
                 answer=_text(answer, "Enter what the reviewer sent or said", "answer"))
    updated = cases.change(
        case_id, cases.event("reviewer_request", f"The reviewer answered on "
                             f"{short_date(answered_on)}", user), reviewer_requests=requests)
    audit.record("update", "case", case_id, {"reviewer_answer": request_id}, user=user)
    return updated
