"""Append-only, hash-chained audit trail of who did what to case data, and when."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError
from .fsutil import FILE_MODE, fsync_dir
from .ids import utc_now
from .journal import Journal, scan_lines
from .memory import clone

GENESIS_HASH = "0" * 64
AUDIT_FILE = "audit.jsonl"
AUDIT_TABLE = "_audit"  # the store's record of the trail's newest entry
AUDIT_HEAD = "head"
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
    """The audit trail file: a copy of the entries the journal commits, read for queries."""

    # Entries are written into the store's journal, in the same record as the change they
    # describe (see DurableTables._commit); this file is then appended to, and completed from
    # the journal if an append was lost. The store keeps the newest entry's number and hash
    # (its head), so a trail cut short is noticed.

    def __init__(self, directory: Path, lock_timeout: float) -> None:
        self.path = directory / AUDIT_FILE
        self.thread_lock = threading.RLock()
        self._core: Any = None  # the DurableTables whose transactions carry our entries
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

    def attach(self, core: Any) -> None:
        """Write entries through this store core's transactions."""
        self._core = core
        core.attach_audit(self)

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

    def tail(self) -> tuple[int, str]:
        """Return the number and hash of the last whole entry in the file."""
        with self.thread_lock:
            self._find_tail()
            return self._last_seq, self._last_hash

    def append(
        self,
        action: str,
        object_type: str,
        object_id: str | None = None,
        user: str | None = None,
        client: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Record one action, in the open transaction if there is one; return the entry."""
        if not action or not isinstance(action, str):
            raise StoreError("An audit entry needs an action.")
        if not object_type or not isinstance(object_type, str):
            raise StoreError("An audit entry needs an object type.")
        draft: dict[str, Any] = {
            "at": utc_now(),
            "user": user,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "client": client,
            "details": details or {},
        }
        try:
            canonical(draft)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"The audit details cannot be saved: {exc}") from exc
        if self._core is None:
            raise StoreError("The audit trail is not open.")
        with self._core.transaction() as tx:
            tx.audit.append(draft)
        return clone(draft)  # numbered and hashed once its transaction has committed

    @staticmethod
    def chain(drafts: list[dict[str, Any]], head: tuple[int, str]) -> list[dict[str, Any]]:
        """Number and hash drafts to follow head; the drafts are filled in too."""
        seq, previous = head
        entries = []
        for draft in drafts:
            seq += 1
            draft.update(seq=seq, prev=previous)
            draft.pop("hash", None)
            draft["hash"] = previous = entry_hash(draft)
            entries.append(dict(draft))
        return entries

    def write_entries(self, entries: list[dict[str, Any]], sync: bool, quiet: bool) -> None:
        """Append whole entries to the file (caller holds the store's write lock)."""
        with self.thread_lock:
            fd = self._fd_open()
            self._find_tail()
            data = b"".join(canonical(entry) + b"\n" for entry in entries)
            try:
                # Bytes past the last whole line are a torn line from a killed writer.
                os.ftruncate(fd, self._end)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                if sync:
                    os.fdatasync(fd)
            except OSError as exc:
                self._end = -1  # look again next time
                if quiet:
                    return  # the journal holds the entries; catch_up writes them later
                raise StoreError(f"Could not save to {self.path}: {exc.strerror}") from exc
            if entries:
                self._end += len(data)
                self._last_seq, self._last_hash = entries[-1]["seq"], entries[-1]["hash"]

    def catch_up(
        self, head: tuple[int, str], journal: Journal, sync: bool = False, quiet: bool = False
    ) -> None:
        """Copy into the file the journal's entries that it lacks (caller holds the lock)."""
        last, _ = self.tail()
        missing: list[dict[str, Any]] = []
        if last < head[0]:
            data = journal.read_range(journal.header_end, journal.offset)
            for record in scan_lines(data, journal.path, 2).records:
                found = record.get("audit")
                if isinstance(found, list):
                    missing += [e for e in found if isinstance(e, dict) and e.get("seq", 0) > last]
            if not missing or missing[0].get("seq") != last + 1:
                missing = []  # cut short beyond what the journal holds: verify() reports it
        if missing or sync:
            self.write_entries(missing, sync=sync, quiet=quiet)

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

    def verify(
        self, head: tuple[int, str] | None = None, anchor: tuple[int, str] | None = None
    ) -> AuditVerification:
        """Check every entry's hash and link, and that the trail reaches head and anchor."""
        # head is what the data store records as the newest entry; anchor is a (seq, hash)
        # pair kept elsewhere, such as a backup's signed manifest. Either one notices a trail
        # whose newest entries were cut off, which the chain alone cannot.
        previous = GENESIS_HASH
        checked = 0
        anchored: str | None = None
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
                if anchor is not None and checked == anchor[0]:
                    anchored = previous
        for name, point in (("the data store", head), ("the backup", anchor)):
            if point is None:
                continue
            if checked < point[0]:
                cut = point[0] - checked
                return AuditVerification(
                    False, checked, checked + 1,
                    f"the trail ends at entry {checked}, but {name} records {point[0]} entries: "
                    f"the newest {cut} {'entry has' if cut == 1 else 'entries have'} been removed",
                )
            seen = anchored if point is anchor else previous if checked == point[0] else None
            if seen is not None and seen != point[1]:
                return AuditVerification(
                    False, checked, point[0],
                    f"entry {point[0]} is not the entry {name} records",
                )
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
