"""The repository's storage/ folder: only its README is tracked, and that alone is not data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cspr.config import SECRET_KEY_FILE
from cspr.documents import library
from cspr.documents import operations as documents
from cspr.exports import jobs
from cspr.formengine import attachments
from cspr.storage import Store, StoreError, backup, restore
from tests.storage.test_storage_backup import KEY, _archive

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "storage" / "README.md"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    """Run git in the repository."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          timeout=60)


def test_only_the_readme_is_tracked_and_nothing_written_there_would_be() -> None:
    assert git("ls-files", "storage").stdout.split() == ["storage/README.md"]
    written = ["storage/secret_key", "storage/store/journal.jsonl", "storage/store/audit.jsonl",
               "storage/files/x", "storage/documents/x.docx", "storage/exports/x.xlsx"]
    ignored = git("check-ignore", "--no-index", *written).stdout.split()
    assert ignored == written
    assert git("check-ignore", "--no-index", "storage/README.md").returncode == 1


def test_the_readme_names_what_the_app_keeps_there() -> None:
    text = README.read_text(encoding="utf-8")
    for area in ("store/", "store/audit.jsonl", attachments.AREA, documents.AREA, library.AREA,
                 jobs.RESULTS, SECRET_KEY_FILE):
        assert f"`{area}" in text, area
    assert "CSPR_DATA_DIR" in text and "never commit" in text.lower()


def data_dir_with_only_the_readme(tmp_path: Path) -> Path:
    """Return a new data directory holding a copy of the repository's storage README."""
    target = tmp_path / "storage"
    target.mkdir()
    shutil.copy(README, target / "README.md")
    return target


def test_restore_treats_it_as_empty(tmp_path: Path) -> None:
    archive, _ = _archive(tmp_path)
    target = data_dir_with_only_the_readme(tmp_path)
    (target / SECRET_KEY_FILE).write_text("made at start-up")  # as the app does on start
    restore(archive, target, KEY)  # no --force needed
    with Store.open(target) as restored:
        assert restored.count("cases") == 30


def test_restore_still_refuses_real_data_beside_it(tmp_path: Path) -> None:
    archive, _ = _archive(tmp_path)
    target = data_dir_with_only_the_readme(tmp_path)
    with Store.open(target) as store:
        store.insert("cases", {"precious": True})
    with pytest.raises(StoreError, match="already holds data"):
        restore(archive, target, KEY)


def test_the_app_starts_on_it_and_backs_it_up(tmp_path: Path) -> None:
    target = data_dir_with_only_the_readme(tmp_path)
    made = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "init"], cwd=ROOT,
                          env={"CSPR_DATA_DIR": str(target), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "First administrator account created" in made.stdout
    with Store.open(target) as store:
        assert store.count("users") == 1
        manifest = backup(store, tmp_path / "b.tar.gz", KEY)
    assert "README.md" in manifest["files"]  # it comes back with a restore of this backup
