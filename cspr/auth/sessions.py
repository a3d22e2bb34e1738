"""Server-side sign-in sessions: a registry that allows idle expiry and signing out everywhere."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from flask import Flask, current_app, g, request, session

from cspr.storage import NotFound, get_store, transactional

TABLE = "sessions"
PURGE_EVERY = 600.0  # seconds between a server process's sweeps of expired sessions
# The sweep leaves a day's grace, so someone coming back still gets "you were signed out".
SWEEP_GRACE = 86400.0
_last_purge = [0.0]  # when this process last swept (a list: assigned from a function)


def _key(token: str) -> str:
    """Store a hash of the token, so a copy of the data directory holds no live session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_seconds() -> float:
    """Return how long a session may sit idle before it ends."""
    return float(current_app.config["SESSION_IDLE_MINUTES"]) * 60


def start(user: dict[str, Any], client: str, user_agent: str) -> None:
    """Begin a fresh session for the user, discarding anything from before sign-in."""
    session.clear()
    token = secrets.token_urlsafe(32)
    _insert({
        "id": _key(token),
        "user_id": user["id"],
        "last_seen": time.time(),
        "client": client,
        "user_agent": user_agent[:200],
    })  # fmt: skip
    session["sid"] = token
    session["uid"] = user["id"]
    session.permanent = False


@transactional
def _insert(record: dict[str, Any]) -> None:
    """Store a new session."""
    get_store().insert(TABLE, record)


@transactional
def _forget(session_id: str) -> None:
    """Remove one session if it is still there (signed out or swept by another worker)."""
    store = get_store()
    if store.get(TABLE, session_id) is not None:
        store.delete(TABLE, session_id)


def end() -> None:
    """End the current session, here and in the registry."""
    token = session.get("sid")
    session.clear()
    if token:
        _forget(_key(token))


@transactional
def end_all(user_id: str, keep_current: bool = False) -> int:
    """End every session the user has (but this request's, if kept); return how many ended."""
    store = get_store()
    token = session.get("sid") if keep_current else None
    kept = _key(token) if token else None
    ended = 0
    for record in store.find(TABLE, where={"user_id": user_id}):
        if record["id"] != kept:
            store.delete(TABLE, record["id"])
            ended += 1
    return ended


def load_user() -> None:
    """Find the signed-in user for this request, ending idle or revoked sessions."""
    g.user = None
    if request.endpoint == "static" or request.blueprint == "api":
        return  # the API identifies callers by bearer token only; a cookie never counts there
    token = session.get("sid")
    if not token:
        return
    store = get_store()
    record = store.get(TABLE, _key(token))
    if record is None or record.get("user_id") != session.get("uid"):
        session.clear()
        g.session_ended = "revoked"
        return
    now = time.time()
    if now - float(record["last_seen"]) > idle_seconds():
        _forget(record["id"])
        session.clear()
        g.session_ended = "idle"
        return
    user = store.get("users", record["user_id"])
    if user is None or user.get("disabled"):
        _forget(record["id"])
        session.clear()
        return
    # Touch at most once a minute: enough for idle expiry without a write per request. The
    # newest time wins, computed under the lock from the session as stored.
    if now - float(record["last_seen"]) > min(60.0, idle_seconds() / 10):
        try:
            store.update(TABLE, record["id"],
                         lambda r: {**r, "last_seen": max(float(r["last_seen"]), now)})
        except NotFound:
            session.clear()  # ended by another request meanwhile
            return
    g.user = user


@transactional
def purge_expired(grace: float = 0.0) -> int:
    """Remove sessions idle past the limit (and `grace` seconds more); return how many went."""
    store = get_store()
    cutoff = time.time() - idle_seconds() - grace
    expired = store.find(TABLE, predicate=lambda r: float(r.get("last_seen", 0)) < cutoff)
    for record in expired:
        store.delete(TABLE, record["id"])
    return len(expired)


def purge_now_and_then() -> None:
    """Sweep expired sessions at most once every PURGE_EVERY seconds in each server process."""
    now = time.monotonic()
    if now - _last_purge[0] >= PURGE_EVERY:
        _last_purge[0] = now
        purge_expired(SWEEP_GRACE)


def init_app(app: Flask) -> None:
    """Load the signed-in user before every request, and sweep expired sessions now and then."""
    app.before_request(load_user)
    app.before_request(purge_now_and_then)
