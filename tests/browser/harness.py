"""Run the real app under waitress and check pages in Debian's chromium with axe-core."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakSet

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app served by waitress (python -m cspr.serve) in a child process, on its own data."""

    data_dir: Path
    forms_dir: Path | None = None
    port: int = field(default_factory=free_port)
    workers: int = 2
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the server's base address."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Return the environment the app runs with."""
        extra = {"CSPR_FORMS_DIR": str(self.forms_dir)} if self.forms_dir else {}
        return {
            **os.environ,
            **extra,
            "CSPR_DATA_DIR": str(self.data_dir),
            "CSPR_PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
            "CSPR_BASE_URL": self.url,
            # Journeys sign in as one person after another from the same address.
            "CSPR_LOGIN_RATE_LIMIT": "200 per minute",
        }

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run a `flask --app app` command against the same data directory."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed: {result.stderr or result.stdout}")
        return result.stdout

    def add_user(self, email: str, role: str, *extra: str, password: str = PASSWORD) -> None:
        """Create an account through the real CLI, with any --name/--agency/--partner options."""
        self.flask(
            "users",
            "create",
            email,
            "--role",
            role,
            *extra,
            "--password-stdin",
            stdin=password + "\n",
        )

    def add_agency_user(
        self, email: str, name: str = "Hana Visitor", agency: str = "Testshire Community Health"
    ) -> None:
        """Add an agency (if new) and a member of its staff."""
        if agency not in self.flask("agencies", "list"):
            self.flask("agencies", "add", agency)
        self.add_user(email, "agency_user", "--name", name, "--agency", agency)

    def start(self) -> None:
        """Start the server and wait until it answers."""
        # As `make run` serves it: worker processes sharing the data directory.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cspr.serve", "--port", str(self.port),
             "--workers", str(self.workers), "--threads", "2"],
            cwd=ROOT,
            env=self.env(),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/sign-in", timeout=1)  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the app did not start within 30 seconds")

    def stop(self) -> None:
        """Stop the server."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def sign_in(page: Page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real page, starting from no session, and wait until it worked."""
    page.context.clear_cookies()
    page.goto(server.url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def screenshot_name(label: str) -> str:
    """Turn a page label into a file name."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".png"


NO_JS_PAGES: WeakSet[Page] = WeakSet()
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>.*?</script>", re.S)


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page and return its violations."""
    # evaluate() runs outside the page's CSP, so axe needs no weakening of the policy.
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return list(result["violations"])


def run_axe_without_js(page: Page) -> list[dict[str, Any]]:
    """Check a no-JavaScript page: replay its HTML in a checker page whose own scripts never run."""
    html = INLINE_SCRIPT.sub("", page.content())
    browser = page.context.browser
    assert browser is not None
    checker_context = browser.new_context()
    try:
        checker = checker_context.new_page()
        checker.route("**/*.js", lambda route: route.abort())
        checker.route(
            page.url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
        )
        checker.goto(page.url)
        return run_axe(checker)
    finally:
        checker_context.close()


def check_page(page: Page, label: str) -> None:
    """Save a screenshot, then fail on any axe-core WCAG 2.2 AA violation on the page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot_name(label)), full_page=True)
    violations = run_axe_without_js(page) if page in NO_JS_PAGES else run_axe(page)
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {label} ({page.url}):"]
        for violation in violations:
            for node in violation["nodes"]:
                lines.append(
                    f"- {violation['id']} ({violation['impact']}): {violation['help']}; "
                    f"element {json.dumps(node['target'])}: {node['html'][:200]}"
                )
        raise AssertionError("\n".join(lines))
