"""What a case's forms say: key dates, the decision, Panel tasks, and the deadlines they drive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cspr.casework import clock
from cspr.casework.calendar_settings import closures, start_is_day_zero
from cspr.casework.decisions import decision_rule, outcome, partner_views, signoffs_required

UK = ZoneInfo("Europe/London")
KEY_DATES = {
    "aware": "Date the local authority became aware",
    "notified": "Date the Panel was notified",
    "rapid_review_done": "Date the rapid review was completed",
    "commissioned": "Date the local review was commissioned",
    "planned_publication": "Planned publication date",
    "panel_notice_sent": "Date the final report went to the Panel and the Secretary of State",
    "published": "Date the report was published",
}
FUTURE_ALLOWED = {"planned_publication"}
DECISIONS = {
    "local_cspr": "a local child safeguarding practice review",
    "national_review": "a recommendation for a national review",
    "other_learning": "another learning route",
    "no_further_action": "no further action",
}


def _uk_day(moment: str | None) -> str | None:
    """Return the UK calendar day of a stored UTC time."""
    if not moment:
        return None
    return datetime.fromisoformat(moment).astimezone(UK).date().isoformat()


def from_form(
    case: dict[str, Any], sent: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Return the case changes and timeline notes that a sent form implies."""
    answers = sent["answers"]
    key_dates = dict(case.get("key_dates", {}))
    changes: dict[str, Any] = {}
    notes: list[tuple[str, str]] = []
    form = sent["form_id"]
    if form == "notification":
        key_dates.setdefault("aware", answers.get("la_aware_date"))
        key_dates["notified"] = _uk_day(sent.get("submitted_at"))
    elif form == "rapid_review":
        done = answers.get("sent_to_panel_date") or answers.get("decision_date")
        key_dates["rapid_review_done"] = done or _uk_day(sent.get("submitted_at"))
        if answers.get("recommendation") in DECISIONS:
            changes["decision"] = answers["recommendation"]
            if answers["recommendation"] == "local_cspr" and answers.get("decision_date"):
                key_dates.setdefault("commissioned", answers["decision_date"])
    elif form == "panel_response":
        changes["panel_view"] = answers.get("panel_view")
        if answers.get("panel_view") == "challenge":
            task: dict[str, Any] = {
                "kind": "reconvene",
                "status": "open",
                "opened_by_form": sent["id"],
            }
            notes.append(("task", "The Panel challenged the decision: the partners must reconvene"))
            if answers.get("challenge_outcome") in ("keep", "change"):
                task.update(
                    status="done",
                    outcome=answers["challenge_outcome"],
                    justification=answers.get("challenge_justification", ""),
                    revised=answers.get("revised_decision"),
                )
                if (
                    answers["challenge_outcome"] == "change"
                    and answers.get("revised_decision") in DECISIONS
                ):
                    changes["decision"] = answers["revised_decision"]
                notes.append(("reconvene", f"Reconvened: decision {task['outcome']}"))
            changes["tasks"] = [*case.get("tasks", []), task]
    elif form == "terms_of_reference":
        if answers.get("commissioned_date"):
            key_dates["commissioned"] = answers["commissioned_date"]
        if answers.get("planned_completion_date"):
            key_dates.setdefault("planned_publication", answers["planned_completion_date"])
    elif form == "action_plan":
        actions = answers.get("actions") or []
        changes["actions_open"] = sum(1 for a in actions if a.get("rag_status") != "complete")
        changes["actions_total"] = len(actions)
    if key_dates != case.get("key_dates", {}):
        changes["key_dates"] = {k: v for k, v in key_dates.items() if v}
    return changes, notes


def unmet(need: str, case: dict[str, Any], submissions: list[dict[str, Any]]) -> str:
    """Explain why a move cannot happen yet, or return "" when it can."""
    forms = {s["form_id"] for s in submissions}
    decision = case.get("decision")
    reconvening = any(
        t["kind"] == "reconvene" and t["status"] == "open" for t in case.get("tasks", [])
    )
    result = outcome(partner_views(submissions), decision_rule()).result
    reasons = {
        "notifiable_and_notification": (
            "The partners have not decided that the case is notifiable"
            if result != "notifiable"
            else "Send the serious incident notification for this case first"
            if "notification" not in forms
            else ""
        ),
        "not_notifiable_decision": (
            "The partners have not decided that the case is not notifiable"
            if result != "not_notifiable"
            else ""
        ),
        "rapid_review_signed_off": (
            "Send the rapid review form first"
            if "rapid_review" not in forms
            else f"The rapid review needs {signoffs_required()} partner sign-offs; "
            f"it has {len(case.get('signoffs', {}))}"
            if len(case.get("signoffs", {})) < signoffs_required()
            else ""
        ),
        "panel_response": "Record the Panel's response first"
        if "panel_response" not in forms
        else "",
        "local_review_decided": _decided(decision, {"local_cspr", "national_review"}, reconvening),
        "other_learning_decided": _decided(decision, {"other_learning"}, reconvening),
        "no_further_action_decided": _decided(decision, {"no_further_action"}, reconvening),
        "publication_recorded": (
            "Record the date the report was published first"
            if not case.get("key_dates", {}).get("published")
            else ""
        ),
        "actions_complete": (
            "Every action in the action plan must be complete before the case closes"
            if case.get("actions_open", 1) > 0 or "action_plan" not in forms
            else ""
        ),
    }
    return reasons.get(need, "")


def _decided(decision: str | None, wanted: set[str], reconvening: bool) -> str:
    """Explain a move that depends on the (possibly reconvened) decision."""
    if reconvening:
        return (
            "The partners must first record the outcome of reconvening after the Panel's challenge"
        )
    if decision not in wanted:
        current = DECISIONS.get(decision or "", "not yet recorded")
        return f"The decision for this case is {current}"
    return ""


@dataclass
class Deadline:
    """One deadline on a case, with its status today."""

    name: str
    status: clock.DeadlineStatus


def deadlines(case: dict[str, Any], today: date) -> list[Deadline]:
    """Work out the case's deadlines from its key dates and the partnership's calendar."""
    dates = {k: date.fromisoformat(v) for k, v in case.get("key_dates", {}).items() if v}
    closed = closures()
    day_zero = start_is_day_zero()
    found: list[Deadline] = []

    def add(name: str, due: date, done_key: str) -> None:
        found.append(
            Deadline(name, clock.deadline_status(due, today, dates.get(done_key), closures=closed))
        )

    if "aware" in dates:
        add(
            "Serious incident notification",
            clock.notification_due(dates["aware"], closed, day_zero),
            "notified",
        )
    if "notified" in dates:
        add(
            "Rapid review",
            clock.rapid_review_due(dates["notified"], closed, day_zero),
            "rapid_review_done",
        )
    if "commissioned" in dates:
        due = clock.publication_due(dates["commissioned"])
        for delay in case.get("delays", []):
            due = max(due, date.fromisoformat(delay["new_date"]))
        add("Review published", due, "published")
    if "planned_publication" in dates:
        add(
            "Final report to the Panel and Secretary of State",
            clock.panel_notice_due(dates["planned_publication"], closed),
            "panel_notice_sent",
        )
    return found


def keep_until(case: dict[str, Any]) -> date | None:
    """Return the first day a published report may come off the website, if published."""
    published = case.get("key_dates", {}).get("published")
    return clock.keep_published_until(date.fromisoformat(published)) if published else None
