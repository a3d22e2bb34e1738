"""Email: a durable outbox, a sender, notifications and working-day reminders."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from cspr.config import _env_bool, _env_int


def _settings() -> dict[str, Any]:
    """Return the mail settings' defaults, from CSPR_* environment variables where set."""
    return {
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would otherwise drop mail whenever TESTING
        "MAIL_BACKGROUND": _env_bool("CSPR_MAIL_BACKGROUND", True),
        "MAIL_SEND_INTERVAL": _env_int("CSPR_MAIL_SEND_INTERVAL", 10),
        "MAIL_TIMEOUT": _env_int("CSPR_MAIL_TIMEOUT", 30),
        "MAIL_LEASE_SECONDS": _env_int("CSPR_MAIL_LEASE_SECONDS", 300),
        "MAIL_MAX_ATTEMPTS": _env_int("CSPR_MAIL_MAX_ATTEMPTS", 12),
        "MAIL_RETRY_BASE_SECONDS": _env_int("CSPR_MAIL_RETRY_BASE_SECONDS", 60),
        "MAIL_RETRY_MAX_SECONDS": _env_int("CSPR_MAIL_RETRY_MAX_SECONDS", 6 * 3600),
        "MAIL_REMINDER_DAYS": _env_int("CSPR_MAIL_REMINDER_DAYS", 2),
        "PASSWORD_RESET_MINUTES": _env_int("CSPR_PASSWORD_RESET_MINUTES", 60),
        "PASSWORD_RESET_PER_HOUR": _env_int("CSPR_PASSWORD_RESET_PER_HOUR", 3),
        "PASSWORD_RESET_RATE_LIMIT": os.environ.get(
            "CSPR_PASSWORD_RESET_RATE_LIMIT", "5 per minute"
        ),
    }


def init_app(app: Flask) -> None:
    """Configure Flask-Mail, hook into casework and forms, add the pages, commands and sender."""
    for key, value in _settings().items():
        app.config.setdefault(key, value)
    if float(app.config["MAIL_LEASE_SECONDS"]) <= 2 * float(app.config["MAIL_TIMEOUT"]):
        raise RuntimeError(
            "CSPR_MAIL_LEASE_SECONDS must be more than twice CSPR_MAIL_TIMEOUT, so that a "
            "slow send is never mistaken for a stopped one"
        )

    from cspr.mail import admin_routes, cli, notify, reset_routes, sender
    from cspr.signals import case_changed

    sender.mail.init_app(app)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    case_changed.connect(notify.on_case_change)
    app.register_blueprint(admin_routes.bp)
    app.register_blueprint(reset_routes.bp)
    cli.init_app(app)

    if app.config["MAIL_BACKGROUND"] and not app.testing:
        # Started by the first request the server handles, so that one-off `flask ...`
        # commands and apps built in tests never start a thread; cron's `mail send` covers
        # the time before that first request.
        @app.before_request
        def _start_background_sender() -> None:
            """Start this server process's sender if it is not running."""
            sender.ensure_background_sender(app)
