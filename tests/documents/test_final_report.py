"""The uploaded final report is checked for names with the same detector before it is kept."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
from flask.testing import FlaskClient

from cspr.casework import publication
from cspr.documents import final_report, operations
from cspr.storage import get_store
from tests.conftest import csrf_token, make_user, sign_in
from tests.documents.anonymise_case import IN_TEXT, OUTLINE
from tests.documents.conftest import SMALL_BU, referral_answers, send_referral, small_app


def _report(*paragraphs: str, author: str = "Gordon Madeup") -> bytes:
    """Return a Word report with these paragraphs, its author a real-looking name."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.author = author
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _send(client: FlaskClient, url: str, content: bytes, name: str, confirmed: bool = False):  # type: ignore[no-untyped-def]
    """Upload a report through the page."""
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "file": (BytesIO(content), name)}
    if confirmed:
        data["confirmed"] = "y"
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_final_report_is_checked_and_kept_only_when_clear_or_confirmed(tmp_path: Path) -> None:
    app = small_app(tmp_path)
    make_user(app, "partner@testshire.example.org", "partner", name="Pat Partner")
    case = send_referral(app, SMALL_BU, referral_answers(incident_description=OUTLINE))
    url = f"/cases/{case['id']}/final-report"
    client = app.test_client()
    sign_in(client, SMALL_BU)

    leaky = _report("Child A lived with her mother.", f"Her mother's partner, {IN_TEXT}, left.")
    shown = _send(client, url, leaky, "report.docx")
    assert shown.status_code == 200 and "The report was not kept" in shown.text
    assert f"<mark>{IN_TEXT}</mark>" in shown.text and "Gordon Madeup" in shown.text
    with app.app_context():
        bu = get_store().find_one("users", {"email": SMALL_BU})
        assert bu is not None
        assert operations.history(bu, case["id"]) == []

    pdf = _send(client, url, b"%PDF-1.4\n%fake\n", "report.pdf")
    assert "A PDF cannot be checked for names here" in pdf.text
    assert "<title>Error: " in pdf.text

    kept = _send(client, url, leaky, "report.docx", confirmed=True)
    assert kept.status_code == 302
    with app.app_context():
        (record,) = operations.history(bu, case["id"])
        stored = get_store().get("cases", case["id"])
        checks = get_store().audit.entries(object_type="final_report", object_id=case["id"])
    assert record["template_id"] == final_report.TEMPLATE_ID
    assert record["check"]["found"] >= 2 and record["check"]["reviewed_by"] == "Bea Unit"
    assert publication.record(stored)["final_report"]["document_id"] == record["id"]
    assert [e["details"]["candidates"] >= 2 for e in checks] == [True, True]

    clear = _send(client, url, _report("Child A lived with Mother.", author=""), "clear.docx")
    assert clear.status_code == 302

    partner = app.test_client()
    sign_in(partner, "partner@testshire.example.org")
    assert partner.get(url).status_code == 403
