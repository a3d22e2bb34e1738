"""The service navigation, rendered once per role and page rather than on every request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import get_template_attribute, request, url_for
from markupsafe import Markup

from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER, current_user

MACRO = "govuk_frontend_jinja/components/service-navigation/macro.html"
_END = "<!-- cspr: navigation end -->"  # where each page's own sign-out form goes
_END_SLOT = Markup(_END)  # nosec B704  # a constant
CASEWORK = (BUSINESS_UNIT, PARTNER, CHAIR, AGENCY_USER)
# An administrator's Settings link stands for these pages too (its page links to each).
SETTINGS_PAGES = ("mail_admin.settings", "clock.", "admin.decision_rules",
                  "admin.partnership_details", "requests.plan_settings")


def _links(role: str) -> list[tuple[str, str, str | tuple[str, ...]]]:
    """Return (text, endpoint, active-endpoint prefixes) for the links a role may use."""
    links: list[tuple[str, str, str | tuple[str, ...]]] = [("Home", "main.home", "main.")]
    if role == ADMIN:
        # One line at desktop width: the rest is listed on the home page and under Settings.
        return links + [
            ("Users", "admin.users", "admin.user"),
            ("Agencies", "admin.agencies", "admin.agenc"),
            ("Form builder", "builder.index", "builder."),
            ("Templates", "doc_templates.index", "doc_templates."),
            ("Email", "mail_admin.email", "mail_admin.email"),
            ("Settings", "mail_admin.settings", SETTINGS_PAGES),
            ("Audit trail", "audit_trail.trail", "audit_trail."),
        ]
    links.append(("Forms", "forms.index", "forms."))
    if role == AGENCY_USER:
        links.append(("Requests", "requests.agency_requests",
                      ("requests.agency_requests", "requests.respond")))
    if role in CASEWORK:
        links.append(("Cases", "cases.register", "cases.register"))
        links.append(("Actions", "learning.actions", "learning."))
    if role in (BUSINESS_UNIT, PARTNER, CHAIR):
        links.append(("Deadlines", "cases.dashboard", "cases.dashboard"))
    links.append(("Deadline calculator", "clock.calculator", "clock.calculator"))
    if role in CASEWORK:
        links.append(("Exports", "exports.index", "exports."))
    if role == CHAIR:
        links.append(("Audit trail", "audit_trail.trail", "audit_trail."))
    return links


def navigation_items(role: str, endpoint: str) -> list[dict[str, Any]]:
    """Return the service navigation links for a role, marking the current section."""
    return [
        {"text": text, "href": url_for(target), "active": endpoint.startswith(prefix)}
        for text, target, prefix in _links(role)
    ]


@lru_cache(maxsize=2048)
def _rendered(role: str, endpoint: str, script_root: str) -> str:
    """Render the GOV.UK service navigation for one role on one page (script_root: the key)."""
    macro = get_template_attribute(MACRO, "govukServiceNavigation")
    params = {"navigationLabel": "Main menu", "navigation": navigation_items(role, endpoint),
              "slots": {"navigationEnd": _END_SLOT}}
    return str(macro(params))


def service_navigation(end: str) -> Markup:
    """Return the signed-in user's navigation, with `end` (the sign-out form) last."""
    user = current_user()
    if user is None:
        return Markup("")
    html = _rendered(str(user["role"]), request.endpoint or "", request.script_root)
    return Markup(html.replace(_END, str(end), 1))  # nosec B704  # both parts are escaped
