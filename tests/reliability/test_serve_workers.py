"""The multi-process server: workers share sessions and sign-in limits, and are supervised."""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cspr.storage import Store
from tests.browser.harness import LiveServer, free_port
from tests.conftest import PASSWORD
from tests.reliability.test_crash import _load, server_with_token

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    """Return a process's child pids."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class Server:
    """`python -m cspr.serve` in a child process on its own data directory."""

    def __init__(self, data_dir: Path, limit: str = "1000 per minute") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CSPR_DATA_DIR": str(data_dir),
                    "CSPR_LOGIN_RATE_LIMIT": limit, "CSPR_BASE_URL": self.base}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cspr.serve", "--port", str(self.port),
             "--workers", "2", "--threads", "2"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_until_up(self, workers: int) -> None:
        """Wait until the server answers and has its workers."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()
            try:
                urllib.request.urlopen(f"{self.base}/sign-in", timeout=2)  # noqa: S310
                if len(children(self.process.pid)) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not start")

    def stop(self) -> tuple[int, str]:
        """Stop the server as a service manager would; return its exit status and errors."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=30)
        return self.process.returncode, err


def add_user(data_dir: Path) -> None:
    """Create Ann, an agency user, through the real CLI."""
    LiveServer(data_dir).add_agency_user("ann@testshire.example.org", "Ann", "Testshire Health")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A two-worker server with one agency user."""
    add_user(tmp_path)
    running = Server(tmp_path)
    running.wait_until_up(2)
    yield running
    running.stop()


def fresh_connection(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    """An opener whose every request goes on a new connection (so to either worker)."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def sign_in(base: str, jar: http.cookiejar.CookieJar, password: str = PASSWORD) -> int:
    """Post the sign-in form; return the status."""
    opener = fresh_connection(jar)
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({"email": "ann@testshire.example.org", "password": password,
                                   "csrf_token": token}).encode()
    try:
        return int(opener.open(f"{base}/sign-in", data=data).status)
    except urllib.error.HTTPError as refused:
        return refused.code


def test_two_workers_share_sessions_and_data(server: Server) -> None:
    jar = http.cookiejar.CookieJar()
    assert sign_in(server.base, jar) == 200
    pids = children(server.process.pid)
    assert len(pids) == 2
    opener = fresh_connection(jar)
    before = {pid: Path(f"/proc/{pid}/stat").read_text().split()[13] for pid in pids}
    for _ in range(30):  # 30 new connections: the kernel spreads them over both workers
        page = opener.open(f"{server.base}/forms").read().decode()
        assert "Signed in as Ann" in page
    after = {pid: Path(f"/proc/{pid}/stat").read_text().split()[13] for pid in pids}
    assert all(after[pid] != before[pid] for pid in pids), "one worker served every request"


def test_sign_in_limit_is_counted_across_workers(tmp_path: Path) -> None:
    add_user(tmp_path)
    running = Server(tmp_path, limit="3 per minute")
    try:
        running.wait_until_up(2)
        jar = http.cookiejar.CookieJar()
        codes = [sign_in(running.base, jar, password="wrong") for _ in range(12)]
    finally:
        running.stop()
    # Counted per worker, the 4th to 12th tries would pass until each worker had seen three.
    assert codes == [200] * 3 + [429] * 9


def test_a_worker_that_dies_is_replaced(server: Server) -> None:
    first, second = children(server.process.pid)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = children(server.process.pid)
        if len(now) == 2 and first not in now:
            break
        time.sleep(0.1)
    now = children(server.process.pid)
    assert second in now and first not in now and len(now) == 2
    for _ in range(10):
        assert urllib.request.urlopen(f"{server.base}/sign-in", timeout=10).status == 200  # noqa: S310
    code, err = server.stop()
    assert code == 0
    assert "A worker stopped unexpectedly (signal 9); starting a new one." in err


def test_sigterm_stops_every_worker(server: Server) -> None:
    pids = children(server.process.pid)
    code, _ = server.stop()
    assert code == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in pids)


def test_a_damaged_store_stops_the_server_with_a_message(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.insert("t", {})
        store.compact()
    (tmp_path / "store" / "snapshot.json").write_bytes(b"\0" * 100)
    running = Server(tmp_path)
    _, err = running.process.communicate(timeout=60)
    assert running.process.returncode == 3
    assert "The CSPR Toolkit cannot start" in err and "snapshot.json" in err
    assert "A worker could not start the app; stopping the server." in err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_explained(server: Server, workers: str) -> None:
    # Even with SO_REUSEPORT, a second server must not quietly share the first one's port.
    result = subprocess.run(
        [sys.executable, "-m", "cspr.serve", "--port", str(server.port), "--workers", workers],
        cwd=ROOT, env={**server.env, "CSPR_DATA_DIR": "/nonexistent"}, capture_output=True,
        text=True, timeout=60)
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{server.port}" in result.stderr
    assert len(children(server.process.pid)) == 2


def test_bad_worker_counts_are_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "cspr.serve", "--workers", "0"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "workers and threads must each be between 1 and 64" in result.stderr
    result = subprocess.run([sys.executable, "-m", "cspr.serve"], cwd=ROOT, timeout=60,
                            env={**os.environ, "CSPR_WORKERS": "two"}, capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert "argument --workers: invalid int value: 'two'" in result.stderr


def test_killing_workers_under_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    server, token = server_with_token(tmp_path / "data", workers=2)
    server.start()
    assert server.process is not None
    supervisor = server.process.pid
    acknowledged: list[str] = []
    stop = threading.Event()
    clients = [threading.Thread(target=_load, args=(server, token, acknowledged, stop))
               for _ in range(4)]
    for client in clients:
        client.start()
    rng = random.Random(20261122)  # noqa: S311 (test timing, not security)
    try:
        for _ in range(4):  # within the supervisor's limit of five restarts a minute
            deadline = time.monotonic() + 30
            while len(children(supervisor)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.3, 1.0))
            os.kill(rng.choice(children(supervisor)), signal.SIGKILL)
        time.sleep(0.5)
        workers = children(supervisor)
        # The supervisor itself killed: its workers must not linger holding the port.
        server.process.kill()
        server.process.wait(timeout=10)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}/status").exists()
                   and "zombie" not in Path(f"/proc/{pid}/status").read_text()
                   for pid in workers), "workers outlived their supervisor"
    with Store.open(tmp_path / "data") as store:
        missing = [i for i in acknowledged if store.get("submissions", i) is None]
    assert len(acknowledged) > 20, "the load hardly got any writes through"
    assert not missing, f"{len(missing)} acknowledged submissions lost"


STUBBORN = """
import os, signal, sys, threading, time
import cspr.serve as serve
serve.STOP_TIMEOUT = 1.0

def stubborn(sock, threads):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a worker stuck and deaf to SIGTERM
    while True:
        time.sleep(1)

serve.run_worker = stubborn
supervisor = serve.Supervisor(serve.listening_sockets("127.0.0.1", int(sys.argv[1]), 2), 1)
threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
started = time.monotonic()
code = supervisor.run()
print(code, len(supervisor.workers), round(time.monotonic() - started))
"""


def test_workers_deaf_to_sigterm_are_killed_after_the_stop_timeout() -> None:
    result = subprocess.run([sys.executable, "-c", STUBBORN, str(free_port())], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    code, left, seconds = result.stdout.split()
    assert (code, left) == ("0", "0")
    assert 1 <= int(seconds) <= 5
