"""What requests add to other pages: the case's task list, home pages and the case page.

Receivers of casework's signals (case_tasks, waiting_for, case_page_panels): each reads the
store and returns what the page shows, writing nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import casefacts, clock
from cspr.casework.tasks import (
    CANNOT_START,
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    Action,
    Context,
    Task,
)
from cspr.casework.todo import Item
from cspr.requests import milestones, panel, records
from cspr.requests.operations import ASKING_STAGES
from cspr.requests.plan import Target
from cspr.timeutil import uk_today

CASE_TEAM = (BUSINESS_UNIT, PARTNER, CHAIR)


def _names(requests: list[dict[str, Any]]) -> str:
    return ", ".join(r["agency_name"] for r in requests)


def request_tasks(ctx: Context) -> list[Task]:
    """Return the tasks "Agency information requested" and "Agency information received"."""
    case = ctx.case
    asked = [r for r in records.for_case(case["id"]) if r["status"] != records.WITHDRAWN]
    can_ask = bool(ctx.fact("dates.notified")) and case["stage"] in ASKING_STAGES
    page = Action("See the information requests", "requests.case_requests",
                  {"case_id": case["id"]}, roles=CASE_TEAM)  # fmt: skip
    requested = Task(
        "info_requested", "Agency information requested",
        COMPLETED if asked else NOT_STARTED if can_ask else CANNOT_START,
        "" if asked else "Business unit", action=page,
        hint=f"Asked: {_names(asked)}." if asked else "Ask each agency involved for its summary.",
    )  # fmt: skip
    standings = [(r, records.standing(r, ctx.today)) for r in asked]
    waiting = [r for r, s in standings if s.outstanding]
    late = [r for r, s in standings if s.state == "overdue"]
    settled = len(asked) - len(waiting)
    if not asked:
        status = CANNOT_START
    elif not waiting:
        status = COMPLETED
    else:
        status = IN_PROGRESS if settled or any(s.state == "draft" for _, s in standings) \
            else NOT_STARTED  # fmt: skip
    hint = f"Received or closed: {settled} of {len(asked)}." if asked else ""
    if late:
        hint += f" Overdue: {_names(late)}."
    first = min(waiting, key=records.due_of) if waiting else None
    deadline = None
    if first is not None:
        deadline = Target("requests", "Agency summaries due",
                                     records.standing(first, ctx.today).deadline,
                                     statutory=False)  # fmt: skip
    received = Task("info_received", "Agency information received", status,
                    _names(waiting), deadline, page, hint.strip())  # fmt: skip
    return [requested, received]


def milestone_tasks(ctx: Context) -> list[Task]:
    """Return one task for each milestone of the rapid review plan."""
    case = ctx.case
    found = []
    planning = case["stage"] in milestones.PLANNING_STAGES
    for state in milestones.case_milestones(case, ctx.today):
        milestone = state.milestone
        action = None
        if milestone.done_when == "recorded":
            action = Action(f"Mark as done: {milestone.name.lower()}", "requests.milestone",
                            {"case_id": case["id"], "milestone_id": milestone.id})  # fmt: skip
        hint = (f"Working day {milestone.day} after the notification: the partnership's own "
                "target, not a statutory deadline.")  # fmt: skip
        if state.after_statutory:
            hint += (" It falls after the rapid review's statutory due date, "
                     f"{clock.short_date(state.statutory_due)}.")  # fmt: skip
        if state.done:
            hint += f" Done on {clock.short_date(state.done)}."
        status = COMPLETED if state.done else NOT_STARTED if planning else CANNOT_START
        found.append(Task(f"milestone-{milestone.id}", f"Milestone: {milestone.name}", status,
                          "", state.target if planning or state.done else None, action,
                          hint))  # fmt: skip
    return found


def panel_tasks(ctx: Context) -> list[Task]:
    """Return the task of answering the Panel's questions, once it has asked any."""
    asked = panel.for_case(ctx.case["id"])
    if not asked:
        return []
    open_ones = [q for q in asked if not q.get("reply")]
    action = Action("Record the partners' reply", "requests.panel_questions",
                    {"case_id": ctx.case["id"]}, roles=CASE_TEAM)  # fmt: skip
    return [Task("panel_questions", "Questions from the Panel answered",
                 IN_PROGRESS if open_ones else COMPLETED,
                 "Business unit" if open_ones else "", action=action,
                 hint=f"{len(asked) - len(open_ones)} of {len(asked)} answered.")]  # fmt: skip


def section_tasks(ctx: Context, section: str) -> list[Task]:
    """Add the requests' and the plan's tasks to a case's task list (signals.case_tasks)."""
    if section == "rapid_review":
        return request_tasks(ctx) + milestone_tasks(ctx)
    if section == "decided":
        return panel_tasks(ctx)
    return []


# --- Home pages -----------------------------------------------------------------------------


def for_agency(user: dict[str, Any], today: date) -> list[Item]:
    """List the requests waiting for the user's agency, with any draft to continue."""
    found = []
    for request in records.for_agency(user.get("agency_id")):
        if request["status"] != records.OPEN or not records.case_open(request):
            continue
        standing = records.standing(request, today)
        text = ("Continue your agency's summary" if standing.state == "draft"
                else "Send your agency's summary")  # fmt: skip
        found.append(Item(f"{text} for a rapid review", "requests.respond",
                          {"request_id": request["id"]}, request["reference"],
                          records.due_of(request), standing.deadline,
                          "Information request"))  # fmt: skip
    return found


def for_business_unit(today: date) -> list[Item]:
    """List cases with agency returns outstanding or overdue, and Panel questions to answer."""
    by_case: dict[str, list[tuple[dict[str, Any], records.Standing]]] = {}
    for request in records.open_requests():
        if not records.case_open(request):
            continue
        by_case.setdefault(request["case_id"], []).append(
            (request, records.standing(request, today)))
    found = []
    for case_id, pairs in by_case.items():
        late = [r for r, s in pairs if s.state == "overdue"]
        first, standing = min(pairs, key=lambda p: records.due_of(p[0]))
        text = (f"Chase agency information: {len(late)} of {len(pairs)} overdue" if late
                else f"Agency information outstanding from {len(pairs)} "
                f"{'agency' if len(pairs) == 1 else 'agencies'}")  # fmt: skip
        found.append(Item(text, "requests.case_requests", {"case_id": case_id},
                          first["reference"], records.due_of(first), standing.deadline,
                          "Partnership's own target"))  # fmt: skip
    return found


def waiting(sender: dict[str, Any], today: date) -> list[Item]:
    """Answer the home page's question for requests (receives signals.waiting_for)."""
    if sender["role"] == AGENCY_USER:
        return for_agency(sender, today)
    if sender["role"] == BUSINESS_UNIT:
        return for_business_unit(today)
    return []


def case_panel(case: dict[str, Any], user: dict[str, Any]) -> dict[str, Any] | None:
    """Show the wait for the Panel's reply and its questions on the case page."""
    expected = panel.expected_reply(case)
    if expected is None or user["role"] not in CASE_TEAM:
        return None
    return {"template": "requests/_case_panel.html", "data": {
        "expected": expected, "questions": panel.for_case(case["id"]),
        "runs_cases": user["role"] == BUSINESS_UNIT, "today": uk_today(),
        "replied": casefacts.is_set(casefacts.get(case, "panel.response")),
    }}  # fmt: skip
