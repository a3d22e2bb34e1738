"""Errors raised by the storage layer."""

from __future__ import annotations

from pathlib import Path

RESTORE_HINT = "To restore the last good backup, run: flask --app app restore BACKUP_FILE"


class StoreError(Exception):
    """Raise when a storage operation cannot be carried out."""


class NotFound(StoreError):
    """Raise when a document does not exist."""


class StoreCorrupt(StoreError):
    """Raise when a file of the store is damaged and the store must not be used."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"The data store file {self.path} is damaged: {problem}. {RESTORE_HINT}")
