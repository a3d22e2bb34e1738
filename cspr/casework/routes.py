"""Case pages: the register, one case as a task list, its facts, forms and stage moves (thin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import (
    AGENCY_USER,
    BUSINESS_UNIT,
    CHAIR,
    PARTNER,
    PARTNERS,
    current_user,
    login_required,
    roles_required,
)
from cspr.casework import (
    casefacts,
    caselist,
    cases,
    catalog,
    deadlines,
    decisions,
    stages,
    tasks,
    todo,
    tracks,
)
from cspr.casework import operations as verbs
from cspr.casework.answers import date_values, read_answers
from cspr.casework.recording import PAGE_DATES
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.signals import case_page_panels, case_targets, form_sent, waiting_for
from cspr.storage import NotFound
from cspr.timeutil import uk_today

bp = Blueprint("cases", __name__)


def user() -> dict[str, Any]:
    """Return the signed-in user."""
    found = current_user()
    assert found is not None  # nosec B101  # login_required ran first
    return found


def load(case_id: str, action: str = "view") -> dict[str, Any]:
    """Return a case the user may see, or 404."""
    try:
        return cases.get_case(user(), case_id, action)
    except NotFound:
        abort(404)


def act(case_id: str, change: Callable[[], Any], message: str) -> ResponseReturnValue | None:
    """Run one change; on success say so on the case page, on refusal return None."""
    try:
        change()
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    flash(message, "success")
    return redirect(url_for("cases.case_page", case_id=case_id))


@bp.route("/cases")
@roles_required(AGENCY_USER, BUSINESS_UNIT, PARTNER, CHAIR)
def register() -> ResponseReturnValue:
    """List the cases the user may see: searched, filtered and a page at a time."""
    found = caselist.search(user(), request.args, uk_today())
    return render_template("casework/register.html", title="Cases", found=found,
                           stages=stages.STAGES, label=stages.label)  # fmt: skip


@bp.route("/cases/<case_id>")
@login_required
def case_page(case_id: str) -> ResponseReturnValue:
    """Show one case: its task list, deadlines, partners' views and timeline."""
    me = user()
    case = load(case_id)
    if me["role"] not in cases.CASE_ROLES:
        return render_template("casework/status.html", title=case["reference"], case=case,
                               label=stages.label)  # fmt: skip
    ctx = tasks.context_for(case, uk_today())
    sections = tasks.sections(ctx)
    offered = {t.action.form_id for sect in sections for t in sect.tasks if t.action}
    # Only the case's own forms are looked up: reading every form's every version for this
    # list took a sixth of the page's time.
    others = sorted((d for d in map(registry.live, tasks.CASE_FORMS)
                     if d is not None and d.id not in offered and form_ops.can_start(me, d)),
                    key=lambda d: d.title.lower())  # fmt: skip
    return render_template(
        "casework/case.html", title=f"Case {case['reference']}", case=case, ctx=ctx,
        sections=sections, moves=tasks.next_moves(case) if me["role"] ==
        BUSINESS_UNIT else [], position=decisions.position(case), partners=PARTNERS,
        child=casefacts.get(case, "child.name") or {}, track=tracks.label(case),
        conflicts=casefacts.conflicts(case), facts=catalog.FACTS, others=others,
        submissions=cases.case_submissions(case_id), label=stages.label,
        runs_cases=me["role"] == BUSINESS_UNIT, me=me, keep_until=deadlines.keep_until(case),
        panels=[panel for _, panel in case_page_panels.send(case, user=me) if panel],
    )  # fmt: skip


@bp.route("/cases/<case_id>/forms/<form_id>", methods=["POST"])
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def start_form(case_id: str, form_id: str) -> ResponseReturnValue:
    """Start one of the case's forms, its bound questions filled from the case's facts."""
    try:
        draft = cases.start_case_form(user(), case_id, form_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("cases.case_page", case_id=case_id))
    return redirect(url_for("forms.resume", draft_id=draft["id"]))


@bp.route("/cases/<case_id>/move/<to>", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def move(case_id: str, to: str) -> ResponseReturnValue:
    """Ask to confirm a stage move, then make it."""
    case = load(case_id, action="")
    found = stages.find_move(case["stage"], to, tracks.track(case))
    if found is None:
        abort(404)
    answers = read_answers(request.form, ["reason"], [])
    if request.method == "POST":
        try:
            cases.move(user(), case_id, to, answers.text("reason"))
        except Refused as refused:
            answers.errors[refused.field or "reason"] = refused.message
        else:
            flash(f"The case is now at: {stages.label(to)}.", "success")
            return redirect(url_for("cases.case_page", case_id=case_id))
    return render_template("casework/move.html", title=f"{found.label}?", case=case, move=found,
                           answers=answers, label=stages.label)  # fmt: skip


@bp.route("/cases/<case_id>/undo-move", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def undo_move(case_id: str) -> ResponseReturnValue:
    """Take back the last stage move, with a reason."""
    case = load(case_id, action="")
    answers = read_answers(request.form, ["reason"], [])
    if request.method == "POST":
        try:
            cases.undo_move(user(), case_id, answers.text("reason"))
        except Refused as refused:
            answers.errors[refused.field or "reason"] = refused.message
        else:
            flash("The stage move has been taken back.", "success")
            return redirect(url_for("cases.case_page", case_id=case_id))
    return render_template("casework/undo.html", title="Take back the last stage move",
                           case=case, answers=answers, label=stages.label)  # fmt: skip


@bp.route("/cases/<case_id>/facts", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def facts(case_id: str) -> ResponseReturnValue:
    """Show the case's key dates and let the business unit record or correct them."""
    case = load(case_id, action="" if request.method == "POST" else "view")
    prefixes = [name.replace(".", "_") for name in PAGE_DATES]
    answers = read_answers(request.form, [], prefixes)
    if request.method == "POST":
        if user()["role"] != BUSINESS_UNIT:
            abort(403)
        changed = 0
        for name, prefix in zip(PAGE_DATES, prefixes, strict=True):
            when = answers.when(prefix, catalog.FACTS[name].label.lower(), required=False)
            if when is None or prefix in answers.errors:
                continue
            if when.isoformat() == casefacts.get(case, name):
                continue
            try:
                verbs.set_fact(user(), case_id, name, when)
                changed += 1
            except Refused as refused:
                answers.errors[prefix] = refused.message
        if not answers.errors:
            flash("The dates have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("cases.case_page", case_id=case_id))
        case = load(case_id, action="")
    else:
        for name, prefix in zip(PAGE_DATES, prefixes, strict=True):
            answers.values.update(date_values(prefix, casefacts.get(case, name)))
    rows = [(catalog.FACTS[n], p) for n, p in zip(PAGE_DATES, prefixes, strict=True)]
    return render_template("casework/facts.html", title="Key dates", case=case, rows=rows,
                           answers=answers, editable=user()["role"] == BUSINESS_UNIT,
                           history=case.get("fact_history") or [])  # fmt: skip


@bp.route("/cases/<case_id>/conflicts/<conflict_id>", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def conflict(case_id: str, conflict_id: str) -> ResponseReturnValue:
    """Take or turn down a value from a form that disagreed with the case."""
    accept = request.form.get("choice") == "accept"
    try:
        verbs.resolve_conflict(user(), case_id, conflict_id, accept)
    except NotFound:
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("cases.case_page", case_id=case_id))
    flash("The case now holds the form's value." if accept else "The case's value was kept.",
          "success")  # fmt: skip
    return redirect(url_for("cases.case_page", case_id=case_id) + "#facts-to-confirm")


@bp.route("/dashboard")
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def dashboard() -> ResponseReturnValue:
    """List deadlines that are overdue or fall due in the next 5 working days."""
    today = uk_today()
    open_cases = [c for c in cases.list_cases(user()) if c["stage"] not in stages.ENDED]
    rows = [
        {"case": case, "deadline": d}
        for case in open_cases
        for d in [*deadlines.deadlines(case, today),
                  # the partnership's own targets from other capabilities (the rapid review plan)
                  *(t for _, found in case_targets.send(case, today=today) for t in found or [])]
        if d.status.state in ("overdue", "due_soon")
    ]  # fmt: skip
    sort = request.args.get("sort", "due")
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "due": lambda r: (r["deadline"].status.due, r["case"]["reference"]),
        "case": lambda r: (r["case"]["reference"], r["deadline"].status.due),
        "deadline": lambda r: (r["deadline"].name, r["deadline"].status.due),
        "stage": lambda r: (r["case"]["stage"], r["deadline"].status.due),
    }
    rows.sort(key=keys.get(sort, keys["due"]))
    return render_template(
        "casework/dashboard.html", title="Deadlines", rows=rows, sort=sort, label=stages.label
    )


def init_app(app: Any) -> None:
    """Register the case pages and connect casework to sent forms."""
    # routes_decisions adds its pages to bp when it is first imported.
    from cspr.casework import routes_decisions, routes_review  # noqa: F401
    from cspr.demo import init_app as add_demo_command

    app.register_blueprint(bp)
    app.jinja_env.filters["fact_text"] = lambda value, name: casefacts.display(name, value)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    form_sent.connect(cases.on_form_sent)
    waiting_for.connect(todo.waiting)
    add_demo_command(app)
