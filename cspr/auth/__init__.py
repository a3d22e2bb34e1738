"""Accounts: users, roles, agencies, sign-in and sessions."""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

ALLOWED_BEFORE_NEW_PASSWORD = {"auth.change_password", "auth.sign_out", "static"}


def require_new_password() -> ResponseReturnValue | None:
    """Send a user with a one-time password to change it before anything else."""
    user = g.get("user")
    if user and user.get("must_change_password"):
        if request.endpoint not in ALLOWED_BEFORE_NEW_PASSWORD:
            return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    """Register the sign-in pages, the password gate and the account commands."""
    from cspr.auth import cli
    from cspr.auth.routes import bp

    app.register_blueprint(bp)
    app.before_request(require_new_password)
    cli.init_app(app)
