"""Sign in, sign out and change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth import operations
from cspr.auth.forms import ChangePasswordForm, SignInForm
from cspr.auth.roles import current_user, login_required
from cspr.exceptions import Refused
from cspr.extensions import limiter
from cspr.forms_support import attach_error

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Return a local path to go to after sign-in, never another site."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


def login_limit() -> str:
    """Return the configured rate limit for sign-in attempts."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def sign_in() -> ResponseReturnValue:
    """Show the sign-in form and check what is entered."""
    if current_user() is not None:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            operations.sign_in(
                form.email.data or "",
                form.password.data or "",
                request.remote_addr or "unknown",
                request.user_agent.string,
            )
        except Refused as refused:
            attach_error(form, refused, "email")
        else:
            return redirect(safe_next(request.args.get("next")))
    ended = g.get("session_ended")
    return render_template("auth/sign_in.html", form=form, title="Sign in", ended=ended)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    """End the session and confirm it."""
    operations.sign_out(current_user())
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Let users change their own password, and force it after a one-time password."""
    user = current_user()
    assert user is not None  # login_required guarantees it
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(
                user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.confirm_password.data or "",
            )
        except Refused as refused:
            attach_error(form, refused, "new_password")
        else:
            flash(
                "Your password has been changed. Anywhere else you were signed in, "
                "you have been signed out.",
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template(
        "auth/change_password.html",
        form=form,
        title="Change your password",
        forced=user.get("must_change_password"),
    )
