"""Case pages for decisions: views, the notification, sign-off, reconvening, delays, the hold."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import BUSINESS_UNIT, PARTNER, PARTNERS, roles_required
from cspr.casework import casefacts, catalog, decisions, signoff, stages
from cspr.casework import operations as verbs
from cspr.casework.answers import attempt, read_answers
from cspr.casework.routes import bp, load, user


def _done(case_id: str, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("cases.case_page", case_id=case_id))


@bp.route("/cases/<case_id>/view", methods=["GET", "POST"])
@roles_required(PARTNER, BUSINESS_UNIT)
def view(case_id: str) -> ResponseReturnValue:
    """A partner gives their own view on notifying (or the business unit records one for them)."""
    me = user()
    case = load(case_id, action="")
    answers = read_answers(request.form, ["view", "rationale", "partner"], [])
    own = me["role"] == PARTNER
    if request.method == "POST" and attempt(answers, lambda: verbs.give_view(
            me, case_id, answers.text("view"), answers.text("rationale"),
            None if own else answers.text("partner")), "view"):  # fmt: skip
        return _done(case_id, "The view has been recorded.")
    if request.method == "GET" and own:
        current = decisions.partner_views(case).get(str(me.get("partner")))
        if current:
            answers.values.update(view=current["view"], rationale=current["rationale"])
    return render_template("casework/view.html", title="View on notifying the Panel", case=case,
                           answers=answers, own=own, partners=PARTNERS, views=decisions.VIEWS,
                           position=decisions.position(case),
                           mine=PARTNERS.get(str(me.get("partner")), ""))  # fmt: skip


@bp.route("/cases/<case_id>/notification", methods=["GET", "POST"])
@roles_required(PARTNER, BUSINESS_UNIT)
def notification(case_id: str) -> ResponseReturnValue:
    """The local authority records that it notified the Panel, with the reference."""
    me = user()
    if me["role"] == PARTNER and me.get("partner") != "local_authority":
        abort(403)
    case = load(case_id, action="")
    answers = read_answers(request.form, ["reference", "reason"], ["notified_on"])
    if request.method == "POST":
        when = answers.when("notified_on", "date the notification was made")
        if when is not None and attempt(answers, lambda: verbs.record_notification(
                me, case_id, when, answers.text("reference"), answers.text("reason")),
                "reference"):  # fmt: skip
            return _done(case_id, "The notification has been recorded.")
    return render_template("casework/notification.html", title="Record the notification",
                           case=case, answers=answers, position=decisions.position(case))


@bp.route("/cases/<case_id>/sign-off", methods=["GET", "POST"])
@roles_required(PARTNER)
def sign_off_page(case_id: str) -> ResponseReturnValue:
    """Show exactly which version of the rapid review the partner signs, then sign it off."""
    me = user()
    case = load(case_id, action="")
    review = signoff.current_review(case_id)
    answers = read_answers(request.form, ["comment", "submission_id"], [])
    if request.method == "POST" and attempt(answers, lambda: signoff.sign_off(
            me, case_id, answers.text("submission_id"), answers.text("comment")),
            "comment"):  # fmt: skip
        return _done(case_id, f"You have signed off rapid review {review['reference']} for "
                              f"{PARTNERS[me['partner']]}." if review else "Signed off.")
    given = signoff.valid(case, review)
    return render_template("casework/signoff.html", title="Sign off the rapid review", case=case,
                           review=review, version=signoff.version(review) if review else None,
                           answers=answers, given=given, partners=PARTNERS,
                           mine=me.get("partner"))  # fmt: skip


@bp.route("/cases/<case_id>/reconvene", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT, PARTNER)
def reconvene_page(case_id: str) -> ResponseReturnValue:
    """Record the outcome of the partners meeting again after the Panel's challenge."""
    case = load(case_id, action="")
    answers = read_answers(request.form, ["outcome", "revised", "justification"], ["met_on"])
    if request.method == "POST":
        met = answers.when("met_on", "date the partners met")
        if met is not None and attempt(answers, lambda: verbs.record_reconvene(
                user(), case_id, answers.text("outcome"), answers.text("revised"),
                answers.text("justification"), met), "outcome"):  # fmt: skip
            return _done(case_id, "The outcome of the reconvened meeting has been recorded.")
    return render_template("casework/reconvene.html", title="Reconvene after the Panel's "
                           "challenge", case=case, answers=answers, decisions=catalog.DECISIONS,
                           current=catalog.choice_label("decision.outcome",
                                                        casefacts.get(case, "decision.outcome")))


@bp.route("/cases/<case_id>/delay", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def delay(case_id: str) -> ResponseReturnValue:
    """Record an approved delay to the local review, the only way its date moves."""
    case = load(case_id, action="")
    answers = read_answers(request.form, ["reason", "approved_by"],
                           ["new_date", "panel_told", "sos_told"])  # fmt: skip
    if request.method == "POST":
        new = answers.when("new_date", "new completion date")
        panel = answers.when("panel_told", "date the Panel was told")
        sos = answers.when("sos_told", "date the Secretary of State was told")
        if None not in (new, panel, sos) and attempt(answers, lambda: verbs.record_delay(
                user(), case_id, answers.text("reason"), answers.text("approved_by"),
                new, panel, sos), "reason"):  # type: ignore[arg-type]  # fmt: skip
            return _done(case_id, "The delay has been recorded.")
    return render_template("casework/delay.html", title="Record an approved delay", case=case,
                           answers=answers)


@bp.route("/cases/<case_id>/hold", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def hold(case_id: str) -> ResponseReturnValue:
    """Put on, or lift, the hold on contacting the family."""
    case = load(case_id, action="")
    held = casefacts.get(case, "family.contact_hold") == "yes"
    answers = read_answers(request.form, ["reason"], [])
    if request.method == "POST" and attempt(
            answers, lambda: verbs.set_family_hold(user(), case_id, not held,
                                                   answers.text("reason")), "reason"):
        return _done(case_id, "The hold on contacting the family has been lifted." if held
                     else "The family must not be contacted until the hold is lifted.")
    return render_template("casework/hold.html", title="Lift the hold on contacting the family"
                           if held else "Put a hold on contacting the family", case=case,
                           answers=answers, held=held, label=stages.label,
                           reason=casefacts.get(case, "family.contact_hold_reason"))
