"""Exports too big to make while the person waits: a worker thread, job records, private results.

A job record in storage says where a job stands, so the progress page can be reloaded until
it is ready. The work itself is handed to one thread in the server process; if the process
stops first, the job is marked as failed at the next start and the person starts it again.
Results are written under the data directory (mode 0600, fsync'd, renamed into place) and only
the person who asked may download them; old ones are removed.
"""

from __future__ import annotations

import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app

from cspr.storage import get_store, transactional
from cspr.storage.flask_app import opens_store_at_start
from cspr.storage.fsutil import make_private_dir, replace_file, temp_path_for

JOBS = "export_jobs"
RESULTS = "exports"
EXTENSION_KEY = "cspr_export_jobs"
PROCESS_TOKEN = secrets.token_hex(8)  # tells this process's jobs from a previous run's
PROGRESS_EVERY_SECONDS = 0.5
FAILED = "Your export could not be made. Try again, and if it fails again tell your administrator."
RESTARTED = "The service restarted before your export was ready. Start the export again."
Progress = Callable[[int], None]


def _new_process_token() -> None:
    """Give a forked worker its own token, so its jobs are told from its siblings'."""
    global PROCESS_TOKEN  # noqa: PLW0603 - one value per process, set at fork
    PROCESS_TOKEN = secrets.token_hex(8)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_process_token)


@dataclass
class Export:
    """One export, ready to run: what it is, its file name and type, and how to make it."""

    kind: str
    title: str
    filename: str
    mimetype: str
    rows: int
    write: Callable[[IO[bytes], Progress], int] | None = None
    chunks: Callable[[], Iterator[bytes]] | None = None
    details: dict[str, Any] = field(default_factory=dict)


def results_dir() -> Path:
    """Return the private folder for finished exports and their spool files."""
    path = Path(current_app.config["DATA_DIR"]) / RESULTS
    make_private_dir(path)
    return path


def result_path(job: dict[str, Any]) -> Path:
    """Return where a job's file is kept."""
    return results_dir() / f"{job['id']}{Path(job['filename']).suffix}"


def _now() -> str:
    """Return the time now as UTC ISO text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_result(path: Path, export: Export, progress: Progress) -> int:
    """Write an export's file durably: private temp file, fsync, then rename into place."""
    assert export.write is not None  # nosec B101  # only file-writing exports become jobs
    temp = temp_path_for(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            rows = export.write(handle, progress)
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return rows


class JobRunner:
    """A queue of exports worked through by one thread of the server process."""

    def __init__(self, app: Flask) -> None:
        """Make an idle runner; the thread starts with the first job."""
        self.app = app
        self.queue: queue.Queue[tuple[str, Export]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, user: dict[str, Any], export: Export) -> dict[str, Any]:
        """Record a queued job for the user and hand it to the worker thread."""
        job = _insert_job(
            {
                "user_id": user["id"],
                "kind": export.kind,
                "title": export.title,
                "filename": export.filename,
                "mimetype": export.mimetype,
                "rows": export.rows,
                "rows_done": 0,
                "status": "queued",
                "worker": {"pid": os.getpid(), "token": PROCESS_TOKEN},
            }
        )
        self.queue.put((job["id"], export))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="cspr-export-jobs", daemon=True
                )
                self._thread.start()
        return job

    def _work(self) -> None:
        """Run queued jobs one after another, for as long as the process lives."""
        while True:
            job_id, export = self.queue.get()
            try:
                with self.app.app_context():
                    run_job(job_id, export)
            except Exception:  # never let one bad job stop the thread
                self.app.logger.exception("Export job %s failed", job_id)
            finally:
                self.queue.task_done()


@transactional
def _insert_job(fields: dict[str, Any]) -> dict[str, Any]:
    """Store a new job record."""
    return get_store().insert(JOBS, fields)


@transactional
def _record(job_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Record how a job is going (only its own worker thread writes it)."""
    return get_store().update(JOBS, job_id, fields)


def run_job(job_id: str, export: Export) -> None:
    """Make one job's file, keeping its record up to date; any fault marks it failed."""
    job = _record(job_id, {"status": "running", "started_at": _now()})
    last = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_SECONDS:
            _record(job_id, {"rows_done": done})
            last = time.monotonic()

    path = result_path(job)
    try:
        rows = write_result(path, export, progress)
    except Exception:
        current_app.logger.exception("Export job %s could not be made", job_id)
        _record(job_id, {"status": "failed", "error": FAILED, "finished_at": _now()})
        return
    _record(
        job_id,
        {"status": "done", "rows_done": rows, "size": path.stat().st_size, "finished_at": _now()},
    )


def jobs_of(user: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    """Return the user's own recent export jobs, newest first."""
    return get_store().find(
        JOBS, where={"user_id": user["id"]}, order_by="created_at", reverse=True, limit=limit
    )


def own_job(user: dict[str, Any], job_id: str) -> dict[str, Any] | None:
    """Return a job only to the person who asked for it."""
    job = get_store().get(JOBS, job_id)
    if job is None or job.get("user_id") != user["id"]:
        return None
    return job


def clean_up(max_age: timedelta) -> int:
    """Delete finished files and job records older than max_age; return how many went."""
    store = get_store()
    cutoff = (datetime.now(UTC) - max_age).isoformat(timespec="seconds")
    with store.transaction():
        old = store.find(JOBS, predicate=lambda j: str(j.get("created_at", "")) < cutoff)
        for job in old:
            store.delete(JOBS, job["id"])
    for job in old:
        result_path(job).unlink(missing_ok=True)
    known = {f"{j['id']}{Path(j['filename']).suffix}" for j in store.find(JOBS)}
    limit = time.time() - max_age.total_seconds()
    for entry in results_dir().iterdir():
        # Files no record names: left by a crash mid-write, or by a record removed above.
        if entry.is_file() and entry.name not in known and entry.stat().st_mtime < limit:
            entry.unlink(missing_ok=True)
    return len(old)


def _alive(pid: int) -> bool:
    """Say whether a process is still running."""
    if pid <= 0:
        return False  # never ask about 0 or -1: those mean process groups, not one process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(app: Flask) -> None:
    """Mark jobs that a stopped process left unfinished as failed, so nobody waits forever."""
    with app.app_context(), get_store().transaction():
        store = get_store()
        for job in store.find(JOBS, predicate=lambda j: j.get("status") in ("queued", "running")):
            worker = job.get("worker") or {}
            ours = worker.get("token") == PROCESS_TOKEN
            if not ours and not _alive(int(worker.get("pid") or 0)):
                store.update(
                    JOBS, job["id"], {"status": "failed", "error": RESTARTED, "finished_at": _now()}
                )


def runner() -> JobRunner:
    """Return the app's job runner."""
    found = current_app.extensions[EXTENSION_KEY]
    assert isinstance(found, JobRunner)  # nosec B101  # init_app put it there
    return found


def init_app(app: Flask) -> None:
    """Give the app a job runner and fail any jobs a previous run left unfinished."""
    app.extensions[EXTENSION_KEY] = JobRunner(app)
    if opens_store_at_start(app):
        recover(app)
