"""The admin email pages and the password reset pages in chromium, checked with axe."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ADMIN_EMAIL
from tests.browser.harness import LiveServer, check_page, sign_in
from tests.conftest import PASSWORD
from tests.mail.conftest import SmtpServer

pytestmark = pytest.mark.browser
BU_EMAIL = "bea.unit@testshire.example.org"
NEW_PASSWORD = "marmalade kettle orbit lantern"


@dataclass
class MailLiveServer(LiveServer):
    """The live server, sending its email to a loopback SMTP server every second."""

    smtp_port: int = 0

    def env(self) -> dict[str, str]:
        """Add the mail settings to the server's environment."""
        return {
            **super().env(),
            "CSPR_MAIL_SERVER": "127.0.0.1",
            "CSPR_MAIL_PORT": str(self.smtp_port),
            "CSPR_MAIL_SEND_INTERVAL": "1",
        }


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    """Run a real SMTP server for the module."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail_server(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer
) -> Iterator[LiveServer]:
    """Serve the app with an admin and a business unit user, sending real email."""
    server = MailLiveServer(tmp_path_factory.mktemp("mail") / "data", smtp_port=smtp_server.port)
    for email, role, name in (
        (ADMIN_EMAIL, "admin", "Ada Admin"),
        (BU_EMAIL, "business_unit", "Bea Unit"),
    ):
        server.flask(
            "users", "create", email, "--role", role, "--name", name, "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
    server.start()
    yield server
    server.stop()


def test_admin_email_pages(page: Page, mail_server: LiveServer, smtp_server: SmtpServer) -> None:
    sign_in(page, mail_server, ADMIN_EMAIL)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    check_page(page, "admin settings")
    page.get_by_label("How many working days").fill("two")
    page.get_by_role("button", name="Save settings").click()
    expect(page).to_have_title(re.compile(r"^Error: Settings"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a whole number")
    check_page(page, "admin settings error")
    page.get_by_label("How many working days").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 working days")

    page.get_by_role("button", name="Send a test email").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"A test email has been sent to {ADMIN_EMAIL}"
    )
    check_page(page, "admin settings test email sent")
    assert [m.to for m in smtp_server.messages] == [ADMIN_EMAIL]

    page.get_by_role("link", name="Email", exact=True).click()
    expect(page.locator("table")).to_contain_text("Test email from")
    check_page(page, "admin email outbox")
    page.get_by_role("link", name="Change the wording of emails").click()
    check_page(page, "admin email wording")
    page.get_by_role("link", name="Change the Deadline reminder email").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#email-preview")).to_contain_text("CSPR-2026-0001")
    check_page(page, "admin email wording preview")
    page.get_by_label("Body").fill("Hello {{ child_name }}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("which is not allowed")
    check_page(page, "admin email wording error")


def _wait_for_link(smtp: SmtpServer, address: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for message in smtp.to(address):
            found = re.search(r"https?://\S+/password-reset/\S+", message.body)
            if found:
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError("the reset email did not arrive")


def test_password_reset_pages(page: Page, mail_server: LiveServer, smtp_server: SmtpServer) -> None:
    page.goto(mail_server.url + "/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page, "password reset request")
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_title(re.compile(r"^Error: Reset your password"))
    check_page(page, "password reset request error")
    page.get_by_label("Email address").fill(BU_EMAIL)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "password reset sent")

    link = _wait_for_link(smtp_server, BU_EMAIL)
    page.goto(link)
    expect(page).to_have_url(mail_server.url + "/password-reset/new")
    check_page(page, "password reset choose")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill("not the same at all, sorry")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The passwords do not match")
    check_page(page, "password reset choose error")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("password has been changed")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    check_page(page, "password reset link used")
    sign_in(page, mail_server, BU_EMAIL, NEW_PASSWORD)
    expect(page.locator("body")).to_contain_text("Signed in as Bea Unit")
