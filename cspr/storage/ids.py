"""Identifiers and timestamps that the store assigns."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

# Crockford's base32: no I, L, O or U, so ids survive being read aloud or typed.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last_ms = -1
_last_random = 0


def new_id() -> str:
    """Return a new 26-character ULID: sortable by creation time, unique across processes."""
    global _last_ms, _last_random
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= _last_ms:
            # Same millisecond (or the clock stepped back): count up so ids stay ordered.
            now_ms = _last_ms
            _last_random = (_last_random + 1) % (1 << 80)
        else:
            _last_random = int.from_bytes(os.urandom(10), "big")
        _last_ms = now_ms
        value = (now_ms << 80) | _last_random
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _forget_last_id() -> None:
    """Start a forked process's ids afresh, so they never follow on from its parent's."""
    global _last_ms
    _last_ms = -1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_last_id)


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
