"""Durable file operations: private permissions, fsync, atomic replacement."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"


def make_private_dir(path: Path) -> None:
    """Create a directory (and missing parents) readable only by its owner."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            continue
        # The umask may have narrowed the mode; never widen beyond 0700.
        os.chmod(directory, DIR_MODE)
        fsync_dir(directory.parent)


def fsync_dir(path: Path) -> None:
    """Flush a directory so that a file created or renamed in it survives a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_for(path: Path) -> Path:
    """Return a unique temporary path beside path, recognisable as temporary."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def write_new_file(path: Path, chunks: Iterable[bytes]) -> None:
    """Write a new private file and fsync it; fail if it exists."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(temp: Path, target: Path) -> None:
    """Atomically move a fully written, fsync'd temp file onto target and flush the directory."""
    os.replace(temp, target)
    fsync_dir(target.parent)


def atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Replace path with new content so that a crash leaves either the old or the new file."""
    temp = temp_path_for(path)
    try:
        write_new_file(temp, chunks)
        replace_file(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def remove_temp_files(directory: Path, keep: Path | None = None) -> None:
    """Delete temporary files left behind by a process that was killed mid-write."""
    for entry in directory.iterdir():
        if entry == keep:
            continue
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            entry.unlink(missing_ok=True)
