"""The service navigation fits on one line at desktop width (1280 px) for every role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import LiveServer, check_page, sign_in

ROLES = {
    "admin": [],
    "business_unit": [],
    "partner": ["--partner", "local_authority"],
    "chair": [],
}
# A long name, so the header's "Signed in as ... Your password" is tested at its widest.
NAME = "Alexandra Longname-Smithson"
MEASURE = """() => {
  const list = document.querySelector('.govuk-service-navigation__list');
  const items = [...list.querySelectorAll(':scope > li')].map(i => i.getBoundingClientRect());
  return {height: list.getBoundingClientRect().height,
          itemHeight: Math.max(...items.map(i => i.height)),
          tops: [...new Set(items.map(i => Math.round(i.top)))],
          overflow: list.scrollWidth - list.clientWidth};
}"""


@pytest.fixture(scope="module")
def every_role(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app with one account of each role."""
    server = LiveServer(tmp_path_factory.mktemp("navigation") / "data")
    for role, extra in ROLES.items():
        server.add_user(f"{role}@testshire.example.org", role, "--name", NAME, *extra)
    server.add_agency_user("agency_user@testshire.example.org", NAME)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page 1280 px wide, with JavaScript off: the navigation must not need it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", [*ROLES, "agency_user"])
def test_the_navigation_is_one_line_at_1280_px(
    desktop: Page, every_role: LiveServer, role: str
) -> None:
    sign_in(desktop, every_role, f"{role}@testshire.example.org")
    for path in ("/", "/forms", "/account/password"):
        desktop.goto(every_role.url + path)
        measured = desktop.evaluate(MEASURE)
        assert measured["tops"] and len(measured["tops"]) == 1, (role, path, measured)
        assert measured["height"] <= measured["itemHeight"] + 1, (role, path, measured)
        assert measured["overflow"] <= 0, (role, path, measured)


def test_the_administrators_other_pages_are_one_click_away(
    page: Page, every_role: LiveServer
) -> None:
    sign_in(page, every_role, "admin@testshire.example.org")
    page.get_by_role("link", name="Settings", exact=True).click()
    check_page(page, "admin settings with other settings")
    page.locator("#other-settings").get_by_role("link", name="Closure days").click()
    current = page.locator(".govuk-service-navigation__item--active")
    assert current.inner_text().strip() == "Settings"
    page.get_by_role("link", name="Home", exact=True).click()
    check_page(page, "admin home with administration links")
    page.get_by_role("link", name="Your password").click()
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Change your password"
