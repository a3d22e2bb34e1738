"""Append-only journal of JSON lines, each carrying a checksum, fsync'd before acknowledging."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import StoreCorrupt, StoreError
from .fsutil import FILE_MODE, atomic_write

JOURNAL_KIND = "cspr-journal"
FORMAT_VERSION = 1
_CHECK_LEN = 16


def dumps(value: Any) -> bytes:
    """Serialise a value as compact UTF-8 JSON, refusing NaN and infinity."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def encode_record(record: dict[str, Any]) -> bytes:
    """Return one journal line: a checksum of the JSON, a space, the JSON, a newline."""
    body = dumps(record)
    return hashlib.sha256(body).hexdigest()[:_CHECK_LEN].encode() + b" " + body + b"\n"


def decode_record(line: bytes) -> dict[str, Any] | None:
    """Return the record in one line (without its newline), or None if it is damaged."""
    if len(line) < _CHECK_LEN + 3 or line[_CHECK_LEN : _CHECK_LEN + 1] != b" ":
        return None
    body = line[_CHECK_LEN + 1 :]
    if hashlib.sha256(body).hexdigest()[:_CHECK_LEN].encode() != line[:_CHECK_LEN]:
        return None
    try:
        record = json.loads(body)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


@dataclass
class Scan:
    """Records found in a run of journal bytes."""

    records: list[dict[str, Any]] = field(default_factory=list)
    good_bytes: int = 0  # length of the prefix made of whole, valid lines
    torn: bool = False  # bytes follow that prefix (an unfinished or torn last line)


def scan_lines(data: bytes, path: Path, first_line_no: int) -> Scan:
    """Parse whole lines; a bad line followed by a good one is corruption, a bad tail is not."""
    result = Scan()
    pos = 0
    line_no = first_line_no
    bad_line: int | None = None
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        record = decode_record(data[pos:end])
        if record is None:
            bad_line = bad_line or line_no
        elif bad_line is not None:
            raise StoreCorrupt(path, f"line {bad_line} is damaged but later lines are intact")
        else:
            result.records.append(record)
            result.good_bytes = end + 1
        pos = end + 1
        line_no += 1
    result.torn = result.good_bytes < len(data)
    return result


class Journal:
    """One open journal file: where we have read up to, and how to append durably."""

    def __init__(self, path: Path, fd: int, header: dict[str, Any], header_end: int) -> None:
        self.path = path
        self.fd = fd
        self.header = header
        self.header_end = header_end
        self.offset = header_end  # end of the last whole, valid line we have read
        self.line_count = 1  # lines read so far, the header included
        self.torn = False  # unread bad bytes lie after offset
        self._seen = self._stat_key(os.fstat(fd))

    @property
    def journal_id(self) -> str:
        """Return the unique id written in this journal's header."""
        return str(self.header["id"])

    @staticmethod
    def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    @classmethod
    def create(cls, path: Path, header: dict[str, Any], tail: bytes = b"") -> None:
        """Write a new journal (header plus copied records) atomically and durably."""
        atomic_write(path, [encode_record(header), tail])

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open a journal and read its header; raise StoreCorrupt if the header is bad."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
        except OSError as exc:
            raise StoreError(f"Could not open the data store file {path}: {exc.strerror}") from exc
        try:
            first = os.pread(fd, 65536, 0)
            end = first.find(b"\n")
            header = decode_record(first[:end]) if end > 0 else None
            if header is None or header.get("journal") != JOURNAL_KIND:
                raise StoreCorrupt(path, "line 1 (the journal header) is damaged")
            if header.get("version") != FORMAT_VERSION:
                raise StoreCorrupt(path, f"it has unknown format version {header.get('version')}")
            return cls(path, fd, header, end + 1)
        except BaseException:
            os.close(fd)
            raise

    def close(self) -> None:
        """Close the file descriptor."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def path_key(self) -> tuple[int, int, int, int]:
        """Return (device, inode, size, mtime) of whatever file is now at our path."""
        return self._stat_key(os.stat(self.path))

    def looks_unchanged(self) -> bool:
        """Tell cheaply whether nobody has appended to or replaced the journal since we looked."""
        try:
            return self.path_key() == self._seen
        except FileNotFoundError:
            return False

    def is_replaced(self) -> bool:
        """Tell whether another process has put a new journal at our path (a compaction)."""
        st = os.stat(self.path)
        own = os.fstat(self.fd)
        return (st.st_dev, st.st_ino) != (own.st_dev, own.st_ino)

    def read_new(self) -> list[dict[str, Any]]:
        """Read the records appended since we last looked, leaving any torn tail unread."""
        # Remember the state we read from, not a later one: an append landing after this
        # fstat must still look like a change next time.
        st = os.fstat(self.fd)
        if st.st_size < self.offset:
            raise StoreCorrupt(self.path, f"it is shorter than expected ({st.st_size} bytes)")
        data = os.pread(self.fd, st.st_size - self.offset, self.offset)
        scan = scan_lines(data, self.path, self.line_count + 1)
        self.offset += scan.good_bytes
        self.line_count += len(scan.records)
        self.torn = scan.torn
        # With a torn tail the key stays stale, so readers look again until a writer cuts it.
        self._seen = self._seen if scan.torn else self._stat_key(st)
        return scan.records

    def skip_to(self, offset: int) -> None:
        """Start reading at offset (a line boundary), counting the lines skipped."""
        data = os.pread(self.fd, offset - self.header_end, self.header_end)
        if len(data) != offset - self.header_end or (data and not data.endswith(b"\n")):
            problem = f"it does not reach the point {offset} that the snapshot names"
            raise StoreCorrupt(self.path, problem)
        self.offset = offset
        self.line_count += data.count(b"\n")

    def read_range(self, start: int, end: int) -> bytes:
        """Return the raw bytes between two offsets."""
        return os.pread(self.fd, end - start, start)

    def append(self, data: bytes, count: int) -> None:
        """Append count encoded lines and fdatasync; on failure, cut the file back and raise."""
        try:
            if self.torn:
                # A writer died mid-line; the torn bytes were never acknowledged, so drop them
                # before appending, or our line would be glued onto them.
                os.ftruncate(self.fd, self.offset)
                self.torn = False
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view) :]
            # fdatasync also flushes the new file size, which is all an append needs.
            os.fdatasync(self.fd)
        except OSError as exc:
            self._undo()
            raise StoreError(f"Could not save to {self.path}: {exc.strerror}") from exc
        self.offset += len(data)
        self.line_count += count
        self._seen = self._stat_key(os.fstat(self.fd))

    def _undo(self) -> None:
        try:
            os.ftruncate(self.fd, self.offset)
            os.fdatasync(self.fd)
        except OSError:
            # The next writer truncates the tail again; our caller already reports the failure.
            self.torn = True
