"""Learning: reviews' recommendations as actions that agencies own, their evidence and
acceptance, and how the learning was shared; feeding cases, home pages, reminders and the
yearly figures."""

from __future__ import annotations

from flask import Flask

from cspr.signals import case_stages, reminders_wanted, waiting_for


def init_app(app: Flask) -> None:
    """Register the learning pages and connect learning to the case page, home page and mail."""
    from cspr.learning import hooks, routes, routes_actions  # noqa: F401 - routes_actions adds to bp

    app.register_blueprint(routes.bp)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    case_stages.connect(hooks.case_stage)
    waiting_for.connect(hooks.waiting)
    reminders_wanted.connect(hooks.overdue_reminders)
