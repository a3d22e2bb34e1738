"""Journey: an anonymised rapid review report that names someone waits for the business unit's
review, which adds the name to the register; only then is the anonymised version saved."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cspr.demo.run import DEMO_PASSWORD
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser
BU_EMAIL = "bu@demo.example.org"
REPORT = "Rapid review report"
LEAKED = "Nadia Holloway"  # the demo's case F names the child's aunt in its free text


@pytest.fixture(scope="module")
def anonymise_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app with the fictional demo partnership."""
    server = LiveServer(tmp_path_factory.mktemp("anonymise") / "data")
    server.flask("demo")
    server.start()
    yield server
    server.stop()


def test_a_leaked_name_is_reviewed_before_the_anonymised_report_is_saved(
    page: Page, anonymise_server: LiveServer, tmp_path: Path
) -> None:
    server = anonymise_server
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)
    page.goto(server.url + "/cases")
    page.get_by_role("link", name=re.compile(r"^CSPR-\d{4}-0006$")).click()
    page.get_by_label("Document", exact=True).select_option(label=REPORT)
    page.get_by_label("Anonymised version").check()
    page.get_by_role("button", name="Generate document").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the anonymised version")
    candidate = page.locator("li", has=page.get_by_role("heading", name=f"“{LEAKED}”"))
    expect(candidate.locator("mark")).to_have_text(LEAKED)
    expect(candidate).to_contain_text("safe with his aunt")
    check_page(page, "anonymisation review")

    candidate.get_by_role("button", name="Save this decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Check the anonymised"))
    check_page(page, "anonymisation review errors")

    candidate = page.locator("li", has=page.get_by_role("heading", name=f"“{LEAKED}”"))
    candidate.get_by_label("add it to the register with a pseudonym").check()
    candidate.get_by_role("textbox", name="Pseudonym").fill("Aunt")
    candidate.get_by_role("button", name="Save this decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"“{LEAKED}” has been added to the register as Aunt."
    )
    expect(page.locator("#review-done")).to_be_visible()
    page.get_by_role("button", name="Save the anonymised version").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{REPORT} v1 (anonymised) has been checked and saved"
    )
    history = page.locator("#document-history")
    expect(history).to_contain_text("reviewed by Bea Example")
    with page.expect_download() as caught:
        history.get_by_role("link", name=f"Word copy of {REPORT} v1").click()
    saved = tmp_path / "report.docx"
    caught.value.save_as(saved)
    with zipfile.ZipFile(BytesIO(saved.read_bytes())) as archive:
        xml = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                      if n.endswith(".xml"))  # fmt: skip
    assert "Holloway" not in xml and "Aunt" in xml
