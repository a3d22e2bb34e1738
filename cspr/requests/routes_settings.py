"""Pages for the rapid review plan (administrators) and the Panel's questions (thin)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import ADMIN, BUSINESS_UNIT, roles_required
from cspr.casework.answers import read_answers
from cspr.casework.deadlines import expected_reply_days
from cspr.exceptions import Forbidden, Refused
from cspr.requests import panel, plan
from cspr.requests.routes import CASE_TEAM, attempt, bp, load_case, me
from cspr.storage import NotFound

SPARE_ROWS = 2


@bp.route("/admin/settings/rapid-review-plan", methods=["GET", "POST"])
@roles_required(ADMIN)
def plan_settings() -> ResponseReturnValue:
    """Set the rapid review plan's milestones and the Panel's expected reply time."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        count = min(int(request.form.get("rows", "0") or 0), plan.MAX_MILESTONES + SPARE_ROWS)
        rows = [plan.Row(request.form.get(f"id-{n}", ""), request.form.get(f"name-{n}", ""),
                         request.form.get(f"day-{n}", ""), request.form.get(f"done_when-{n}", ""))
                for n in range(1, count + 1)]  # fmt: skip
        reply = request.form.get("reply_days", "")
        try:
            milestones = plan.check_plan(rows)
            days = plan.check_reply_days(reply)
            plan.save_plan(me(), milestones, days)
        except Forbidden:
            abort(403)
        except Refused as refused:
            errors[refused.field or "name-1"] = refused.message
        else:
            flash("The rapid review plan has been saved.", "success")
            return redirect(url_for("requests.plan_settings"))
    else:
        rows = [plan.Row(m.id, m.name, str(m.day), m.done_when) for m in plan.plan()]
        reply = str(expected_reply_days())
    rows += [plan.Row("", "", "", "recorded") for _ in range(SPARE_ROWS)
             if len(rows) < plan.MAX_MILESTONES + SPARE_ROWS]  # fmt: skip
    return render_template("requests/plan_settings.html", title="Rapid review plan",
                           rows=rows, reply=reply, errors=errors, done_when=plan.DONE_WHEN,
                           max_day=plan.clock.RAPID_REVIEW_WORKING_DAYS)  # fmt: skip


@bp.route("/cases/<case_id>/panel-questions", methods=["GET", "POST"])
@roles_required(*CASE_TEAM)
def panel_questions(case_id: str) -> ResponseReturnValue:
    """List the Panel's questions and the partners' replies; record new questions."""
    case = load_case(case_id)
    answers = read_answers(request.form, ["received"], ["received_on"])
    if request.method == "POST":
        if me()["role"] != BUSINESS_UNIT:
            abort(403)
        when = answers.when("received_on", "date the questions arrived")
        if when is not None and attempt(answers, lambda: panel.record_questions(
                me(), case_id, when, answers.text("received")), "received"):  # fmt: skip
            flash("The Panel's questions have been recorded.", "success")
            return redirect(url_for("requests.panel_questions", case_id=case_id))
    return render_template("requests/panel_questions.html", title="Questions from the Panel",
                           case=case, answers=answers, questions=panel.for_case(case_id),
                           expected=panel.expected_reply(case),
                           runs=me()["role"] == BUSINESS_UNIT)  # fmt: skip


@bp.route("/panel-questions/<question_id>/reply", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def panel_reply(question_id: str) -> ResponseReturnValue:
    """Record the partners' reply to the Panel's questions."""
    try:
        question = panel.get_question(me(), question_id)
    except NotFound:
        abort(404)
    case = load_case(question["case_id"])
    answers = read_answers(request.form, ["reply"], ["reply_on"])
    if request.method == "POST":
        when = answers.when("reply_on", "date the reply was sent")
        if when is not None and attempt(answers, lambda: panel.record_reply(
                me(), question_id, when, answers.text("reply")), "reply"):  # fmt: skip
            flash("The partners' reply has been recorded.", "success")
            return redirect(url_for("requests.panel_questions", case_id=case["id"]))
    return render_template("requests/panel_reply.html", title="Record the partners' reply",
                           case=case, question=question, answers=answers)  # fmt: skip
