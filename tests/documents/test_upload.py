"""Template management: upload checks, each refusal and acceptance, rollback, samples, reference."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.documents import library, upload
from cspr.storage import get_store
from tests.conftest import csrf_token
from tests.documents.conftest import ADMIN, BU, client_for, docx_text, make_docx

GOOD = make_docx("Case {{ case.reference }} for {{ child.name }}", "{{ today | uk_date }}")


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Make a zip file with the given members."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _replace(content: bytes, name: str, new: bytes) -> bytes:
    """Return a copy of a .docx with one member replaced."""
    with zipfile.ZipFile(BytesIO(content)) as source:
        members = {n: source.read(n) for n in source.namelist()}
    members[name] = new
    return _zip(members)


def _upload(client: FlaskClient, content: bytes, filename: str = "template.docx",
            template_id: str = "", title: str = "Test letter") -> str:  # fmt: skip
    page = client.get("/admin/templates/upload")
    response = client.post(
        "/admin/templates/upload",
        data={"csrf_token": csrf_token(page.text), "template_id": template_id, "title": title,
              "file": (BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200
    return response.text


def test_each_upload_check_refuses_with_a_message(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    with zipfile.ZipFile(BytesIO(GOOD)) as archive:
        main = archive.read("word/document.xml")
    refusals = {
        "The selected file must be a Word document (.docx)": [
            (b"%PDF-1.7 not a docx", "letter.pdf"),
            (b"plain text pretending", "letter.docx"),
            (b"PK\x03\x04 but not really a zip", "letter.docx"),
            (_zip({"[Content_Types].xml": b"<Types/>", "other.xml": b"<x/>"}), "letter.docx"),
        ],
        "The selected file is empty": [(b"", "letter.docx")],
        "must be smaller than 5 MB": [(b"PK\x03\x04" + b"0" * upload.MAX_BYTES, "big.docx")],
        "too many parts": [(_zip({f"p{i}.xml": b"<x/>" for i in range(501)}), "many.docx")],
        "compressed suspiciously tightly": [
            (_replace(GOOD, "word/media/bomb.bin", b"\0" * (3 * 1024 * 1024)), "bomb.docx")
        ],
        "cannot contain macros": [
            (_replace(GOOD, "word/vbaProject.bin", b"macro"), "macro.docx"),
            (GOOD, "macro.docm"),
        ],
        "could not be opened as a Word document": [
            (_replace(GOOD, "word/document.xml", main[: len(main) // 2]), "broken.docx")
        ],
        "There is a mistake in a placeholder": [
            (make_docx("Dear {{ family.salutation }", "next"), "syntax.docx")
        ],
        "templates may not use": [(make_docx("{{ ''.__class__.__mro__ }}"), "evil.docx")],
        "is not something templates can read": [
            (make_docx("{{ case.refrence }} {{ chld.name }}"), "unknown.docx")
        ],
    }
    with demo_app.app_context():
        library.list_templates()
        versions_before = get_store().count(library.VERSIONS)
    for message, uploads in refusals.items():
        for content, filename in uploads:
            text = _upload(client, content, filename)
            assert "<title>Error: Upload a template" in text, (message, filename)
            assert message in text.replace("&#39;", "'"), (message, filename, text[:3000])
    with demo_app.app_context():
        assert get_store().count(library.VERSIONS) == versions_before


def test_refusals_show_the_offending_text_and_the_unknown_variables(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    text = _upload(client, make_docx("Dear {{ family.salutation }", "next"), "syntax.docx")
    assert "unexpected &#39;}&#39;. In the main text: “Dear {{ family.salutation }" in text
    text = _upload(client, make_docx("{{ case.refrence }} and {{ case.reference }}"))
    assert "Did you mean “case.reference”?" in text
    assert 'id="template-variables"' in text and "Unknown" in text
    assert "<code>case.reference</code>" in text  # the known one is listed as available


def test_an_accepted_upload_is_used_and_can_be_rolled_back(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    page = _upload(client, GOOD, "new.docx", title="Letter to the family: review published")
    assert "Version 1 has been checked and is now in use" in page
    with demo_app.app_context():
        (template,) = [t for t in library.list_templates() if t["title"].endswith("published")]
    assert template["id"] == "letter_to_the_family_review_published"
    sample = client.get(f"/admin/templates/{template['id']}/versions/1/sample")
    assert sample.status_code == 200 and sample.headers["Content-Disposition"].startswith("attach")
    assert "Case CSPR-" in docx_text(sample.data) and "Isaac Mockley" in docx_text(sample.data)
    url = f"/admin/templates/{template['id']}/versions/1/sample"
    anonymised = client.get(url, query_string={"version": "anonymised"})
    assert "Child I" in docx_text(anonymised.data) and "Isaac" not in docx_text(anonymised.data)

    # A replacement for a shipped template becomes its next version; the last can come back.
    with demo_app.app_context():
        before = library.get_template("terms_of_reference")
        assert before is not None
        number = max(v["version"] for v in library.versions("terms_of_reference")) + 1
    page = _upload(client, GOOD, "mine.docx", template_id="terms_of_reference")
    assert f"Version {number} has been checked and is now in use" in page
    token = csrf_token(page)
    back = client.post(
        f"/admin/templates/terms_of_reference/versions/{before['active_version']}/use",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert f"Version {before['active_version']} is now in use" in back.text
    with demo_app.app_context():
        template_record = library.get_template("terms_of_reference")
        assert template_record is not None
        assert template_record["active_version"] == before["active_version"]
        actions = {e["action"] for e in get_store().audit.entries(object_type="document_template")}
        assert {"upload", "rollback", "refuse"} <= actions
        samples = get_store().audit.entries(object_type="document_template_sample")
        assert samples and samples[0]["action"] == "download"
    raw = client.get(f"/admin/templates/terms_of_reference/versions/{number}/file")
    assert raw.status_code == 200 and docx_text(raw.data).startswith("Case {{ case.reference }}")


def test_template_pages_are_for_administrators(demo_app: Flask) -> None:
    business_unit = client_for(demo_app, BU)
    for url in ("/admin/templates", "/admin/templates/upload", "/admin/templates/delay_notice",
                "/admin/templates/delay_notice/versions/1/sample"):  # fmt: skip
        assert business_unit.get(url).status_code == 403, url
    assert business_unit.get("/documents/variables").status_code == 200


def test_the_variables_page_lists_every_variable_with_an_example(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    page = client.get("/documents/variables")
    assert page.status_code == 200
    text = page.text
    for expected in ("case.reference", "CSPR-", "child.pseudonym", "Child I", "add_working_days",
                     "forms.rapid_review.answers.decision_rationale", "partnership.name",
                     "Exampleshire Safeguarding Children Partnership"):  # fmt: skip
        assert expected in text, expected
    listing = client.get("/admin/templates")
    assert "Notice of delay, with reasons" in listing.text and "Document templates" in listing.text


@pytest.mark.parametrize("name", ["../evil.xml", "/abs.xml"])
def test_odd_member_paths_are_refused(name: str) -> None:
    assert upload.check_docx("x.docx", _replace(GOOD, name, b"<x/>")) == upload.NOT_A_DOCX
