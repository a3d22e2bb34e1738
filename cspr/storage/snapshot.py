"""Snapshots: the whole store as one JSON file with a checksummed trailer, replaced atomically."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreCorrupt, StoreError
from .fsutil import FILE_MODE, replace_file, temp_path_for
from .journal import decode_record, encode_record

SNAPSHOT_KIND = "cspr-snapshot"
FORMAT_VERSION = 1
_DOCS_PER_CHUNK = 500
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)

Tables = dict[str, dict[str, dict[str, Any]]]


@dataclass
class Snapshot:
    """A loaded snapshot: its trailer (ids, journal position, sequence) and its tables."""

    header: dict[str, Any]
    tables: Tables

    @property
    def snapshot_id(self) -> str:
        """Return the unique id of this snapshot."""
        return str(self.header["id"])


def _body_chunks(tables: Tables) -> Iterator[bytes]:
    """Yield the JSON body a few hundred documents at a time."""
    # One json.dumps of everything would hold the GIL for seconds at 100k documents and
    # stall every request thread; small pieces let them run, and memory stays flat.
    encode = _ENCODER.encode
    yield b'{"tables":{'
    for table_number, (name, docs) in enumerate(tables.items()):
        parts = [("," if table_number else "") + encode(name) + ":{"]
        for doc_number, (doc_id, doc) in enumerate(docs.items()):
            parts.append(("," if doc_number else "") + encode(doc_id) + ":" + encode(doc))
            if len(parts) >= _DOCS_PER_CHUNK:
                yield "".join(parts).encode()
                parts = []
        parts.append("}")
        yield "".join(parts).encode()
    yield b"}}"


def prepare(path: Path, header: dict[str, Any], tables: Tables) -> Path:
    """Write a snapshot to a temporary file beside path, fsync'd, and return the temp path."""
    temp = temp_path_for(path)
    digest = hashlib.sha256()
    length = 0
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            for chunk in _body_chunks(tables):
                digest.update(chunk)
                length += len(chunk)
                out.write(chunk)
            trailer = {
                **header,
                "snapshot": SNAPSHOT_KIND,
                "version": FORMAT_VERSION,
                "body_length": length,
                "body_sha256": digest.hexdigest(),
            }
            # The trailer comes last because the checksum is known only once the body is out.
            out.write(b"\n" + encode_record(trailer))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def install(temp: Path, path: Path) -> None:
    """Put a prepared snapshot in place atomically and durably."""
    replace_file(temp, path)


def load(path: Path) -> Snapshot | None:
    """Read and check a snapshot; None if there is none; StoreCorrupt if it is damaged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"Could not read the data store file {path}: {exc.strerror}") from exc
    cut = data.rfind(b"\n", 0, len(data) - 1)
    header = decode_record(data[cut + 1 : -1]) if cut > 0 and data.endswith(b"\n") else None
    if header is None or header.get("snapshot") != SNAPSHOT_KIND:
        raise StoreCorrupt(path, "its trailer (the last line) is damaged")
    if header.get("version") != FORMAT_VERSION:
        raise StoreCorrupt(path, f"it has unknown format version {header.get('version')}")
    if cut != header.get("body_length"):
        raise StoreCorrupt(path, f"its body is {cut} bytes long, not {header.get('body_length')}")
    body = memoryview(data)[:cut]
    if hashlib.sha256(body).hexdigest() != header.get("body_sha256"):
        raise StoreCorrupt(path, "its checksum does not match its contents")
    try:
        text = codecs.decode(body, "utf-8")
        # Let the raw bytes go before parsing: at 100k documents they are ~200 MB.
        body.release()
        del data
        content = json.loads(text)
    except ValueError as exc:
        raise StoreCorrupt(path, f"it is not valid JSON ({exc})") from exc
    tables = content.get("tables") if isinstance(content, dict) else None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise StoreCorrupt(path, "it holds no tables")
    return Snapshot(header, tables)
