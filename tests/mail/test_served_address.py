"""Without CSPR_BASE_URL, sign-in and email links use the port the server was started on."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import LiveServer, free_port
from tests.conftest import PASSWORD
from tests.mail.conftest import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "ann@testshire.example.org"
ADMIN = "ada@testshire.example.org"


class Served:
    """`python -m cspr.serve` on a port of its own, with its printed lines kept."""

    def __init__(self, data_dir: Path, smtp: SmtpServer, **env: str) -> None:
        self.port = free_port()
        base = {k: v for k, v in os.environ.items() if k != "CSPR_BASE_URL"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cspr.serve", "--port", str(self.port), "--workers", "2"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**base, "CSPR_DATA_DIR": str(data_dir), "CSPR_MAIL_SERVER": "127.0.0.1",
                 "CSPR_MAIL_PORT": str(smtp.port), "CSPR_MAIL_SEND_INTERVAL": "1", **env})
        self.printed: list[str] = []
        # A thread reads the output, so a test never blocks on a line that does not come.
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        """Keep every line the server prints."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line)

    def read_until(self, text: str) -> str:
        """Return what the server printed up to the first line holding text."""
        deadline = time.monotonic() + 60
        while not any(text in line for line in self.printed):
            assert time.monotonic() < deadline, "".join(self.printed)
            time.sleep(0.1)
        return "".join(self.printed)

    def stop(self) -> None:
        """Stop the server."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with an agency user and an administrator, made through the real CLI."""
    LiveServer(tmp_path).add_agency_user(EMAIL, "Ann", "Testshire Health")
    LiveServer(tmp_path).add_user(ADMIN, "admin", "--name", "Ada")
    return tmp_path


def form_token(page: str) -> str:
    """Find the CSRF token in a page."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    return token.group(1)


def settings_page(url: str) -> str:
    """Sign in as the administrator and return the text of the Settings page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(f"{url}/sign-in", timeout=10).read().decode()
    data = urllib.parse.urlencode(
        {"email": ADMIN, "password": PASSWORD, "csrf_token": form_token(page)}).encode()
    opener.open(f"{url}/sign-in", data=data, timeout=30)
    html = opener.open(f"{url}/admin/settings", timeout=10).read().decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def ask_for_a_reset_link(url: str) -> None:
    """Ask the running server for a password reset email, as the sign-in page's link does."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    deadline = time.monotonic() + 30
    while True:
        try:
            page = opener.open(f"{url}/password-reset", timeout=5).read().decode()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
    data = urllib.parse.urlencode({"email": EMAIL, "csrf_token": form_token(page)}).encode()
    assert opener.open(f"{url}/password-reset", data=data, timeout=10).status == 200


def wait_for_mail(smtp: SmtpServer) -> str:
    """Return the body of the first email to arrive."""
    deadline = time.monotonic() + 30
    while not smtp.to(EMAIL):
        assert time.monotonic() < deadline, "no email arrived"
        time.sleep(0.2)
    return smtp.to(EMAIL)[0].body


@pytest.fixture
def served(data_dir: Path, smtp: SmtpServer) -> Iterator[Served]:
    """A server started on a port that is not 5000, without CSPR_BASE_URL."""
    server = Served(data_dir, smtp)
    yield server
    server.stop()


def test_sign_in_address_and_email_links_use_the_served_port(
    served: Served, smtp: SmtpServer
) -> None:
    address = f"http://127.0.0.1:{served.port}"
    assert served.port != 5000
    assert f"Sign in at {address}/sign-in\n" in served.read_until("Sign in at")
    ask_for_a_reset_link(address)
    body = wait_for_mail(smtp)
    assert f"{address}/password-reset/" in body
    assert ":5000" not in body
    settings = settings_page(address)
    assert (f"Links point to {address} Taken from the port the server was started on. "
            "Set CSPR_BASE_URL when the server sits behind a proxy.") in settings


def test_cspr_base_url_wins_over_the_port(data_dir: Path, smtp: SmtpServer) -> None:
    server = Served(data_dir, smtp, CSPR_BASE_URL="https://cspr.testshire.example.org/")
    try:
        printed = server.read_until("Sign in at")
        assert "Sign in at https://cspr.testshire.example.org/sign-in\n" in printed
        ask_for_a_reset_link(f"http://127.0.0.1:{server.port}")
        assert "https://cspr.testshire.example.org/password-reset/" in wait_for_mail(smtp)
        settings = settings_page(f"http://127.0.0.1:{server.port}")
        assert "Links point to https://cspr.testshire.example.org/ Set by CSPR_BASE_URL." in (
            settings)
    finally:
        server.stop()


def test_the_demo_prints_the_port_make_run_serves_on(tmp_path: Path) -> None:
    # --no-print-directory: under `make test` a nested make would add "Leaving directory" lines.
    plan = subprocess.run(["make", "--no-print-directory", "-n", "run", "DEMO=1", "PORT=5301"],
                          cwd=ROOT, timeout=60,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert plan[-1].endswith("-m cspr.serve --host 127.0.0.1 --port 5301")
    (demo,) = [line for line in plan if "app demo" in line]
    # Run the demo step exactly as `make run` would, on an empty data directory.
    env = {k: v for k, v in os.environ.items() if k != "CSPR_BASE_URL"}
    result = subprocess.run(["bash", "-c", demo], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={**env, "CSPR_DATA_DIR": str(tmp_path)})
    assert "Sign in at http://127.0.0.1:5301/sign-in with these accounts" in result.stdout, (
        result.stderr)
