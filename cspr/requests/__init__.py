"""Information requests to agencies for a rapid review, invited contributors and the plan.

The business unit asks each agency involved for its summary; agency staff (invited by email
if they have no account) fill in the shipped agency summary form and send it; reminders
chase what is late. The partnership's rapid review plan sets milestones inside the 15 working
days, and after the review is sent the case waits for the Panel, whose questions are kept.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and connect requests to forms, cases, home pages and reminders."""
    from cspr.mail import held_links
    from cspr.requests import (  # noqa: F401 - add their pages
        hooks,
        invitations,
        milestones,
        notices,
        operations,
        routes_agency,
        routes_settings,
    )
    from cspr.requests.routes import bp
    from cspr.signals import (
        case_page_panels,
        case_targets,
        case_tasks,
        form_sent,
        reminders_due,
        waiting_for,
    )

    app.register_blueprint(bp)
    # Signals belong to the process, not the app; connecting the same function again is a no-op.
    form_sent.connect(operations.on_form_sent)
    case_tasks.connect(hooks.section_tasks)
    case_targets.connect(milestones.case_targets)
    waiting_for.connect(hooks.waiting)
    case_page_panels.connect(hooks.case_panel)
    reminders_due.connect(notices.run_reminders)
    held_links.register_link(invitations.KIND, invitations.LINK_PLACEHOLDER, invitations.link_for)
