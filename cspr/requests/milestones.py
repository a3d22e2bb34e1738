"""A case's rapid review milestones: each one's date from the plan, and whether it is done.

Worked out from the case each time it is read: its notification date, its requests, its
facts, its rapid review and sign-offs, and the milestones the business unit marked done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr import audit
from cspr.casework import casefacts, cases, clock, decisions, signoff, stages, tracks
from cspr.casework.calendar_settings import closures, start_is_day_zero
from cspr.exceptions import Refused
from cspr.requests import records
from cspr.requests.operations import require_business_unit
from cspr.requests.plan import Milestone, Target, milestone_dates, plan
from cspr.storage import NotFound, get_store, transactional
from cspr.timeutil import uk_today

MARKS = "rapid_review_milestones"
# Stages at which the plan's milestones are still being worked to.
PLANNING_STAGES = ("notified", "rapid_review")


@dataclass(frozen=True)
class MilestoneState:
    """One milestone on one case: when it falls, when it was done, how it stands."""

    milestone: Milestone
    target: Target
    statutory_due: date

    @property
    def done(self) -> date | None:
        """Return the day the milestone was done, if it was."""
        return self.target.status.done

    @property
    def after_statutory(self) -> bool:
        """Say whether the plan puts this milestone after the statutory due date."""
        return self.target.status.due > self.statutory_due


def _day(moment: str | None) -> date | None:
    return records.uk_day(moment)


def done_dates(case: dict[str, Any]) -> dict[str, date | None]:
    """Return, for each kind of milestone, the day it was done on this case (None if not)."""
    asked = [r for r in records.for_case(case["id"]) if r["status"] != records.WITHDRAWN]
    settled = [r for r in asked if r["status"] in records.SETTLED]
    sent_days = [d for d in (_day(r.get("sent_at")) for r in asked) if d]
    settled_days = [d for d in (_day(r.get("received_at") or r.get("closed_at"))
                                for r in settled) if d]  # fmt: skip
    reviews = [s for s in cases.case_submissions(case["id"]) if s["form_id"] == "rapid_review"]
    review = reviews[-1] if reviews else None
    given = signoff.valid(case, review)
    signed = [d for d in (_day(s.get("at")) for s in given.values()) if d]
    return {
        "requests_sent": min(sent_days) if sent_days else None,
        "summaries_received": max(settled_days) if asked and len(settled) == len(asked)
        and settled_days else None,
        "meeting": casefacts.get_date(case, "dates.rapid_review_meeting"),
        "draft": _day(reviews[0].get("submitted_at")) if reviews else None,
        "signed_off": max(signed) if signed and len(given) >= decisions.signoffs_required()
        else None,
        "sent": casefacts.get_date(case, "dates.rapid_review_sent"),
    }  # fmt: skip


def marks(case_id: str) -> dict[str, date]:
    """Return the milestones the business unit marked done on a case, with their days."""
    return {m["milestone_id"]: date.fromisoformat(m["done_on"])
            for m in get_store().find(MARKS, where={"case_id": case_id})}  # fmt: skip


def case_milestones(case: dict[str, Any], today: date) -> list[MilestoneState]:
    """Return the case's milestones with their dates and states, earliest first."""
    notified = casefacts.get_date(case, "dates.notified")
    if notified is None or tracks.track(case) != stages.SERIOUS:
        return []
    closed = closures()
    statutory = clock.rapid_review_due(notified)
    done = done_dates(case)
    marked = marks(case["id"])
    found = []
    for milestone, due in milestone_dates(notified, plan(), closed, start_is_day_zero()):
        when = marked.get(milestone.id) if milestone.done_when == "recorded" else done.get(
            milestone.done_when)  # fmt: skip
        status = clock.deadline_status(due, today, when, closures=closed)
        target = Target(f"milestone-{milestone.id}", milestone.name, status, statutory=False,
                        source=f"Working day {milestone.day} after the notification, in the "
                        "partnership's rapid review plan")  # fmt: skip
        found.append(MilestoneState(milestone, target, statutory))
    return found


def case_targets(case: dict[str, Any], today: date) -> list[Target]:
    """Return the milestones still to do while the review is prepared (signals.case_targets)."""
    if case["stage"] not in PLANNING_STAGES:
        return []
    return [m.target for m in case_milestones(case, today) if m.done is None]


@transactional
def mark_done(actor: dict[str, Any], case_id: str, milestone_id: str, done_on: date) -> None:
    """Record the day the business unit did a milestone that it marks done itself."""
    require_business_unit(actor)
    case = cases.get_case(actor, case_id, action="")
    milestone = next((m for m in plan() if m.id == milestone_id), None)
    if milestone is None or milestone.done_when != "recorded":
        raise NotFound(milestone_id)
    if casefacts.get_date(case, "dates.notified") is None:
        raise Refused("Record the notification first: the plan counts from it", "done_on")
    if done_on > uk_today():
        raise Refused("The date it was done must be today or in the past", "done_on")
    store = get_store()
    key = f"{case_id}.{milestone_id}"
    doc = {"case_id": case_id, "milestone_id": milestone_id, "done_on": done_on.isoformat(),
           "by": actor["name"]}  # fmt: skip
    if store.get(MARKS, key) is None:
        store.insert(MARKS, {"id": key, **doc})
    else:
        store.update(MARKS, key, doc)
    audit.record("update", "milestone", key, {"done_on": done_on.isoformat()}, user=actor)
    cases.add_timeline_entry(case_id, "milestone", f"{milestone.name}: done on "
                             f"{clock.short_date(done_on)}", actor)  # fmt: skip
