"""Template management: upload checks, each refusal and acceptance, rollback, samples, reference."""

from __future__ import annotations

import html
import re
import zipfile
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.documents import library, upload
from cspr.storage import get_store
from tests.conftest import csrf_token
from tests.documents.conftest import (
    ADMIN,
    BU,
    case_by_letter,
    client_for,
    docx_text,
    generate,
    make_docx,
    upload_page,
)

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
    return upload_page(client, content, title, template_id, filename)


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
        "A placeholder is not closed properly": [
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


def _summary(page: str) -> str:
    """Return the error summary of a page, as text."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert found, page[:3000]
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0)))


MISTAKES = [
    # (the paragraphs, what the message starts with, the paragraph it quotes)
    (["Intro", "Dear {{ family.salutation }", "Case {{ case.reference }}", "Yours"],
     "A placeholder is not closed properly: end it with two braces", "Dear {{ family.salutation }"),
    (["One", "{% if case.reference %}", "Two", "Three", "Four {{ case.reference }}", "Five"],
     "“{% if %}” is never closed: add “{% endif %}”", "{% if case.reference %}"),
    (["One", "Case {{ case.reference ", "Two", "Three"],
     "A placeholder has “Two” where it should end with “}}”", "Case {{ case.reference"),
    (["One", "{% iff case.reference %}yes{% endif %}"],
     "“{% iff %}” is not an instruction templates understand. Did you mean “{% if %}”?",
     "{% iff case.reference %}yes{% endif %}"),
    (["One", "{% if case.reference %}a{% endfor %}{% endif %}"],
     "“{% endfor %}” is in the wrong place: the “{% if %}” before it has to be closed",
     "{% if case.reference %}a{% endfor %}{% endif %}"),
    (["One", "{{ case.reference | }}"], "A placeholder has “}}” where a name should be",
     "{{ case.reference | }}"),
    (["One", "{{ 'unclosed }}"], "A placeholder has a quotation mark that is not closed",
     "{{ 'unclosed }}"),
]  # fmt: skip


def test_a_mistake_is_said_in_plain_english_quoting_its_own_paragraph(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    for paragraphs, message, quoted in MISTAKES:
        summary = " ".join(_summary(_upload(client, make_docx(*paragraphs))).split())
        assert message in summary, (paragraphs, summary)
        assert f"In the main text: “{quoted}”." in summary, (paragraphs, summary)
        assert ".." not in summary and "?." not in summary
        for jinja_words in ("expected token", "end of print statement", "Jinja", "innermost"):
            assert jinja_words not in summary, (paragraphs, summary)
    header = _summary(_upload(client, make_docx("Body", header="Ref {{ case.reference }")))
    assert "In a header: “Ref {{ case.reference }”." in header


def test_every_unknown_value_is_named_at_once(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    page = _upload(
        client,
        make_docx(
            "{{ case.refrence }} and {{ case.reference }}",
            "{{ chld.name }}",
            "{% for p in peeple %}{{ p.name }}{% endfor %}",
            "{% if case.stge %}{{ family.salutaton }}{% endif %}",
        ),
    )
    summary = " ".join(_summary(page).split())
    assert "The template uses 5 values that templates cannot read:" in summary
    for written, near in (("case.refrence", "case.reference"), ("chld", "child"),
                          ("peeple", "people"), ("case.stge", "case.stage"),
                          ("family.salutaton", "family.salutation")):  # fmt: skip
        assert f"“{written}” (did you mean “{near}”?)" in summary, summary
    assert 'id="template-variables"' in page and "Unknown" in page
    assert "<code>case.reference</code>" in page  # the known one is listed as available

    # A mistake elsewhere in the same part does not hide them: all are named in one go.
    page = _upload(
        client,
        make_docx("{{ case.refrence }}", "Dear {{ family.salutation }", "{{ chld.name }}",
                  "{% if case.stge %}a{% else %}b{% endif %}"),
    )  # fmt: skip
    summary = " ".join(_summary(page).split())
    assert "A placeholder is not closed properly" in summary
    assert "The template uses 3 values that templates cannot read" in summary
    assert "“case.refrence” (did you mean “case.reference”?)" in summary
    assert "“chld” (did you mean “child”?)" in summary
    assert "“case.stge” (did you mean “case.stage”?)" in summary


def _make_live(client: FlaskClient, page: str, template_id: str, number: int) -> str:
    response = client.post(
        f"/admin/templates/{template_id}/versions/{number}/use",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.text


def test_a_new_version_waits_for_its_samples_to_be_seen_then_goes_live(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    bu = client_for(demo_app, BU)
    case = case_by_letter(demo_app, "J")
    page = _upload(client, GOOD, "new.docx", title="Letter to the family: review published")
    assert "Version 1 has passed the checks. It is not in use yet" in page
    assert "No version of this template is in use yet" in page
    with demo_app.app_context():
        (template,) = [t for t in library.list_templates() if t["title"].endswith("published")]
    assert template["id"] == "letter_to_the_family_review_published"
    assert template["active_version"] == 0

    # Not offered on case pages, and not made, until it is live.
    assert template["id"] not in bu.get(f"/cases/{case['id']}").text
    refused = generate(bu, case["id"], template["id"])
    assert "Select the document to generate" in refused.text

    # The page shows the samples: the new version filled in with the demo's invented case.
    url = f"/admin/templates/{template['id']}/versions/1/sample"
    assert f'href="{url}"' in page
    sample = client.get(url)
    assert sample.status_code == 200 and sample.headers["Content-Disposition"].startswith("attach")
    assert "Case CSPR-" in docx_text(sample.data) and "Isaac Mockley" in docx_text(sample.data)
    anonymised = client.get(url, query_string={"version": "anonymised"})
    assert "Child I" in docx_text(anonymised.data) and "Isaac" not in docx_text(anonymised.data)

    live = _make_live(client, page, template["id"], 1)
    assert "Version 1 is now in use" in live
    assert template["id"] in bu.get(f"/cases/{case['id']}").text
    assert "has been generated" in generate(bu, case["id"], template["id"]).text


def test_a_replacement_leaves_the_version_in_use_until_made_live(demo_app: Flask) -> None:
    client = client_for(demo_app, ADMIN)
    bu = client_for(demo_app, BU)
    case = case_by_letter(demo_app, "L")
    with demo_app.app_context():
        before = library.get_template("terms_of_reference")
        assert before is not None
        number = max(v["version"] for v in library.versions("terms_of_reference")) + 1
    page = _upload(client, GOOD, "mine.docx", template_id="terms_of_reference")
    assert f"Version {number} has passed the checks" in page
    assert f"New documents are still made from version {before['active_version']}" in page

    made = generate(bu, case["id"], "terms_of_reference")
    assert "has been generated" in made.text
    with demo_app.app_context():
        record = get_store().find("documents", where={"case_id": case["id"]})[-1]
        assert record["template_version"] == before["active_version"]

    live = _make_live(client, page, "terms_of_reference", number)
    assert f"Version {number} is now in use" in live
    back = _make_live(client, live, "terms_of_reference", int(before["active_version"]))
    assert f"Version {before['active_version']} is now in use" in back
    with demo_app.app_context():
        template_record = library.get_template("terms_of_reference")
        assert template_record is not None
        assert template_record["active_version"] == before["active_version"]
        entries = get_store().audit.entries(object_type="document_template")
        actions = [e["action"] for e in entries]
        assert {"upload", "make_live", "rollback", "refuse"} <= set(actions)
        (made_live,) = [e for e in entries if e["action"] == "make_live"
                        and e["object_id"] == "terms_of_reference"]  # fmt: skip
        assert made_live["details"] == {"from": before["active_version"], "to": number}
        assert made_live["user"] == ADMIN
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
                     "forms.rapid_review.answers.practice_analysis", "decision.rationale",
                     "case.dates.rapid_review_sent", "review.lead_reviewer_independent",
                     "partnership.family_contact.how", "partnership.name",
                     "Exampleshire Safeguarding Children Partnership"):  # fmt: skip
        assert expected in text, expected
    listing = client.get("/admin/templates")
    assert "Notice of delay, with reasons" in listing.text and "Document templates" in listing.text


@pytest.mark.parametrize("name", ["../evil.xml", "/abs.xml"])
def test_odd_member_paths_are_refused(name: str) -> None:
    assert upload.check_docx("x.docx", _replace(GOOD, name, b"<x/>")) == upload.NOT_A_DOCX
