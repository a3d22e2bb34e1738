"""The app factory, configuration and the secret key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cspr import create_app


def test_factory_uses_test_config(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "PARTNERSHIP_NAME": "Exampleton SCP"})
    assert app.config["PARTNERSHIP_NAME"] == "Exampleton SCP"
    assert Path(app.config["DATA_DIR"]) == (tmp_path / "d").resolve()
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secret_key_generated_once_with_private_permissions(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CSPR_SECRET_KEY", raising=False)
    first = create_app({"DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = create_app({"DATA_DIR": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_secret_key_from_environment_wins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_environment_settings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CSPR_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("CSPR_PARTNERSHIP_NAME", "Envshire SCP")
    monkeypatch.setenv("CSPR_SESSION_IDLE_MINUTES", "45")
    monkeypatch.setenv("CSPR_SECURE_COOKIES", "yes")
    app = create_app()
    assert app.config["PARTNERSHIP_NAME"] == "Envshire SCP"
    assert app.config["SESSION_IDLE_MINUTES"] == 45
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert Path(app.config["DATA_DIR"]) == (tmp_path / "env-data").resolve()


def test_bad_number_in_environment_is_explained(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CSPR_SESSION_IDLE_MINUTES", "half an hour")
    try:
        create_app({"DATA_DIR": str(tmp_path)})
    except RuntimeError as error:
        assert "CSPR_SESSION_IDLE_MINUTES must be a whole number" in str(error)
    else:
        raise AssertionError("a nonsense number was accepted")


def _make_key(data_dir: str, start: float, results: object) -> None:
    """Wait for the common start time, then load or create the key (in a child process)."""
    import time

    from cspr.config import load_or_create_secret_key

    while time.time() < start:
        pass
    results.put(load_or_create_secret_key(Path(data_dir)))  # type: ignore[attr-defined]


def test_processes_starting_together_agree_on_one_whole_key(tmp_path: Path) -> None:
    import multiprocessing
    import time

    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        data_dir = tmp_path / f"d{attempt}"
        results = context.Queue()
        start = time.time() + 0.3
        workers = [context.Process(target=_make_key, args=(str(data_dir), start, results))
                   for _ in range(6)]
        for worker in workers:
            worker.start()
        keys = {results.get(timeout=30) for _ in workers}
        for worker in workers:
            worker.join(30)
        assert keys == {(data_dir / "secret_key").read_text()}
        assert len(keys.pop()) == 64
        assert sorted(p.name for p in data_dir.iterdir()) == ["secret_key"]
