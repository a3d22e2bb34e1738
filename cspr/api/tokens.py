"""Bearer tokens for the JSON API: created and revoked on the command line, stored as hashes."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from cspr import audit
from cspr.exceptions import Refused
from cspr.storage import get_store, transactional

TABLE = "api_tokens"
PREFIX = "cspr_"


def _hash(token: str) -> str:
    """Keep only a hash, so a copy of the data directory holds no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transactional
def create_token(email: str, label: str = "") -> tuple[str, dict[str, Any]]:
    """Make a token for the user with this email; return the token and its record."""
    store = get_store()
    user = store.find_one("users", {"email": email.strip().lower()})
    if user is None:
        raise Refused(f"There is no account for {email}")
    if user.get("disabled"):
        raise Refused(f"The account for {email} is disabled")
    token = PREFIX + secrets.token_urlsafe(32)
    record = store.insert(
        TABLE,
        {
            "id": _hash(token),
            "short_id": _hash(token)[:12],
            "user_id": user["id"],
            "label": label,
            "revoked": False,
        },
    )
    audit.record("create", "api_token", record["short_id"], details={"email": user["email"]})
    return token, record


@transactional
def revoke_token(token_or_id: str) -> dict[str, Any]:
    """Revoke a token, given the token itself or the short id that `tokens list` shows."""
    store = get_store()
    key = token_or_id.strip()
    record = store.get(TABLE, _hash(key)) or store.find_one(TABLE, {"short_id": key})
    if record is None:
        raise Refused("No token matches that value or id")
    updated = store.update(TABLE, record["id"], {"revoked": True})
    audit.record("revoke", "api_token", record["short_id"])
    return updated


def list_tokens() -> list[dict[str, Any]]:
    """Return every token record with its user's email, newest first."""
    store = get_store()
    tokens = store.find(TABLE, order_by="created_at", reverse=True)
    for record in tokens:
        user = store.get("users", record["user_id"])
        record["email"] = user["email"] if user else "(deleted user)"
    return tokens


def user_for_token(token: str) -> dict[str, Any] | None:
    """Return the active user a presented token belongs to, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    store = get_store()
    record = store.get(TABLE, _hash(token))
    if record is None or record.get("revoked"):
        return None
    user = store.get("users", record["user_id"])
    if user is None or user.get("disabled"):
        return None
    return user
