"""The audit trail page: who may read and export it, its filters, its links and its exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspr import create_app
from cspr.audit_trail import operations
from cspr.audit_trail.filters import read_filters
from cspr.demo import run as demo
from cspr.exceptions import Forbidden
from cspr.storage import close_store, get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token, make_user, sign_in
from tests.documents.conftest import ADMIN, BU, CHAIR, case_by_letter, client_for, generate

ERRORS = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
LINKS = re.compile(r'<td class="govuk-table__cell">(\w+) <a class="govuk-link" href="([^"]+)">'
                   r"([^<]+)<")  # fmt: skip


def error_summary(page: str) -> list[str]:
    """Return the messages in a page's error summary."""
    found = ERRORS.search(page)
    if not found:
        return []
    items = re.findall(r"<a [^>]*>(.*?)</a>", found.group(1), re.S)
    return [" ".join(item.split()) for item in items]


def caption(page: str) -> str:
    """Return the caption of the trail's table ("3 entries, page 1 of 2")."""
    found = re.search(r"govuk-table__caption--m\">(.*?)</caption>", page, re.S)
    assert found, "the page has no table"
    return " ".join(found.group(1).split())


def export(client: FlaskClient, fmt: str, **filters: str) -> Any:
    """Press a download button on the trail page with these filters."""
    token = csrf_token(client.get("/audit").text)
    return client.post("/audit/export", data={"csrf_token": token, "format": fmt, **filters})


def csv_rows(response: Any) -> list[dict[str, str]]:
    """Read a CSV download into rows by heading."""
    assert response.status_code == 200, response.text[:500]
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app holding the demo partnership, with a document made for case K."""
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path_factory.mktemp("trail")),
                      "LOGIN_RATE_LIMIT": "1000 per minute"})  # fmt: skip
    with app.app_context():
        demo.create_demo()
    made = generate(client_for(app, BU), case_by_letter(app, "K")["id"], "family_decision_letter")
    assert "has been generated" in made.text
    yield app
    close_store(app)


def _about_case(app: Flask, case_id: str) -> set[str]:
    """Return the ids of a case, its sent forms and drafts, and its documents, from the store."""
    with app.app_context():
        store = get_store()
        forms = {s["id"] for s in store.find("submissions", where={"case_id": case_id})}
        documents = {d["id"] for d in store.find("documents", where={"case_id": case_id})}
    return {case_id, *forms, *documents}


def test_a_case_reference_picks_the_case_its_forms_and_its_documents(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "K")
    other = case_by_letter(demo_app, "A")
    chair = client_for(demo_app, CHAIR)
    chair.get(f"/cases/{case['id']}")  # a view of the case page, audited
    typed = " " + case["reference"].lower() + " "
    page = chair.get("/audit", query_string={"case": typed})
    assert page.status_code == 200 and error_summary(page.text) == []
    assert f'value="{case["reference"]}"' in page.text  # shown again as it is read
    rows = csv_rows(export(chair, "csv", case=case["reference"]))
    ids = _about_case(demo_app, case["id"])
    assert rows and {r["Object id"] for r in rows} <= ids
    kinds = {r["Object type"] for r in rows}
    assert {"case", "submission", "document"} <= kinds, kinds
    # Every entry about those objects is there (the document's create names the case too).
    with demo_app.app_context():
        everything = get_store().audit.entries(limit=None)
    wanted = [e for e in everything if e.get("object_id") in ids
              or (e.get("details") or {}).get("case") == case["id"]]  # fmt: skip
    assert len(rows) == len(wanted)
    assert other["id"] not in {r["Object id"] for r in rows}
    assert caption(page.text).split(",")[0] == f"{len(wanted)} entries"  # page and file agree


def test_a_wrong_or_unknown_case_reference_is_explained(demo_app: Flask) -> None:
    chair = client_for(demo_app, CHAIR)
    wrong = chair.get("/audit", query_string={"case": "2026-16"})
    assert error_summary(wrong.text) == ["Enter a case reference like CSPR-2026-0016"]
    assert 'href="#case"' in wrong.text
    assert caption(wrong.text) == "Correct the filters to see the entries"
    unknown = chair.get("/audit", query_string={"case": "CSPR-2026-9999"})
    assert error_summary(unknown.text) == ["There is no case with the reference CSPR-2026-9999"]
    refused = export(chair, "csv", case="CSPR-2026-9999")
    assert refused.status_code == 200 and "There is no case with the reference" in refused.text


def test_dates_are_typed_the_uk_way(demo_app: Flask) -> None:
    chair = client_for(demo_app, CHAIR)
    today = uk_today()
    tomorrow = today + timedelta(days=1)
    everything = caption(chair.get("/audit").text)
    for query in (
        {"since-day": str(today.day), "since-month": str(today.month),
         "since-year": str(today.year)},
        {"since": f"{today.day}/{today.month}/{today.year}"},
        {"since-day": f"{today.day}/{today.month}/{today.year}"},
        {"since": today.isoformat()},
    ):  # fmt: skip
        page = chair.get("/audit", query_string=query)
        assert error_summary(page.text) == [], query
        assert caption(page.text) != "0 entries", query
        shown = re.search(r'name="since-month"[^>]*value="(\d+)"', page.text)
        assert shown and shown.group(1) == str(today.month), query  # shown in the boxes
    later = chair.get("/audit", query_string={"since": tomorrow.strftime("%d/%m/%Y")})
    assert caption(later.text) == "0 entries"
    earlier = chair.get("/audit", query_string={"until": (today - timedelta(days=400))
                                                .strftime("%d/%m/%Y")})  # fmt: skip
    assert caption(earlier.text) == "0 entries"
    assert everything != "0 entries"

    for query, message in [
        ({"since-day": "31", "since-month": "2", "since-year": "2026"},
         "From date must be a real date"),
        ({"since-day": "3", "since-year": "2026"}, "From date must include a month"),
        ({"until-day": "3", "until-month": "12", "until-year": "26"},
         "Year must include 4 numbers, like 2026"),
        ({"since": "3/13/2026"}, "From date must be a real date, like 3/12/2026"),
        ({"since": "3/12/2026", "until": "2/12/2026"},
         "To date must be the same as or after the from date"),
    ]:  # fmt: skip
        page = chair.get("/audit", query_string=query)
        assert error_summary(page.text) == [message], query
        assert page.text.count(message) == 2  # in the summary and by the date
    month_missing = chair.get("/audit", query_string={"since-day": "3", "since-year": "2026"})
    assert 'href="#since-month"' in month_missing.text  # the summary leads to the empty box


def test_a_uk_day_starts_at_uk_midnight() -> None:
    summer = read_filters({"since": "4/7/2026", "until": "4/7/2026"})
    assert summer.window() == ("2026-07-03T23:00:00.000000+00:00",
                               "2026-07-04T23:00:00.000000+00:00")  # fmt: skip
    winter = read_filters({"since-day": "3", "since-month": "12", "since-year": "2026"})
    assert winter.window() == ("2026-12-03T00:00:00.000000+00:00", None)
    assert winter.since == date(2026, 12, 3)


def test_entries_link_to_what_the_viewer_may_open(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "K")
    chair = client_for(demo_app, CHAIR)
    page = chair.get("/audit", query_string={"case": case["reference"]}).text
    links = {kind: (href, words) for kind, href, words in LINKS.findall(page)}
    assert links["case"] == (f"/cases/{case['id']}", case["reference"])
    assert links["submission"][0].startswith("/submissions/")
    assert links["submission"][1].startswith("SUB-")
    assert links["document"][0].endswith("/docx") and "(Word)" in links["document"][1]
    for href, _ in links.values():
        assert chair.get(href).status_code == 200, href

    # An administrator reads the same entries but may not open cases, forms or documents.
    admin = client_for(demo_app, ADMIN)
    page = admin.get("/audit", query_string={"case": case["reference"]}).text
    assert LINKS.findall(page) == []
    assert case["id"] in page  # the object is still named
    own = admin.get("/audit", query_string={"object_type": "account", "action": "sign_in"}).text
    kinds = {kind for kind, _, _ in LINKS.findall(own)}
    assert kinds == {"account"}  # accounts are theirs to open
    assert "/admin/users/" in own


def test_the_filtered_trail_exports_as_csv_and_xlsx_with_formulas_inert(
    demo_app: Flask, tmp_path: Path
) -> None:
    attacker = demo_app.test_client()
    sign_in(attacker, '=HYPERLINK("http://evil.example","Click")', "not the password!")
    with demo_app.app_context():  # text that a spreadsheet would run, in a cell of its own
        operations.audit.record("view", "audit_trail", "=1+1", details={"note": "-2+3"})
    chair = client_for(demo_app, CHAIR)
    rows = csv_rows(export(chair, "csv", action="sign_in_failed"))
    assert rows and {r["Action"] for r in rows} == {"sign_in_failed"}
    assert any("=hyperlink" in r["Details"] for r in rows)
    assert rows[0]["When (UK time)"][:4].isdigit() and rows[0]["Entry"].isdigit()
    assert rows == sorted(rows, key=lambda r: int(r["Entry"]))  # oldest first
    (inert,) = csv_rows(export(chair, "csv", object_id="=1+1"))
    assert inert["Object id"] == "'=1+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in inert.values())

    workbook = export(chair, "xlsx", object_id="=1+1")
    assert workbook.status_code == 200
    assert workbook.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.match(r"attachment; filename=audit-trail-\d{4}-\d\d-\d\d\.xlsx",
                    workbook.headers["Content-Disposition"])  # fmt: skip
    path = tmp_path / "trail.xlsx"
    path.write_bytes(workbook.data)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Entry", "When (UK time)", "Who", "Action")
    assert len(values) == 2 and values[1][5] == "=1+1"
    assert sheet.cell(row=2, column=6).data_type == "s"  # text, never a formula
    assert "<f>" not in _sheet_xml(path)

    # Each export is itself in the trail, with its filters, format and size.
    with demo_app.app_context():
        made = get_store().audit.entries(action="export", object_type="audit_trail", limit=3)
    assert [e["details"]["format"] for e in made] == ["xlsx", "csv", "csv"]
    assert made[2]["details"]["action"] == "sign_in_failed"
    assert made[2]["details"]["rows"] == len(rows)
    assert made[0]["details"] == {"object_id": "=1+1", "format": "xlsx", "rows": 1}
    assert made[0]["user"] == CHAIR


def _sheet_xml(path: Path) -> str:
    """Return the first sheet's XML from a workbook file."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_only_administrators_and_the_chair_read_and_export_it(
    app: Flask, client: FlaskClient
) -> None:
    for index, role in enumerate(["agency_user", "business_unit", "partner"]):
        other = app.test_client()
        user = make_user(app, f"u{index}@testshire.example.org", role)
        sign_in(other, f"u{index}@testshire.example.org")
        assert other.get("/audit").status_code == 403, role
        token = csrf_token(other.get("/").text)  # the sign-out button's
        refused = other.post("/audit/export", data={"format": "csv", "csrf_token": token})
        assert refused.status_code == 403, role
        with app.app_context(), pytest.raises(Forbidden):
            operations.export_trail(user, read_filters({}), "csv")
        with app.app_context(), pytest.raises(Forbidden):
            operations.read_trail(user, read_filters({}), 1)
    assert app.test_client().get("/audit").status_code == 302
    for role in ("admin", "chair"):
        reader = app.test_client()
        make_user(app, f"{role}@testshire.example.org", role)
        sign_in(reader, f"{role}@testshire.example.org")
        assert reader.get("/audit").status_code == 200
        assert csv_rows(export(reader, "csv"))
    page = client.get("/audit")
    assert page.status_code == 302


def test_reading_the_trail_is_itself_audited(app: Flask, admin_client: FlaskClient) -> None:
    admin_client.get("/audit", query_string={"action": "sign_in"})
    page = admin_client.get("/audit?object_type=audit_trail")
    assert caption(page.text) == "1 entry"  # the first reading; this one is recorded after
    with app.app_context():
        (first, _) = get_store().audit.entries(object_type="audit_trail", newest_first=False)
    assert first["details"] == {"action": "sign_in"}


def test_the_trail_is_read_in_batches_without_losing_or_repeating_entries(
    demo_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = case_by_letter(demo_app, "K")
    chair = client_for(demo_app, CHAIR)
    whole = csv_rows(export(chair, "csv", case=case["reference"]))
    everything = csv_rows(export(chair, "csv"))
    monkeypatch.setattr(operations, "BATCH", 7)
    assert csv_rows(export(chair, "csv", case=case["reference"])) == whole
    batched = csv_rows(export(chair, "csv"))
    # The same entries, then what came after the first file: its own export entry, and the
    # page views and export between (each file stops where the trail stood when asked).
    assert batched[:len(everything)] == everything
    after = [r["Action"] for r in batched[len(everything):]]
    assert after == ["export", "view", "export", "view"]
    assert len({r["Entry"] for r in batched}) == len(batched)
