"""The case as a task list: its stages in order, each with tasks, their status and next action.

Everything here is worked out from the case's facts, views, sign-offs and sent forms each
time it is read, so a task can never say something the case record does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.auth.roles import BUSINESS_UNIT, PARTNER, PARTNERS
from cspr.casework import (
    casefacts,
    decisions,
    localreview,
    moves,
    publication,
    signoff,
    stages,
    tracks,
)
from cspr.casework.deadlines import Deadline
from cspr.signals import case_stages, case_tasks

CANNOT_START, NOT_STARTED, IN_PROGRESS, COMPLETED = (
    "cannot_start", "not_started", "in_progress", "completed")  # fmt: skip
STATUS_TEXT = {CANNOT_START: "Cannot start yet", NOT_STARTED: "Not started",
               IN_PROGRESS: "In progress", COMPLETED: "Completed"}  # fmt: skip
ORDER = list(stages.STAGES)
# The forms that belong to a case; each is offered by its task, or under "Other forms".
# The action plan is kept by learning/ (its own pages), which adds its stage through the
# case_tasks signal.
CASE_FORMS = ("notification", "rapid_review", "panel_response", "terms_of_reference",
              "family_contact")  # fmt: skip


@dataclass
class Action:
    """The one thing that moves a task on: a page to open or a form to start."""

    label: str
    endpoint: str
    values: dict[str, str] = field(default_factory=dict)
    form_id: str = ""  # set when the action starts one of the case's forms (a POST)
    roles: tuple[str, ...] = (BUSINESS_UNIT,)
    partners: tuple[str, ...] = ()  # for partners: only these may act

    def allows(self, user: dict[str, Any]) -> bool:
        """Say whether this user may take the action."""
        if user["role"] not in self.roles:
            return False
        return user["role"] != PARTNER or not self.partners or user.get("partner") in self.partners


@dataclass
class Task:
    """One task on a case's task list."""

    key: str
    name: str
    status: str
    waits_on: str = ""
    deadline: Deadline | None = None
    action: Action | None = None
    hint: str = ""

    @property
    def status_text(self) -> str:
        """Return the status in words."""
        return STATUS_TEXT[self.status]

    @property
    def open(self) -> bool:
        """Say whether someone can act on the task now."""
        return self.status in (NOT_STARTED, IN_PROGRESS)


@dataclass
class Section:
    """One stage of the case with its tasks."""

    stage: str
    name: str
    tasks: list[Task]


@dataclass
class Context:
    """What the task list reads about a case, gathered once."""

    case: dict[str, Any]
    forms: dict[str, dict[str, Any]]  # form id -> the latest sent one
    drafts: set[str]  # form ids with a draft in progress for the case
    deadlines: dict[str, Deadline]
    today: date

    def fact(self, name: str) -> Any:
        """Return one of the case's facts."""
        return casefacts.get(self.case, name)

    def reached(self, stage: str) -> bool:
        """Say whether the case has reached (or passed) a stage on the main path."""
        current = self.case["stage"]
        return ORDER.index(current) >= ORDER.index(stage)


def _status(done: bool, started: bool = False, can_start: bool = True) -> str:
    if done:
        return COMPLETED
    if not can_start:
        return CANNOT_START
    return IN_PROGRESS if started else NOT_STARTED


def _form(ctx: Context, key: str, name: str, form_id: str, can_start: bool,
          done: bool | None = None, roles: tuple[str, ...] = (BUSINESS_UNIT,)) -> Task:  # fmt: skip
    sent = form_id in ctx.forms
    finished = sent if done is None else done
    label = ("Send it again" if sent else "Continue" if form_id in ctx.drafts else "Fill in")
    action = Action(f"{label}: {name.lower()}", "cases.start_form",
                    {"case_id": ctx.case["id"], "form_id": form_id}, form_id, roles)  # fmt: skip
    status = _status(finished, form_id in ctx.drafts or sent, can_start)
    return Task(key, name, status, "Business unit" if not finished else "", action=action)


def _fact(ctx: Context, key: str, name: str, fact: str, can_start: bool,
          deadline: str = "") -> Task:  # fmt: skip
    done = casefacts.is_set(ctx.fact(fact))
    action = Action(f"Record: {name.lower()}", "cases.facts", {"case_id": ctx.case["id"]})
    return Task(key, name, _status(done, can_start=can_start), "" if done else "Business unit",
                ctx.deadlines.get(deadline), action)  # fmt: skip


def _views(ctx: Context) -> Task:
    views = decisions.partner_views(ctx.case)
    position = decisions.position(ctx.case)
    waiting = [name for p, name in PARTNERS.items() if p not in views]
    done = position.result != "pending" or not waiting
    action = Action("Give a view on notifying", "cases.view", {"case_id": ctx.case["id"]},
                    roles=(PARTNER, BUSINESS_UNIT),
                    partners=tuple(p for p in PARTNERS if p not in views))  # fmt: skip
    can_start = ctx.reached("referral") and ctx.case["stage"] in ("referral", "consideration")
    task = Task("views", "Partners' views on notifying",
                _status(done and not waiting, bool(views), can_start or bool(views)),
                ", ".join(waiting), action=action if can_start else None,
                hint=position.explanation)  # fmt: skip
    return task


def _notification(ctx: Context, serious: bool) -> Task:
    done = bool(ctx.fact("dates.notified") and ctx.fact("notification.reference"))
    name = ("Notification made through the national online system" if serious
            else "Notification to the Secretary of State and Ofsted")  # fmt: skip
    action = Action("Record the notification", "cases.notification", {"case_id": ctx.case["id"]},
                    roles=(PARTNER, BUSINESS_UNIT), partners=("local_authority",))  # fmt: skip
    return Task("notification", name, _status(done, "notification" in ctx.drafts,
                ctx.case["stage"] != "referral"), "" if done else "Local authority",
                ctx.deadlines.get("notification"), action)  # fmt: skip


def _signoff(ctx: Context) -> Task:
    review = ctx.forms.get("rapid_review")
    given = signoff.valid(ctx.case, review)
    needed = decisions.signoffs_required()
    waiting = [name for p, name in PARTNERS.items() if p not in given]
    action = Action("Sign off the rapid review", "cases.sign_off_page", {"case_id": ctx.case["id"]},
                    roles=(PARTNER,), partners=tuple(p for p in PARTNERS if p not in given))
    can = review is not None and ctx.case["stage"] == "rapid_review"
    done = len(given) >= needed
    return Task("signoff", "Partners' sign-off", _status(done, bool(given), can),
                ", ".join(waiting) if can and not done else "", action=action if can else None,
                hint=f"{len(given)} of 3 partners have signed off; {needed} needed")  # fmt: skip


def sections(ctx: Context) -> list[Section]:
    """Return the case's task list, stage by stage, for its track."""
    found = _sections(ctx)
    # Other capabilities add their tasks to a stage (information requests and the rapid
    # review plan's milestones, for example) through the case_tasks signal.
    for section in found:
        for _, extra in case_tasks.send(ctx, section=section.stage):
            section.tasks.extend(extra or [])
    return found


def _sections(ctx: Context) -> list[Section]:
    """Return casework's own tasks, stage by stage, for the case's track."""
    case, track = ctx.case, tracks.track(ctx.case)
    serious = track == stages.SERIOUS
    found = [
        Section("referral", "Referral", [
            _fact(ctx, "la_aware", "Date the local authority became aware", "dates.la_aware",
                  True, "notification"),
        ]),
        Section("consideration", "Consideration and notification", [
            _views(ctx), _notification(ctx, serious),
            _form(ctx, "notification_form", "Notification details", "notification",
                  ctx.reached("consideration")),
        ]),  # fmt: skip
    ]
    if not serious:
        return found
    at_review = ctx.reached("rapid_review")
    decided = ctx.reached("decided")
    found.append(Section("rapid_review", "Rapid review", [
        _fact(ctx, "meeting", "Rapid review meeting", "dates.rapid_review_meeting", at_review),
        _form(ctx, "rapid_review_form", "Rapid review", "rapid_review", at_review),
        _signoff(ctx),
        _fact(ctx, "sent", "Rapid review sent to the Panel", "dates.rapid_review_sent",
              at_review, "rapid_review"),
    ]))  # fmt: skip
    panel = [
        _form(ctx, "panel_response", "The Panel's response", "panel_response", decided,
              done=casefacts.is_set(ctx.fact("panel.response"))),
    ]
    if ctx.fact("panel.response") == "challenge":
        reconvened = not moves.reconvening(case)
        panel.append(Task("reconvene", "Reconvene after the Panel's challenge",
                          _status(reconvened), "" if reconvened else "Business unit",
                          action=Action("Record the outcome", "cases.reconvene_page",
                                        {"case_id": case["id"]}, roles=(BUSINESS_UNIT, PARTNER))))
    panel.append(_fact(ctx, "family_told", "Family told of the decision", "dates.family_told",
                       decided))  # fmt: skip
    if panel[-1].status != COMPLETED and ctx.fact("family.contact_hold") == "yes":
        panel[-1].hint = "The family must not be contacted yet: there is a hold on contact"
    found.append(Section("decided", "Decision and the Panel's response", panel))
    local = ctx.fact("decision.outcome") == "local_cspr" or (
        ctx.fact("panel.national_review") == "local")  # fmt: skip
    if local:
        found += review_sections(ctx, decided)
    # Stages other capabilities keep (learning's action plan), after the statutory ones.
    for _, more in case_stages.send(case, today=ctx.today):
        found.extend(more or [])
    return found


def review_sections(ctx: Context, decided: bool) -> list[Section]:
    """Return the local review's and publication's sections of the task list."""
    case = ctx.case
    commissioned = casefacts.is_set(ctx.fact("dates.commissioned"))
    review = [
        _fact(ctx, "commissioned", "Decision to commission the local review",
              "dates.commissioned", decided),
        _form(ctx, "terms", "Terms of reference", "terms_of_reference", commissioned),
    ]  # fmt: skip
    page = Action("Record progress", "cases.local_review", {"case_id": case["id"]})
    for state in localreview.states(case, ctx.today):
        target = Deadline(state.milestone.key, state.milestone.label, state.status,
                          statutory=False, source="the partnership's own target")
        review.append(Task(f"milestone-{state.milestone.key}", state.milestone.label,
                           _status(state.done is not None), "" if state.done else
                           "Business unit", target, page, hint=state.note))  # fmt: skip
    steps = {"sent": "panel_notice", "published": "publication"}
    pub_page = Action("Publication", "cases.publication", {"case_id": case["id"]})
    held = publication.hold(case)
    publishing = [
        Task(f"publication-{key}", label, _status(done, can_start=commissioned),
             "" if done else "Business unit", ctx.deadlines.get(steps.get(key, "")), pub_page,
             hint=(f"On hold: {held['reason']}" if held and key == "published" else ""))
        for key, label, done in publication.checklist(case)
    ]  # fmt: skip
    return [Section("review_in_progress", "Local review", review),
            Section("published", "Publication", publishing)]


def next_moves(case: dict[str, Any]) -> list[tuple[stages.Move, str]]:
    """Return the stage moves open from here on the case's track, each with what blocks it."""
    track = tracks.track(case)
    return [(m, moves.unmet(m.needs, case)) for m in stages.moves_from(case["stage"], track)]


def context_for(case: dict[str, Any], today: date) -> Context:
    """Gather what the task list reads about one case."""
    from cspr.casework import cases, deadlines  # cases imports this module's users

    latest: dict[str, dict[str, Any]] = {}
    for sent in cases.case_submissions(case["id"]):
        latest[sent["form_id"]] = sent
    drafts = {d["form_id"] for d in cases.case_drafts(case["id"])}
    found = {d.key: d for d in deadlines.deadlines(case, today)}
    return Context(case, latest, drafts, found, today)
