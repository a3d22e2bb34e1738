"""The durable core: snapshot + journal on disk, TinyDB tables in memory, kept in step."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from . import snapshot
from .audit import AUDIT_HEAD, AUDIT_TABLE, GENESIS_HASH, AuditLog
from .errors import StoreCorrupt, StoreError
from .fsutil import FILE_MODE, remove_temp_files
from .ids import new_id, utc_now
from .journal import FORMAT_VERSION, JOURNAL_KIND, Journal, encode_record
from .memory import MemoryTables
from .transaction import Op, Transaction

SNAPSHOT_FILE = "snapshot.json"
JOURNAL_FILE = "journal.jsonl"
WRITE_LOCK_FILE = "write.lock"
COMPACT_LOCK_FILE = "compact.lock"
_CHECK_LEN = 17  # checksum and space before each journal line's JSON



@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Load without the cycle collector, then move what was loaded out of its sight."""
    # JSON makes no reference cycles. At 100k documents the collector's repeated scans of
    # millions of new objects more than double load time, and afterwards its first full
    # scans pause every thread for ~0.4 s each. gc.freeze() (process-wide) exempts the loaded
    # objects from scanning; reference counting still frees documents that are replaced.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class _NeedsLock(Exception):
    """Another process compacted more than once since we looked: reload under the lock."""


class DurableTables:
    """Tables that survive crashes, shared safely between threads and processes."""

    def __init__(self, directory: Path, lock_timeout: float, auto_compact_bytes: int) -> None:
        self.directory = directory
        self.snapshot_path = directory / SNAPSHOT_FILE
        self.journal_path = directory / JOURNAL_FILE
        self.thread_lock = threading.RLock()  # guards memory and the journal object
        self._writer_lock = threading.RLock()
        self._file_lock = FileLock(
            directory / WRITE_LOCK_FILE, timeout=lock_timeout, mode=FILE_MODE, poll_interval=0.001
        )
        self._compact_file_lock = FileLock(
            directory / COMPACT_LOCK_FILE, timeout=lock_timeout, mode=FILE_MODE
        )
        self._compact_thread_lock = threading.Lock()
        self._lock_timeout = lock_timeout
        self._auto_compact_bytes = auto_compact_bytes
        self._compactor: threading.Thread | None = None
        self.memory = MemoryTables()
        self._local = threading.local()  # the transaction each thread has open
        self._audit_sink: AuditLog | None = None
        self._journal: Journal | None = None
        self._seq = 0
        self._snapshot_size = 0
        with self.locked():
            self._load()

    # -- locking -----------------------------------------------------------------------

    @contextmanager
    def file_locked(self) -> Iterator[None]:
        """Hold the write lock against other threads (queueing) and processes (the file lock)."""
        # Threads of this process queue on a plain lock rather than polling the file lock.
        with self._writer_lock:
            try:
                self._file_lock.acquire()
            except Timeout as exc:
                raise StoreError(
                    f"The data store is busy: another process has held its lock for over "
                    f"{self._lock_timeout:g} seconds. Try again in a moment."
                ) from exc
            try:
                yield
            finally:
                self._file_lock.release()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the write lock, then this process's memory lock."""
        # In that order, a writer waiting for another process (or a long backup) holds
        # nothing that readers in this process need.
        with self.file_locked(), self.thread_lock:
            yield

    @property
    def journal(self) -> Journal:
        """Return the open journal, or fail if the store was closed."""
        if self._journal is None:
            raise StoreError("The data store is closed.")
        return self._journal

    # -- loading and catching up ----------------------------------------------------------

    def _load(self) -> None:
        """Read snapshot and journal from disk into memory (caller holds the write lock)."""
        with _no_gc_pauses():
            self._load_files()

    def _load_files(self) -> None:
        snap = snapshot.load(self.snapshot_path)
        if not self.journal_path.exists():
            if snap is not None:
                raise StoreCorrupt(self.journal_path, "it is missing")
            Journal.create(self.journal_path, self._journal_header(None, None, None, 0))
        journal = Journal.open(self.journal_path)
        try:
            header = journal.header
            if snap is None:
                if header.get("after_snapshot") is not None:
                    raise StoreCorrupt(self.snapshot_path, "it is missing")
                tables: snapshot.Tables = {}
                seq = 0
            else:
                tables, seq = snap.tables, int(snap.header["seq"])
                if header.get("after_snapshot") == snap.snapshot_id:
                    pass
                elif header.get("id") == snap.header.get("journal_id"):
                    # A compaction stopped between writing the snapshot and the new journal:
                    # the snapshot covers this journal up to journal_offset.
                    journal.skip_to(int(snap.header["journal_offset"]))
                else:
                    raise StoreCorrupt(
                        self.journal_path, f"it does not belong with {self.snapshot_path.name}"
                    )
            memory = MemoryTables()
            memory.load(tables)
            records = journal.read_new()
            seq = self._apply(memory, journal, records, seq)
        except BaseException:
            journal.close()
            raise
        if self._journal is not None:
            self._journal.close()
        self.memory, self._journal, self._seq = memory, journal, seq
        self._snapshot_size = snap.header["body_length"] if snap else 0

    def _apply(
        self, memory: MemoryTables, journal: Journal, records: list[dict[str, Any]], seq: int
    ) -> int:
        """Apply journal records in order; return the last sequence number applied."""
        first_line = journal.line_count - len(records) + 1
        for number, record in enumerate(records):
            if record.get("seq") != seq + 1 or not isinstance(record.get("ops"), list):
                raise StoreCorrupt(
                    journal.path, f"line {first_line + number} is out of sequence or malformed"
                )
            for op in record["ops"]:
                self._apply_op(memory, op, journal.path, first_line + number)
            seq += 1
        return seq

    @staticmethod
    def _apply_op(memory: MemoryTables, op: Any, path: Path, line: int) -> None:
        named = isinstance(op, list) and len(op) >= 3 and all(isinstance(x, str) for x in op[:3])
        if named and len(op) == 4 and op[0] == "put" and isinstance(op[3], dict):
            memory.put(op[1], op[2], op[3])
        elif named and len(op) == 3 and op[0] == "del":
            memory.delete(op[1], op[2])
        else:
            raise StoreCorrupt(path, f"line {line} holds an operation that is not understood")

    def _sync(self, locked: bool) -> None:
        """Apply whatever other processes have written since we last looked."""
        journal = self.journal
        if journal.is_replaced():
            if not self._follow_compaction(journal):
                if not locked:
                    raise _NeedsLock()
                self._load()
                return
            journal = self.journal
        self._seq = self._apply(self.memory, journal, journal.read_new(), self._seq)

    def _follow_compaction(self, old: Journal) -> bool:
        """Move on to a new journal another process started; False if we missed a step."""
        self._seq = self._apply(self.memory, old, old.read_new(), self._seq)
        new = Journal.open(self.journal_path)
        header = new.header
        copied = header.get("copied")
        if (
            header.get("previous_journal") != old.journal_id
            or not isinstance(copied, int)
            or header.get("previous_offset") != old.offset - copied
        ):
            new.close()
            return False
        # The new journal starts with a copy of the records after the snapshot point, which
        # we have already applied from the old file.
        new.skip_to(new.header_end + copied)
        old.close()
        self._journal = new
        return True

    def refresh(self) -> None:
        """Catch up before a read: a cheap stat when nothing changed, no lock if possible."""
        # Call it without holding thread_lock: it may need the write lock, which comes first.
        with self.thread_lock:
            if self.journal.looks_unchanged():
                return
            try:
                self._sync(locked=False)
                return
            except (_NeedsLock, StoreCorrupt):
                pass  # a race with a writer or compactor; look again under the lock
        with self.locked():
            self._sync(locked=True)

    # -- writing ---------------------------------------------------------------------

    def current(self) -> Transaction | None:
        """Return the transaction this thread has open, if any."""
        tx: Transaction | None = getattr(self._local, "tx", None)
        return tx

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Read, check and write under the lock; everything lands as one record, or nothing."""
        outer = self.current()
        if outer is not None:
            # Nested: join the open transaction, undoing only our part if we fail.
            point = outer.savepoint()
            try:
                yield outer
            except BaseException:
                outer.rollback(self.memory, point)
                raise
            return
        tx = Transaction()
        with self.locked():
            self._sync(locked=True)
            self._local.tx = tx
            try:
                yield tx
                if not tx.committed:
                    self._commit(tx)
            except BaseException:
                if not tx.committed:
                    tx.rollback(self.memory)
                raise
            finally:
                self._local.tx = None
        if not tx.is_empty():
            self._maybe_compact_in_background()
        for action in tx.after:
            action()

    def write(self, build: Callable[[], tuple[list[Op], Callable[[], Any]]]) -> Any:
        """Build ops under the lock, up to date, and stage them in this thread's transaction."""
        alone = self.current() is None
        with self.transaction() as tx:
            ops, finish = build()
            tx.stage(self.memory, ops)
            if alone:
                # On its own, commit first: the result then shows what was stored, parsed back.
                self._commit(tx)
            return finish()

    def _commit(self, tx: Transaction) -> None:
        """Journal the staged ops and audit entries durably as one record (lock held)."""
        if tx.is_empty():
            tx.committed = True
            return
        ops = list(tx.ops)
        record: dict[str, Any] = {"seq": self._seq + 1, "ops": ops}
        sink = self._audit_sink
        if tx.audit:
            if sink is None:
                raise StoreError("The audit trail is not open.")
            head = self._audit_head()
            sink.catch_up(head, self.journal)
            record["audit"] = sink.chain(tx.audit, head)
            last = record["audit"][-1]
            ops.append(["put", AUDIT_TABLE, AUDIT_HEAD, {"seq": last["seq"], "hash": last["hash"]}])
        try:
            line = encode_record(record)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"This data cannot be saved: {exc}") from exc
        # Apply what was written, parsed back, so memory equals what a restart sees.
        stored = json.loads(line[_CHECK_LEN:])
        self.journal.append(line, 1)
        tx.committed = True
        for op in stored["ops"]:
            self._apply_op(self.memory, op, self.journal_path, self.journal.line_count)
        self._seq += 1
        if sink is not None and tx.audit:
            # The journal already holds the entries: the audit file is a copy that catch_up
            # completes if this append is lost, so it needs no fsync of its own here.
            sink.write_entries(record["audit"], sync=False, quiet=True)

    # -- the audit trail's head ------------------------------------------------------

    def attach_audit(self, sink: AuditLog) -> None:
        """Give the core the audit file it keeps in step with the journal."""
        self._audit_sink = sink
        with self.locked():
            self._sync(locked=True)
            sink.catch_up(self._audit_head(), self.journal, quiet=True)

    def _audit_head(self) -> tuple[int, str]:
        """Return the sequence number and hash that the next audit entry follows on from."""
        head = self.memory.get(AUDIT_TABLE, AUDIT_HEAD)
        stored = (int(head["seq"]), str(head["hash"])) if head else (0, GENESIS_HASH)
        # A store from before the head was kept has only the file: its tail is the head then.
        file_tail = self._audit_sink.tail() if self._audit_sink is not None else stored
        return file_tail if file_tail[0] > stored[0] else stored

    def audit_head(self) -> tuple[int, str]:
        """Return the newest audit entry's sequence number and hash, as the store records it."""
        self.refresh()
        with self.thread_lock:
            return self._audit_head()

    def audit_head_locked(self) -> tuple[int, str]:
        """Return the audit head while the caller holds the lock."""
        return self._audit_head()

    def stored_audit_head(self) -> tuple[int, str] | None:
        """Return the head the store itself records (None for a store older than heads)."""
        head = self.memory.get(AUDIT_TABLE, AUDIT_HEAD)
        return (int(head["seq"]), str(head["hash"])) if head else None

    # -- compaction -------------------------------------------------------------------

    def _journal_header(
        self, after: str | None, previous: str | None, offset: int | None, copied: int
    ) -> dict[str, Any]:
        return {
            "journal": JOURNAL_KIND,
            "version": FORMAT_VERSION,
            "id": new_id(),
            "created_at": utc_now(),
            "after_snapshot": after,
            "previous_journal": previous,
            "previous_offset": offset,
            "copied": copied,
        }

    def journal_is_empty(self) -> bool:
        """Tell whether the journal holds no records beyond what the snapshot covers."""
        journal = self.journal
        return journal.offset == journal.header_end and not journal.torn

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the compaction lock and the write lock, in that order (as compact does)."""
        with self._compact_thread_lock, self._compact_file_lock, self.file_locked():
            yield

    def compact(self) -> None:
        """Write a snapshot and start a fresh journal; writers wait only for the swap."""
        with self._compact_thread_lock, self._compact_file_lock:
            self._compact_steps(serialise_unlocked=True)

    def compact_exclusive(self) -> None:
        """Compact while the caller holds exclusive() (for a backup)."""
        self._compact_steps(serialise_unlocked=False)

    def _compact_steps(self, serialise_unlocked: bool) -> None:
        with self.locked():
            self._sync(locked=True)
            if self.journal_is_empty():
                return
            journal_id, offset = self.journal.journal_id, self.journal.offset
            snapshot_id = new_id()
            header = {"id": snapshot_id, "created_at": utc_now(), "seq": self._seq}
            header.update(journal_id=journal_id, journal_offset=offset)
            view = self.memory.view()
            if not serialise_unlocked:
                temp = snapshot.prepare(self.snapshot_path, header, view)
        if serialise_unlocked:
            # The slow part (JSON of every document) runs without the write lock: the view
            # shares documents that are replaced, never changed, so it stays consistent.
            temp = snapshot.prepare(self.snapshot_path, header, view)
        del view
        try:
            with self.locked():
                self._sync(locked=True)
                journal = self.journal
                if journal.journal_id != journal_id:
                    return
                if self._audit_sink is not None:
                    # The old journal's audit entries must be safe in the audit file first.
                    self._audit_sink.catch_up(self._audit_head(), journal, sync=True)
                snapshot.install(temp, self.snapshot_path)
                tail = journal.read_range(offset, journal.offset)
                new_header = self._journal_header(snapshot_id, journal_id, offset, len(tail))
                Journal.create(self.journal_path, new_header, tail)
                new = Journal.open(self.journal_path)
                new.skip_to(new.header_end + len(tail))
                journal.close()
                self._journal = new
                self._snapshot_size = self.snapshot_path.stat().st_size
                remove_temp_files(self.directory)
        finally:
            temp.unlink(missing_ok=True)

    def _maybe_compact_in_background(self) -> None:
        journal = self.journal
        threshold = max(self._auto_compact_bytes, self._snapshot_size // 2)
        if journal.offset - journal.header_end < threshold:
            return
        if self._compactor is not None and self._compactor.is_alive():
            return
        self._compactor = threading.Thread(target=self._compact_quietly, daemon=True)
        self._compactor.start()

    def _compact_quietly(self) -> None:
        try:
            self.compact()
        except StoreError:
            # Compaction only saves space and start-up time; every write is already durable.
            pass

    def close(self) -> None:
        """Wait for a running compaction, then close the journal."""
        compactor = self._compactor
        if compactor is not None and compactor is not threading.current_thread():
            compactor.join()
        with self.thread_lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
