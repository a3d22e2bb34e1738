"""Learning pages for the business unit (thin): reviews, recommendations, actions, activity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.agencies import agency_names, list_agencies
from cspr.auth.roles import (
    BUSINESS_UNIT,
    CHAIR,
    PARTNER,
    current_user,
    login_required,
    roles_required,
)
from cspr.casework import casefacts, cases
from cspr.casework.answers import Answers, date_values, read_answers
from cspr.exceptions import Forbidden, Refused
from cspr.formengine.fieldtypes.upload import file_hint
from cspr.learning import operations, records
from cspr.storage import NotFound
from cspr.timeutil import uk_today

bp = Blueprint("learning", __name__)
ACTION_FIELDS = ["text", "agency", "owner_name", "owner_role"]


def user() -> dict[str, Any]:
    """Return the signed-in user (the route's decorator has checked there is one)."""
    found = current_user()
    assert found is not None  # nosec B101
    return found


def attempt(answers: Answers, change: Callable[[], Any], default_field: str) -> Any:
    """Run a change; on refusal keep its message against its field and return None."""
    try:
        return change()
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Refused as refused:
        answers.errors.setdefault(refused.field or default_field, refused.message)
        return None


def load_review(review_id: str, action: str = "view") -> dict[str, Any]:
    """Return a review the user may see, or 404."""
    try:
        return records.get_review(user(), review_id, action)
    except NotFound:
        abort(404)


def load_action(action_id: str, action: str = "view") -> dict[str, Any]:
    """Return an action the user may see, or 404."""
    try:
        return records.get_action(user(), action_id, action)
    except NotFound:
        abort(404)


def done(message: str, endpoint: str, **values: Any) -> ResponseReturnValue:
    """Say what was saved and go on to the page it shows on."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@bp.route("/reviews")
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def reviews() -> ResponseReturnValue:
    """List the reviews whose recommendations the partnership acts on."""
    found = records.reviews(user())
    rows = [{"review": r, "actions": records.review_actions(r["id"])} for r in found]
    return render_template("learning/reviews.html", title="Reviews and their action plans",
                           rows=rows, kinds=records.KINDS, today=uk_today(),
                           runs=user()["role"] == BUSINESS_UNIT)  # fmt: skip


@bp.route("/reviews/new", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def new_review() -> ResponseReturnValue:
    """Record a review: local (on a case), national, or a Panel thematic report adopted."""
    answers = read_answers(request.form, ["kind", "title", "case_reference"], ["dated"])
    if request.method == "GET" and request.args.get("case_id"):
        try:
            case = cases.get_case(user(), request.args["case_id"], action="")
        except NotFound:
            abort(404)
        name = casefacts.get(case, "review.name") or ""
        kind = "national" if case["stage"] == "national_review" else "local"
        answers.values.update(kind=kind, case_reference=case["reference"], title=name)
    if request.method == "POST":
        dated = answers.when("dated", "date of the report", required=False)
        review = "dated" not in answers.errors and attempt(
            answers, lambda: operations.record_review(
                user(), answers.text("kind"), answers.text("title"),
                answers.text("case_reference"), dated), "kind")  # fmt: skip
        if review:
            return done(f"Review {review['reference']} has been recorded. Add its "
                        "recommendations.", "learning.review", review_id=review["id"])
    return render_template("learning/review_form.html", title="Record a review",
                           answers=answers, kinds=records.KINDS)  # fmt: skip


@bp.route("/reviews/<review_id>")
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def review(review_id: str) -> ResponseReturnValue:
    """Show a review: its recommendations, their actions and the learning shared."""
    found = load_review(review_id)
    actions = records.review_actions(review_id)
    return render_template(
        "learning/review.html", title=found["title"], review=found, kinds=records.KINDS,
        actions=actions, activities=records.review_activities(review_id),
        activity_kinds=records.ACTIVITY_KINDS, agencies=agency_names(), today=uk_today(),
        runs=user()["role"] == BUSINESS_UNIT, states=records.STATES,
    )  # fmt: skip


@bp.route("/reviews/<review_id>/recommendations/new", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def new_recommendation(review_id: str) -> ResponseReturnValue:
    """Add one of the review's recommendations."""
    found = load_review(review_id, action="")
    answers = read_answers(request.form, ["text"], [])
    if request.method == "POST" and attempt(answers, lambda: operations.add_recommendation(
            user(), review_id, answers.values.get("text", "")), "text"):  # fmt: skip
        return done("The recommendation has been added.", "learning.review", review_id=review_id)
    return render_template("learning/recommendation_form.html", title="Add a recommendation",
                           review=found, answers=answers)  # fmt: skip


def _agency_items(chosen: str) -> list[dict[str, Any]]:
    """Return the agency list as select options, the chosen one selected."""
    return [{"value": "", "text": "Choose an agency"}] + [
        {"value": a["id"], "text": a["name"], "selected": a["id"] == chosen}
        for a in list_agencies(active_only=True)
    ]


@bp.route("/reviews/<review_id>/actions/new", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def new_action(review_id: str) -> ResponseReturnValue:
    """Turn one of the review's recommendations into an action an agency owns."""
    found = load_review(review_id, action="")
    answers = read_answers(request.form, ["recommendation", "status", *ACTION_FIELDS], ["due"])
    if request.method == "GET":
        answers.values["recommendation"] = request.args.get("recommendation", "")
    else:
        due = answers.when("due", "date the action is due")
        made = due is not None and attempt(answers, lambda: operations.add_action(
            user(), review_id, answers.text("recommendation"), answers.values.get("text", ""),
            answers.text("agency"), answers.text("owner_name"), answers.text("owner_role"),
            due, answers.text("status")), "text")  # fmt: skip
        if made:
            return done(f"Action {made['reference']} has been added.", "learning.review",
                        review_id=review_id)  # fmt: skip
    return render_template("learning/action_form.html", title="Add an action", review=found,
                           answers=answers, agencies=_agency_items(answers.text("agency")),
                           rag=records.RAG, hints=records.RAG_HINTS, editing=None)  # fmt: skip


@bp.route("/actions/<action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id: str) -> ResponseReturnValue:
    """Change an action's wording, owner or due date."""
    action = load_action(action_id, action="")  # another agency's action: 404, as everywhere
    if user()["role"] != BUSINESS_UNIT:
        abort(403)
    found = records.review_for(action)
    answers = read_answers(request.form, ACTION_FIELDS, ["due"])
    if request.method == "GET":
        answers.values.update(text=action["text"], agency=action["agency_id"],
                              owner_name=action["owner_name"], owner_role=action["owner_role"],
                              **date_values("due", action["due"]))  # fmt: skip
    else:
        due = answers.when("due", "date the action is due")
        if due is not None and attempt(answers, lambda: operations.change_action(
                user(), action_id, answers.values.get("text", ""), answers.text("agency"),
                answers.text("owner_name"), answers.text("owner_role"),
                due), "text"):  # fmt: skip
            return done("The action has been changed.", "learning.action", action_id=action_id)
    return render_template("learning/action_form.html", title=f"Change action "
                           f"{action['reference']}", review=found, answers=answers,
                           agencies=_agency_items(answers.text("agency")), editing=action,
                           rag=records.RAG, hints=records.RAG_HINTS)  # fmt: skip


@bp.route("/reviews/<review_id>/learning/new", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def new_activity(review_id: str) -> ResponseReturnValue:
    """Record how the review's learning was shared."""
    found = load_review(review_id, action="")
    answers = read_answers(request.form, ["kind", "title", "audience", "reached"], ["held_on"])
    if request.method == "POST":
        held = answers.when("held_on", "date it took place")
        if held is not None and attempt(answers, lambda: operations.record_activity(
                user(), review_id, answers.text("kind"), answers.text("title"), held,
                answers.text("audience"), answers.text("reached")), "kind"):  # fmt: skip
            return done("The learning activity has been recorded.", "learning.review",
                        review_id=review_id)  # fmt: skip
    return render_template("learning/activity_form.html", title="Record learning activity",
                           review=found, answers=answers, kinds=records.ACTIVITY_KINDS)


def evidence_hint() -> str:
    """Describe what evidence files may be."""
    return file_hint(operations.EVIDENCE_FIELD)
