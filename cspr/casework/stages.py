"""The stages a case moves through on its track, and which moves are allowed from each.

The track follows from the case's facts (see tracks.py): a serious incident has the whole
path; the death of a looked-after child with no abuse or neglect known or suspected, and the
death of a care leaver aged 24 or under, are notified and then closed with no rapid review.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES: dict[str, str] = {
    "referral": "Referral",
    "consideration": "Consideration",
    "notified": "Notified",
    "rapid_review": "Rapid review",
    "decided": "Decided",
    "panel_response": "Panel response",
    "national_review": "National review by the Panel",
    "review_in_progress": "Local review in progress",
    "published": "Published",
    "action_plan": "Action plan",
    "closed": "Closed",
    "not_notifiable": "Closed: not notifiable",
    "notified_only": "Closed: notified, no review needed",
    "criteria_not_met": "Closed: does not meet the criteria",
    "other_learning_route": "Closed: other learning route",
    "no_further_action": "Closed: no further action",
}
ENDED = {"closed", "not_notifiable", "notified_only", "criteria_not_met",
         "other_learning_route", "no_further_action"}  # fmt: skip
SERIOUS, LOOKED_AFTER, CARE_LEAVER = "serious_incident", "looked_after_death", "care_leaver_death"
TRACKS = {
    SERIOUS: "Serious incident: notification, rapid review and decision",
    LOOKED_AFTER: "Death of a looked-after child, no abuse or neglect known or suspected: "
    "notified to the Secretary of State and Ofsted, no rapid review",
    CARE_LEAVER: "Death of a care leaver aged 24 or under: notified to the Secretary of State "
    "and Ofsted, no rapid review",
}
ALL = frozenset(TRACKS)
NO_REVIEW = frozenset({LOOKED_AFTER, CARE_LEAVER})


@dataclass(frozen=True)
class Move:
    """One allowed change of stage, on which tracks, and what must be true first."""

    to: str
    label: str
    needs: str = ""  # the name of a precondition checked in moves.py; empty for none
    tracks: frozenset[str] = ALL
    needs_reason: bool = False  # closing early asks why


MOVES: dict[str, list[Move]] = {
    "referral": [Move("consideration", "Start the partners' consideration")],
    "consideration": [
        Move("notified", "Confirm the notification was made", "notification_recorded"),
        Move("not_notifiable", "Close as not notifiable", "not_notifiable_position"),
    ],
    "notified": [
        Move("rapid_review", "Start the rapid review", tracks=frozenset({SERIOUS})),
        Move("notified_only", "Close: notified, no review needed", "no_review_track",
             tracks=NO_REVIEW),  # fmt: skip
        Move("criteria_not_met", "Close: the case does not meet the criteria",
             needs_reason=True),  # fmt: skip
    ],
    "rapid_review": [
        Move("decided", "Record the partners' decision", "rapid_review_signed_off"),
        Move("criteria_not_met", "Close: the case does not meet the criteria",
             needs_reason=True),  # fmt: skip
    ],
    "decided": [Move("panel_response", "Record the Panel's response", "panel_response")],
    "panel_response": [
        Move("review_in_progress", "Start the local review", "local_review_decided"),
        Move("national_review", "The Panel is carrying out a national review",
             "national_review_agreed"),  # fmt: skip
        Move("other_learning_route", "Close: other learning route", "other_learning_decided"),
        Move("no_further_action", "Close: no further action", "no_further_action_decided"),
    ],
    "national_review": [Move("closed", "Close the case", "national_review_supported")],
    "review_in_progress": [Move("published", "Record publication", "publication_recorded")],
    "published": [Move("action_plan", "Move to the action plan")],
    "action_plan": [Move("closed", "Close the case", "actions_complete")],
}


def moves_from(stage: str, track: str | None = None) -> list[Move]:
    """Return the moves allowed from a stage (on a track, if given)."""
    return [m for m in MOVES.get(stage, []) if track is None or track in m.tracks]


def find_move(stage: str, to: str, track: str | None = None) -> Move | None:
    """Return the move from one stage to another, if it is allowed at all."""
    return next((m for m in moves_from(stage, track) if m.to == to), None)


def label(stage: str) -> str:
    """Return a stage's name for people."""
    return STAGES.get(stage, stage)


def order(track: str) -> list[str]:
    """Return the main stages of a track, in order, for the task list."""
    if track in NO_REVIEW:
        return ["referral", "consideration", "notified"]
    return ["referral", "consideration", "notified", "rapid_review", "decided",
            "panel_response", "review_in_progress", "published", "action_plan"]  # fmt: skip
