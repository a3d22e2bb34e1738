"""Audit trail pages (thin): read the filters, call the verb, show the page or the file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from cspr.audit_trail import operations
from cspr.audit_trail.filters import TrailFilters, read_filters
from cspr.auth.roles import ADMIN, CHAIR, current_user, roles_required
from cspr.exceptions import Refused
from cspr.exports.routes import deliver

bp = Blueprint("audit_trail", __name__)


def _viewer() -> dict[str, Any]:
    """Return the signed-in reader of the trail."""
    user = current_user()
    assert user is not None  # nosec B101  # roles_required ran first
    return user


def _page_number() -> int:
    """Return the page asked for, from 1."""
    return max(1, request.values.get("page", 1, type=int) or 1)


def _show(filters: TrailFilters, page: int, status: int = 200) -> ResponseReturnValue:
    """Show a page of the filtered trail (with the filters' problems, if any)."""
    found = operations.read_trail(_viewer(), filters, page)
    return render_template(
        "audit/trail.html", title="Audit trail", found=found, filters=filters,
        answers=filters.answers, chosen=filters.text, query=filters.query(),
        rows=list(zip(found.entries, found.links, strict=True)),
    ), status  # fmt: skip


@bp.get("/audit")
@roles_required(ADMIN, CHAIR)
def trail() -> ResponseReturnValue:
    """List audit entries, newest first, filtered by who, what, object, case and dates."""
    return _show(read_filters(request.args), _page_number())


@bp.post("/audit/export")
@roles_required(ADMIN, CHAIR)
def export() -> ResponseReturnValue:
    """Download the filtered trail as CSV or XLSX."""
    filters = read_filters(request.form)
    try:
        made = operations.export_trail(_viewer(), filters, request.form.get("format", ""))
    except Refused as refused:
        if not filters.errors:
            filters.answers.refuse(refused)
        return _show(filters, 1)
    # Only administrators and the chair export the trail, and neither may see background
    # export jobs' pages: the file is made while they wait.
    return deliver(_viewer(), made, background=False)
