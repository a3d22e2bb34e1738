"""Learning's answers to other capabilities' questions (signal receivers, all read only): the
case page's action plan stage, the home page's list, and the overdue-action reminders."""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr.auth.agencies import agency_names
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import clock, tasks
from cspr.casework.calendar_settings import closures
from cspr.casework.tasks import Action, Section, Task
from cspr.casework.todo import Item
from cspr.learning import records
from cspr.learning.records import COMPLETE, OPEN, SUBMITTED
from cspr.mail.reminders import Wanted
from cspr.storage import get_store

# The case stages at which the action plan stage appears on the task list, before any review
# is recorded against the case.
SHOWN_AT = {"review_in_progress", "published", "action_plan", "national_review"}
OVERSEERS = (BUSINESS_UNIT, PARTNER, CHAIR)
# An overdue action is reminded when it falls overdue, then each time it has been overdue for
# this many more working days (about a month), each step once.
REMINDER_STEP_WORKING_DAYS = 20
SHORT = 70


def short(words: str) -> str:
    """Shorten an action's wording for a list line."""
    return words if len(words) <= SHORT else words[: SHORT - 1].rstrip() + "…"


# --- The case's task list ---------------------------------------------------------------------


def _plan_task(case: dict[str, Any], found: list[dict[str, Any]],
               actions: list[dict[str, Any]]) -> Task:  # fmt: skip
    """Say whether the review's recommendations and actions are recorded."""
    if found:
        link = Action("See the action plan", "learning.review", {"review_id": found[0]["id"]},
                      roles=OVERSEERS)  # fmt: skip
        status = tasks.COMPLETED if actions else tasks.IN_PROGRESS
        return Task("action_plan", "Recommendations and actions", status,
                    "" if actions else "Business unit", action=link,
                    hint=f"{len(actions)} {'action' if len(actions) == 1 else 'actions'} "
                    "recorded")  # fmt: skip
    link = Action("Record the review's recommendations", "learning.new_review",
                  {"case_id": case["id"]})  # fmt: skip
    return Task("action_plan", "Recommendations and actions", tasks.NOT_STARTED, "Business unit",
                action=link)


def _done_task(found: list[dict[str, Any]], actions: list[dict[str, Any]], today: date) -> Task:
    """Say how many of the case's actions are accepted as complete, and what holds the rest."""
    done = [a for a in actions if a["state"] == COMPLETE]
    waiting = [a for a in actions if a["state"] == SUBMITTED]
    late = [a for a in actions if records.is_overdue(a, today)]
    if not actions:
        status = tasks.CANNOT_START
    elif len(done) == len(actions):
        status = tasks.COMPLETED
    else:
        status = tasks.IN_PROGRESS if done or waiting or any(a["updates"] for a in actions) \
            else tasks.NOT_STARTED
    waits = "The business unit or the chair" if waiting else "Owning agencies"
    hint = f"{len(done)} of {len(actions)} accepted as complete"
    if waiting:
        hint += f"; {len(waiting)} waiting for the evidence to be reviewed"
    if late:
        hint += f"; {len(late)} overdue"
    link = (Action("See the actions", "learning.review", {"review_id": found[0]["id"]},
                   roles=OVERSEERS) if found else None)  # fmt: skip
    return Task("actions_complete", "Every action accepted as complete", status,
                "" if status in (tasks.COMPLETED, tasks.CANNOT_START) else waits, action=link,
                hint=hint + "." if actions else "")


def case_stage(case: dict[str, Any], today: date) -> list[Section] | None:
    """Add the action plan to a case's task list (a receiver of signals.case_stages)."""
    found = records.case_reviews(case["id"])
    if not found and case["stage"] not in SHOWN_AT:
        return None
    actions = records.case_actions(case["id"])
    shared = any(records.review_activities(r["id"]) for r in found)
    learning = Task("learning_shared", "Learning shared", tasks.COMPLETED if shared else
                    tasks.NOT_STARTED if found else tasks.CANNOT_START,
                    "" if shared or not found else "Business unit",
                    action=Action("Record learning activity", "learning.review",
                                  {"review_id": found[0]["id"]}, roles=OVERSEERS)
                    if found else None,
                    hint="Briefings, seven-minute briefings, training updates and audits")
    return [Section("action_plan", "Action plan and learning",
                    [_plan_task(case, found, actions), _done_task(found, actions, today),
                     learning])]  # fmt: skip


# --- The home page --------------------------------------------------------------------------


def _item(action: dict[str, Any], text: str, today: date, note: str = "") -> Item:
    due = records.due_date(action)
    return Item(text, "learning.action", {"action_id": action["id"]}, action["reference"], due,
                clock.deadline_status(due, today), note)


def waiting(sender: dict[str, Any], today: date) -> list[Item]:
    """Answer the home page for learning (a receiver of signals.waiting_for)."""
    role = sender["role"]
    if role == AGENCY_USER:
        found = []
        for action in records.visible_actions(sender):
            if action["state"] != OPEN:
                continue
            sent_back = action["decisions"][-1] if action["decisions"] else None
            note = f"Sent back: {sent_back['reason']}" if sent_back else ""
            found.append(_item(action, f"Update your agency's action: {short(action['text'])}",
                               today, note))  # fmt: skip
        return found
    if role in records.DECIDES:
        return [_item(a, f"Review the evidence for action: {short(a['text'])}", today,
                      "Submitted as complete by " + a["submitted"]["by"])
                for a in records.all_actions() if a["state"] == SUBMITTED]  # fmt: skip
    return []


# --- Reminders ----------------------------------------------------------------------------


def overdue_reminders(sender: date) -> list[Wanted]:
    """Remind the owning agency and the business unit of overdue actions, each step once."""
    today = sender
    closed = closures()
    if not clock.is_working_day(today, closed):
        return []
    names = agency_names()
    wanted = []
    for action in get_store().find(records.ACTIONS, where={"state": OPEN}):
        due = records.due_date(action)
        over = clock.working_days_between(due, today, closed)
        if over < 1:
            continue
        step = (over - 1) // REMINDER_STEP_WORKING_DAYS
        key = f"action_overdue:{action['id']}:{due.isoformat()}:{step}"
        agency = names.get(action["agency_id"], "the owning agency")
        deadline = (f"Action for {agency}: due {clock.short_date(due)}, overdue by {over} "
                    f"working {'day' if over == 1 else 'days'}")  # fmt: skip
        wanted.append(Wanted("action_overdue", key, action["reference"], deadline,
                             "learning.action", {"action_id": action["id"]},
                             roles=(BUSINESS_UNIT,), agency_id=action["agency_id"]))
    return wanted
