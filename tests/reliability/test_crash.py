"""Crash: kill -9 the real server under API load; every acknowledged submission survives."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cspr.storage import Store
from tests.browser.harness import ROOT, LiveServer

pytestmark = pytest.mark.slow
TRIALS = 10
CLIENTS = 4
ANSWERS = {"child_name": "Test Child", "date_of_birth": "2018-04-03", "update": "Stable."}


def _post(url: str, token: str) -> str | None:
    """Send one submission; return its id when the server acknowledged it with 201."""
    body = json.dumps({"answers": ANSWERS}).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            if response.status == 201:
                return str(json.loads(response.read())["id"])
    except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError):
        return None  # the server died mid-request or mid-reply: not acknowledged
    return None


def _load(server: LiveServer, token: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Submit in a loop until told to stop, keeping the ids the server acknowledged."""
    url = f"{server.url}/api/forms/follow_up/submissions"
    while not stop.is_set():
        sent = _post(url, token)
        if sent:
            acknowledged.append(sent)


def server_with_token(data_dir: Path, workers: int = 1) -> tuple[LiveServer, str]:
    """Make a server on the example forms with one agency user; return it and their API token."""
    # One process by default: SIGKILL must hit the process that writes, not a supervisor.
    server = LiveServer(data_dir, ROOT / "forms" / "examples", workers=workers)
    email = "load@testshire.example.org"
    server.add_agency_user(email, name="Load Tester")
    return server, server.flask("tokens", "create", email).strip().splitlines()[-1]


def test_kill_nine_under_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    server, token = server_with_token(tmp_path / "data")
    acknowledged: list[str] = []
    rng = random.Random(20261122)  # noqa: S311 (test timing, not security)
    for trial in range(TRIALS):
        server.start()
        stop = threading.Event()
        threads = [
            threading.Thread(target=_load, args=(server, token, acknowledged, stop))
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.2, 1.2))
        assert server.process is not None
        server.process.kill()  # SIGKILL: no clean-up of any kind
        server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        # The store must open after every crash and hold every acknowledged submission.
        with Store.open(tmp_path / "data") as store:
            missing = [i for i in acknowledged if store.get("submissions", i) is None]
            assert not missing, f"trial {trial}: {len(missing)} acknowledged submissions lost"
    assert len(acknowledged) > TRIALS * 5, "the load generator hardly got any writes through"
    print(f"{TRIALS} kills, {len(acknowledged)} acknowledged submissions, none lost")
