"""Reset a forgotten password by email: a single-use link that expires.

Each link's token is random (the secrets module). Only its hash is stored; the token itself
waits in this process's memory (held_links) until the email carrying it is sent once, so
neither the reset records, the outbox nor the secret key let a copy of the data directory
make a working link. Using a link ends every session the account has. Asking for a link
gives the same answer, and does the same number of durable writes, whether or not the
address has an account, so neither the page nor its timing tells.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from cspr import audit
from cspr.auth import passwords, sessions
from cspr.auth.operations import USERS, clear_failures, normalise_email
from cspr.casework import clock
from cspr.exceptions import Refused
from cspr.mail import bodies, held_links, outbox
from cspr.mail.notify import absolute_url, base_values
from cspr.storage import NotFound, get_store, transactional, within_transaction
from cspr.timeutil import UK

RESETS = "password_resets"
LIMITS = "password_reset_limits"
LINK_PLACEHOLDER = "[password reset link]"
LINK_NOT_VALID = (
    "This link has expired or has already been used. Ask for a new link to reset your password"
)


class _Spent(Exception):
    """The link was used or expired while we looked."""


def token_hash(token: str) -> str:
    """Return the stored form of a token: a copy of the data holds no usable link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_for(token: str) -> str:
    """Return the full reset link for a token, for the sender to put in the email."""
    return absolute_url("password_reset.use_link", token=token)


@within_transaction
def _within_limit(email: str) -> bool:
    """Count a request for the address; False once it has had too many this hour."""
    store = get_store()
    key = hashlib.sha256(email.encode("utf-8")).hexdigest()
    limit = int(current_app.config["PASSWORD_RESET_PER_HOUR"])
    now = time.time()
    verdict = {"allowed": False}

    def bump(doc: dict[str, Any]) -> dict[str, Any]:
        recent = [t for t in doc.get("times", []) if now - float(t) < 3600]
        verdict["allowed"] = len(recent) < limit
        doc["times"] = [*recent, now][-limit:] if verdict["allowed"] else recent
        return doc

    current = store.get(LIMITS, key)
    if current is None:
        store.insert(LIMITS, bump({"id": key}))
    else:
        store.update(LIMITS, key, bump(current))
    return verdict["allowed"]


def _expiry_text(expires_at: float) -> str:
    """Write when a link stops working, in UK time, like 14:35 on Tuesday 5 January 2027."""
    moment = datetime.fromtimestamp(expires_at, UTC).astimezone(UK)
    return f"{moment:%H:%M} on {clock.long_date(moment.date())}"


@transactional
def request_reset(email: str) -> str | None:
    """Queue a reset link if the address has an active account; return its message id."""
    email = normalise_email(email)
    store = get_store()
    allowed = _within_limit(email)
    user = store.find_one(USERS, {"email": email})
    usable = user is not None and not user.get("disabled") and allowed
    token = secrets.token_urlsafe(32)
    expires_at = time.time() + 60 * float(current_app.config["PASSWORD_RESET_MINUTES"])
    record = store.insert(
        RESETS,
        {
            "id": token_hash(token),
            "user_id": user["id"] if usable and user else None,
            "expires_at": expires_at,
            "used_at": None,
        },
    )
    message_id: str | None = None
    if usable and user:
        recipient = outbox.Recipient(user["id"], user["email"], user.get("name") or email)
        values = {
            **base_values(recipient),
            "link": LINK_PLACEHOLDER,
            "deadline": _expiry_text(expires_at),
        }
        subject, body = bodies.compose("password_reset", values)
        # Held before it is queued, so this process's sender, woken by the queuing, finds it.
        message_id = "m-" + secrets.token_hex(20)
        held_links.hold(message_id, token, expires_at)
        try:
            with store.transaction():  # undone alone if queuing fails
                outbox.queue(recipient, "password_reset", subject, body,
                             link_held_until=expires_at, message_id=message_id)  # fmt: skip
        except Exception:
            held_links.forget(message_id)
            raise
    else:
        # The write a real request spends on queuing its email, so timing tells nothing.
        store.update(RESETS, record["id"], {"outcome": "not sent"})
    audit.record("password_reset_requested", "account", details={"email": email})
    return message_id


def user_for_token(token: str) -> dict[str, Any] | None:
    """Return the active account a link is for, if the link is still good."""
    if not token or len(token) > 200:
        return None
    record = get_store().get(RESETS, token_hash(token))
    if record is None or not record.get("user_id") or record.get("used_at"):
        return None
    if float(record["expires_at"]) <= time.time():
        return None
    user = get_store().get(USERS, record["user_id"])
    if user is None or user.get("disabled"):
        return None
    return user


def _spend(token: str) -> None:
    """Mark a link used, atomically: of two simultaneous uses only one gets through."""

    def use(record: dict[str, Any]) -> dict[str, Any]:
        if record.get("used_at") or float(record["expires_at"]) <= time.time():
            raise _Spent
        record["used_at"] = time.time()
        return record

    try:
        get_store().update(RESETS, token_hash(token), use)
    except (_Spent, NotFound):
        raise Refused(LINK_NOT_VALID, "new_password") from None


def complete_reset(token: str, new: str, confirm: str) -> dict[str, Any]:
    """Set a new password through a link, spend the link and end the account's sessions."""
    user = user_for_token(token)
    if user is None:
        raise Refused(LINK_NOT_VALID, "new_password")
    hashed = hash_new_password(user, new, confirm)
    with get_store().transaction():
        _finish_reset(token, user, hashed)
    return user


def hash_new_password(user: dict[str, Any], new: str, confirm: str) -> str:
    """Check a password chosen through a link and hash it (slowly: call it before any lock)."""
    problems = passwords.password_problems(
        new, user["email"], current_app.config["PARTNERSHIP_NAME"]
    )
    if problems:
        raise Refused(problems[0], "new_password")
    if new != confirm:
        raise Refused("The passwords do not match", "confirm_password")
    return passwords.hash_password(new)


@within_transaction
def set_password_from_link(user: dict[str, Any], hashed: str) -> int:
    """Set a password chosen through a link and end every session; return how many ended."""
    # Reset links and invitations to contributors (requests/invitations.py) both land here.
    get_store().update(USERS, user["id"], {"password_hash": hashed, "must_change_password": False})
    ended = sessions.end_all(user["id"])
    clear_failures(user["email"])
    return ended


@within_transaction
def _finish_reset(token: str, user: dict[str, Any], hashed: str) -> None:
    """Spend the link, set the password, end every session (in the caller's transaction)."""
    _spend(token)
    store = get_store()
    ended = set_password_from_link(user, hashed)
    # Any other link the person asked for stops working too.
    for other in store.find(RESETS, where={"user_id": user["id"], "used_at": None}):
        store.update(RESETS, other["id"], {"used_at": time.time(), "outcome": "superseded"})
    audit.record("password_reset", "user", user["id"], {"sessions_ended": ended}, user=user)
