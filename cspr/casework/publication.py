"""Publishing a local review: what is published and why, the notice, holds and the record.

The final report (or, where publishing it in full is not appropriate, information about the
improvements to be made, with the reasons) goes to the Panel and the Secretary of State at
least 7 working days before it is published (WT 2023 ch. 5). A hold (for example while
criminal proceedings or an inquest are pending) stops publication being recorded until it is
lifted. A published report stays on the website for at least a year.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr import audit
from cspr.casework import casefacts, cases, clock
from cspr.casework.catalog import PUBLICATION_PLANS
from cspr.casework.clock import short_date
from cspr.exceptions import Refused
from cspr.storage import transactional, within_transaction
from cspr.timeutil import uk_today

MAX_TEXT = 5000
ON_HOLD = "Publication is on hold: lift the hold before recording publication"
COMMENTERS = {"panel": "The Panel", "sos": "The Secretary of State", "ofsted": "Ofsted"}
CHECKLIST = (
    ("plan", "Decide what will be published"),
    ("final_report", "Final report uploaded to the case"),
    ("sent", "Sent to the Panel and the Secretary of State (and Ofsted)"),
    ("family_told", "The family told before publication"),
    ("published", "Published, with its web address"),
    ("repository", "Sent to the national case review repository"),
)


def record(case: dict[str, Any]) -> dict[str, Any]:
    """Return the case's publication record (empty until something is recorded)."""
    return dict(case.get("publication") or {})


def hold(case: dict[str, Any]) -> dict[str, Any] | None:
    """Return the publication hold that is on, if any."""
    current = record(case).get("hold") or {}
    return current if current.get("on") else None


def checklist(case: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """Return each step of publishing with whether it is done."""
    pub = record(case)
    done = {
        "plan": bool(pub.get("plan")),
        "final_report": casefacts.is_set(pub.get("final_report")),
        "sent": casefacts.is_set(casefacts.get(case, "dates.final_report_sent")),
        "family_told": bool(pub.get("family_told_on")),
        "published": bool(casefacts.get(case, "dates.published") and pub.get("web_address")),
        "repository": bool(pub.get("repository_sent_on")),
    }
    return [(key, label, done[key]) for key, label in CHECKLIST]


def _text(value: str, message: str, field: str, required: bool = True) -> str:
    value = value.strip()
    if required and len(value) < 3:
        raise Refused(message, field)
    if len(value) > MAX_TEXT:
        raise Refused(f"The text must be {MAX_TEXT} characters or fewer", field)
    return value


def _past(when: date | None, what: str, field: str) -> str | None:
    if when is None:
        return None
    if when > uk_today():
        raise Refused(f"{what} must be today or in the past", field)
    return when.isoformat()


def _save(user: dict[str, Any], case_id: str, text: str, changes: dict[str, Any],
          details: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    case = cases.get_case(user, case_id, action="")
    pub = {**record(case), **changes}
    updated = cases.change(case_id, cases.event("publication", text, user), publication=pub)
    audit.record("update", "case", case_id, {"publication": details}, user=user)
    return updated


@transactional
def decide_plan(user: dict[str, Any], case_id: str, plan: str, justification: str,
                panel_told: date | None, sos_told: date | None) -> dict[str, Any]:  # fmt: skip
    """Decide between the full report and information about the improvements to be made."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records publication")
    plans = {k: v for k, v in PUBLICATION_PLANS if k != "not_decided"}
    if plan not in plans:
        raise Refused("Select what will be published", "plan")
    changes: dict[str, Any] = {"plan": plan, "justification": "", "plan_panel_told": None,
                               "plan_sos_told": None}  # fmt: skip
    if plan == "improvements_only":
        # The reasons for not publishing in full go to the Panel and the Secretary of State.
        changes["justification"] = _text(justification, "Explain why the full report will not "
                                         "be published", "justification")  # fmt: skip
        if panel_told is None or sos_told is None:
            raise Refused("Enter the dates the reasons were sent to the Panel and the Secretary "
                          "of State", "panel_told" if panel_told is None else "sos_told")
        changes["plan_panel_told"] = _past(panel_told, "The date the Panel was told",
                                           "panel_told")  # fmt: skip
        changes["plan_sos_told"] = _past(sos_told, "The date the Secretary of State was told",
                                         "sos_told")  # fmt: skip
    text = f"To be published: {plans[plan]}"
    return _save(user, case_id, text, changes, {"plan": plan})


@transactional
def record_sent(user: dict[str, Any], case_id: str, sent_on: date,
                ofsted_on: date | None) -> dict[str, Any]:  # fmt: skip
    """Record when the final report went to the Panel and the Secretary of State (and Ofsted)."""
    from cspr.casework import operations

    operations.set_fact(user, case_id, "dates.final_report_sent", sent_on)
    changes = {"ofsted_sent_on": _past(ofsted_on, "The date it went to Ofsted", "ofsted_on")}
    return _save(user, case_id, f"Final report sent to the Panel and the Secretary of State on "
                 f"{short_date(sent_on)}", changes, {"sent": sent_on.isoformat()})


@transactional
def record_comment(user: dict[str, Any], case_id: str, source: str, received_on: date,
                   comment: str) -> dict[str, Any]:  # fmt: skip
    """Record comments the Panel, the Secretary of State or Ofsted made on the report."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records publication")
    if source not in COMMENTERS:
        raise Refused("Select who the comments are from", "source")
    case = cases.get_case(user, case_id, action="")
    entry = {"from": source, "on": _past(received_on, "The date of the comments", "received_on"),
             "text": _text(comment, "Enter what they said", "comment")}  # fmt: skip
    return _save(user, case_id, f"Comments from {COMMENTERS[source].lower()} recorded",
                 {"comments": [*(record(case).get("comments") or []), entry]},
                 {"comment": source})  # fmt: skip


@transactional
def record_step(user: dict[str, Any], case_id: str, step: str, on: date,
                note: str = "") -> dict[str, Any]:  # fmt: skip
    """Record the family told before publication, a media statement, or the repository copy."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records publication")
    steps = {"family_told": ("family_told_on", "The family told before publication"),
             "media": ("media_statement_on", "Media statement made"),
             "repository": ("repository_sent_on", "Sent to the national case review repository"),
             "year_review": ("year_review_on", "Reviewed whether to keep it on the website")}
    if step not in steps:
        raise Refused("Select what to record", "step")
    key, label = steps[step]
    changes = {key: _past(on, "The date", "on")}
    if step == "media":
        changes["media_statement"] = _text(note, "Enter the statement, or a summary of it",
                                           "note")  # fmt: skip
    return _save(user, case_id, f"{label}: {short_date(on)}", changes, {"step": step})


@transactional
def set_hold(user: dict[str, Any], case_id: str, reason: str, review_on: date) -> dict[str, Any]:
    """Put publication on hold, with its reason and the date to look at it again."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit puts publication on hold")
    case = cases.get_case(user, case_id, action="")
    if hold(case):
        raise Refused("Publication is already on hold")
    if review_on <= uk_today():
        raise Refused("The date to review the hold must be in the future", "review_on")
    entry = {"on": True, "reason": _text(reason, "Enter why publication is on hold, for example "
                                         "a criminal trial or an inquest", "reason"),
             "set_by": user["name"], "set_at": cases.now_iso(),
             "review_on": review_on.isoformat()}  # fmt: skip
    history = [*(record(case).get("holds") or [])]
    return _save(user, case_id, f"Publication on hold until at least {short_date(review_on)}: "
                 f"{entry['reason']}", {"hold": entry, "holds": history}, {"hold": True})


@transactional
def lift_hold(user: dict[str, Any], case_id: str, reason: str) -> dict[str, Any]:
    """Lift the publication hold, with the reason it can end."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit lifts a publication hold")
    case = cases.get_case(user, case_id, action="")
    current = hold(case)
    if current is None:
        raise Refused("Publication is not on hold")
    why = _text(reason, "Enter why the hold can be lifted", "lift_reason")
    ended = {**current, "on": False, "lifted_by": user["name"], "lifted_at": cases.now_iso(),
             "lifted_because": why}  # fmt: skip
    history = [*(record(case).get("holds") or []), ended]
    return _save(user, case_id, f"Publication hold lifted: {why}", {"hold": None,
                 "holds": history}, {"hold": False})  # fmt: skip


@transactional
def record_publication(user: dict[str, Any], case_id: str, published_on: date,
                       web_address: str) -> dict[str, Any]:  # fmt: skip
    """Record the day the report was published and where; refused while a hold is on."""
    from cspr.casework import operations

    cases.require(user, cases.RUNS_CASES, "Only the business unit records publication")
    case = cases.get_case(user, case_id, action="")
    if hold(case) is not None:
        # Against the lift form's reason: lifting the hold is the way on (its form is shown).
        raise Refused(ON_HOLD, "lift_reason")
    address = web_address.strip()
    if not address.startswith(("https://", "http://")) or len(address) > 500 or " " in address:
        raise Refused("Enter the web address where the report is published, starting with "
                      "https://", "web_address")  # fmt: skip
    operations.set_fact(user, case_id, "dates.published", published_on)
    keep = clock.keep_published_until(published_on)
    return _save(user, case_id, f"Published on {short_date(published_on)} at {address}; keep it "
                 f"on the website until at least {short_date(keep)}",
                 {"web_address": address}, {"published": published_on.isoformat()})


@within_transaction
def attach_final_report(case_id: str, document: dict[str, Any]) -> None:
    """Note the uploaded final report on the case (documents calls this in its transaction)."""
    case = cases.get_case({"role": "business_unit"}, case_id, action="")
    pub = {**record(case), "final_report": {"document_id": document["id"],
                                            "version": document.get("version")}}
    cases.change(case_id, cases.event("publication", "Final report uploaded", None),
                 publication=pub)  # fmt: skip
