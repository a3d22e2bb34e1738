"""Write audit entries with the acting user and client address filled in."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from cspr.storage import get_store


def actor_label(user: dict[str, Any] | None) -> str | None:
    """Return how an acting user is named in the audit trail."""
    return user["email"] if user else None


def record(
    action: str,
    object_type: str,
    object_id: str | None = None,
    details: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the tamper-evident audit trail."""
    if has_request_context():
        acting = user or g.get("user")
        client = request.remote_addr or "unknown"
    else:
        acting = user
        client = "command line"
    get_store().audit.append(
        action=action,
        object_type=object_type,
        object_id=object_id,
        user=actor_label(acting)
        if acting
        else ("command line" if client == "command line" else None),
        client=client,
        details=details,
    )
