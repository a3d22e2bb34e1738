"""The verbs of learning: reviews, their recommendations, agency-owned actions and their
progress, evidence and acceptance, and learning activity.

Each verb checks who is asking inside the operation, reads, checks and writes in one storage
transaction with its audit entry, and feeds a case the statuses of its actions (the case's
"close the case" move needs every one accepted as complete).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import FileStorage

from cspr import audit
from cspr.auth.operations import AGENCIES
from cspr.casework import cases
from cspr.casework import operations as casework
from cspr.casework.clock import short_date
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import attachments
from cspr.learning import records
from cspr.learning.records import (
    ACTIONS,
    ACTIVITIES,
    COMPLETE,
    OPEN,
    REVIEWS,
    SUBMITTED,
)
from cspr.learning.text import number, text, when
from cspr.storage import NotFound, get_store, transactional
from cspr.storage.ids import new_id
from cspr.timeutil import uk_today

# Evidence: the same checks as a form's file question (size, type by name and first bytes).
EVIDENCE_FIELD: dict[str, Any] = {
    "name": "evidence",
    "validation": {"max_size_mb": 10, "accept": [".pdf", ".docx", ".xlsx", ".odt", ".txt",
                                                 ".csv", ".jpg", ".jpeg", ".png"]},
}  # fmt: skip


def _require(user: dict[str, Any], roles: frozenset[str], what: str) -> None:
    if user["role"] not in roles:
        raise Forbidden(what)


def _by(user: dict[str, Any]) -> dict[str, str]:
    """Say who did something and when, as learning's records keep it."""
    return {"by": user["name"], "by_id": user["id"], "at": cases.now_iso()}


def _feed_case(action: dict[str, Any], user: dict[str, Any], event: str) -> None:
    """Give the action's case the status of each of its actions (in this transaction)."""
    if not action.get("case_id"):
        return
    statuses = [a["status"] for a in records.case_actions(action["case_id"])]
    casework.record_facts(action["case_id"], [("actions.statuses", None, statuses)],
                          user["name"], f"learning:{action['reference']}", event)  # fmt: skip


# --- Reviews and recommendations (the business unit) -----------------------------------------


@transactional
def record_review(
    user: dict[str, Any], kind: str, title: str, case_reference: str, dated: date | None
) -> dict[str, Any]:
    """Record a review whose recommendations the partnership will act on."""
    _require(user, records.RUNS, "Only the business unit records reviews")
    if kind not in records.KINDS:
        raise Refused("Select the kind of review", "kind")
    name = text(title, "Enter the review's name", "title", 150, "The review's name")
    case = _review_case(user, kind, case_reference)
    if dated is not None and dated > uk_today():
        raise Refused("The date of the report must be today or in the past", "dated")
    store = get_store()
    review = store.insert(REVIEWS, {
        "reference": store.next_reference(records.REVIEW_PREFIX, uk_today().year),
        "kind": kind, "title": name, "case_id": case["id"] if case else None,
        "case_reference": case["reference"] if case else "",
        "dated": dated.isoformat() if dated else None, "recommendations": [],
        "recorded": _by(user),
    })  # fmt: skip
    if case:
        cases.add_timeline_entry(case["id"], "learning",
                                 f"{records.KINDS[kind]} recorded for its action plan "
                                 f"({review['reference']})", user)  # fmt: skip
    audit.record("create", "review", review["id"], {"kind": kind}, user=user)
    return review


def _review_case(user: dict[str, Any], kind: str, reference: str) -> dict[str, Any] | None:
    """Return the case a review is about: needed for a local one, none for a thematic one."""
    reference = reference.strip().upper()
    if kind == "thematic":
        if reference:
            raise Refused("A thematic report is not about one case: leave the case reference "
                          "empty", "case_reference")  # fmt: skip
        return None
    if not reference:
        if kind == "local":
            raise Refused("Enter the reference of the case the review is about, like "
                          "CSPR-2026-0007", "case_reference")  # fmt: skip
        return None
    try:
        case = cases.find_by_reference(user, reference)
    except NotFound:
        raise Refused(f"There is no case with the reference {reference}",
                      "case_reference") from None  # fmt: skip
    if kind == "local" and any(r["kind"] == "local" for r in records.case_reviews(case["id"])):
        raise Refused(f"Case {case['reference']} already has its local review recorded",
                      "case_reference")  # fmt: skip
    return case


@transactional
def add_recommendation(user: dict[str, Any], review_id: str, wording: str) -> dict[str, Any]:
    """Add the review's next recommendation, numbered in order."""
    _require(user, records.RUNS, "Only the business unit records recommendations")
    review = records.get_review(user, review_id, action="")
    words = text(wording, "Enter the recommendation", "text", 2000, "The recommendation")
    found = list(review.get("recommendations") or [])
    found.append({"id": new_id(), "number": len(found) + 1, "text": words, **_by(user)})
    updated = get_store().update(REVIEWS, review_id, {"recommendations": found})
    audit.record("update", "review", review_id, {"recommendation": len(found)}, user=user)
    return updated


# --- Actions (the business unit) --------------------------------------------------------------


def _details(
    wording: str, agency_id: str, owner_name: str, owner_role: str, due: date
) -> dict[str, Any]:
    """Check an action's details: what, which agency, who owns it and when it is due."""
    agency = get_store().get(AGENCIES, agency_id) if agency_id else None
    what = text(wording, "Enter what will be done", "text", 2000, "What will be done")
    if agency is None or not agency.get("active", True):
        raise Refused("Select the agency responsible for the action", "agency")
    owner = text(owner_name, "Enter the name of the person who owns the action", "owner_name",
                 120, "The owner's name")  # fmt: skip
    role = text(owner_role, "Enter the owner's role, for example head of safeguarding",
                "owner_role", 120, "The owner's role")  # fmt: skip
    return {"text": what, "agency_id": agency["id"], "owner_name": owner, "owner_role": role,
            "due": when(due, "due").isoformat()}  # fmt: skip


@transactional
def add_action(
    user: dict[str, Any], review_id: str, recommendation_id: str, wording: str, agency_id: str,
    owner_name: str, owner_role: str, due: date, status: str,
) -> dict[str, Any]:  # fmt: skip
    """Turn a recommendation into an action that an agency owns."""
    _require(user, records.RUNS, "Only the business unit records actions")
    review = records.get_review(user, review_id, action="")
    found = records.recommendation(review, recommendation_id)
    if found is None:
        raise Refused("Select the recommendation this action is for", "recommendation")
    details = _details(wording, agency_id, owner_name, owner_role, due)
    if status not in records.RAG:
        raise Refused("Select the action's status", "status")
    store = get_store()
    action = store.insert(ACTIONS, {
        "reference": store.next_reference(records.ACTION_PREFIX, uk_today().year),
        "review_id": review_id, "case_id": review.get("case_id"), "kind": review["kind"],
        "recommendation_id": found["id"], "recommendation_number": found["number"],
        **details, "status": status, "state": OPEN, "recorded_on": uk_today().isoformat(),
        "completed_on": None, "updates": [], "evidence": [], "submitted": None,
        "decisions": [], "history": [{"text": "Action recorded", **_by(user)}],
    })  # fmt: skip
    _feed_case(action, user, f"Action {action['reference']} recorded")
    audit.record("create", "action", action["id"], {"review": review_id}, user=user)
    return action


@transactional
def change_action(
    user: dict[str, Any], action_id: str, wording: str, agency_id: str, owner_name: str,
    owner_role: str, due: date,
) -> dict[str, Any]:  # fmt: skip
    """Change what an action is, who owns it or when it is due (before it is complete)."""
    _require(user, records.RUNS, "Only the business unit changes actions")
    action = records.get_action(user, action_id, action="")
    if action["state"] == COMPLETE:
        raise Refused("An action accepted as complete cannot be changed")
    details = _details(wording, agency_id, owner_name, owner_role, due)
    changed = [k for k, v in details.items() if action.get(k) != v]
    if not changed:
        return action
    note = "Details changed"
    if "due" in changed:
        note += (f": due date moved from {short_date(records.due_date(action))} to "
                 f"{short_date(date.fromisoformat(details['due']))}")  # fmt: skip
    history = [*action["history"], {"text": note, **_by(user)}]
    updated = get_store().update(ACTIONS, action_id, {**details, "history": history})
    audit.record("update", "action", action_id, {"changed": changed}, user=user)
    return updated


# --- Progress, evidence and completion (the owning agency, or the business unit) -------------


def _working(user: dict[str, Any], action_id: str) -> dict[str, Any]:
    """Return an action the user may work on and that is not yet complete."""
    action = records.get_action(user, action_id, action="")
    if not records.works_on(user, action):
        raise Forbidden("Only the agency that owns the action, or the business unit, updates it")
    if action["state"] == COMPLETE:
        raise Refused("This action has been accepted as complete")
    return action


@transactional
def post_update(user: dict[str, Any], action_id: str, status: str, wording: str) -> dict[str, Any]:
    """Record progress on an action and its status now (red, amber or green)."""
    action = _working(user, action_id)
    if status not in records.RAG:
        raise Refused("Select the action's status now", "status")
    words = text(wording, "Enter what has been done since the last update", "update", 3000,
                 "The progress update")  # fmt: skip
    updates = [*action["updates"], {"id": new_id(), "status": status, "text": words,
                                    **_by(user)}]  # fmt: skip
    updated = get_store().update(ACTIONS, action_id, {"updates": updates, "status": status})
    _feed_case(updated, user, "")
    audit.record("update", "action", action_id, {"status": status}, user=user)
    return updated


def add_evidence(
    user: dict[str, Any], action_id: str, upload: FileStorage | None, description: str
) -> dict[str, Any]:
    """Check an evidence file as form uploads are checked, keep it, and attach it to the action."""
    _working(user, action_id)  # refuse before reading the file; checked again when recorded
    about = text(description, "", "description", 300, "What the file shows", required=False)
    if upload is None or not upload.filename:
        raise Refused("Select a file of evidence", "evidence")
    content, error = attachments.check_upload(EVIDENCE_FIELD, upload)
    if error or content is None:
        raise Refused(error or "The selected file could not be uploaded – try again", "evidence")
    kept = attachments.keep_file(upload, content)  # written before the transaction: slow work
    return _record_evidence(user, action_id, kept, about)


@transactional
def _record_evidence(
    user: dict[str, Any], action_id: str, kept: dict[str, Any], description: str
) -> dict[str, Any]:
    """Attach a kept file to the action as evidence."""
    action = _working(user, action_id)
    evidence = [*action["evidence"], {**kept, "description": description, **_by(user)}]
    updated = get_store().update(ACTIONS, action_id, {"evidence": evidence})
    audit.record("upload", "evidence", kept["id"], {"action": action_id,
                                                     "sha256": kept["sha256"]}, user=user)
    return updated


@transactional
def submit_complete(user: dict[str, Any], action_id: str, summary: str) -> dict[str, Any]:
    """Submit an action as complete, with its evidence, for the business unit or chair to review."""
    action = _working(user, action_id)
    if action["state"] != OPEN:
        raise Refused("This action is already waiting for its evidence to be reviewed")
    if not action["evidence"]:
        raise Refused("Upload at least one file of evidence before you submit the action as "
                      "complete", "evidence")  # fmt: skip
    words = text(summary, "Enter how the action was completed and the difference it has made",
                 "summary", 3000, "How the action was completed")  # fmt: skip
    history = [*action["history"], {"text": "Submitted as complete", **_by(user)}]
    updated = get_store().update(ACTIONS, action_id, {
        "state": SUBMITTED, "submitted": {"summary": words, **_by(user)}, "history": history})
    audit.record("submit", "action", action_id, {"evidence": len(action["evidence"])}, user=user)
    return updated


@transactional
def decide(user: dict[str, Any], action_id: str, accept: bool, reason: str) -> dict[str, Any]:
    """Accept a submitted action as complete, or send it back to its agency with the reason."""
    _require(user, records.DECIDES, "Only the business unit or the chair reviews the evidence")
    action = records.get_action(user, action_id, action="")
    if action["state"] != SUBMITTED:
        raise Refused("This action is not waiting for its evidence to be reviewed")
    why = text(reason, "Enter why the action is being sent back", "reason", 2000, "The reason",
               required=not accept)  # fmt: skip
    if not accept and len(why) < 10:
        raise Refused("Enter why the action is being sent back, so the agency knows what to do",
                      "reason")  # fmt: skip
    decision = {"accepted": accept, "reason": why, **_by(user)}
    note = "Accepted as complete" if accept else f"Sent back: {why}"
    changes: dict[str, Any] = {"decisions": [*action["decisions"], decision],
                               "history": [*action["history"], {"text": note, **_by(user)}]}
    if accept:
        changes.update(state=COMPLETE, status="complete", completed_on=uk_today().isoformat())
    else:
        changes.update(state=OPEN)
    updated = get_store().update(ACTIONS, action_id, changes)
    if accept:
        _feed_case(updated, user, f"Action {action['reference']} accepted as complete")
    audit.record("accept" if accept else "send_back", "action", action_id, user=user)
    return updated


# --- Learning activity (the business unit) ----------------------------------------------------


@transactional
def record_activity(
    user: dict[str, Any], review_id: str, kind: str, title: str, held_on: date, audience: str,
    reached: str,
) -> dict[str, Any]:  # fmt: skip
    """Record how a review's learning was shared: a briefing, training update or audit."""
    _require(user, records.RUNS, "Only the business unit records learning activity")
    records.get_review(user, review_id, action="")
    if kind not in records.ACTIVITY_KINDS:
        raise Refused("Select the kind of learning activity", "kind")
    name = text(title, "Enter what the activity was about", "title", 200, "What it was about")
    if held_on > uk_today():
        raise Refused("The date it took place must be today or in the past", "held_on")
    who = text(audience, "Enter who it was for, for example GPs and practice nurses",
               "audience", 200, "Who it was for")  # fmt: skip
    count = number(reached, "reached", "how many people it reached")
    activity = get_store().insert(ACTIVITIES, {
        "review_id": review_id, "kind": kind, "title": name,
        "held_on": when(held_on, "held_on").isoformat(), "audience": who, "reached": count,
        "recorded": _by(user),
    })  # fmt: skip
    audit.record("create", "learning_activity", activity["id"], {"review": review_id}, user=user)
    return activity


def read_evidence(
    user: dict[str, Any], action_id: str, file_id: str
) -> tuple[dict[str, Any], bytes]:
    """Return one evidence file of an action the user may see, writing the download down."""
    action = records.get_action(user, action_id, action="")
    found = records.evidence_file(action, file_id)
    if found is None:
        raise NotFound(file_id)
    audit.record("download", "evidence", file_id, {"action": action_id}, user=user)
    return found, attachments.read(file_id)
