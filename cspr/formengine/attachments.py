"""Uploaded files: type and size checks, durable storage in the data directory, audited reads."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage

from cspr.formengine.fieldtypes.upload import (
    accepted_extensions,
    file_empty_message,
    file_size_message,
    file_type_message,
    max_size_bytes,
)
from cspr.storage import get_store, transactional
from cspr.storage.fsutil import atomic_write, make_private_dir

TABLE = "attachments"
AREA = "files"
# The first bytes each accepted type must start with, so a renamed program is refused.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9 ._()-]+")


def safe_filename(name: str) -> str:
    """Keep a readable file name without paths or odd characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" .") or "file"
    return cleaned[-120:]


def check_upload(field: dict[str, Any], upload: FileStorage) -> tuple[bytes | None, str | None]:
    """Read an upload and check its size and type; return (content, error)."""
    limit = max_size_bytes(field)
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        return None, file_size_message(field)
    if not content:
        return None, file_empty_message()
    extension = Path(safe_filename(upload.filename or "")).suffix.lower()
    if extension not in [e.lower() for e in accepted_extensions(field)]:
        return None, file_type_message(field)
    signatures = SIGNATURES.get(extension)
    if signatures and not content.startswith(signatures):
        return None, file_type_message(field)
    if extension in {".txt", ".csv"}:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None, file_type_message(field)
    return content, None


def keep_file(upload: FileStorage, content: bytes) -> dict[str, Any]:
    """Write checked content durably under a new random id; return what to record about it."""
    # Shared with other capabilities that keep uploaded files (learning's evidence), each
    # recording the file in its own table.
    folder = get_store().data_dir / AREA
    make_private_dir(folder)
    file_id = secrets.token_hex(16)
    atomic_write(folder / file_id, [content])
    filename = safe_filename(upload.filename or "file")
    extension = Path(filename).suffix.lower()
    return {
        "id": file_id,
        "filename": filename,
        "size": len(content),
        "content_type": CONTENT_TYPES.get(extension, "application/octet-stream"),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


@transactional
def save(
    owner: dict[str, Any], submission_id: str, upload: FileStorage, content: bytes
) -> dict[str, Any]:
    """Write the file durably, then record it; return the answer value for the field."""
    kept = keep_file(upload, content)
    record = get_store().insert(
        TABLE, {**kept, "submission_id": submission_id, "owner_id": owner["id"]}
    )
    return {
        "file_id": record["id"],
        "filename": record["filename"],
        "size": record["size"],
        "content_type": record["content_type"],
    }


def record_of(file_id: str) -> dict[str, Any] | None:
    """Return an attachment's record."""
    if not re.fullmatch(r"[0-9a-f]{32}", file_id):
        return None
    return get_store().get(TABLE, file_id)


def read(file_id: str) -> bytes:
    """Return an attachment's content (the caller has checked access and audit-logged)."""
    return (get_store().data_dir / AREA / file_id).read_bytes()
