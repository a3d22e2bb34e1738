"""A case as plain data for other systems (the JSON API): only what the reader may see.

Read-only: everything here is worked out from the case as stored, the same way the case page
works it out, so the API can never say something the web does not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr.auth.roles import BUSINESS_UNIT, PARTNERS
from cspr.casework import casefacts, caselist, cases, decisions, signoff, stages, tasks, tracks
from cspr.casework.catalog import CHILDREN, FACTS
from cspr.casework.deadlines import Deadline
from cspr.storage import NotFound, get_store

MAX_REFERENCE = 40  # references are like CSPR-2026-0001; anything longer is not one


def find(user: dict[str, Any], reference: str, action: str = "view") -> dict[str, Any]:
    """Return the case with this reference if the user may see it, auditing the action if any."""
    wanted = reference.strip().upper()
    found = get_store().find_one(cases.CASES, {"reference": wanted}) if (
        0 < len(wanted) <= MAX_REFERENCE) else None  # fmt: skip
    if found is None:
        raise NotFound(reference[:MAX_REFERENCE])
    return cases.get_case(user, found["id"], action)


def sees_case_record(user: dict[str, Any]) -> bool:
    """Say whether the user sees the whole case, not only where their referral has reached."""
    return user["role"] in cases.CASE_ROLES


def status(case: dict[str, Any]) -> dict[str, Any]:
    """Return what agency staff see of their own agency's referral: where it has reached."""
    return {"reference": case["reference"], "stage": case["stage"],
            "stage_label": stages.label(case["stage"])}  # fmt: skip


def deadline(found: Deadline) -> dict[str, Any]:
    """Return one deadline with its due date, state and whether the law sets it."""
    state = found.status
    return {"key": found.key, "name": found.name, "due": state.due.isoformat(),
            "state": state.state, "statutory": found.statutory, "source": found.source,
            "done": state.done.isoformat() if state.done else None,
            "phrase": state.phrase}  # fmt: skip


def facts(case: dict[str, Any]) -> dict[str, Any]:
    """Return every fact the case holds, by fact name; child facts per child, in order."""
    held = case.get("facts") or {}
    found: dict[str, Any] = {name: held[name] for name in FACTS
                             if name in held and casefacts.is_set(held[name])}  # fmt: skip
    found[CHILDREN] = [
        {f"child.{key}": value for key, value in child.items() if casefacts.is_set(value)}
        for child in casefacts.children(case)
    ]
    return found


def _task(task: tasks.Task) -> dict[str, Any]:
    return {"key": task.key, "name": task.name, "status": task.status,
            "status_text": task.status_text, "waits_on": task.waits_on or None,
            "deadline": task.deadline.key if task.deadline else None,
            "due": task.deadline.status.due.isoformat() if task.deadline else None,
            "hint": task.hint or None}  # fmt: skip


def _views(case: dict[str, Any]) -> dict[str, Any]:
    position = decisions.position(case)
    given = {partner: {"view": v["view"], "rationale": v.get("rationale", ""),
                       "at": v.get("at"), "by": v.get("by"),
                       "recorded_for": bool(v.get("recorded_for"))}
             for partner, v in decisions.partner_views(case).items()}  # fmt: skip
    return {"views": given,
            "position": {"result": position.result, "rule": position.rule,
                         "dissent": list(position.dissent),
                         "explanation": position.explanation}}  # fmt: skip


def _signoffs(case: dict[str, Any], review: dict[str, Any] | None) -> dict[str, Any]:
    current = signoff.valid(case, review)
    given = [{"partner": partner, "by": s.get("by"), "at": s.get("at"),
              "comment": s.get("comment", ""), "rapid_review": s.get("version", {}),
              "current": partner in current}
             for partner, s in (case.get("signoffs") or {}).items() if partner in PARTNERS]
    return {"required": decisions.signoffs_required(),
            "rapid_review": signoff.version(review) if review else None,
            "given": given}  # fmt: skip


def record(user: dict[str, Any], case: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the case as the user may see it: facts, stage, tasks, deadlines, views, sign-offs."""
    if not sees_case_record(user):
        return status(case)
    ctx = tasks.context_for(case, today)
    sent = cases.case_submissions(case["id"])
    found = {
        **status(case),
        "track": tracks.track(case),
        "track_label": tracks.label(case),
        "opened_at": case.get("opened_at"),
        "facts": facts(case),
        "fact_conflicts": casefacts.conflicts(case),
        "tasks": [{"stage": section.stage, "name": section.name,
                   "tasks": [_task(task) for task in section.tasks]}
                  for section in tasks.sections(ctx)],
        "deadlines": [deadline(d) for d in ctx.deadlines.values()],
        **_views(case),
        "notification": case.get("notification"),
        "signoffs": _signoffs(case, ctx.forms.get(signoff.RAPID_REVIEW_FORM)),
        "forms": [{"id": s["id"], "reference": s.get("reference"), "form_id": s["form_id"],
                   "title": s.get("form_title"), "submitted_at": s.get("submitted_at")}
                  for s in sent],
        "timeline": [{"at": e.get("at"), "kind": e.get("kind"), "text": e.get("text"),
                      "by": e.get("by")} for e in case.get("events", [])],
    }  # fmt: skip
    if user["role"] == BUSINESS_UNIT:
        found["moves"] = [{"to": move.to, "label": move.label, "blocked_by": blocked or None}
                          for move, blocked in tasks.next_moves(case)]  # fmt: skip
    return found


def register_row(user: dict[str, Any], row: caselist.Row) -> dict[str, Any]:
    """Return one line of the case register as the user may see it."""
    if not sees_case_record(user):
        return status(row.case)
    upcoming = row.next_deadline
    return {**status(row.case), "opened_at": row.case.get("opened_at"), "child": row.child,
            "next_deadline": deadline(upcoming) if upcoming else None,
            "deadline_states": sorted(row.states)}  # fmt: skip
