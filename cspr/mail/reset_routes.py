"""Pages for resetting a forgotten password by email."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.forms import NewPasswordForm
from cspr.exceptions import Refused
from cspr.extensions import limiter
from cspr.forms_support import attach_error
from cspr.mail import password_reset, sender
from cspr.mail.forms import RequestResetForm

bp = Blueprint("password_reset", __name__, url_prefix="/password-reset")
SESSION_KEY = "password_reset_token"


def reset_limit() -> str:
    """Return the configured rate limit for asking for reset links."""
    return str(current_app.config["PASSWORD_RESET_RATE_LIMIT"])


@bp.route("", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def request_reset() -> ResponseReturnValue:
    """Ask for an email address and send a reset link if it has an account."""
    form = RequestResetForm()
    if form.validate_on_submit():
        message_id = password_reset.request_reset(form.email.data or "")
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        sender.deliver_held_link(app, message_id)
        return redirect(url_for("password_reset.sent"))
    return render_template("mail/reset_request.html", title="Reset your password", form=form)


@bp.route("/sent")
def sent() -> ResponseReturnValue:
    """Say what happens next, the same whether or not the address has an account."""
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    return render_template("mail/reset_sent.html", title="Check your email", minutes=minutes)


@bp.route("/<token>")
@limiter.limit(reset_limit)
def use_link(token: str) -> ResponseReturnValue:
    """Check a link, then move its token out of the address bar into the session."""
    if password_reset.user_for_token(token) is None:
        return _link_not_valid()
    session[SESSION_KEY] = token
    return redirect(url_for("password_reset.choose"))


def _link_not_valid() -> ResponseReturnValue:
    """Explain that a link cannot be used."""
    return (
        render_template("mail/reset_invalid.html", title="This link cannot be used"),
        404,
    )


@bp.route("/new", methods=["GET", "POST"])
def choose() -> ResponseReturnValue:
    """Choose a new password through a good link."""
    token = str(session.get(SESSION_KEY) or "")
    if password_reset.user_for_token(token) is None:
        session.pop(SESSION_KEY, None)
        return _link_not_valid()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_reset.complete_reset(
                token, form.new_password.data or "", form.confirm_password.data or ""
            )
        except Refused as refused:
            attach_error(form, refused, "new_password")
        else:
            session.pop(SESSION_KEY, None)
            if session.get("uid") == user["id"]:
                session.clear()  # that session has just ended; start clean for the message
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("mail/reset_choose.html", title="Choose a new password", form=form)
