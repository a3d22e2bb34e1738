"""Big exports run in the background: a job record, a progress page, a private durable result."""

from __future__ import annotations

import io
import os
import stat
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspr import create_app
from cspr.demo.run import DEMO_PASSWORD
from cspr.exports import jobs
from cspr.storage import close_store, get_store
from tests.conftest import sign_in
from tests.exports.conftest import EMAILS, demo_copy, post


@pytest.fixture
def small_threshold_app(demo_data: Path, tmp_path: Path) -> Iterator[Flask]:
    """Return a demo app that makes every workbook in the background."""
    application = demo_copy(demo_data, tmp_path, EXPORT_BACKGROUND_ROWS=0)
    yield application
    close_store(application)


def _client(app: Flask, who: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, EMAILS[who], DEMO_PASSWORD).status_code == 302
    return client


def _wait(app: Flask, job_id: str, seconds: float = 20) -> dict[str, Any]:
    """Wait for the worker thread to finish a job."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = get_store().get(jobs.JOBS, job_id)
        assert job is not None
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_big_export_is_made_in_the_background_and_only_its_owner_gets_it(
    small_threshold_app: Flask,
) -> None:
    app = small_threshold_app
    client = _client(app, "bu")
    response = post(client, "/exports/forms/referral", format="xlsx")
    assert response.status_code == 303
    job_url = response.headers["Location"]
    job_id = job_url.rsplit("/", 1)[-1]
    job = _wait(app, job_id)
    assert job["status"] == "done" and job["rows_done"] == 18 and job["rows"] == 18

    page = client.get(job_url)
    assert "Your export is ready" in page.text and "Refresh" not in page.headers
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200
    assert "referral-" in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.data))
    assert book.worksheets[0].max_row == 19

    with app.app_context():
        path = jobs.result_path(job)
        details = get_store().audit.entries(action="export", object_type="form")[0]["details"]
        downloads = get_store().audit.count(action="download", object_id=job_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert details["rows"] == 18 and details["format"] == "xlsx"
    assert downloads == 1

    # Someone else, even with the same role, cannot see or fetch it.
    other = _client(app, "chair")
    assert other.get(job_url).status_code == 404
    assert other.get(f"{job_url}/download").status_code == 404
    assert "Your recent large exports" in client.get("/exports").text
    assert "Your recent large exports" not in other.get("/exports").text

    # CSV and JSON always stream, whatever their size.
    assert post(client, "/exports/forms/referral", format="csv").status_code == 200

    with app.app_context():
        assert jobs.clean_up(timedelta(hours=1)) == 0  # still fresh
        assert jobs.clean_up(timedelta(seconds=-1)) == 1
        assert get_store().get(jobs.JOBS, job_id) is None
    assert not path.exists()
    assert client.get(job_url).status_code == 404


def test_the_progress_page_reloads_itself_until_ready_and_can_be_stopped(
    small_threshold_app: Flask,
) -> None:
    app = small_threshold_app
    client = _client(app, "bu")
    with app.app_context():
        bu = get_store().find_one("users", {"email": EMAILS["bu"]})
        assert bu is not None
        waiting = get_store().insert(jobs.JOBS, {
            "user_id": bu["id"], "kind": "form", "title": "Referral for consideration (XLSX)",
            "filename": "referral.xlsx", "mimetype": "x", "rows": 50_000, "rows_done": 12_500,
            "status": "running", "worker": {"pid": os.getpid(), "token": jobs.PROCESS_TOKEN},
        })  # fmt: skip
    page = client.get(f"/exports/jobs/{waiting['id']}")
    assert page.headers["Refresh"] == "3"
    assert "12500 of 50000 rows" in page.text
    assert "Stop updating this page automatically" in page.text
    assert "<script" not in page.text.split("</main>")[0].split("<main")[1]
    stopped = client.get(f"/exports/jobs/{waiting['id']}?auto=off")
    assert "Refresh" not in stopped.headers and "Check again" in stopped.text
    assert client.get(f"/exports/jobs/{waiting['id']}/download").status_code == 404


def test_a_failing_export_is_marked_failed_and_a_restart_fails_orphans(
    small_threshold_app: Flask, tmp_path: Path
) -> None:
    app = small_threshold_app

    def broken(out: IO[bytes], progress: jobs.Progress) -> int:
        out.write(b"half a file")
        raise OSError("disk full")

    with app.app_context():
        user = get_store().find_one("users", {"email": EMAILS["bu"]})
        assert user is not None
        export = jobs.Export("form", "Broken", "broken.xlsx", "x", 10, write=broken)
        job = jobs.runner().submit(user, export)
    failed = _wait(app, job["id"])
    assert failed["status"] == "failed" and "could not be made" in failed["error"]
    with app.app_context():
        assert not jobs.result_path(failed).exists()
        assert not [p for p in jobs.results_dir().iterdir() if p.name.endswith(".tmp")]
        orphan = get_store().insert(jobs.JOBS, {
            "user_id": user["id"], "kind": "form", "title": "Orphan", "filename": "o.xlsx",
            "mimetype": "x", "rows": 1, "rows_done": 0, "status": "running",
            "worker": {"pid": 2**22 + 7, "token": "a-stopped-process"},
        })  # fmt: skip
    data_dir = app.config["DATA_DIR"]
    close_store(app)
    restarted = create_app({"TESTING": True, "DATA_DIR": data_dir})
    with restarted.app_context():
        record = get_store().get(jobs.JOBS, orphan["id"])
    assert record is not None and record["status"] == "failed"
    assert "restarted" in record["error"]
    cleaned = restarted.test_cli_runner().invoke(args=["clean-exports", "--hours=-1"])
    assert cleaned.exit_code == 0 and "Removed 2 old exports." in cleaned.output
    close_store(restarted)
