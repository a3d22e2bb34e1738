"""`flask --app app demo`: fill an empty store with a fictional partnership to explore.

Everything goes through the real operations (forms are drafted, answered and sent; views are
given and sign-offs made by the partners themselves; cases are moved and dated), so each demo
case has a true timeline, linked forms and audit entries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from cspr import audit
from cspr.admin import partnership
from cspr.auth import agencies, passwords
from cspr.auth import operations as accounts
from cspr.auth.cli import _fail
from cspr.auth.roles import ADMIN, PARTNERS, ROLES
from cspr.casework import cases, decisions, localreview, publication, signoff, stages
from cspr.casework import operations as verbs
from cspr.casework.calendar_settings import closures
from cspr.demo import answers
from cspr.demo.learning import ActionPlan, run_action_plan
from cspr.demo.plans import DEMO_DOMAIN, USERS, CasePlan, DemoUser, build_plans
from cspr.demo.steps import (
    Delay,
    Hold,
    KeyDate,
    MoveTo,
    Notify,
    Progress,
    Publish,
    Reconvene,
    Send,
    SignOff,
    View,
)
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.formengine.validation import validate_submission
from cspr.storage import NotFound, get_store, transactional
from cspr.timeutil import uk_today

ONE_DAY = datetime.timedelta(days=1)
# Printed with the accounts at the end of the run; the demo is for exploring, not for real work.
DEMO_PASSWORD = "demo passphrase for exampleshire"  # nosec B105


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
                cases.move(bu, case_id, step.to, step.reason)
            case View():
                verbs.give_view(people[step.who], case_id,
                                "notifiable" if step.notifiable else "not_notifiable", step.reason)
            case Notify():
                verbs.record_notification(people["la"], case_id, step.when, step.reference,
                                          step.reason)  # fmt: skip
            case SignOff():
                review = signoff.current_review(case_id)
                signoff.sign_off(people[step.who], case_id, review["id"] if review else "")
            case KeyDate():
                verbs.set_fact(bu, case_id, step.fact, step.when)
            case Reconvene():
                verbs.record_reconvene(bu, case_id, step.outcome, step.revised,
                                       step.justification, step.met_on)  # fmt: skip
            case Progress():
                localreview.record_milestone(bu, case_id, step.key, step.when, step.note)
            case Hold():
                if step.review_on is not None:
                    publication.set_hold(bu, case_id, step.reason, max(step.review_on,
                                                                        uk_today() + ONE_DAY))
                else:
                    publication.lift_hold(bu, case_id, step.reason)
            case Publish():
                publication.record_publication(bu, case_id, step.when, step.address)
            case Delay():
                verbs.record_delay(bu, case_id, step.reason, step.approved_by, step.new_date,
                                   step.told, step.told)  # fmt: skip
            case ActionPlan():
                run_action_plan(people, get_store().get(cases.CASES, case_id) or {}, step)
    final = get_store().get(cases.CASES, case_id)
    if final is None or final["stage"] != plan.stage:
        raise Refused(f"the case ended at {final and final['stage']}, not at {plan.stage}")
    return final


@transactional
def _use_unanimous_rule() -> None:
    """Set the demo partnership's rule for its position on notifying: all three must agree."""
    store = get_store()
    store.set_setting(decisions.RULE_SETTING, "unanimous")
    audit.record("update", "settings", "decision_rules", {"rule": "unanimous", "by": "demo"})


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
    today = uk_today()
    plans, others = build_plans(today, closures())
    _check_plans(
        [s for p in plans for s in (p.referral, *p.steps) if isinstance(s, Send)] + others, make
    )
    people = {user.key: _create_user(user) for user in make}
    _use_unanimous_rule()
    if store.get_setting(partnership.SETTING) is None:  # an administrator's own details stay
        # The server's name, so that letters match the name at the top of every page.
        name = str(current_app.config["PARTNERSHIP_NAME"])
        partnership.save(None, {**answers.PARTNERSHIP_DETAILS, "name": name})
    made: list[dict[str, Any]] = []
    try:
        for plan in plans:
            made.append(_run_case(people, plan))
        for send in others:
            _send(people[send.who], send)
        # Information requests to the agencies on two rapid reviews (cspr/requests/demo.py).
        from cspr.requests.demo import add_demo_requests

        add_demo_requests(people, {p.letter: c for p, c in zip(plans, made, strict=True)})
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

