"""Password reset links that exist only in this process's memory until they are emailed.

A reset link is a random token. The store keeps only its hash, and the outbox keeps the
email with a placeholder where the link goes, so a copy of the data directory (secret key
included) holds nothing from which a working link can be made. The token waits here, in
the memory of the server process that made it, until that process's sender has emailed it
once; then it is forgotten. If the process stops first, the link is lost and the person
asks for a new one: a lost email is a nuisance, a leaked link is a break-in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_held: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()
# Other kinds of email carrying a held link (invitations to contributors): the placeholder in
# the stored body, and how to write the link from the token. Password resets are the default.
_writers: dict[str, tuple[str, Callable[[str], str]]] = {}


def register_link(kind: str, placeholder: str, write: Callable[[str], str]) -> None:
    """Say how a kind of email writes its held link in place of its placeholder."""
    _writers[kind] = (placeholder, write)


def link_writer(kind: str) -> tuple[str, Callable[[str], str]] | None:
    """Return the placeholder and link writer of a kind of email, if it registered one."""
    return _writers.get(kind)


def hold(message_id: str, token: str, until: float) -> None:
    """Keep a message's token in memory until it is sent or `until` passes."""
    with _lock:
        now = time.time()
        for stale in [key for key, (_, ends) in _held.items() if ends <= now]:
            del _held[stale]
        _held[message_id] = (token, until)


def token_for(message_id: str) -> str | None:
    """Return the token waiting for a message, if this process still holds a live one."""
    with _lock:
        found = _held.get(message_id)
    if found is None or found[1] <= time.time():
        return None
    return found[0]


def holds(message_id: str) -> bool:
    """Say whether this process holds a live token for the message."""
    return token_for(message_id) is not None


def forget(message_id: str) -> None:
    """Drop a message's token: it has been emailed once, or can never be."""
    with _lock:
        _held.pop(message_id, None)
