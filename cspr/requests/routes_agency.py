"""Pages for agency staff (the requests to their agency) and for invitation links (thin)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.forms import NewPasswordForm
from cspr.auth.roles import AGENCY_USER, roles_required
from cspr.exceptions import Refused
from cspr.extensions import limiter
from cspr.forms_support import attach_error
from cspr.requests import invitations, operations, records
from cspr.requests.routes import bp, me
from cspr.storage import NotFound
from cspr.timeutil import uk_today

SESSION_KEY = "invitation_token"


def _link_limit() -> str:
    """Return the rate limit for using links, shared with password reset links."""
    return str(current_app.config["PASSWORD_RESET_RATE_LIMIT"])


@bp.route("/information-requests")
@roles_required(AGENCY_USER)
def agency_requests() -> ResponseReturnValue:
    """List the requests addressed to the user's agency, newest first."""
    today = uk_today()
    rows = [(r, records.standing(r, today)) for r in records.for_agency(me().get("agency_id"))]
    return render_template("requests/agency_list.html", title="Information requests", rows=rows)


@bp.route("/information-requests/<request_id>")
@roles_required(AGENCY_USER)
def respond(request_id: str) -> ResponseReturnValue:
    """Show a request to its agency: the case reference, due date, message and the summary."""
    try:
        found = operations.view_as_agency(me(), request_id)
    except NotFound:
        abort(404)
    returns = records.returns_of(found)
    return render_template("requests/respond.html", title="Information request", req=found,
                           standing=records.standing(found, uk_today()), returns=returns,
                           draft=records.live_draft(found))  # fmt: skip


@bp.route("/information-requests/<request_id>/summary", methods=["POST"])
@roles_required(AGENCY_USER)
def start_summary(request_id: str) -> ResponseReturnValue:
    """Start the agency's summary for the request, or continue its draft."""
    try:
        draft = operations.start_summary(me(), request_id)
    except NotFound:
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("requests.respond", request_id=request_id))
    return redirect(url_for("forms.resume", draft_id=draft["id"]))


# --- Invitation links -----------------------------------------------------------------------


def _not_valid() -> ResponseReturnValue:
    """Explain that an invitation link cannot be used."""
    return render_template("requests/invitation_invalid.html",
                           title="This invitation link cannot be used"), 404  # fmt: skip


@bp.route("/invitations/<token>")
@limiter.limit(_link_limit)
def use_invitation(token: str) -> ResponseReturnValue:
    """Check an invitation link, then move its token out of the address bar into the session."""
    if invitations.user_for_token(token) is None:
        return _not_valid()
    session[SESSION_KEY] = token
    return redirect(url_for("requests.choose_password"))


@bp.route("/invitations/password", methods=["GET", "POST"])
def choose_password() -> ResponseReturnValue:
    """Choose a password through a good invitation link."""
    token = str(session.get(SESSION_KEY) or "")
    person = invitations.user_for_token(token)
    if person is None:
        session.pop(SESSION_KEY, None)
        return _not_valid()
    form = NewPasswordForm()
    form.new_password.label.text = "Password"
    form.confirm_password.label.text = "Confirm password"
    form.submit.label.text = "Set password"
    if form.validate_on_submit():
        try:
            invitations.accept(token, form.new_password.data or "",
                               form.confirm_password.data or "")  # fmt: skip
        except Refused as refused:
            attach_error(form, refused, "new_password")
        else:
            session.clear()  # start clean: the person now signs in with their own password
            flash("Your password has been set. Sign in with your email address and the new "
                  "password.", "success")  # fmt: skip
            return redirect(url_for("auth.sign_in"))
    return render_template("requests/invitation_password.html", title="Choose your password",
                           form=form, person=person)  # fmt: skip
