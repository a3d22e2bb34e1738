"""Case pages: the register, one case with its clock and decisions, and the deadline dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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
from cspr.casework import cases, decisions, facts, stages
from cspr.casework.calendar_settings import read_date
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.signals import form_sent
from cspr.storage import NotFound, get_store

bp = Blueprint("cases", __name__)
CASE_FORMS = [
    "consideration_decision", "notification", "rapid_review", "panel_response",
    "terms_of_reference", "family_contact", "action_plan",
]  # fmt: skip


def _user() -> dict[str, Any]:
    """Return the signed-in user."""
    user = current_user()
    assert user is not None
    return user


def _case(case_id: str, action: str = "view") -> dict[str, Any]:
    """Return a case the user may see, or 404."""
    try:
        return cases.get_case(_user(), case_id, action)
    except NotFound:
        abort(404)


@bp.route("/cases")
@roles_required(AGENCY_USER, BUSINESS_UNIT, PARTNER, CHAIR)
def register() -> ResponseReturnValue:
    """List the cases the user may see."""
    today = date.today()
    rows = []
    for case in cases.list_cases(_user()):
        live = [d for d in facts.deadlines(case, today) if d.status.state not in ("met", "missed")]
        rows.append({"case": case, "next": min(live, key=lambda d: d.status.due, default=None)})
    return render_template("casework/register.html", title="Cases", rows=rows, label=stages.label)


@bp.route("/cases/<case_id>")
@login_required
def case_page(case_id: str) -> ResponseReturnValue:
    """Show one case: its stage, clock, decisions, forms, tasks and timeline."""
    user = _user()
    case = _case(case_id)
    if user["role"] not in cases.CASE_ROLES:
        return render_template(
            "casework/status.html", title=case["reference"], case=case, label=stages.label
        )
    submissions = cases.case_submissions(case_id)
    startable = [
        d for d in (registry.live(f) for f in CASE_FORMS) if d and form_ops.can_start(user, d)
    ]
    return render_template(
        "casework/case.html",
        title=f"Case {case['reference']}",
        case=case,
        label=stages.label,
        moves=stages.moves_from(case["stage"]) if user["role"] == BUSINESS_UNIT else [],
        deadlines=facts.deadlines(case, date.today()),
        decision=cases.decision_outcome(case_id),
        partners=PARTNERS,
        signoffs_required=decisions.signoffs_required(),
        submissions=submissions,
        startable=startable,
        key_dates=facts.KEY_DATES,
        decisions_text=facts.DECISIONS,
        referral=get_store().get(form_ops.SUBMISSIONS, case["referral_id"]),
        can_sign_off=user["role"] == PARTNER and case["stage"] == "rapid_review",
        runs_cases=user["role"] == BUSINESS_UNIT,
        keep_until=facts.keep_until(case),
    )


def _act(
    case_id: str,
    change: Callable[[], Any],
    message: str = "",
    after: Callable[[Any], ResponseReturnValue] | None = None,
) -> ResponseReturnValue:
    """Run one change to a case, then say what happened on its page (or why nothing did)."""
    try:
        result = change()
    except NotFound:
        abort(404)
    except (Refused, Forbidden) as refused:
        text = (
            refused.message if isinstance(refused, Refused) else "You cannot do that on this case"
        )
        flash(text, "error")
        return redirect(url_for("cases.case_page", case_id=case_id))
    if after is not None:
        return after(result)
    flash(message, "success")
    return redirect(url_for("cases.case_page", case_id=case_id))


def _date_from(prefix: str, name: str, field: str) -> date:
    """Read a GOV.UK date input posted with this prefix."""
    form = request.form
    day, month, year = (form.get(f"{prefix}-{part}", "") for part in ("day", "month", "year"))
    return read_date(day, month, year, name, field)


@bp.route("/cases/<case_id>/move", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def move(case_id: str) -> ResponseReturnValue:
    """Move the case to another stage."""
    to = request.form.get("to", "")
    return _act(
        case_id,
        lambda: cases.move(_user(), case_id, to),
        f"The case is now at: {stages.label(to)}.",
    )


@bp.route("/cases/<case_id>/forms/<form_id>", methods=["POST"])
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def start_form(case_id: str, form_id: str) -> ResponseReturnValue:
    """Start one of the case's forms, prefilled from its earlier forms."""
    return _act(
        case_id,
        lambda: cases.start_case_form(_user(), case_id, form_id),
        after=lambda draft: redirect(url_for("forms.resume", draft_id=draft["id"])),
    )


@bp.route("/cases/<case_id>/sign-off", methods=["POST"])
@roles_required(PARTNER)
def sign_off(case_id: str) -> ResponseReturnValue:
    """Sign off the rapid review for the partner's organisation."""
    return _act(
        case_id, lambda: cases.sign_off(_user(), case_id), "You have signed off the rapid review."
    )


@bp.route("/cases/<case_id>/reconvene", methods=["POST"])
@roles_required(BUSINESS_UNIT, PARTNER)
def reconvene(case_id: str) -> ResponseReturnValue:
    """Record the outcome of reconvening after a Panel challenge."""
    form = request.form
    return _act(
        case_id,
        lambda: cases.record_reconvene(
            _user(),
            case_id,
            form.get("outcome", ""),
            form.get("revised", ""),
            form.get("justification", ""),
        ),
        "The outcome of the reconvened discussion has been recorded.",
    )


@bp.route("/cases/<case_id>/key-date", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def key_date(case_id: str) -> ResponseReturnValue:
    """Record one of the case's key dates."""
    key = request.form.get("key", "")
    name = facts.KEY_DATES.get(key, "date").lower()
    return _act(
        case_id,
        lambda: cases.set_key_date(_user(), case_id, key, _date_from("when", name, "when")),
        f"{facts.KEY_DATES.get(key, 'The date')} has been recorded.",
    )


@bp.route("/cases/<case_id>/delay", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def delay(case_id: str) -> ResponseReturnValue:
    """Record an approved delay to publication."""
    form = request.form
    return _act(
        case_id,
        lambda: cases.record_delay(
            _user(),
            case_id,
            form.get("reason", ""),
            form.get("approved_by", ""),
            _date_from("new", "new publication date", "new_date"),
        ),
        "The delay has been recorded.",
    )


@bp.route("/dashboard")
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def dashboard() -> ResponseReturnValue:
    """List deadlines that are overdue or fall due in the next 5 working days."""
    today = date.today()
    rows = [
        {"case": case, "deadline": d}
        for case in cases.list_cases(_user())
        if case["stage"] not in stages.ENDED
        for d in facts.deadlines(case, today)
        if d.status.state in ("overdue", "due_soon")
    ]
    sort = request.args.get("sort", "due")
    keys = {
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
    """Register the case pages and the hook that opens cases from referrals."""
    app.register_blueprint(bp)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    form_sent.connect(cases.on_form_sent)
    from cspr.casework import demo  # the `flask --app app demo` command

    demo.init_app(app)
