"""The home page, static information pages and what every page template needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask.typing import ResponseReturnValue

from cspr.auth.roles import ADMIN, ROLES, current_user, login_required, role_names
from cspr.main.navigation import service_navigation
from cspr.security import csp_nonce
from cspr.signals import waiting_for
from cspr.timeutil import uk_today

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    """Show the signed-in user's starting page."""
    user = current_user()
    assert user is not None
    from cspr.formengine.operations import drafts_of
    from cspr.formengine.registry import load_errors

    today = uk_today()
    items = [item for _, found in waiting_for.send(user, today=today) for item in found or []]
    return render_template(
        "home.html",
        title="Home",
        role_name=ROLES.get(user["role"], ""),
        waiting=sorted(items, key=lambda item: item.sort_key()),
        drafts=drafts_of(user),
        form_problems=load_errors() if user["role"] == ADMIN else [],
    )


@bp.route("/privacy")
def privacy() -> ResponseReturnValue:
    """Explain how personal data is handled."""
    return render_template("privacy.html", title="Privacy")


@bp.route("/accessibility")
def accessibility() -> ResponseReturnValue:
    """State the service's accessibility commitments."""
    return render_template("accessibility.html", title="Accessibility")


def page_context() -> dict[str, Any]:
    """Give every template the user, the navigation and the CSP nonce."""
    return {
        "current_user": current_user(),
        "service_navigation": service_navigation,
        "cspNonce": csp_nonce(),
    }


def init_app(app: Flask) -> None:
    """Register the pages and the template context."""
    app.register_blueprint(bp)
    app.context_processor(page_context)
    app.add_template_filter(role_names)
