"""Consistent backups of the whole data directory, and careful restores."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .durable import COMPACT_LOCK_FILE, JOURNAL_FILE, SNAPSHOT_FILE, WRITE_LOCK_FILE
from .errors import StoreCorrupt, StoreError
from .fsutil import (
    DIR_MODE,
    FILE_MODE,
    TEMP_SUFFIX,
    fsync_dir,
    make_private_dir,
    replace_file,
    temp_path_for,
)
from .ids import utc_now
from .signing import SIGNATURE_NAME, check, sign
from .store import OPEN_LOCK_FILE, STORE_SUBDIR, Store

MANIFEST_NAME = "MANIFEST.json"
DATA_PREFIX = "data"
BACKUP_KIND = "cspr-backup"
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_MEMBERS = 1_000_000
MAX_MANIFEST_BYTES = 256 * 1024**2
_CHUNK = 1024 * 1024
_LOCK_FILES = {WRITE_LOCK_FILE, COMPACT_LOCK_FILE, OPEN_LOCK_FILE, "audit.lock"}
# The session-signing key is never backed up: a restored server makes a new one (which signs
# everyone out), so a stolen backup cannot forge sessions.
_NEVER_BACKED_UP = {"secret_key"}
# Not data on their own: the secret key the app makes at start-up (even for `flask restore` on
# a new machine), and README.md, the note the repository keeps in its storage/ folder.
_NOT_DATA_ALONE = {"secret_key", "README.md"}
# Finished exports are short-lived copies of data already in the store: not worth backing up.
_TEMPORARY_FOLDERS = {"exports"}


def _is_skipped(relative: PurePosixPath) -> bool:
    """Leave out lock files (they hold no data) and temporary files of unfinished writes."""
    name = relative.name
    if name.startswith(".") and name.endswith(TEMP_SUFFIX):
        return True
    if relative.parts and relative.parts[0] in _TEMPORARY_FOLDERS:
        return True
    if relative.as_posix() in _NEVER_BACKED_UP:
        return True
    return relative.parent == PurePosixPath(STORE_SUBDIR) and name in _LOCK_FILES


def _walk(data_dir: Path) -> tuple[list[str], list[str]]:
    """Return the data directory's subdirectories and regular files, as sorted relative paths."""
    directories, files = [], []
    for root, dir_names, file_names in os.walk(data_dir):
        base = Path(root)
        for name in dir_names:
            if not (base / name).is_symlink():
                directories.append((base / name).relative_to(data_dir).as_posix())
        for name in file_names:
            path = base / name
            relative = PurePosixPath(path.relative_to(data_dir).as_posix())
            if path.is_symlink() or not path.is_file() or _is_skipped(relative):
                continue
            files.append(relative.as_posix())
    return sorted(directories), sorted(files)


class _HashingReader(io.RawIOBase):
    """Pass a file's bytes to tarfile while hashing exactly the bytes archived."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        """Say that this stream can be read."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Read and hash up to size bytes."""
        data = self._handle.read(size)
        self.sha256.update(data)
        return data


def backup(store: Store, path: str | Path, key: bytes) -> dict[str, Any]:
    """Write a .tar.gz of the data directory, with a manifest of SHA-256 sums signed by key."""
    try:
        return _backup(store, Path(path).absolute(), key)
    except OSError as exc:
        raise StoreError(f"Could not write the backup to {path}: {exc}") from exc


def _backup(store: Store, target: Path, key: bytes) -> dict[str, Any]:
    if target.resolve().is_relative_to(store.data_dir.resolve()):
        raise StoreError("Save the backup outside the data directory it is a copy of.")
    make_private_dir(target.parent)
    core = store.core
    # Writers wait while the archive is made, so the store, the audit trail and the other
    # files all show one moment; compacting first makes restore fast.
    with core.exclusive():
        core.compact_exclusive()
        head = core.stored_audit_head() or store.audit.tail()
        temp = temp_path_for(target)
        try:
            manifest = _write_archive(store.data_dir, temp, key, head)
            replace_file(temp, target)
        finally:
            temp.unlink(missing_ok=True)
    return manifest


def _write_archive(
    data_dir: Path, temp: Path, key: bytes, audit_head: tuple[int, str]
) -> dict[str, Any]:
    directories, files = _walk(data_dir)
    entries: dict[str, dict[str, Any]] = {}
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
            for directory in directories:
                info = tarfile.TarInfo(f"{DATA_PREFIX}/{directory}")
                info.type, info.mode = tarfile.DIRTYPE, DIR_MODE
                tar.addfile(info)
            for relative in files:
                with open(data_dir / relative, "rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    info = tarfile.TarInfo(f"{DATA_PREFIX}/{relative}")
                    info.size, info.mode = size, FILE_MODE
                    info.mtime = int(os.fstat(handle.fileno()).st_mtime)
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)
                entries[relative] = {"sha256": reader.sha256.hexdigest(), "size": size}
            manifest = {
                "format": BACKUP_KIND,
                "version": 2,
                # Where the audit trail stood: `audit verify --backup` notices entries cut later.
                "audit_head": {"seq": audit_head[0], "hash": audit_head[1]},
                "created_at": utc_now(),
                "directories": directories,
                "files": entries,
                "file_count": len(entries),
                "total_bytes": sum(entry["size"] for entry in entries.values()),
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            for name, content in ((MANIFEST_NAME, body), (SIGNATURE_NAME, sign(body, key))):
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(content), FILE_MODE
                tar.addfile(info, io.BytesIO(content))
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


# -- restore ------------------------------------------------------------------------------


def _damaged(path: Path, problem: str) -> StoreError:
    return StoreError(f"The backup file {path} cannot be used: {problem}. Nothing was restored.")


def _member_path(path: Path, name: str) -> str | None:
    """Return a data member's relative path (None for the manifest); refuse unsafe names."""
    if name in (MANIFEST_NAME, SIGNATURE_NAME):
        return None
    parts = PurePosixPath(name).parts
    if (
        len(parts) < 2
        or parts[0] != DATA_PREFIX
        or name.startswith("/")
        or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts)
    ):
        raise _damaged(path, f"it contains a file with an unsafe name ({name!r})")
    return "/".join(parts[1:])


def _read_members(path: Path, destination: Path | None, key: bytes) -> dict[str, Any]:
    """Stream through the archive, hashing (and, given a destination, writing) every file."""
    found: dict[str, dict[str, Any]] = {}
    directories: set[str] = set()
    tops: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for count, member in enumerate(tar, start=1):
                if count > MAX_MEMBERS:
                    raise _damaged(path, "it holds too many files")
                relative = _member_path(path, member.name)
                if relative in found or relative in directories or member.name in tops:
                    raise _damaged(path, f"it holds {member.name} twice")
                if relative is None:
                    if not member.isreg() or member.size > MAX_MANIFEST_BYTES:
                        raise _damaged(path, "its manifest is not a plain file")
                    tops[member.name] = _read_all(tar, member)
                elif member.isdir():
                    directories.add(relative)
                    if destination is not None:
                        make_private_dir(destination / relative)
                elif member.isreg():
                    total += member.size
                    if total > MAX_TOTAL_BYTES:
                        raise _damaged(path, "it would unpack to more than 64 GiB")
                    found[relative] = _copy_member(tar, member, destination, relative)
                else:
                    raise _damaged(path, f"it contains a link or device ({member.name})")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _damaged(path, f"it is damaged or incomplete ({exc})") from exc
    manifest_body = tops.get(MANIFEST_NAME)
    if manifest_body is None:
        raise _damaged(path, "it has no manifest")
    problem = check(manifest_body, tops.get(SIGNATURE_NAME), key)
    if problem:
        raise _damaged(path, problem)
    return _check_manifest(path, manifest_body, found, directories)


def _read_all(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    return handle.read() if handle is not None else b""


def _copy_member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path | None, relative: str
) -> dict[str, Any]:
    handle = tar.extractfile(member)
    if handle is None:
        raise tarfile.TarError(f"cannot read {member.name}")
    digest = hashlib.sha256()
    size = 0
    out = None
    if destination is not None:
        target = destination / relative
        make_private_dir(target.parent)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        out = os.fdopen(os.open(target, flags, FILE_MODE), "wb")
    try:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    finally:
        if out is not None:
            out.close()
    return {"sha256": digest.hexdigest(), "size": size}


def _check_manifest(
    path: Path, body: bytes, found: dict[str, Any], directories: set[str]
) -> dict[str, Any]:
    try:
        manifest = json.loads(body)
    except ValueError as exc:
        raise _damaged(path, "its manifest is not readable") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_KIND:
        raise _damaged(path, "it is not a CSPR Toolkit backup")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise _damaged(path, "its manifest lists no files")
    for name in sorted(set(listed) | set(found)):
        if name not in found:
            raise _damaged(path, f"{name} is listed in the manifest but missing")
        if name not in listed:
            raise _damaged(path, f"{name} is in the archive but not in the manifest")
        if found[name] != {"sha256": listed[name].get("sha256"), "size": listed[name].get("size")}:
            raise _damaged(path, f"{name} does not match its checksum")
    return manifest


def read_manifest(path: str | Path, key: bytes) -> dict[str, Any]:
    """Check a backup completely, signature included, and return its manifest."""
    return _read_members(Path(path).absolute(), None, key)


def _has_data(data_dir: Path) -> bool:
    """Tell whether data_dir holds anything beyond what opening an empty store creates."""
    if not data_dir.exists():
        return False
    if not data_dir.is_dir():
        return True
    _, files = _walk(data_dir)
    store = f"{STORE_SUBDIR}/"
    for relative in files:
        if relative in _NOT_DATA_ALONE:
            continue
        size = (data_dir / relative).stat().st_size
        if relative == f"{store}audit.jsonl" and size == 0:
            continue
        if relative == f"{store}{JOURNAL_FILE}" and f"{store}{SNAPSHOT_FILE}" not in files:
            if (data_dir / relative).read_bytes().count(b"\n") <= 1:
                continue
        return True
    return False


@contextmanager
def _not_in_use(data_dir: Path) -> Iterator[None]:
    """Hold the open-lock exclusively so no server or command is using the store meanwhile."""
    lock_path = data_dir / STORE_SUBDIR / OPEN_LOCK_FILE
    if not lock_path.exists():
        yield
        return
    fd = os.open(lock_path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreError(
                f"The data in {data_dir} is in use by a running server or command. "
                "Stop it, then restore."
            ) from exc
        yield
    finally:
        os.close(fd)


def restore(
    path: str | Path, data_dir: str | Path, key: bytes, force: bool = False
) -> dict[str, Any]:
    """Check a backup and its signature completely, then put it in data_dir (old data aside)."""
    try:
        return _restore(Path(path).absolute(), Path(data_dir).absolute(), key, force)
    except OSError as exc:
        raise StoreError(f"Could not restore into {data_dir}: {exc}") from exc


def _restore(archive: Path, target: Path, key: bytes, force: bool) -> dict[str, Any]:
    if not archive.is_file():
        raise StoreError(f"There is no backup file at {archive}.")
    with _not_in_use(target):
        if _has_data(target) and not force:
            raise StoreError(
                f"{target} already holds data. To replace it, run restore again with --force "
                "(the current data will be moved aside, not deleted)."
            )
        manifest = _read_members(archive, None, key)
        make_private_dir(target.parent)
        staging = temp_path_for(target)
        os.mkdir(staging, DIR_MODE)
        try:
            _read_members(archive, staging, key)
            for directory in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
                fsync_dir(directory)
            try:
                Store.open(staging).close()
            except StoreCorrupt as exc:
                problem = f"the data store inside is damaged ({exc.problem})"
                raise _damaged(archive, problem) from exc
            previous = _swap_in(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return {**manifest, "restored_to": str(target), "previous_data": previous}


def _swap_in(staging: Path, target: Path) -> str | None:
    """Rename staging to target; existing data is renamed aside, an empty store removed."""
    previous = None
    if target.exists():
        if _has_data(target):
            stamp = utc_now()[:26].replace(":", "")  # to the microsecond: never clashes
            aside = target.with_name(f"{target.name}.before-restore-{stamp}")
            os.rename(target, aside)
            previous = str(aside)
        else:
            shutil.rmtree(target)
    os.rename(staging, target)
    fsync_dir(target.parent)
    return previous
