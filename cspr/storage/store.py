"""The Store: the one way the application reads and writes its data."""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .audit import AuditLog, AuditVerification
from .durable import DurableTables, Op
from .errors import NotFound, StoreError
from .fsutil import FILE_MODE, make_private_dir
from .ids import new_id, utc_now
from .memory import Doc, clone

STORE_SUBDIR = "store"
OPEN_LOCK_FILE = "open.lock"
_TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,99}")
_SETTINGS = "_settings"
_COUNTERS = "_counters"
_WINDOWS = "_windows"
DEFAULT_LOCK_TIMEOUT = 120.0
DEFAULT_AUTO_COMPACT_BYTES = 32 * 1024 * 1024


def _check_table(table: str) -> str:
    if isinstance(table, str) and _TABLE_NAME.fullmatch(table):
        return table
    raise StoreError(
        f"{table!r} is not a valid table name: use letters, digits, '_', '.' or '-', "
        "starting with a letter."
    )


def _check_id(doc_id: Any) -> str:
    if isinstance(doc_id, str) and doc_id and len(doc_id) <= 200:
        return doc_id
    raise StoreError(f"{doc_id!r} is not a valid document id: it must be a non-empty string.")


class Store:
    """Documents in named tables, durable and shared safely between threads and processes."""

    def __init__(self, data_dir: Path, lock_timeout: float, auto_compact_bytes: int) -> None:
        """Use Store.open instead."""
        self.data_dir = data_dir
        self.directory = data_dir / STORE_SUBDIR
        make_private_dir(self.directory)
        # A shared lock held while open: restore takes it exclusively to see we are running.
        self._open_fd = os.open(self.directory / OPEN_LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(self._open_fd, fcntl.LOCK_SH)
            self._core = DurableTables(self.directory, lock_timeout, auto_compact_bytes)
            self.audit = AuditLog(self.directory, lock_timeout)
            self.audit.attach(self._core)
        except BaseException:
            os.close(self._open_fd)
            raise

    @classmethod
    def open(
        cls,
        data_dir: str | Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        auto_compact_bytes: int = DEFAULT_AUTO_COMPACT_BYTES,
    ) -> Store:
        """Open (creating if needed) the store in data_dir; raise StoreCorrupt if damaged."""
        path = Path(data_dir).absolute()
        try:
            make_private_dir(path)
            return cls(path, lock_timeout, auto_compact_bytes)
        except OSError as exc:
            raise StoreError(f"Could not open the data store in {path}: {exc}") from exc

    def close(self) -> None:
        """Close files and release locks; safe to call more than once."""
        self._core.close()
        self.audit.close()
        if self._open_fd >= 0:
            os.close(self._open_fd)
            self._open_fd = -1

    def __enter__(self) -> Store:
        """Use the store as a context manager that closes it."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""
        self.close()

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Hold the lock while a change reads, checks and writes; it lands whole or not at all."""
        # Every read inside sees the store as it is under the lock, with the transaction's own
        # writes; every write and audit entry inside joins it and reaches the journal as one
        # record when the block ends. An exception undoes everything. Nested blocks join the
        # open transaction (and undo only their own part if they fail). Keep it short: other
        # writers, in every process, wait.
        with self._core.transaction():
            yield self

    def in_transaction(self) -> bool:
        """Tell whether this thread has a transaction open."""
        return self._core.current() is not None

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run action once the open transaction has committed (at once if none is open)."""
        tx = self._core.current()
        if tx is None:
            action()
        else:
            tx.after.append(action)

    def verify_audit(self, anchor: tuple[int, str] | None = None) -> AuditVerification:
        """Check the audit trail's chain, and that none of its newest entries is missing."""
        with self._core.transaction():
            self.audit.catch_up(self._core.audit_head_locked(), self._core.journal, sync=True)
            head = self._core.stored_audit_head()
        return self.audit.verify(head=head, anchor=anchor)

    def audit_head(self) -> tuple[int, str]:
        """Return the number and hash of the newest audit entry."""
        return self._core.audit_head()

    # -- documents ----------------------------------------------------------------------

    def insert(self, table: str, doc: Mapping[str, Any]) -> Doc:
        """Add a document (id assigned if absent) and return a copy of what was stored."""
        return self.insert_many(table, [doc])[0]

    def insert_many(self, table: str, docs: list[Mapping[str, Any]]) -> list[Doc]:
        """Add several documents with one lock and one fsync; all or none are stored."""
        _check_table(table)
        prepared = []
        for doc in docs:
            if not isinstance(doc, Mapping):
                raise StoreError("A document must be a dictionary.")
            new = dict(doc)
            new["id"] = _check_id(new.get("id") or new_id())
            prepared.append(new)
        if len({doc["id"] for doc in prepared}) != len(prepared):
            raise StoreError("Two of the documents have the same id.")

        def build() -> tuple[list[Op], Callable[[], list[Doc]]]:
            now = utc_now()
            ops: list[Op] = []
            for doc in prepared:
                if self._core.memory.get(table, doc["id"]) is not None:
                    raise StoreError(f"A document with id {doc['id']} already exists in {table}.")
                doc["created_at"] = doc["updated_at"] = now
                ops.append(["put", table, doc["id"], doc])
            return ops, lambda: [self._stored(table, doc["id"]) for doc in prepared]

        result: list[Doc] = self._core.write(build)
        return result

    def _stored(self, table: str, doc_id: str) -> Doc:
        """Return a copy of a document just written (caller holds the lock)."""
        return clone(self._core.memory.get(table, doc_id))

    def get(self, table: str, doc_id: str) -> Doc | None:
        """Return a copy of one document, or None."""
        return self._get(_check_table(table), doc_id)

    def _get(self, table: str, doc_id: str) -> Doc | None:
        self._core.refresh()
        with self._core.thread_lock:
            doc = self._core.memory.get(table, doc_id)
            return None if doc is None else clone(doc)

    def update(
        self, table: str, doc_id: str, changes: Mapping[str, Any] | Callable[[Doc], Doc]
    ) -> Doc:
        """Merge changes into a document, or replace it with changes(copy) atomically."""
        _check_table(table)

        def build() -> tuple[list[Op], Callable[[], Doc]]:
            current = self._core.memory.get(table, doc_id)
            if current is None:
                raise NotFound(f"There is no document {doc_id} in {table}.")
            if callable(changes):
                new = changes(clone(current))
                if not isinstance(new, dict):
                    raise StoreError("An update function must return the new document.")
            else:
                new = {**current, **changes}
            if new.get("id", doc_id) != doc_id:
                raise StoreError("A document's id cannot be changed.")
            new = {**new, "id": doc_id, "created_at": current.get("created_at")}
            new["updated_at"] = utc_now()
            ops: list[Op] = [["put", table, doc_id, new]]
            return ops, lambda: self._stored(table, doc_id)

        updated: Doc = self._core.write(build)
        return updated

    def delete(self, table: str, doc_id: str) -> None:
        """Remove a document; raise NotFound if it is not there."""
        _check_table(table)

        def build() -> tuple[list[Op], Callable[[], None]]:
            if self._core.memory.get(table, doc_id) is None:
                raise NotFound(f"There is no document {doc_id} in {table}.")
            return [["del", table, doc_id]], lambda: None

        self._core.write(build)

    def find(
        self,
        table: str,
        where: Mapping[str, Any] | None = None,
        predicate: Callable[[Doc], bool] | None = None,
        order_by: str | None = None,
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Doc]:
        """Return copies of documents matching where (equality; missing = None) and predicate."""
        # The predicate sees the stored document and must not change it. Without order_by,
        # documents come in the order they were first stored.
        _check_table(table)
        if offset < 0 or (limit is not None and limit < 0):
            raise StoreError("Offset and limit cannot be negative.")
        self._core.refresh()
        with self._core.thread_lock:
            return self._core.memory.find(
                table, where or {}, predicate, order_by, reverse, limit, offset
            )

    def find_one(self, table: str, where: Mapping[str, Any]) -> Doc | None:
        """Return a copy of the first matching document, or None."""
        found = self.find(table, where, limit=1)
        return found[0] if found else None

    def count(self, table: str, where: Mapping[str, Any] | None = None) -> int:
        """Count matching documents."""
        _check_table(table)
        self._core.refresh()
        with self._core.thread_lock:
            return self._core.memory.count(table, where or {})

    def tables(self) -> list[str]:
        """Return the names of the application's tables."""
        self._core.refresh()
        with self._core.thread_lock:
            return [name for name in self._core.memory.names() if not name.startswith("_")]

    # -- references and settings -------------------------------------------------------

    def next_reference(self, prefix: str, year: int, width: int = 4) -> str:
        """Allocate the next human reference, e.g. CSPR-2026-0001, never twice."""
        if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", prefix):
            raise StoreError(f"{prefix!r} is not a valid reference prefix.")
        if not isinstance(year, int) or not 1 <= year <= 9999:
            raise StoreError(f"{year!r} is not a valid year.")
        key = f"{prefix}-{year}"

        def build() -> tuple[list[Op], Callable[[], int]]:
            current = self._core.memory.get(_COUNTERS, key)
            number = int(current["value"]) + 1 if current else 1
            now = utc_now()
            created = current["created_at"] if current else now
            doc = {"id": key, "value": number, "created_at": created, "updated_at": now}
            return [["put", _COUNTERS, key, doc]], lambda: number

        number: int = self._core.write(build)
        return f"{key}-{number:0{width}d}"

    def count_in_window(self, key: str, amount: int, seconds: float, now: float) -> int:
        """Add to a counter that starts again from zero after `seconds`; return its value."""
        _check_id(key)

        def build() -> tuple[list[Op], Callable[[], int]]:
            docs = self._core.memory.table(_WINDOWS).raw()
            current = docs.get(key)
            if current is None or float(current["expires_at"]) <= now:
                current = {"id": key, "value": 0, "expires_at": now + seconds}
            doc = {**current, "value": int(current["value"]) + amount}
            # Windows that have ended go in the same write, so the table stays small.
            ended = [i for i, d in docs.items() if i != key and float(d["expires_at"]) <= now]
            ops: list[Op] = [["put", _WINDOWS, key, doc], *(["del", _WINDOWS, i] for i in ended)]
            return ops, lambda: int(doc["value"])

        value: int = self._core.write(build)
        return value

    def window(self, key: str, now: float) -> tuple[int, float]:
        """Return a counter's value and when its window ends: (0, now) if it has none."""
        doc = self._get(_WINDOWS, _check_id(key))
        if doc is None or float(doc["expires_at"]) <= now:
            return 0, now
        return int(doc["value"]), float(doc["expires_at"])

    def clear_windows(self, key: str | None = None) -> None:
        """Forget one counter, or all of them."""

        def build() -> tuple[list[Op], Callable[[], None]]:
            ids = list(self._core.memory.table(_WINDOWS).raw())
            return [["del", _WINDOWS, i] for i in ids if key is None or i == key], lambda: None

        self._core.write(build)

    def get_setting(self, key: str, default: Any = None) -> Any:
        """Return a copy of a setting's value, or default."""
        doc = self._get(_SETTINGS, _check_id(key))
        return default if doc is None else doc.get("value")

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting durably."""
        _check_id(key)

        def build() -> tuple[list[Op], Callable[[], None]]:
            current = self._core.memory.get(_SETTINGS, key)
            now = utc_now()
            created = current["created_at"] if current else now
            doc = {"id": key, "value": value, "created_at": created, "updated_at": now}
            ops: list[Op] = [["put", _SETTINGS, key, doc]]
            return ops, lambda: None

        self._core.write(build)

    # -- maintenance -------------------------------------------------------------------

    def compact(self) -> None:
        """Fold the journal into a new snapshot; safe while other processes use the store."""
        self._core.compact()

    @property
    def core(self) -> DurableTables:
        """Return the durable core (for backup: locks and compaction)."""
        return self._core
