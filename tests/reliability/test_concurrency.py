"""A CLI backup and a users create while the server takes submissions: nothing lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cspr.storage import Store, restore
from cspr.storage.signing import default_key_file, load_key
from tests.conftest import PASSWORD
from tests.reliability.test_crash import _load, server_with_token

pytestmark = pytest.mark.slow


def test_backup_and_users_create_during_load(tmp_path: Path) -> None:
    server, token = server_with_token(tmp_path / "data")
    server.start()
    acknowledged: list[str] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=_load, args=(server, token, acknowledged, stop)) for _ in range(3)
    ]
    try:
        for thread in threads:
            thread.start()
        for index in range(3):
            server.flask(
                "users",
                "create",
                f"new{index}@testshire.example.org",
                "--role",
                "chair",
                "--password-stdin",
                stdin=PASSWORD + "\n",
            )
            before_backup = len(acknowledged)
            server.flask("backup", str(tmp_path / f"backup{index}.tar.gz"))
        at_backup = len(acknowledged)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        server.stop()
    assert at_backup > 10, "the server took hardly any submissions during the commands"
    with Store.open(tmp_path / "data") as store:
        assert all(store.get("submissions", i) for i in acknowledged)
        assert store.count("users") == 4
    # The last backup restores into an empty directory and holds everything acknowledged
    # before it started.
    restored = tmp_path / "restored"
    key = load_key(default_key_file(), restored)  # the key the backup command made
    restore(tmp_path / "backup2.tar.gz", restored, key)
    with Store.open(restored) as store:
        assert all(store.get("submissions", i) for i in acknowledged[:before_backup])
        assert store.count("users") == 4
