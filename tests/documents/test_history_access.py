"""Document history, audit, access per role, and PDF copies with and without LibreOffice."""

from __future__ import annotations

import re
import shutil

import pytest
from flask import Flask

from cspr.documents import operations, pdf
from cspr.exceptions import Forbidden
from cspr.storage import NotFound, get_store
from tests.conftest import csrf_token
from tests.documents.conftest import (
    ADMIN,
    BU,
    CHAIR,
    NURSE,
    POLICE,
    case_by_letter,
    client_for,
    docx_text,
    generate,
    user,
)

DOWNLOAD = re.compile(r'href="(/documents/[0-9a-f]{32}/docx)"')


def test_versions_who_and_when_timeline_and_audit(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "K")
    client = client_for(demo_app, BU)
    first = generate(client, case["id"], "family_decision_letter")
    assert "the decision and its rationale v1 has been generated" in first.text
    second = generate(client, case["id"], "family_decision_letter", "anonymised")
    assert "v2 (anonymised) has been generated" in second.text
    history = second.text[second.text.find('id="document-history"') :]
    assert history.find(">v2 ") < history.find(">v1<"), "newest first"
    assert "Bea Example" in history
    links = DOWNLOAD.findall(history)
    assert len(links) == 2
    newest = client.get(links[0])
    assert newest.status_code == 200
    assert newest.headers["Content-Disposition"] == (
        f'attachment; filename="{case["reference"]} Letter to the family - the decision and '
        'its rationale v2 (anonymised).docx"'
    )
    assert "Child K" in docx_text(newest.data) and case["reference"] in docx_text(newest.data)
    with demo_app.app_context():
        events = get_store().get("cases", case["id"])["events"]
        texts = [e["text"] for e in events if e["kind"] == "document"]
        assert texts[-2:] == [
            "Letter to the family: the decision and its rationale v1 generated",
            "Letter to the family: the decision and its rationale v2 (anonymised) generated",
        ]
        made = get_store().audit.entries(object_type="document", action="create")
        mine = [e["details"]["version"] for e in made if e["details"]["case"] == case["id"]]
        assert mine == [2, 1]  # newest first
        downloads = get_store().audit.entries(object_type="document", action="download")
        assert downloads[0]["user"] == BU and downloads[0]["details"]["format"] == "docx"
    page = client.get(f"/cases/{case['id']}")
    assert "Timeline" in page.text and "v2 (anonymised) generated" in page.text


def test_choices_are_checked(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "K")
    client = client_for(demo_app, BU)
    assert "Select the document to generate" in generate(client, case["id"], "nope").text
    assert (
        "Select whether to make the full"
        in generate(client, case["id"], "family_decision_letter", "draft").text
    )


@pytest.mark.parametrize("email", [POLICE, CHAIR])
def test_partners_and_the_chair_can_generate_and_download(demo_app: Flask, email: str) -> None:
    case = case_by_letter(demo_app, "G")
    client = client_for(demo_app, email)
    page = generate(client, case["id"], "rapid_review_report")
    assert "has been generated" in page.text
    link = DOWNLOAD.search(page.text)
    assert link and client.get(link.group(1)).status_code == 200


def test_agency_staff_and_administrators_cannot_reach_case_documents(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "H")  # referred by the health agency
    with demo_app.app_context():
        record = operations.generate_document(
            user(demo_app, BU), case["id"], "terms_of_reference", False
        )
    url = f"/documents/{record['id']}/docx"
    for email in (NURSE, ADMIN):
        client = client_for(demo_app, email)
        page = client.get(f"/cases/{case['id']}")
        assert 'id="documents"' not in page.text
        token = csrf_token(client.get("/").text)
        posted = client.post(
            f"/cases/{case['id']}/documents",
            data={"csrf_token": token, "template_id": "terms_of_reference", "version": "full"},
        )
        assert posted.status_code == 403, email
        assert client.get(url).status_code == 403, email
    with demo_app.app_context():
        for email in (NURSE, ADMIN):
            with pytest.raises((Forbidden, NotFound)):
                operations.read_document(user(demo_app, email), record["id"])
            with pytest.raises((Forbidden, NotFound)):
                operations.generate_document(
                    user(demo_app, email), case["id"], "terms_of_reference", anonymised=False
                )
        downloads = get_store().audit.entries(object_type="document", object_id=record["id"])
        assert [e["action"] for e in downloads] == ["create"]  # the refusals read nothing


def test_without_libreoffice_the_page_says_what_to_install(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "J")
    client = client_for(demo_app, BU)
    demo_app.config["SOFFICE_COMMANDS"] = ("cspr-no-such-office",)
    try:
        page = generate(client, case["id"], "publication_notice")
        assert "Ask your IT team to install LibreOffice Writer: apt-get install " in page.text
        assert "libreoffice-writer-nogui" in page.text and "/pdf" not in page.text
        link = DOWNLOAD.search(page.text)
        assert link
        refused = client.get(link.group(1).replace("/docx", "/pdf"), follow_redirects=True)
        assert "LibreOffice is not installed on the server" in refused.text
    finally:
        del demo_app.config["SOFFICE_COMMANDS"]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed (make test installs it)")  # fmt: skip
def test_a_pdf_copy_is_made_by_libreoffice_and_kept(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "J")
    client = client_for(demo_app, BU)
    page = generate(client, case["id"], "family_invitation_letter")
    link = DOWNLOAD.search(page.text)
    assert link and link.group(1).replace("/docx", "/pdf") in page.text
    first = client.get(link.group(1).replace("/docx", "/pdf"))
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    assert first.headers["Content-Disposition"].endswith('.pdf"')
    again = client.get(link.group(1).replace("/docx", "/pdf"))
    assert again.data == first.data  # kept after the first conversion
    with demo_app.app_context():
        formats = [e["details"]["format"] for e in get_store().audit.entries(action="download")]
        assert formats[:2] == ["pdf", "pdf"]
        with pytest.raises(operations.Refused, match="took too long"):
            pdf.to_pdf(first.data, timeout=0.01)
