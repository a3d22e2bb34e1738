"""Backup and restore through the real app's commands, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cspr.storage import Store
from cspr.storage.backup import read_manifest
from cspr.storage.signing import load_key

REPO = Path(__file__).resolve().parents[2]


def _flask(data_dir: Path, key_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPR_DATA_DIR": str(data_dir), "CSPR_BACKUP_KEY_FILE": str(key_file)}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def backed_up(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A data directory with a case in it, and a signed backup of it."""
    data, key = tmp_path / "data", tmp_path / "keys" / "backup.key"
    assert _flask(data, key, "init").returncode == 0
    with Store.open(data) as store:
        store.insert("cases", {"reference": "CSPR-2026-0001"})
    archive = tmp_path / "backups" / "nightly.tar.gz"
    made = _flask(data, key, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert f"A new backup key was made at {key}" in made.stdout
    assert key.stat().st_mode & 0o777 == 0o600
    return data, key, archive


def test_restore_recovers_a_damaged_store(backed_up: tuple[Path, Path, Path]) -> None:
    data, key, archive = backed_up
    snapshot = data / "store" / "snapshot.json"
    damaged = bytearray(snapshot.read_bytes())
    damaged[len(damaged) // 2] ^= 0x20
    snapshot.write_bytes(bytes(damaged))
    refused = _flask(data, key, "audit", "verify")
    assert refused.returncode != 0 and "restore BACKUP_FILE" in refused.stderr
    restored = _flask(data, key, "restore", "--force", str(archive))
    assert restored.returncode == 0, restored.stderr
    with Store.open(data) as store:
        assert store.find_one("cases", {"reference": "CSPR-2026-0001"})
    assert _flask(data, key, "audit", "verify").returncode == 0


def test_restore_into_a_new_empty_directory_needs_no_force(
    backed_up: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, key, archive = backed_up
    fresh = tmp_path / "new-server"
    restored = _flask(fresh, key, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    with Store.open(fresh) as store:
        assert store.find_one("cases", {"reference": "CSPR-2026-0001"})


def test_restore_needs_the_backup_key(backed_up: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, key, archive = backed_up
    missing = _flask(tmp_path / "other", tmp_path / "nowhere.key", "restore", str(archive))
    assert missing.returncode != 0
    assert "There is no backup key at" in missing.stderr
    assert "CSPR_BACKUP_KEY_FILE" in missing.stderr
    other_key = tmp_path / "other.key"
    other_key.write_text("ab" * 32)
    wrong = _flask(tmp_path / "other", other_key, "restore", str(archive))
    assert wrong.returncode != 0 and "signed with another backup key" in wrong.stderr
    assert not (tmp_path / "other" / "store").exists()


def test_a_key_inside_the_data_directory_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _flask(data, data / "backup.key", "backup", str(tmp_path / "b.tar.gz"))
    assert made.returncode != 0 and "is inside the data directory" in made.stderr
    assert not (tmp_path / "b.tar.gz").exists()


def test_verify_notices_entries_cut_from_the_end(backed_up: tuple[Path, Path, Path]) -> None:
    data, key, archive = backed_up
    with Store.open(data) as store:
        for number in range(5):
            store.audit.append("view", "case", str(number), user="ann")
    trail = data / "store" / "audit.jsonl"
    lines = trail.read_bytes().splitlines(keepends=True)
    whole = _flask(data, key, "audit", "verify", "--backup", str(archive))
    assert whole.returncode == 0 and f"{len(lines)} entries checked" in whole.stdout
    trail.write_bytes(b"".join(lines[:-3]))  # the chain that is left is still valid
    # The journal still holds them, so opening the store puts them back...
    assert _flask(data, key, "audit", "verify").returncode == 0
    # ...but once the journal is folded away, a cut is reported, not repaired.
    assert _flask(data, key, "compact").returncode == 0
    trail.write_bytes(b"".join(trail.read_bytes().splitlines(keepends=True)[: len(lines) - 3]))
    cut = _flask(data, key, "audit", "verify")
    assert cut.returncode == 1
    assert f"the trail ends at entry {len(lines) - 3}, but the data store records" in cut.stdout
    assert "the newest 3 entries have been removed" in cut.stdout
    # The signed backup's record of the trail notices a cut below the point it recorded, even
    # where the store's own record were rewritten too (checked here without it).
    manifest = read_manifest(archive, load_key(key, data))
    anchor = (manifest["audit_head"]["seq"], manifest["audit_head"]["hash"])
    with Store.open(data) as store:
        assert store.audit.verify(anchor=anchor).ok
        trail.write_bytes(b"")
        found = store.audit.verify(anchor=anchor)
    assert not found.ok and "but the backup records" in found.reason
