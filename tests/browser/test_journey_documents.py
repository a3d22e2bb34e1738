"""Journey 4: the business unit makes the letter to the family and downloads it; admin pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect

from cspr.demo.run import DEMO_PASSWORD
from tests.browser.harness import LiveServer, check_page, sign_in

pytestmark = pytest.mark.browser
BU_EMAIL = "bu@demo.example.org"
ADMIN_EMAIL = "admin@demo.example.org"
LETTER = "Letter to the family: the decision and its rationale"


@pytest.fixture(scope="module")
def documents_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app with the fictional demo partnership: users and cases at every stage."""
    server = LiveServer(tmp_path_factory.mktemp("documents") / "data")
    server.flask("demo")
    server.start()
    yield server
    server.stop()


def test_business_unit_generates_and_downloads_the_letter(
    page: Page, documents_server: LiveServer, tmp_path: Path
) -> None:
    server = documents_server
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)
    page.goto(server.url + "/cases")
    reference = re.compile(r"^CSPR-\d{4}-0006$")  # the demo's case F: decided, family told
    page.get_by_role("link", name=reference).click()
    case_reference = page.get_by_role("heading", level=1).inner_text().split()[0]
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    check_page(page, "case documents before")

    page.get_by_label("Document", exact=True).select_option(label=LETTER)
    page.get_by_label("Full version, with names").check()
    page.get_by_role("button", name="Generate document").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{LETTER} v1 has been generated"
    )
    history = page.locator("#document-history")
    expect(history).to_contain_text("Bea Example")
    check_page(page, "case documents generated")

    with page.expect_download() as caught:
        history.get_by_role("link", name=f"Word copy of {LETTER} v1").click()
    download = caught.value
    assert download.suggested_filename.startswith(case_reference)
    saved = tmp_path / "letter.docx"
    download.save_as(saved)
    letter = docx.Document(BytesIO(saved.read_bytes()))
    cells = [c.text for t in letter.tables for row in t.rows for c in row.cells]
    assert case_reference in cells
    body = "\n".join(p.text for p in letter.paragraphs)
    assert "Dear " in body and "What the safeguarding partners have decided" in body

    page.get_by_role("link", name="Check or change the pseudonym register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pseudonym register")
    expect(page.locator("main")).to_contain_text("Child F")
    check_page(page, "pseudonym register")
    page.get_by_role("button", name="Add to the register").click()
    expect(page).to_have_title(re.compile(r"^Error: Pseudonym register"))
    check_page(page, "pseudonym register errors")


def _upload(page: Page, path: Path, *paragraphs: str) -> None:
    """Write a Word template with these paragraphs and upload it on the page shown."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    page.get_by_label("Upload the Word template").set_input_files(str(path))
    page.get_by_role("button", name="Check and upload").click()


def test_admin_template_pages(page: Page, documents_server: LiveServer, tmp_path: Path) -> None:
    server = documents_server
    sign_in(page, server, ADMIN_EMAIL, DEMO_PASSWORD)
    page.get_by_role("link", name="Document templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Document templates")
    check_page(page, "admin document templates")

    page.get_by_role("link", name="Rapid review report").click()
    expect(page.locator("#template-versions")).to_contain_text("In use")
    check_page(page, "admin document template")

    page.get_by_role("button", name="Upload a new version").click()
    _upload(page, tmp_path / "evil.docx",
            "Dear {{ cycler.__init__.__globals__ }} and {{ case.refrence }}")  # fmt: skip
    expect(page).to_have_title(re.compile(r"^Error: Upload a template"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("templates may not use")
    expect(page.locator("#template-problems")).to_contain_text("Did you mean “case.reference”?")
    check_page(page, "admin upload template refused")

    # A mistake is said in plain English, quoting the paragraph it is in.
    broken = ("Dear family,", "We write about {{ case.reference }", "Yours, {{ case.refrence }}")
    _upload(page, tmp_path / "broken.docx", *broken)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("A placeholder is not closed properly")
    expect(summary).to_contain_text("In the main text: “We write about {{ case.reference }”.")
    expect(summary).to_contain_text("“case.refrence” is not something templates can read")
    check_page(page, "admin upload template with a mistake")

    # A sound new version is not used until the administrator has seen its samples.
    _upload(page, tmp_path / "sound.docx",
            "Rapid review for {{ case.reference }}, about {{ child.name }}")  # fmt: skip
    expect(page.locator(".govuk-notification-banner")).to_contain_text("It is not in use yet")
    status = page.locator("#version-status")
    expect(status).to_contain_text("New documents are still made from version 1")
    check_page(page, "admin template version to check")
    with page.expect_download() as caught:
        page.get_by_role("link", name=re.compile(r"^Download the sample of version 2")).click()
    sample = docx.Document(BytesIO(Path(caught.value.path()).read_bytes()))
    assert "Rapid review for CSPR-" in sample.paragraphs[0].text
    page.get_by_role("button", name="Make version 2 live").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Version 2 is now in use"
    )
    expect(page.locator("#template-versions")).to_contain_text("v2 In use")
    check_page(page, "admin document template after making live")

    page.goto(server.url + "/documents/variables")
    expect(page.locator("#variables")).to_contain_text("case.reference")
    check_page(page, "template variables")


def test_partnership_details_and_a_held_family_letter(
    page: Page, documents_server: LiveServer
) -> None:
    server = documents_server
    sign_in(page, server, ADMIN_EMAIL, DEMO_PASSWORD)
    page.get_by_role("link", name="Settings", exact=True).click()
    page.locator("#other-settings").get_by_role("link", name="Partnership details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership details")
    expect(page.get_by_label("Full name")).to_have_value("Morgan Example")
    check_page(page, "partnership details")
    page.get_by_label("Postcode").fill("nowhere")
    page.get_by_role("button", name="Save the partnership's details").click()
    expect(page).to_have_title(re.compile(r"^Error: Partnership details"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    check_page(page, "partnership details with a mistake")

    # The demo's case D: the police asked that the family is not contacted yet.
    sign_in(page, server, BU_EMAIL, DEMO_PASSWORD)
    page.goto(server.url + "/cases")
    page.get_by_role("link", name=re.compile(r"^CSPR-\d{4}-0004$")).click()
    expect(page.locator("#documents-family-hold")).to_contain_text(
        "The family must not be contacted yet"
    )
    page.get_by_label("Document", exact=True).select_option(label=LETTER)
    page.get_by_role("button", name="Generate document").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Lift the hold on the case first, then make the letter."
    )
    check_page(page, "family letter refused while the hold is on")
