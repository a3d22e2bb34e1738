"""Flask wiring and the backup, restore, audit verify and compact commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from cspr.storage import Store, StoreCorrupt, close_store, get_store, init_app

APP_MODULE = '''
import os
from flask import Flask
from cspr.storage import init_app

app = Flask(__name__)
app.config["DATA_DIR"] = os.environ["TEST_DATA_DIR"]
init_app(app)
'''


def _make_app(data_dir: Path) -> Flask:
    app = Flask(__name__)
    app.config["DATA_DIR"] = str(data_dir)
    init_app(app)
    return app


def _flask(tmp_path: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "storage_test_app.py").write_text(APP_MODULE)
    env = {**os.environ, "TEST_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "storage_test_app", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_init_app_opens_one_store_per_app(data_dir: Path) -> None:
    app = _make_app(data_dir)
    try:
        with app.app_context():
            store = get_store()
            assert store is app.extensions["cspr_store"] is get_store()
            store.insert("t", {})
        close_store(app)
        with app.app_context():
            assert get_store().count("t") == 1  # opened again lazily
    finally:
        close_store(app)


def test_init_app_refuses_a_damaged_store(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.insert("t", {})
        store.compact()
    (data_dir / "store" / "snapshot.json").write_bytes(b"\0" * 100)
    with pytest.raises(StoreCorrupt, match="snapshot.json"):
        _make_app(data_dir)


def test_cli_commands_in_process(data_dir: Path, tmp_path: Path) -> None:
    app = _make_app(data_dir)
    try:
        runner = app.test_cli_runner()
        with app.app_context():
            get_store().insert("t", {"n": 1})
            get_store().audit.append("view", "case", "c1")
        result = runner.invoke(args=["compact"])
        assert result.exit_code == 0 and "compacted" in result.output
        result = runner.invoke(args=["backup", str(tmp_path / "b.tar.gz")])
        assert result.exit_code == 0 and "Backup saved to" in result.output
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 0
        # The view, then the backup itself, recorded as an export.
        assert "Audit trail is whole: 2 entries checked." in result.output
        with app.app_context():
            (export,) = get_store().audit.entries(action="export")
        assert export["object_type"] == "backup" and export["object_id"] == "b.tar.gz"
        audit = data_dir / "store" / "audit.jsonl"
        first, rest = audit.read_text().split("\n", 1)
        entry = json.loads(first)
        entry["user"] = "someone else"
        audit.write_text(json.dumps(entry) + "\n" + rest)
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1
        assert "Audit trail is broken at entry 1: entry 1 has been changed" in result.output
        result = runner.invoke(args=["backup", str(data_dir / "inside.tar.gz")])
        assert result.exit_code != 0 and "outside the data directory" in result.output
    finally:
        close_store(app)


def test_restore_command_works_when_the_store_is_damaged(data_dir: Path, tmp_path: Path) -> None:
    with Store.open(data_dir) as store:
        store.insert("cases", {"n": 1})
    done = _flask(tmp_path, data_dir, "backup", str(tmp_path / "good.tar.gz"))
    assert done.returncode == 0, done.stderr
    with (data_dir / "store" / "journal.jsonl").open("r+b") as handle:
        handle.seek(30)
        handle.write(b"XXXX")  # damage the header: the store no longer opens
        handle.seek(0, 2)
        handle.write(b"0123456789abcdef {}\n")
    started = _flask(tmp_path, data_dir, "compact")
    assert started.returncode != 0 and "journal.jsonl is damaged" in started.stderr
    refused = _flask(tmp_path, data_dir, "restore", str(tmp_path / "good.tar.gz"))
    assert refused.returncode != 0 and "--force" in refused.stderr
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes((tmp_path / "good.tar.gz").read_bytes()[:200])
    refused = _flask(tmp_path, data_dir, "restore", str(bad), "--force")
    assert refused.returncode != 0 and "Nothing was restored" in refused.stderr
    restored = _flask(tmp_path, data_dir, "restore", str(tmp_path / "good.tar.gz"), "--force")
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "moved to" in restored.stdout
    with Store.open(data_dir) as store:
        assert store.find_one("cases", {"n": 1})
    verified = _flask(tmp_path, data_dir, "audit", "verify")
    assert verified.returncode == 0
    assert "Audit trail is whole: 0 entries checked." in verified.stdout
