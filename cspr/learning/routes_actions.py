"""Action pages (thin): the list, one action, progress, evidence, completion and the decision."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from cspr.auth.agencies import agency_names
from cspr.auth.roles import (
    AGENCY_USER,
    BUSINESS_UNIT,
    CHAIR,
    PARTNER,
    login_required,
    roles_required,
)
from cspr.casework.answers import Answers, read_answers
from cspr.casework.clock import deadline_status
from cspr.learning import operations, records
from cspr.learning.routes import attempt, bp, done, evidence_hint, load_action, user
from cspr.storage import NotFound
from cspr.timeutil import uk_today

POSTED = ["status", "update", "description", "evidence", "summary", "decision", "reason"]
SHOWS = {"all": "All actions", "open": "Not yet complete", "overdue": "Overdue",
         "submitted": "Waiting for the evidence to be reviewed",
         "complete": "Accepted as complete"}  # fmt: skip


def _shown(action: dict[str, Any], show: str) -> bool:
    """Say whether an action belongs in the list the user chose."""
    if show == "open":
        return action["state"] != records.COMPLETE
    if show == "overdue":
        return records.is_overdue(action, uk_today())
    if show in (records.SUBMITTED, records.COMPLETE):
        return bool(action["state"] == show)
    return True


@bp.route("/actions")
@roles_required(AGENCY_USER, BUSINESS_UNIT, PARTNER, CHAIR)
def actions() -> ResponseReturnValue:
    """List the actions the user may see: agency staff see their own agency's."""
    me = user()
    show = request.args.get("show", "open")
    show = show if show in SHOWS else "open"
    agency = request.args.get("agency", "") if records.sees_all(me) else ""
    found = records.list_actions(
        me, lambda a: _shown(a, show) and (not agency or a["agency_id"] == agency), show)
    names = agency_names()
    return render_template("learning/actions.html", title="Actions", actions=found, show=show,
                           shows=SHOWS, agency=agency, agencies=names, today=uk_today(),
                           sees_all=records.sees_all(me), states=records.STATES)  # fmt: skip


def action_page(action: dict[str, Any], answers: Answers | None = None) -> ResponseReturnValue:
    """Show one action with the forms the user may use on it."""
    me = user()
    answers = answers or read_answers({}, POSTED, [])
    review = records.review_for(action)
    today = uk_today()
    return render_template(
        "learning/action.html", title=f"Action {action['reference']}", action=action,
        review=review, recommendation=records.recommendation(review, action["recommendation_id"]),
        agency=agency_names().get(action["agency_id"], ""), answers=answers,
        works=records.works_on(me, action), decides=me["role"] in records.DECIDES,
        sees_all=records.sees_all(me), runs=me["role"] in records.RUNS, rag=records.RAG,
        hints=records.RAG_HINTS, states=records.STATES, evidence_hint=evidence_hint(),
        status=deadline_status(records.due_date(action), today),
    )  # fmt: skip


@bp.route("/actions/<action_id>")
@login_required
def action(action_id: str) -> ResponseReturnValue:
    """Show one action: what, who owns it, progress, evidence and its history."""
    return action_page(load_action(action_id))


def _post(action_id: str, change: Any, default: str, message: str) -> ResponseReturnValue:
    """Run one change on an action; on refusal show its page again with what was typed."""
    answers = read_answers(request.form, POSTED, [])
    if attempt(answers, lambda: change(answers), default):
        return done(message, "learning.action", action_id=action_id)
    return action_page(load_action(action_id, action=""), answers)


@bp.route("/actions/<action_id>/updates", methods=["POST"])
@roles_required(AGENCY_USER, BUSINESS_UNIT)
def post_update(action_id: str) -> ResponseReturnValue:
    """Record progress on an action and its status now."""
    return _post(action_id, lambda a: operations.post_update(
        user(), action_id, a.text("status"), a.values.get("update", "")), "status",
        "Your progress update has been posted.")  # fmt: skip


@bp.route("/actions/<action_id>/evidence", methods=["POST"])
@roles_required(AGENCY_USER, BUSINESS_UNIT)
def add_evidence(action_id: str) -> ResponseReturnValue:
    """Upload a file of evidence for an action."""
    upload = request.files.get("evidence")
    return _post(action_id, lambda a: operations.add_evidence(
        user(), action_id, upload, a.text("description")), "evidence",
        "The evidence has been uploaded.")  # fmt: skip


@bp.route("/actions/<action_id>/submit", methods=["POST"])
@roles_required(AGENCY_USER, BUSINESS_UNIT)
def submit(action_id: str) -> ResponseReturnValue:
    """Submit an action as complete, for its evidence to be reviewed."""
    return _post(action_id, lambda a: operations.submit_complete(
        user(), action_id, a.values.get("summary", "")), "summary",
        "The action has been submitted as complete. The business unit or the chair will review "
        "the evidence.")  # fmt: skip


@bp.route("/actions/<action_id>/decision", methods=["POST"])
@login_required
def decision(action_id: str) -> ResponseReturnValue:
    """Accept a submitted action as complete, or send it back with the reason."""
    action = load_action(action_id, action="")  # another agency's action: 404, as everywhere
    if user()["role"] not in records.DECIDES:
        abort(403)
    choice = request.form.get("decision", "")
    if choice not in ("accept", "send_back"):
        answers = read_answers(request.form, POSTED, [])
        answers.errors["decision"] = "Select whether to accept the action or send it back"
        return action_page(action, answers)
    return _post(action_id, lambda a: operations.decide(
        user(), action_id, choice == "accept", a.values.get("reason", "")), "reason",
        "The action has been accepted as complete." if choice == "accept"
        else "The action has been sent back to its agency.")  # fmt: skip


@bp.route("/actions/<action_id>/evidence/<file_id>")
@login_required
def evidence_file(action_id: str, file_id: str) -> ResponseReturnValue:
    """Send one evidence file to someone who may see its action, and audit the download."""
    try:
        record, content = operations.read_evidence(user(), action_id, file_id)
    except NotFound:
        abort(404)
    response = Response(content, mimetype=record["content_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{record["filename"]}"'
    response.headers["Cache-Control"] = "no-store"
    return response
