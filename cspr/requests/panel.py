"""Waiting for the Panel after the rapid review is sent: its questions and the partners' reply.

The Panel usually replies in about 10 working days (a local expectation, set with the rapid
review plan, never a statutory deadline; casework shows it and the reminder run chases it).
When the Panel asks questions first, the business unit records them and the partners' reply.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr import audit
from cspr.casework import casefacts, cases, clock
from cspr.casework.deadlines import expected_reply_days
from cspr.exceptions import Refused
from cspr.requests.operations import MAX_MESSAGE, require_business_unit
from cspr.requests.records import now_iso
from cspr.storage import NotFound, get_store, transactional
from cspr.timeutil import uk_today

QUESTIONS = "panel_questions"


def for_case(case_id: str) -> list[dict[str, Any]]:
    """Return the Panel's questions on a case, oldest first."""
    return get_store().find(QUESTIONS, where={"case_id": case_id}, order_by="received_on")


def unanswered(case_id: str) -> list[dict[str, Any]]:
    """Return the Panel's questions still waiting for the partners' reply."""
    return [q for q in for_case(case_id) if not q.get("reply")]


def get_question(user: dict[str, Any], question_id: str) -> dict[str, Any]:
    """Return one of the Panel's questions to someone who may see its case."""
    question = get_store().get(QUESTIONS, question_id)
    if question is None:
        raise NotFound(question_id)
    cases.get_case(user, question["case_id"], action="")
    return question


def expected_reply(case: dict[str, Any]) -> date | None:
    """Return when the Panel's reply is expected: a local expectation, not a statutory date."""
    sent = casefacts.get_date(case, "dates.rapid_review_sent")
    return clock.add_working_days(sent, expected_reply_days()) if sent else None


def _check(when: date | None, text: str, name: str, what: str, after: date | None) -> str:
    """Refuse a missing or future date, or empty text; return the text tidied."""
    if when is None:
        raise Refused(f"Enter the date {what}", f"{name}_on")
    if when > uk_today():
        raise Refused(f"The date {what} must be today or in the past", f"{name}_on")
    if after is not None and when < after:
        raise Refused(f"The date {what} must be on or after {clock.short_date(after)}",
                      f"{name}_on")  # fmt: skip
    text = text.strip()
    if not text:
        raise Refused("Enter the questions" if name == "received" else "Enter the reply", name)
    if len(text) > MAX_MESSAGE:
        raise Refused(f"Enter {MAX_MESSAGE} characters or fewer", name)
    return text


@transactional
def record_questions(actor: dict[str, Any], case_id: str, received_on: date | None,
                     questions: str) -> dict[str, Any]:  # fmt: skip
    """Record questions the Panel asked about the rapid review."""
    require_business_unit(actor)
    case = cases.get_case(actor, case_id, action="")
    sent = casefacts.get_date(case, "dates.rapid_review_sent")
    if sent is None:
        raise Refused("Record the date the rapid review was sent to the Panel first",
                      "received_on")  # fmt: skip
    text = _check(received_on, questions, "received", "the questions arrived", sent)
    record = get_store().insert(QUESTIONS, {
        "case_id": case_id, "received_on": received_on.isoformat() if received_on else "",
        "questions": text, "recorded_by": actor["name"], "recorded_at": now_iso(), "reply": None,
    })  # fmt: skip
    audit.record("create", "panel_question", record["id"], {"case": case_id}, user=actor)
    cases.add_timeline_entry(case_id, "panel", "Questions from the Panel recorded", actor)
    return record


@transactional
def record_reply(actor: dict[str, Any], question_id: str, sent_on: date | None,
                 reply: str) -> dict[str, Any]:  # fmt: skip
    """Record the partners' reply to the Panel's questions."""
    require_business_unit(actor)
    store = get_store()
    question = get_question(actor, question_id)
    if question.get("reply"):
        raise Refused("The reply to these questions has already been recorded", "reply")
    asked = date.fromisoformat(question["received_on"])
    text = _check(sent_on, reply, "reply", "the reply was sent", asked)
    answer = {"sent_on": sent_on.isoformat() if sent_on else "", "text": text,
              "by": actor["name"], "at": now_iso()}  # fmt: skip
    updated = store.update(QUESTIONS, question_id, {"reply": answer})
    audit.record("update", "panel_question", question_id, {"reply": True}, user=actor)
    cases.add_timeline_entry(question["case_id"], "panel",
                             "The partners' reply to the Panel's questions recorded", actor)
    return updated
