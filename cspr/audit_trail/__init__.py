"""The audit trail page: admins and the chair read and filter every recorded action."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Flask, render_template, request
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.auth.roles import ADMIN, CHAIR, roles_required
from cspr.storage import get_store

bp = Blueprint("audit_trail", __name__)
PAGE_SIZE = 50
FILTERS = ("user", "action", "object_type", "object_id")


def _day(text: str) -> date | None:
    """Read a YYYY-MM-DD filter, ignoring anything else."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@bp.route("/audit")
@roles_required(ADMIN, CHAIR)
def trail() -> ResponseReturnValue:
    """List audit entries, newest first, filtered by user, action, object and dates."""
    chosen = {key: request.args.get(key, "").strip() for key in FILTERS}
    filters: dict[str, str | None] = {k: (v or None) for k, v in chosen.items()}
    since_day, until_day = _day(request.args.get("since", "")), _day(request.args.get("until", ""))
    since = since_day.isoformat() if since_day else None
    until = (until_day + timedelta(days=1)).isoformat() if until_day else None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    log = get_store().audit
    where = {
        "user": filters["user"],
        "action": filters["action"],
        "object_type": filters["object_type"],
        "object_id": filters["object_id"],
        "since": since,
        "until": until,
    }
    total = log.count(**where)
    entries = log.entries(
        filters["user"],
        filters["action"],
        filters["object_type"],
        filters["object_id"],
        since,
        until,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    audit.record("view", "audit_trail", details={k: v for k, v in chosen.items() if v})
    return render_template(
        "audit/trail.html",
        title="Audit trail",
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        chosen=chosen,
        since=request.args.get("since", ""),
        until=request.args.get("until", ""),
    )


def init_app(app: Flask) -> None:
    """Register the audit trail page."""
    app.register_blueprint(bp)
