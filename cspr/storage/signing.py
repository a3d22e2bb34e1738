"""The backup key: it signs each backup's manifest and lives apart from the data and backups."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from .errors import StoreError
from .fsutil import FILE_MODE, make_private_dir, replace_file, temp_path_for, write_new_file

SIGNATURE_NAME = "MANIFEST.sig"
ALGORITHM = "hmac-sha256"
KEY_HINT = (
    "Set CSPR_BACKUP_KEY_FILE to the file holding the partnership's backup key "
    "(kept apart from the data directory and the backups)."
)


def default_key_file() -> Path:
    """Return where the backup key lives when CSPR_BACKUP_KEY_FILE is not set."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "cspr" / "backup.key"


def _check_place(key_file: Path, data_dir: Path) -> None:
    """Refuse a key kept inside the data directory: a copy of the data would carry it."""
    if key_file.resolve().is_relative_to(data_dir.resolve()):
        raise StoreError(
            f"The backup key {key_file} is inside the data directory {data_dir}, so anyone "
            f"with a copy of the data could sign a backup. {KEY_HINT}"
        )


def load_key(key_file: Path, data_dir: Path) -> bytes:
    """Read the backup key, refusing one that is missing, too short or in the data directory."""
    _check_place(key_file, data_dir)
    try:
        text = key_file.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise StoreError(f"There is no backup key at {key_file}. {KEY_HINT}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"The backup key at {key_file} cannot be read: {exc}") from exc
    if len(text) < 64 or any(c not in "0123456789abcdef" for c in text):
        raise StoreError(f"The backup key at {key_file} is not a key this toolkit made.")
    return bytes.fromhex(text)


def load_or_create_key(key_file: Path, data_dir: Path) -> tuple[bytes, bool]:
    """Return the backup key, making a new one (mode 0600) if there is none; say if new."""
    _check_place(key_file, data_dir)
    if key_file.exists():
        return load_key(key_file, data_dir), False
    make_private_dir(key_file.parent)
    temp = temp_path_for(key_file)
    try:
        write_new_file(temp, [secrets.token_hex(32).encode("ascii") + b"\n"])
        os.chmod(temp, FILE_MODE)
        replace_file(temp, key_file)
    finally:
        temp.unlink(missing_ok=True)
    return load_key(key_file, data_dir), True


def key_id(key: bytes) -> str:
    """Name a key without revealing it, so a message can say which key signed a backup."""
    return hashlib.sha256(b"cspr-backup-key-id" + key).hexdigest()[:12]


def sign(manifest_body: bytes, key: bytes) -> bytes:
    """Return the signature file's content for a manifest."""
    signature = hmac.new(key, manifest_body, hashlib.sha256).hexdigest()
    record = {"algorithm": ALGORITHM, "key_id": key_id(key), "signature": signature}
    return json.dumps(record, sort_keys=True).encode()


def check(manifest_body: bytes, signature_body: bytes | None, key: bytes) -> str:
    """Return why a manifest's signature does not hold, or "" when it does."""
    if signature_body is None:
        return "it is not signed with a backup key"
    try:
        record: Any = json.loads(signature_body)
    except ValueError:
        return "its signature is not readable"
    if not isinstance(record, dict) or record.get("algorithm") != ALGORITHM:
        return "its signature is not readable"
    expected = hmac.new(key, manifest_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(record.get("signature", ""))):
        if record.get("key_id") != key_id(key):
            return (
                f"it was signed with another backup key (key id {record.get('key_id')}, "
                f"but this server's key is {key_id(key)})"
            )
        return "it has been changed since it was made (its signature does not match)"
    return ""
