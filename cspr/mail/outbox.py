"""The durable outbox: every email is stored before any attempt to send it.

A message moves queued -> sending -> sent, or back to queued with a later retry time,
or to failed after too many attempts. A sender claims one message at a time with the
store's atomic update, under its cross-process lock, and holds it for a lease: two
senders (the server's thread and `flask mail send` from cron) never both claim it.

Delivery guarantee: at most once between live senders; after a sender *crashes* while
holding a claim, the expired lease lets another sender try again. A crash in the short
moment between the mail server accepting a message and the store recording it as sent
can therefore send it twice (at-least-once for crashes). Losing a deadline reminder is
worse than a repeated one, so we accept that window and keep it to one durable write;
the repeat carries the same Message-ID so mail clients can fold the two together.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from cspr.mail import held_links
from cspr.storage import get_store, transactional, within_transaction

OUTBOX = "mail_outbox"
KEYS = "mail_keys"
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = {QUEUED: "Queued", SENDING: "Sending", SENT: "Sent", FAILED: "Failed"}
CRASHED_SENDER = "A sender stopped while sending this message; it may have arrived already"
# A key whose messages are still being queued this long after it was recorded was left by a
# run that stopped part-way; the next run finishes it.
STALE_KEY_SECONDS = 60.0
# Wakes this process's background sender as soon as a message is queued.
queued_event = threading.Event()


class _NotClaimable(Exception):
    """The message is not ready, or another sender holds it: leave it untouched."""


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: an account's id, address and name."""

    user_id: str
    email: str
    name: str


def sender_identity() -> str:
    """Name this sender (host, process, thread) for claims and the admin page."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def message_id_for(key: str, user_id: str) -> str:
    """Return the stored id of a keyed message, the same however often it is queued."""
    return "m-" + hashlib.sha256(f"{key}|{user_id}".encode()).hexdigest()[:40]


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Return the wait before the next try after `attempts` failures: doubling, capped."""
    if attempts < 1:
        return 0.0
    return float(min(cap, base * (2 ** (attempts - 1))))


def backoff_schedule(max_attempts: int, base: float, cap: float) -> list[float]:
    """Return the waits between tries, for the admin page and the tests."""
    return [backoff_seconds(n, base, cap) for n in range(1, max_attempts)]


def _config(name: str) -> Any:
    """Read one mail setting from the app's configuration."""
    return current_app.config[name]


def _new_message(
    recipient: Recipient,
    kind: str,
    subject: str,
    body: str,
    key: str | None,
    reference: str,
    link_held_until: float | None,
) -> dict[str, Any]:
    """Build an outbox document, ready to send now."""
    doc: dict[str, Any] = {
        "kind": kind,
        "key": key,
        "reference": reference,
        "to": recipient.email,
        "user_id": recipient.user_id,
        "subject": subject,
        "body": body,
        "status": QUEUED,
        "attempts": 0,
        "last_error": None,
        "next_attempt_at": time.time(),
        "lease_until": None,
        "claimed_by": None,
        "sent_at": None,
        # A password reset email's link waits in the memory of the process that made it
        # (held_links) until this time, so the stored body never holds a usable link.
        "link_held_until": link_held_until,
    }
    if key:
        doc["id"] = message_id_for(key, recipient.user_id)
    return doc


def queue(
    recipient: Recipient,
    kind: str,
    subject: str,
    body: str,
    key: str | None = None,
    reference: str = "",
    link_held_until: float | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    """Store one message to be sent; a keyed message already stored is returned as it is."""
    store = get_store()
    doc = _new_message(recipient, kind, subject, body, key, reference, link_held_until)
    if message_id and not key:
        doc["id"] = message_id
    with store.transaction():
        if key:
            existing = store.get(OUTBOX, doc["id"])
            if existing is not None:
                return existing
        stored = store.insert(OUTBOX, doc)
        store.after_commit(queued_event.set)  # wake the sender once the message is saved
        return stored


def record_key(key: str, kind: str) -> bool:
    """Record an idempotency key before queuing; False when it was fully handled before."""
    store = get_store()
    with store.transaction():
        found = store.get(KEYS, key)
        if found is None:
            store.insert(KEYS, {"id": key, "kind": kind, "status": "queuing", "at": time.time()})
            return True
        if found.get("status") == "queued":
            return False
        # "queuing": a key left by an earlier version that stopped half way (dispatch now
        # records the key and its messages in one transaction). Keyed message ids make a
        # second queuing harmless, so finish what it started.
        return time.time() - float(found.get("at", 0)) > STALE_KEY_SECONDS


@within_transaction
def finish_key(key: str, message_ids: list[str]) -> None:
    """Mark a key's messages as all queued."""
    get_store().update(KEYS, key, {"status": "queued", "messages": message_ids})


def dispatch(
    key: str,
    kind: str,
    recipients: list[Recipient],
    render: Callable[[Recipient], tuple[str, str]],
    reference: str = "",
) -> list[str]:
    """Queue one message per recipient for an event, once however often it is seen; new ids."""
    # With nobody to tell, record nothing: a reminder can still reach someone added later.
    if not recipients:
        return []
    store = get_store()
    # The key, the messages and the key's "queued" mark land together, or not at all.
    with store.transaction():
        if not record_key(key, kind):
            return []
        ids = [message_id_for(key, r.user_id) for r in recipients]
        docs: list[Mapping[str, Any]] = [
            _new_message(r, kind, *render(r), key, reference, None)
            for r, message_id in zip(recipients, ids, strict=True)
            if store.get(OUTBOX, message_id) is None
        ]
        store.insert_many(OUTBOX, docs)
        finish_key(key, ids)
        store.after_commit(queued_event.set)
        return [doc["id"] for doc in docs]


# --- Claiming and recording the outcome -------------------------------------------------------


def is_due(message: dict[str, Any], now: float, retry_now: bool = False) -> bool:
    """Say whether a message could be claimed now (read without the lock; claim re-checks)."""
    held_until = message.get("link_held_until")
    if held_until and now < float(held_until) and not held_links.holds(message["id"]):
        return False  # its link lives in another process's memory: only that one can send it
    if message["status"] == QUEUED:
        return retry_now or float(message["next_attempt_at"]) <= now
    if message["status"] == SENDING:
        return float(message.get("lease_until") or 0) <= now
    return False


def claim(message_id: str, sender: str, retry_now: bool = False) -> dict[str, Any] | None:
    """Take a message for sending, atomically; None if it is not due or someone holds it."""
    lease = float(_config("MAIL_LEASE_SECONDS"))

    def take(doc: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        if not is_due(doc, now, retry_now):
            raise _NotClaimable
        if doc["status"] == SENDING:
            # The sender holding it stopped: it may or may not have reached the server.
            doc["last_error"] = CRASHED_SENDER
            doc["recovered"] = int(doc.get("recovered", 0)) + 1
        doc.update(
            status=SENDING,
            claimed_by=sender,
            lease_until=now + lease,
            attempts=int(doc.get("attempts", 0)) + 1,
            last_attempt_at=now,
        )
        return doc

    try:
        return get_store().update(OUTBOX, message_id, take)
    except _NotClaimable:
        return None


@transactional
def mark_sent(message_id: str) -> None:
    """Record that the mail server accepted the message (one durable write, done at once)."""

    get_store().update(
        OUTBOX,
        message_id,
        {"status": SENT, "sent_at": time.time(), "lease_until": None, "last_error": None},
    )


def mark_failed(message_id: str, sender: str, error: str, permanent: bool = False) -> str:
    """Record a failed try: retry later with a longer wait, or give up; return the status."""
    max_attempts = int(_config("MAIL_MAX_ATTEMPTS"))
    base = float(_config("MAIL_RETRY_BASE_SECONDS"))
    cap = float(_config("MAIL_RETRY_MAX_SECONDS"))
    outcome = {"status": ""}

    def record(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] != SENDING or doc.get("claimed_by") != sender:
            raise _NotClaimable  # our lease ran out and another sender took over
        attempts = int(doc.get("attempts", 0))
        doc["last_error"] = error[:500]
        doc["lease_until"] = None
        if permanent or attempts >= max_attempts:
            doc["status"] = FAILED
        else:
            doc["status"] = QUEUED
            doc["next_attempt_at"] = time.time() + backoff_seconds(attempts, base, cap)
        outcome["status"] = doc["status"]
        return doc

    try:
        get_store().update(OUTBOX, message_id, record)
    except _NotClaimable:
        return SENDING
    return outcome["status"]


def retry(message_id: str) -> dict[str, Any]:
    """Put a failed message back in the queue, to be tried again now."""

    def again(doc: dict[str, Any]) -> dict[str, Any]:
        if doc["status"] != FAILED:
            raise _NotClaimable
        doc.update(status=QUEUED, attempts=0, next_attempt_at=time.time(), lease_until=None)
        return doc

    try:
        updated = get_store().update(OUTBOX, message_id, again)
    except _NotClaimable:
        found = get_store().get(OUTBOX, message_id)
        assert found is not None
        return found
    queued_event.set()
    return updated


# --- Reading -------------------------------------------------------------------------------


def due_ids(retry_now: bool = False) -> list[str]:
    """Return the ids of messages that could be sent now, oldest first."""
    now = time.time()
    found = get_store().find(
        OUTBOX, predicate=lambda m: is_due(m, now, retry_now), order_by="created_at"
    )
    return [m["id"] for m in found]


def list_messages(status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Return messages for the admin page, newest first, optionally of one status."""
    where = {"status": status} if status in STATUSES else None
    return get_store().find(OUTBOX, where=where, order_by="created_at", reverse=True, limit=limit)


def counts() -> dict[str, int]:
    """Count messages in each status."""
    store = get_store()
    return {status: store.count(OUTBOX, {"status": status}) for status in STATUSES}


def get_message(message_id: str) -> dict[str, Any] | None:
    """Return one stored message."""
    return get_store().get(OUTBOX, message_id)
