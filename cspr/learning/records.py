"""Learning's records: reviews with their recommendations, actions, and learning activity.

Who sees what (need-to-know): the business unit, the statutory partners and the chair see
every review, action and activity; agency staff see only the actions their own agency owns
(never the review page, the case or another agency's action). Anything else is "not found",
the same answer whether it is missing or not theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from cspr import audit
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.storage import NotFound, get_store

REVIEWS = "learning_reviews"
ACTIONS = "learning_actions"
ACTIVITIES = "learning_activities"
REVIEW_PREFIX, ACTION_PREFIX = "REV", "ACT"

KINDS = {
    "local": "Local child safeguarding practice review",
    "national": "National review by the Panel",
    "thematic": "Panel thematic report adopted by the partnership",
}
RAG = {"red": "Red", "amber": "Amber", "green": "Green"}
STATUSES = {**RAG, "complete": "Complete"}
RAG_HINTS = {
    "red": "Not on track and unlikely to be finished by the due date",
    "amber": "Some delay or risk, but it can still be finished on time",
    "green": "On track",
}
# Where an action is in its life: the agency works on it, then submits it as complete with
# evidence; the business unit or the chair accepts it (complete) or sends it back (open).
OPEN, SUBMITTED, COMPLETE = "open", "submitted", "complete"
STATES = {OPEN: "In progress", SUBMITTED: "Waiting for the evidence to be reviewed",
          COMPLETE: "Accepted as complete"}  # fmt: skip
ACTIVITY_KINDS = {
    "briefing": "Briefing",
    "seven_minute_briefing": "Seven-minute briefing",
    "training": "Training update",
    "audit": "Audit",
}

OVERSEES = frozenset({BUSINESS_UNIT, PARTNER, CHAIR})  # see every review and action
RUNS = frozenset({BUSINESS_UNIT})  # records reviews, recommendations, actions and activity
DECIDES = frozenset({BUSINESS_UNIT, CHAIR})  # accepts an action as complete or sends it back


def sees_all(user: dict[str, Any]) -> bool:
    """Say whether the user oversees every review and action."""
    return user["role"] in OVERSEES


def owns(user: dict[str, Any], action: dict[str, Any]) -> bool:
    """Say whether the user is staff of the agency that owns the action."""
    return (
        user["role"] == AGENCY_USER
        and bool(user.get("agency_id"))
        and action.get("agency_id") == user["agency_id"]
    )


def can_see(user: dict[str, Any], action: dict[str, Any]) -> bool:
    """Need-to-know: those who oversee see every action; agency staff their agency's."""
    return sees_all(user) or owns(user, action)


def works_on(user: dict[str, Any], action: dict[str, Any]) -> bool:
    """Say whether the user may post progress and evidence: the owning agency, or the BU."""
    return user["role"] in RUNS or owns(user, action)


def get_review(user: dict[str, Any], review_id: str, action: str = "view") -> dict[str, Any]:
    """Return a review the user may see, writing the view to the audit trail."""
    review = get_store().get(REVIEWS, review_id)
    if review is None or not sees_all(user):
        raise NotFound(review_id)
    if action:
        audit.record(action, "review", review_id, user=user)
    return review


def get_action(user: dict[str, Any], action_id: str, action: str = "view") -> dict[str, Any]:
    """Return an action the user may see, writing the view to the audit trail."""
    found = get_store().get(ACTIONS, action_id)
    if found is None or not can_see(user, found):
        raise NotFound(action_id)
    if action:
        audit.record(action, "action", action_id, user=user)
    return found


def reviews(user: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every review, newest first, to those who oversee them (the view audited)."""
    if not sees_all(user):
        return []
    found = get_store().find(REVIEWS, order_by="created_at", reverse=True)
    audit.record("view", "review_list", None, {"count": len(found)}, user=user)
    return found


def all_reviews() -> list[dict[str, Any]]:
    """Return every review (for reports; the caller has checked who is asking)."""
    return get_store().find(REVIEWS, order_by="created_at")


def case_reviews(case_id: str) -> list[dict[str, Any]]:
    """Return the reviews recorded against a case, oldest first."""
    return get_store().find(REVIEWS, where={"case_id": case_id}, order_by="created_at")


def review_for(action: dict[str, Any]) -> dict[str, Any]:
    """Return the review an action comes from (whoever may see the action may see its title)."""
    review = get_store().get(REVIEWS, action["review_id"])
    if review is None:
        raise NotFound(action["review_id"])
    return review


def review_actions(review_id: str) -> list[dict[str, Any]]:
    """Return a review's actions in the order they were recorded."""
    return get_store().find(ACTIONS, where={"review_id": review_id}, order_by="reference")


def case_actions(case_id: str) -> list[dict[str, Any]]:
    """Return every action from a case's reviews, in the order they were recorded."""
    return get_store().find(ACTIONS, where={"case_id": case_id}, order_by="reference")


def all_actions() -> list[dict[str, Any]]:
    """Return every action (for reports; the caller has checked who is asking)."""
    return get_store().find(ACTIONS, order_by="reference")


def visible_actions(user: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the actions the user may see, in the order they were recorded."""
    return get_store().find(ACTIONS, predicate=lambda a: can_see(user, a), order_by="reference")


def list_actions(
    user: dict[str, Any], keep: Callable[[dict[str, Any]], bool], shown: str
) -> list[dict[str, Any]]:
    """Return the visible actions a list page shows, writing the view to the audit trail."""
    found = [a for a in visible_actions(user) if keep(a)]
    audit.record("view", "action_list", None, {"show": shown, "count": len(found)}, user=user)
    return found


def review_activities(review_id: str) -> list[dict[str, Any]]:
    """Return the learning activity recorded against a review, by date."""
    return get_store().find(ACTIVITIES, where={"review_id": review_id}, order_by="held_on")


def all_activities() -> list[dict[str, Any]]:
    """Return every learning activity (for reports; the caller has checked who is asking)."""
    return get_store().find(ACTIVITIES, order_by="held_on")


def due_date(action: dict[str, Any]) -> date:
    """Return when an action is due."""
    return date.fromisoformat(action["due"])


def is_overdue(action: dict[str, Any], today: date) -> bool:
    """Say whether an action is past its due date and not yet accepted as complete."""
    return action["state"] != COMPLETE and due_date(action) < today


def recommendation(review: dict[str, Any], recommendation_id: str) -> dict[str, Any] | None:
    """Return one of a review's recommendations."""
    return next((r for r in review.get("recommendations", []) if r["id"] == recommendation_id),
                None)  # fmt: skip


def evidence_file(action: dict[str, Any], file_id: str) -> dict[str, Any] | None:
    """Return one of an action's evidence files."""
    return next((f for f in action.get("evidence", []) if f["id"] == file_id), None)


def label(action: dict[str, Any]) -> str:
    """Return an action's status in words: its RAG status, or Complete once accepted."""
    return STATUSES.get(action["status"], action["status"])
