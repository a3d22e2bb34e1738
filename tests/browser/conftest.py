"""Browser fixtures: one live server per module and a chromium page per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, NO_JS_PAGES, LiveServer
from tests.conftest import PASSWORD

ADMIN_EMAIL = "admin@testshire.example.org"
AGENCY_EMAIL = "health.visitor@testshire.example.org"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app under waitress with an admin and an agency user."""
    server = LiveServer(tmp_path_factory.mktemp("browser") / "data")
    server.flask(
        "users",
        "create",
        ADMIN_EMAIL,
        "--role",
        "admin",
        "--name",
        "Ada Admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    server.add_agency_user(AGENCY_EMAIL)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's chromium once for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _new_page(browser: Browser, javascript: bool) -> Iterator[Page]:
    """Open a fresh context and fail the test on any console error (CSP refusals included)."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    if not javascript:
        NO_JS_PAGES.add(page)
    errors: list[str] = []
    visited: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        # A page the test opened on purpose may be an error page; a failing sub-resource may not.
        navigated_to_error_page = message.location.get("url") in visited
        if message.type == "error" and not navigated_to_error_page:
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("framenavigated", lambda frame: visited.add(frame.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"the browser reported errors: {errors}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Return a page with JavaScript on."""
    yield from _new_page(browser, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    """Return a page with JavaScript off."""
    yield from _new_page(browser, javascript=False)
