"""`flask --app app demo`: fill an empty store with a fictional partnership to explore.

Everything goes through the real operations (forms are drafted, answered and sent; cases are
moved, signed off and dated), so each demo case has a true timeline, linked forms and audit
entries. Dates are worked out from today, so the deadline dashboard always has work on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from cspr import audit
from cspr.auth import agencies, passwords
from cspr.auth import operations as accounts
from cspr.auth.cli import _fail
from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER, PARTNERS, ROLES
from cspr.casework import cases, clock, decisions, stages
from cspr.casework import demo_answers as answers
from cspr.casework.calendar_settings import closures
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.formengine.validation import validate_submission
from cspr.storage import NotFound, get_store, transactional

# Printed with the accounts at the end of the run; the demo is for exploring, not for real work.
DEMO_PASSWORD = "demo passphrase for exampleshire"  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    """One demo account: its key in the plans, email, role, name and partner or agency."""

    key: str
    email: str
    role: str
    name: str
    partner: str | None = None
    agency: str | None = None


DEMO_DOMAIN = "demo.example.org"


def _user(key: str, role: str, **extra: str) -> DemoUser:
    """Describe a demo user from the staff list in demo_answers."""
    given, family, _, email, _ = answers.PEOPLE[key]
    return DemoUser(key, email, role, f"{given} {family}", **extra)


USERS = [
    _user("bu", BUSINESS_UNIT),
    _user("la", PARTNER, partner="local_authority"),
    _user("police", PARTNER, partner="police"),
    _user("icb", PARTNER, partner="icb"),
    _user("chair", CHAIR),
    _user("health", AGENCY_USER, agency=answers.HEALTH_AGENCY),
    _user("school", AGENCY_USER, agency=answers.SCHOOL_AGENCY),
    _user("admin", ADMIN),
]


# --- The steps each case goes through -------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """Fill in and send a form as one of the demo users."""

    who: str
    form_id: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class MoveTo:
    """Move the case to another stage, as the business unit."""

    to: str


@dataclass(frozen=True)
class SignOff:
    """Sign off the rapid review as one statutory partner."""

    who: str


@dataclass(frozen=True)
class KeyDate:
    """Record one of the case's key dates, as the business unit."""

    key: str
    when: date


@dataclass(frozen=True)
class Reconvene:
    """Record what the partners decided when they met again after a Panel challenge."""

    outcome: str
    revised: str
    justification: str


@dataclass(frozen=True)
class Delay:
    """Record an approved delay to publication."""

    reason: str
    approved_by: str
    new_date: date


Step = Send | MoveTo | SignOff | KeyDate | Reconvene | Delay


@dataclass
class CasePlan:
    """One demo case: the referral that opens it, what happens next, and where it ends."""

    letter: str
    referral: Send
    stage: str
    steps: list[Step] = field(default_factory=list)


class Dates:
    """Working-day arithmetic from today, in the partnership's own calendar."""

    def __init__(self, today: date, closed: frozenset[date]) -> None:
        self.today = today
        self.closed = closed

    def after(self, day: date, days: int) -> date:
        """Return the day a number of working days after (or before) another."""
        return clock.add_working_days(day, days, self.closed)

    def back(self, days: int) -> date:
        """Return the day a number of working days before today."""
        return self.after(self.today, -days)

    def months(self, count: int, plus_days: int = 0) -> date:
        """Return the working day on or before today plus some calendar months and days."""
        day = clock.add_months(self.today, count) + timedelta(days=plus_days)
        while not clock.is_working_day(day, self.closed):
            day -= timedelta(days=1)
        return day

    def case(self, aware: date) -> dict[str, date]:
        """Lay out a case's key days from the day the council became aware, on good time."""
        notified = self.after(aware, 3)
        decided = self.after(notified, 12)
        sent = self.after(decided, 2)
        panel = self.after(sent, 8)
        return {
            "incident": aware - timedelta(days=1),
            "aware": aware,
            "considered": self.after(aware, 1),
            "notified": notified,
            "decided": decided,
            "signed": self.after(decided, 1),
            "sent": sent,
            "panel": panel,
            "reconvened": self.after(panel, 5),
        }

    def decided_on(self, decided: date) -> dict[str, date]:
        """Lay out a case whose partners decided on a given day."""
        return self.case(self.after(decided, -15))


# --- Building the plans -----------------------------------------------------------------------

ALL_AGREE = {"la": True, "police": True, "icb": True}


def _refer(letter: str, who: str, d: dict[str, date]) -> Send:
    """Plan the referral that opens a case."""
    story = answers.STORIES[letter]
    return Send(who, "referral", answers.referral(story, who, d["incident"], d["aware"]))


def _views(letter: str, d: dict[str, date], views: dict[str, bool]) -> list[Step]:
    """Plan each partner's view on whether the case is notifiable."""
    story = answers.STORIES[letter]
    return [
        Send(p, "consideration_decision", answers.consideration(story, p, v, d["considered"]))
        for p, v in views.items()
    ]


def _notify(letter: str, d: dict[str, date]) -> list[Step]:
    """Plan the notification to the Panel, sent on the planned day though recorded today."""
    story = answers.STORIES[letter]
    return [
        Send("bu", "notification", answers.notification(story, d["incident"], d["aware"])),
        KeyDate("notified", d["notified"]),
        MoveTo("notified"),
    ]


def _to_decision(
    letter: str, d: dict[str, date], recommendation: str, route: str = "", rationale: str = ""
) -> list[Step]:
    """Plan a case's path from referral to the partners' signed-off decision."""
    review = answers.rapid_review(answers.STORIES[letter], d, recommendation, route, rationale)
    return [
        MoveTo("consideration"),
        *_views(letter, d, ALL_AGREE),
        *_notify(letter, d),
        MoveTo("rapid_review"),
        Send("bu", "rapid_review", review),
        SignOff("la"),
        SignOff("police"),
        SignOff("icb"),
        MoveTo("decided"),
    ]


def _panel(decision: str, d: dict[str, date], challenge: str = "") -> list[Step]:
    """Plan the Panel's reply (agreement unless a challenge is given) and the move it allows."""
    reply = answers.panel_response(decision, d["panel"], not challenge, challenge)
    return [Send("bu", "panel_response", reply), MoveTo("panel_response")]


def _review(letter: str, d: dict[str, date], commissioned: date, planned: date,
            delay: str = "") -> list[Step]:  # fmt: skip
    """Plan the start of a local review and its terms of reference."""
    story = answers.STORIES[letter]
    terms = answers.terms_of_reference(story, d["incident"], commissioned, planned, delay)
    return [MoveTo("review_in_progress"), Send("bu", "terms_of_reference", terms)]


def _contact(letter: str, when: date, purpose: str, kind: str) -> Step:
    """Plan a note of contact with the child's family."""
    notes = answers.CONTACT_NOTES[letter]
    return Send("bu", "family_contact", answers.family_contact(when, purpose, kind, notes))


def _published(dates: Dates, letter: str, decided: date) -> tuple[dict[str, date], list[Step]]:
    """Plan a local review published a little before its 6-month deadline, or this week."""
    d = dates.decided_on(decided)
    published = min(dates.after(clock.add_months(d["decided"], 6), -3), dates.back(3))
    steps = [
        *_to_decision(letter, d, "local_cspr"),
        *_panel("local_cspr", d),
        *_review(letter, d, d["decided"], published),
        KeyDate("panel_notice_sent", dates.after(published, -8)),
        KeyDate("published", published),
        MoveTo("published"),
    ]
    return {**d, "published": published}, steps


def build_plans(
    today: date, closed: frozenset[date] = frozenset(), unanimous: bool = False
) -> tuple[list[CasePlan], list[Send]]:
    """Plan every demo case from today, with at least one at each stage, and the chair's audit.

    Dates count back from today, so the deadline dashboard always shows a notification and a
    rapid review overdue, and others due within days.
    """
    dates, stories = Dates(today, closed), answers.STORIES
    plans: list[CasePlan] = []

    def plan(letter: str, who: str, stage: str, d: dict[str, date], *steps: Step) -> None:
        plans.append(CasePlan(letter, _refer(letter, who, d), stage, list(steps)))

    # fmt: off
    # A: just referred; the notification to the Panel falls due within days.
    d = dates.case(dates.back(2))
    plan("A", "health", "referral", d, KeyDate("aware", d["aware"]))

    # B: one partner has given a view; the notification deadline has passed.
    d = dates.case(dates.back(7))
    plan("B", "school", "consideration", d,
         KeyDate("aware", d["aware"]), MoveTo("consideration"), *_views("B", d, {"la": True}))

    # C: notified; the rapid review falls due within days.
    d = dates.case(dates.back(14))
    plan("C", "police", "notified", d,
         MoveTo("consideration"), *_views("C", d, ALL_AGREE), *_notify("C", d))

    # D: notifiable by a majority, with the police dissenting; the rapid review is overdue.
    # Under a unanimous rule the police change their view once first findings arrive.
    d = dates.case(dates.back(22))
    dissent = answers.consideration(stories["D"], "police", False, d["considered"],
                                    answers.POLICE_DISSENT)
    change = answers.consideration(stories["D"], "police", True, d["considered"],
                                   answers.POLICE_CHANGE)
    plan("D", "health", "rapid_review", d,
         MoveTo("consideration"), *_views("D", d, {"la": True, "icb": True}),
         Send("police", "consideration_decision", dissent),
         *([Send("police", "consideration_decision", change)] if unanimous else []),
         *_notify("D", d), MoveTo("rapid_review"))

    # E: the rapid review is sent and two of the three partners have signed it off.
    d = {**dates.case(dates.back(18)), "police_signed": today}
    del d["sent"]
    review = answers.rapid_review(stories["E"], d, "national_review")
    plan("E", "school", "rapid_review", d,
         MoveTo("consideration"), *_views("E", d, ALL_AGREE), *_notify("E", d),
         MoveTo("rapid_review"), Send("bu", "rapid_review", review),
         SignOff("la"), SignOff("icb"))

    # F: decided on a local review; waiting for the Panel; the family has had a letter.
    d = dates.case(dates.back(27))
    plan("F", "health", "decided", d,
         *_to_decision("F", d, "local_cspr"),
         _contact("F", dates.after(d["sent"], 2), "decision", "letter_sent"))

    # G: the Panel has challenged a no-further-action decision; the partners must reconvene.
    d = dates.case(dates.back(28))
    plan("G", "school", "panel_response", d,
         *_to_decision("G", d, "no_further_action", rationale=answers.SIMILAR_REVIEW),
         *_panel("no_further_action", d, answers.CHALLENGES["G"]))

    # H: after a Panel challenge the partners reconvened and commissioned a local review,
    # whose final report must go to the Panel within days.
    d = dates.case(dates.after(dates.months(-5), -30))
    plan("H", "health", "review_in_progress", d,
         *_to_decision("H", d, "other_learning", "multi_agency_learning_review"),
         *_panel("other_learning", d, answers.CHALLENGES["H"]),
         Reconvene("change", "local_cspr", answers.RECONVENED),
         *_review("H", d, d["reconvened"], dates.after(today, 10)),
         _contact("H", dates.after(d["reconvened"], 20), "invitation", "meeting_held"))

    # I: a local review whose publication is delayed, with approval, by a criminal trial.
    d = dates.decided_on(dates.months(-7))
    new_date = dates.months(3)
    plan("I", "police", "review_in_progress", d,
         *_to_decision("I", d, "local_cspr"), *_panel("local_cspr", d),
         *_review("I", d, d["decided"], clock.add_months(d["decided"], 6), answers.TRIAL_DELAY),
         Delay(answers.TRIAL_DELAY, answers.DELAY_APPROVED_BY, new_date),
         KeyDate("planned_publication", new_date))

    # J: published this week, after the family read the report.
    d, steps = _published(dates, "J", dates.months(-6, plus_days=20))
    steps.insert(-3, _contact("J", dates.after(d["published"], -5), "report", "meeting_held"))
    plan("J", "health", "published", d, *steps)

    # K: published months ago; the action plan is under way, one action late.
    d, steps = _published(dates, "K", dates.months(-10))
    actions = answers.actions(d["published"], today, finished=False)
    plan("K", "school", "action_plan", d, *steps, MoveTo("action_plan"),
         Send("bu", "action_plan", answers.action_plan(stories["K"], dates.back(5), actions)))

    # L: every action complete, so the case is closed.
    d, steps = _published(dates, "L", dates.months(-20))
    actions = answers.actions(d["published"], today, finished=True)
    plan("L", "la", "closed", d, *steps, MoveTo("action_plan"),
         Send("la", "action_plan", answers.action_plan(stories["L"], dates.back(10), actions)),
         MoveTo("closed"))

    # M: not notifiable: the partners agree abuse or neglect is not suspected.
    d = dates.case(dates.back(10))
    plan("M", "school", "not_notifiable", d, MoveTo("consideration"),
         *_views("M", d, {"la": False, "police": False, "icb": False}), MoveTo("not_notifiable"))

    # N and O: the Panel agreed with another learning route, and with no further action.
    d = dates.case(dates.back(70))
    plan("N", "health", "other_learning_route", d,
         *_to_decision("N", d, "other_learning", "single_agency_review"),
         *_panel("other_learning", d), MoveTo("other_learning_route"))
    d = dates.case(dates.back(90))
    plan("O", "health", "no_further_action", d,
         *_to_decision("O", d, "no_further_action"),
         *_panel("no_further_action", d), MoveTo("no_further_action"))
    # fmt: on

    end = today - timedelta(days=20)
    audited = answers.rapid_review_audit(
        clock.add_months(end, -6) + timedelta(days=1), end, dates.back(2)
    )
    return plans, [Send("chair", "rapid_review_audit", audited)]


# --- Running the plans ------------------------------------------------------------------------


class DemoRefused(Exception):
    """The demo cannot run on this store, and nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class DemoResult:
    """What the demo made: accounts, cases and how many forms were sent."""

    users: list[DemoUser]
    cases: list[dict[str, Any]]
    forms: int
    admin_kept: bool


def _refuse_unless_empty() -> None:
    """Refuse a store that holds any case or form, so demo records never mix with real ones."""
    store = get_store()
    if store.count(cases.CASES) or store.count(form_ops.SUBMISSIONS):
        raise DemoRefused(
            "The demo was not added because this store already has cases or forms. "
            "The demo only fills an empty store, so that invented records never mix with "
            "real ones"
        )


def _check_plans(sends: list[Send], users: list[DemoUser]) -> None:
    """Check every planned form against the live definitions before anything is written."""
    roles = {u.key: u.role for u in users}
    for send in sends:
        definition = registry.live(send.form_id)
        if definition is None:
            raise DemoRefused(f"The demo needs the {send.form_id!r} form, which is not available")
        if not form_ops.can_start({"role": roles[send.who]}, definition):
            raise DemoRefused(
                f"The live {definition.title!r} form cannot be sent by a "
                f"{ROLES[roles[send.who]].lower()}"
            )
        _, errors = validate_submission(definition, send.answers, form_ops.today())
        if errors:
            where, message = next(iter(errors.items()))
            raise DemoRefused(
                f"The live {definition.title!r} form does not accept the demo's answers "
                f"({where}: {message}). The demo is written for the shipped forms"
            )
    for user in users:
        problems = passwords.password_problems(
            DEMO_PASSWORD, user.email, current_app.config["PARTNERSHIP_NAME"]
        )
        if problems:
            raise DemoRefused(f"The demo password cannot be used here: {problems[0]}")


def _create_user(user: DemoUser) -> dict[str, Any]:
    """Create one demo account, adding its agency to the list if it is not there yet."""
    agency_id = None
    if user.agency:
        agency = agencies.find_agency_by_name(user.agency) or agencies.add_agency(None, user.agency)
        agency_id = agency["id"]
    created, _ = accounts.create_user(
        None, user.email, user.role, user.name, agency_id, user.partner, DEMO_PASSWORD
    )
    return created


def _send(user: dict[str, Any], step: Send, case_id: str | None = None) -> dict[str, Any]:
    """Draft, answer and send a form the way a person would, for a case or on its own."""
    if case_id:
        draft = cases.start_case_form(user, case_id, step.form_id)
    else:
        draft = form_ops.start_draft(user, step.form_id)
    form_ops.save_answers(user, draft["id"], step.answers)
    sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
    if sent is None:
        where, message = next(iter(errors.items()))
        raise Refused(f"the {step.form_id} form was not accepted ({where}: {message})")
    return sent


def _run_case(people: dict[str, dict[str, Any]], plan: CasePlan) -> dict[str, Any]:
    """Open one case from its referral and take it through its steps."""
    referral = _send(people[plan.referral.who], plan.referral)
    case = get_store().find_one(cases.CASES, {"referral_id": referral["id"]})
    if case is None:
        raise Refused("the referral did not open a case")
    case_id, bu = case["id"], people["bu"]
    for step in plan.steps:
        match step:
            case Send():
                _send(people[step.who], step, case_id)
            case MoveTo():
                cases.move(bu, case_id, step.to)
            case SignOff():
                cases.sign_off(people[step.who], case_id)
            case KeyDate():
                cases.set_key_date(bu, case_id, step.key, step.when)
            case Reconvene():
                cases.record_reconvene(bu, case_id, step.outcome, step.revised, step.justification)
            case Delay():
                cases.record_delay(bu, case_id, step.reason, step.approved_by, step.new_date)
    final = get_store().get(cases.CASES, case_id)
    if final is None or final["stage"] != plan.stage:
        raise Refused(f"the case ended at {final and final['stage']}, not at {plan.stage}")
    return final


@transactional
def _withdraw_demo_mail() -> int:
    """Drop the emails the demo's own events queued: they would go to invented addresses."""
    from cspr.mail.outbox import OUTBOX

    store = get_store()
    queued = store.find(OUTBOX, predicate=lambda m: str(m.get("to", "")).endswith(DEMO_DOMAIN))
    for message in queued:
        store.delete(OUTBOX, message["id"])
    return len(queued)


def create_demo() -> DemoResult:
    """Add the demo's users, cases and forms to an empty store; refuse any other store."""
    _refuse_unless_empty()
    admin_kept = accounts.has_admin()
    make = [u for u in USERS if not (u.role == ADMIN and admin_kept)]
    store = get_store()
    for user in make:
        if store.find_one(accounts.USERS, {"email": user.email}):
            raise DemoRefused(
                f"There is already an account for {user.email}, which the demo "
                "needs. The demo only fills a store without its own accounts"
            )
    today = min(date.today(), form_ops.today())
    plans, others = build_plans(today, closures(), decisions.decision_rule() == "unanimous")
    _check_plans(
        [s for p in plans for s in (p.referral, *p.steps) if isinstance(s, Send)] + others, make
    )
    people = {user.key: _create_user(user) for user in make}
    made: list[dict[str, Any]] = []
    try:
        for plan in plans:
            made.append(_run_case(people, plan))
        for send in others:
            _send(people[send.who], send)
    except (Refused, Forbidden, NotFound) as stopped:
        reason = stopped.message if isinstance(stopped, Refused) else str(stopped)
        letter = plans[len(made)].letter if len(made) < len(plans) else "-"
        raise click.ClickException(
            f"The demo stopped part way, at case {letter}: {reason}. Some demo records were "
            "made; start again with an empty data directory"
        ) from stopped
    forms = store.count(form_ops.SUBMISSIONS, {"status": "submitted"})
    withdrawn = _withdraw_demo_mail()
    audit.record(
        "create", "demo", details={"users": len(make), "cases": len(made), "emails": withdrawn}
    )
    return DemoResult(make, made, forms, admin_kept)


# --- The command ------------------------------------------------------------------------------


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Line up rows of text in columns two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def summary(result: DemoResult) -> list[str]:
    """Describe what the demo made and how to sign in, for the person at the server."""
    by_stage: dict[str, list[str]] = defaultdict(list)
    for case in sorted(result.cases, key=lambda c: c["reference"]):
        by_stage[case["stage"]].append(case["reference"])
    lines = [
        f"Added the fictional {answers.PARTNERSHIP}: {len(result.users)} users, "
        f"{len(result.cases)} cases and {result.forms} sent forms.",
        "",
        "Cases by stage:",
        *(f"  {stages.label(s)}: {', '.join(by_stage[s])}" for s in stages.STAGES if s in by_stage),
        "",
        f"Sign in at {current_app.config['BASE_URL'].rstrip('/')}/sign-in with these accounts. "
        "They share one password, shown only here:",
        "",
    ]
    rows = [("Email", "Role", "Partner or agency", "Password")]
    rows += [
        (
            u.email,
            ROLES[u.role],
            PARTNERS.get(u.partner or "", "") or u.agency or "-",
            DEMO_PASSWORD,
        )
        for u in result.users
    ]
    lines += _table(rows)
    if result.admin_kept:
        lines += ["", "An administrator account already existed, so the demo did not add one."]
    lines += ["", "Every person, child, address and case in the demo is invented."]
    return lines


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill an empty store with a fictional partnership: users and cases at every stage."""
    try:
        result = create_demo()
    except DemoRefused as refused:
        _fail(refused.message)
        return
    for line in summary(result):
        click.echo(line)


def init_app(app: Flask) -> None:
    """Register the demo command."""
    app.cli.add_command(demo_command)
