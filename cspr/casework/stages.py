"""The stages a case moves through, and which moves are allowed from each."""

from __future__ import annotations

from dataclasses import dataclass

STAGES: dict[str, str] = {
    "referral": "Referral",
    "consideration": "Consideration",
    "notified": "Notified to the Panel",
    "rapid_review": "Rapid review",
    "decided": "Decided",
    "panel_response": "Panel response",
    "review_in_progress": "Review in progress",
    "published": "Published",
    "action_plan": "Action plan",
    "closed": "Closed",
    "not_notifiable": "Not notifiable",
    "other_learning_route": "Other learning route",
    "no_further_action": "No further action",
}
ENDED = {"closed", "not_notifiable", "other_learning_route", "no_further_action"}
# The main path, in order, for timelines and progress.
MAIN_PATH = [s for s in STAGES if s not in ENDED - {"closed"}]


@dataclass(frozen=True)
class Move:
    """One allowed change of stage and what must be true first."""

    to: str
    label: str
    needs: str = ""  # the name of a precondition checked in cases.py; empty for none


MOVES: dict[str, list[Move]] = {
    "referral": [Move("consideration", "Start the partners' consideration")],
    "consideration": [
        Move("notified", "Record that the Panel has been notified", "notifiable_and_notification"),
        Move("not_notifiable", "Close as not notifiable", "not_notifiable_decision"),
    ],
    "notified": [Move("rapid_review", "Start the rapid review")],
    "rapid_review": [Move("decided", "Record the partners' decision", "rapid_review_signed_off")],
    "decided": [Move("panel_response", "Record the Panel's response", "panel_response")],
    "panel_response": [
        Move("review_in_progress", "Start the local review", "local_review_decided"),
        Move("other_learning_route", "Close: other learning route", "other_learning_decided"),
        Move("no_further_action", "Close: no further action", "no_further_action_decided"),
    ],
    "review_in_progress": [Move("published", "Record publication", "publication_recorded")],
    "published": [Move("action_plan", "Move to the action plan")],
    "action_plan": [Move("closed", "Close the case", "actions_complete")],
}


def moves_from(stage: str) -> list[Move]:
    """Return the moves allowed from a stage."""
    return MOVES.get(stage, [])


def find_move(stage: str, to: str) -> Move | None:
    """Return the move from one stage to another, if it is allowed at all."""
    return next((m for m in moves_from(stage) if m.to == to), None)


def label(stage: str) -> str:
    """Return a stage's name for people."""
    return STAGES.get(stage, stage)
