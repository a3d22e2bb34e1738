"""The home page, static information pages and what every page template needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import (
    ADMIN,
    AGENCY_USER,
    BUSINESS_UNIT,
    CHAIR,
    PARTNER,
    ROLES,
    current_user,
    login_required,
)
from cspr.security import csp_nonce

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    """Show the signed-in user's starting page."""
    user = current_user()
    assert user is not None
    from cspr.formengine.operations import drafts_of
    from cspr.formengine.registry import load_errors

    return render_template(
        "home.html",
        title="Home",
        role_name=ROLES.get(user["role"], ""),
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


def navigation_items() -> list[dict[str, Any]]:
    """Return the service navigation links the signed-in user may use."""
    user = current_user()
    if user is None:
        return []
    items = [("Home", url_for("main.home"), "main."), ("Forms", url_for("forms.index"), "forms.")]
    if user["role"] in (BUSINESS_UNIT, PARTNER, CHAIR, AGENCY_USER):
        items.append(("Cases", url_for("cases.register"), "cases.register"))
    if user["role"] in (BUSINESS_UNIT, PARTNER, CHAIR):
        items.append(("Deadlines", url_for("cases.dashboard"), "cases.dashboard"))
    items.append(("Deadline calculator", url_for("clock.calculator"), "clock.calculator"))
    if user["role"] in (BUSINESS_UNIT, PARTNER, CHAIR, AGENCY_USER):
        items.append(("Exports", url_for("exports.index"), "exports."))
    if user["role"] == ADMIN:
        items.append(("Users", url_for("admin.users"), "admin.user"))
        items.append(("Agencies", url_for("admin.agencies"), "admin.agenc"))
        items.append(("Form builder", url_for("builder.index"), "builder."))
        items.append(("Closure days", url_for("clock.closure_days"), "clock.closure"))
        items.append(("Document templates", url_for("doc_templates.index"), "doc_templates."))
        items.append(("Email", url_for("mail_admin.email"), "mail_admin.email"))
        items.append(("Settings", url_for("mail_admin.settings"), "mail_admin.settings"))
    if user["role"] in (ADMIN, CHAIR):
        items.append(("Audit trail", url_for("audit_trail.trail"), "audit_trail."))
    items.append(("Your password", url_for("auth.change_password"), "auth.change_password"))
    endpoint = request.endpoint or ""
    return [
        {"text": text, "href": href, "active": endpoint.startswith(prefix)}
        for text, href, prefix in items
    ]


def page_context() -> dict[str, Any]:
    """Give every template the user, the navigation and the CSP nonce."""
    return {
        "current_user": current_user(),
        "navigation_items": navigation_items(),
        "cspNonce": csp_nonce(),
    }


def init_app(app: Flask) -> None:
    """Register the pages and the template context."""
    app.register_blueprint(bp)
    app.context_processor(page_context)
