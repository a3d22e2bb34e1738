"""Append-only, hash-chained audit trail of who did what to case data, and when."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import StoreError
from .fsutil import FILE_MODE, fsync_dir
from .ids import utc_now
from .memory import clone

GENESIS_HASH = "0" * 64
AUDIT_FILE = "audit.jsonl"
AUDIT_LOCK_FILE = "audit.lock"
_TAIL_WINDOW = 65536


def canonical(entry: dict[str, Any]) -> bytes:
    """Return the one canonical JSON encoding of an entry: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    """Return the SHA-256 of an entry's canonical JSON, its own hash field left out."""
    return hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


@dataclass
class AuditVerification:
    """The result of checking the hash chain."""

    ok: bool
    checked: int
    first_broken: int | None
    reason: str


class AuditLog:
    """The audit trail file: fsync'd appends under a lock, lazy in-memory copy for queries."""

    def __init__(self, directory: Path, lock_timeout: float) -> None:
        self.path = directory / AUDIT_FILE
        self._lock_timeout = lock_timeout
        self._file_lock = FileLock(
            directory / AUDIT_LOCK_FILE, timeout=lock_timeout, mode=FILE_MODE, poll_interval=0.001
        )
        self.thread_lock = threading.RLock()
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        existed = self.path.exists()
        self._fd = os.open(self.path, flags, FILE_MODE)
        if not existed:
            fsync_dir(directory)
        # Where the next entry goes and what it must point back to.
        self._end = 0
        self._last_seq = 0
        self._last_hash = GENESIS_HASH
        self._entries: list[dict[str, Any]] = []
        self._entries_end = 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process audit lock, then the thread lock (see DurableTables.locked)."""
        with self.file_locked(), self.thread_lock:
            yield

    @contextmanager
    def file_locked(self) -> Iterator[None]:
        """Hold only the cross-process audit lock (a backup does, so readers carry on)."""
        try:
            self._file_lock.acquire()
        except Timeout as exc:
            raise StoreError(
                "The audit trail is busy: another process has held its lock for over "
                f"{self._lock_timeout:g} seconds. Try again in a moment."
            ) from exc
        try:
            yield
        finally:
            self._file_lock.release()

    def close(self) -> None:
        """Close the file."""
        with self.thread_lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def _fd_open(self) -> int:
        if self._fd < 0:
            raise StoreError("The data store is closed.")
        return self._fd

    def _find_tail(self) -> None:
        """Find where the next entry goes and the last entry it follows, reading from the end."""
        fd = self._fd_open()
        size = os.fstat(fd).st_size
        if size == self._end and size > 0:
            return  # nobody appended since our last entry (appends only grow the file)
        window = _TAIL_WINDOW
        while True:
            start = max(0, size - window)
            data = os.pread(fd, size - start, start)
            # Only an unfinished last line (no newline) is dropped: a whole line that is not
            # valid stays where it is, for verify() to report.
            self._end = start + data.rfind(b"\n") + 1 if b"\n" in data else start
            end = data.rfind(b"\n")
            while end >= 0:
                begin = data.rfind(b"\n", 0, end) + 1
                if begin == 0 and start > 0:
                    break  # the line may start before our window: widen it
                entry = _parse(data[begin:end])
                if entry is not None and isinstance(entry.get("seq"), int):
                    self._last_seq, self._last_hash = entry["seq"], str(entry.get("hash"))
                    return
                end = begin - 1
            if start == 0:
                self._last_seq, self._last_hash = 0, GENESIS_HASH
                return
            window *= 4

    def append(
        self,
        action: str,
        object_type: str,
        object_id: str | None = None,
        user: str | None = None,
        client: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record one action durably and return the entry as written."""
        if not action or not isinstance(action, str):
            raise StoreError("An audit entry needs an action.")
        if not object_type or not isinstance(object_type, str):
            raise StoreError("An audit entry needs an object type.")
        with self.locked():
            self._find_tail()
            entry: dict[str, Any] = {
                "seq": self._last_seq + 1,
                "at": utc_now(),
                "user": user,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "client": client,
                "details": details or {},
                "prev": self._last_hash,
            }
            try:
                entry["hash"] = entry_hash(entry)
                line = canonical(entry) + b"\n"
            except (TypeError, ValueError) as exc:
                raise StoreError(f"The audit details cannot be saved: {exc}") from exc
            fd = self._fd_open()
            try:
                # Bytes past the last whole line are a torn line from a killed writer.
                os.ftruncate(fd, self._end)
                os.write(fd, line)
                os.fdatasync(fd)
            except OSError as exc:
                raise StoreError(f"Could not save to {self.path}: {exc.strerror}") from exc
            self._end += len(line)
            self._last_seq, self._last_hash = entry["seq"], entry["hash"]
            return clone(entry)

    def _refresh(self) -> None:
        """Read entries appended since we last looked (ours or other processes')."""
        fd = self._fd_open()
        size = os.fstat(fd).st_size
        if size < self._entries_end:
            self._entries, self._entries_end = [], 0  # a torn tail was cut: read afresh
        if size == self._entries_end:
            return
        data = os.pread(fd, size - self._entries_end, self._entries_end)
        whole = data.rfind(b"\n") + 1
        for line in data[:whole].splitlines():
            entry = _parse(line)
            if entry is not None:  # damaged lines are verify()'s business, not the list's
                self._entries.append(entry)
        self._entries_end += whole

    @staticmethod
    def _matches(entry: dict[str, Any], equal: dict[str, Any], since: str | None,
                 until: str | None) -> bool:
        if any(entry.get(key) != value for key, value in equal.items()):
            return False
        at = str(entry.get("at", ""))
        return (since is None or at >= since) and (until is None or at < until)

    def _select(self, user: str | None, action: str | None, object_type: str | None,
                object_id: str | None, since: str | None, until: str | None,
                newest_first: bool) -> Iterator[dict[str, Any]]:
        pairs = {"user": user, "action": action, "object_type": object_type,
                 "object_id": object_id}
        equal = {key: value for key, value in pairs.items() if value is not None}
        self._refresh()
        entries = reversed(self._entries) if newest_first else iter(self._entries)
        return (entry for entry in entries if self._matches(entry, equal, since, until))

    def entries(
        self,
        user: str | None = None,
        action: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = 200,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[dict[str, Any]]:
        """Return matching entries; since <= at < until, compared as ISO 8601 text."""
        with self.thread_lock:
            found: list[dict[str, Any]] = []
            for number, entry in enumerate(
                self._select(user, action, object_type, object_id, since, until, newest_first)
            ):
                if number < offset:
                    continue
                if limit is not None and len(found) >= limit:
                    break
                found.append(clone(entry))
            return found

    def count(
        self,
        user: str | None = None,
        action: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> int:
        """Count matching entries."""
        with self.thread_lock:
            selected = self._select(user, action, object_type, object_id, since, until, False)
            return sum(1 for _ in selected)

    def verify(self) -> AuditVerification:
        """Re-read the file from disk and check every entry's hash and link to the one before."""
        previous = GENESIS_HASH
        checked = 0
        with open(self.path, "rb") as handle:
            for raw in handle:
                expected = checked + 1
                if not raw.endswith(b"\n"):
                    break  # an unfinished last line was never acknowledged: not part of the chain
                entry = _parse(raw)
                reason = self._problem(entry, expected, previous)
                if reason:
                    return AuditVerification(False, checked, expected, reason)
                assert entry is not None  # nosec B101  # _problem rejects None
                previous = str(entry["hash"])
                checked += 1
        return AuditVerification(True, checked, None, f"{checked} entries checked")

    @staticmethod
    def _problem(entry: dict[str, Any] | None, expected: int, previous: str) -> str:
        if entry is None:
            return f"entry {expected} is not readable"
        if entry.get("seq") != expected:
            return f"entry {expected} has sequence number {entry.get('seq')!r}"
        if entry.get("prev") != previous:
            return f"entry {expected} does not follow on from entry {expected - 1}"
        try:
            if entry_hash(entry) != entry.get("hash"):
                return f"entry {expected} has been changed since it was written"
        except (TypeError, ValueError):
            return f"entry {expected} is not readable"
        return ""
