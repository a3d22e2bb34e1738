"""A short form of the load benchmark inside make test: concurrent GETs and POSTs, no errors."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.reliability.test_crash import _post, server_with_token

pytestmark = pytest.mark.slow
SECONDS = 3


def test_concurrent_form_pages_and_submissions_without_errors(tmp_path: Path) -> None:
    server, token = server_with_token(tmp_path / "data")
    email = "load@testshire.example.org"
    server.start()
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{server.url}/sign-in").read().decode()
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        opener.open(
            f"{server.url}/sign-in",
            data=urllib.parse.urlencode(
                {"email": email, "password": PASSWORD, "csrf_token": csrf}
            ).encode(),
        )
        forms = opener.open(f"{server.url}/forms").read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', forms).group(1)  # type: ignore[union-attr]
        form_page = opener.open(
            f"{server.url}/forms/follow_up/start",
            data=urllib.parse.urlencode({"csrf_token": csrf}).encode(),
        ).geturl()
        results = {"get_ok": 0, "post_ok": 0, "errors": 0}
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def getter() -> None:
            while time.monotonic() < deadline:
                try:
                    with opener.open(form_page, timeout=10) as response:
                        ok = (
                            response.status == 200 and b"What has happened since" in response.read()
                        )
                except OSError:
                    ok = False
                with lock:
                    results["get_ok" if ok else "errors"] += 1

        def poster() -> None:
            url = f"{server.url}/api/forms/follow_up/submissions"
            while time.monotonic() < deadline:
                ok = _post(url, token) is not None
                with lock:
                    results["post_ok" if ok else "errors"] += 1

        threads = [threading.Thread(target=getter) for _ in range(4)]
        threads += [threading.Thread(target=poster) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.stop()
    assert results["errors"] == 0, results
    assert results["get_ok"] > 0 and results["post_ok"] > 0, results
