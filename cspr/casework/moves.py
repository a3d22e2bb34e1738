"""What must be true before a case moves on, said in words when it is not yet."""

from __future__ import annotations

from typing import Any

from cspr.casework import casefacts, decisions, publication, signoff, tracks
from cspr.casework.catalog import choice_label
from cspr.casework.stages import NO_REVIEW


def _decision(case: dict[str, Any]) -> str:
    return str(casefacts.get(case, "decision.outcome") or "")


def reconvening(case: dict[str, Any]) -> bool:
    """Say whether the partners still have to reconvene after a Panel challenge."""
    return casefacts.get(case, "panel.response") == "challenge" and not any(
        t.get("kind") == "reconvene" and t.get("status") == "done" for t in case.get("tasks", [])
    )


def _decided(case: dict[str, Any], wanted: set[str]) -> str:
    """Explain a move that depends on the (possibly reconvened) decision."""
    if reconvening(case):
        return "Record the outcome of the partners' reconvened meeting after the Panel's challenge"
    decision = _decision(case)
    if decision == "national_review":
        answer = casefacts.get(case, "panel.national_review")
        if not answer:
            return "Record the Panel's answer on the recommended national review first"
        if answer == "national" and "national_review" not in wanted:
            return "The Panel is carrying out a national review of this case"
        decision = {"local": "local_cspr", "none": "no_further_action"}.get(str(answer), decision)
    if decision not in wanted:
        current = choice_label("decision.outcome", decision) or "not yet recorded"
        return f"The decision for this case is {current}"
    return ""


def _local_review(case: dict[str, Any]) -> str:
    reason = _decided(case, {"local_cspr"})
    if reason:
        return reason
    if casefacts.get(case, "dates.commissioned") is None:
        return "Record the date of the decision to commission the local review first"
    return ""


def unmet(need: str, case: dict[str, Any]) -> str:
    """Explain why a move cannot happen yet, or return "" when it can."""
    get = casefacts.get
    if need == "notification_recorded":
        return "" if get(case, "dates.notified") else (
            "Record the date the notification was made, and its reference, first")
    if need == "not_notifiable_position":
        if get(case, "dates.notified"):
            return "The local authority has recorded a notification for this case"
        if decisions.position(case).result != "not_notifiable":
            return "The partners' position is not yet that the case is not notifiable"
        return ""
    if need == "no_review_track":
        return "" if tracks.track(case) in NO_REVIEW else "This case needs a rapid review"
    if need == "rapid_review_signed_off":
        return signoff.unmet(case)
    if need == "panel_response":
        return "" if get(case, "panel.response") else "Record the Panel's response first"
    if need == "local_review_decided":
        return _local_review(case)
    if need == "national_review_agreed":
        if _decision(case) != "national_review":
            return "The partners did not recommend a national review"
        return "" if get(case, "panel.national_review") == "national" else (
            "The Panel has not said it will carry out a national review")
    if need == "national_review_supported":
        return ""
    if need == "other_learning_decided":
        return _decided(case, {"other_learning"})
    if need == "no_further_action_decided":
        return _decided(case, {"no_further_action"})
    if need == "publication_recorded":
        if publication.hold(case):
            return publication.ON_HOLD
        return "" if get(case, "dates.published") else (
            "Record the date the report was published first")
    if need == "actions_complete":
        statuses = get(case, "actions.statuses") or []
        if not statuses:
            return "Record the action plan first"
        return "" if all(s == "complete" for s in statuses) else (
            "Every action in the action plan must be complete before the case closes")
    return ""
