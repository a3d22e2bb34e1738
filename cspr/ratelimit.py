"""Rate-limit counters kept in the data store, so every worker process counts the same hits."""

from __future__ import annotations

import hashlib
import time

from limits.storage import Storage

from cspr.storage import StoreError, get_store

SCHEME = "cspr"


def _key(key: str) -> str:
    """Store a hash of the limit's key: the key holds the client's address."""
    return "limit-" + hashlib.sha256(key.encode("utf-8")).hexdigest()


class StoreLimits(Storage):
    """A fixed-window counter store for flask-limiter, backed by the app's data store."""

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self) -> type[Exception]:
        """Errors the store raises."""
        return StoreError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count a hit in the key's window, starting a new window if the last one ended."""
        return get_store().count_in_window(_key(key), amount, float(expiry), time.time())

    def get(self, key: str) -> int:
        """Return the hits counted in the key's current window."""
        return get_store().window(_key(key), time.time())[0]

    def get_expiry(self, key: str) -> float:
        """Return when the key's window ends, as a Unix time."""
        return get_store().window(_key(key), time.time())[1]

    def check(self) -> bool:
        """Say the store is reachable: it is part of this process."""
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        get_store().clear_windows()
        return None

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        get_store().clear_windows(_key(key))
