"""Per-form exports: every version in one table, groups on linked sheets, typed cells, CSV, JSON."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.storage import get_store
from tests.exports.conftest import post, user_of, workbook

Login = Callable[[str], FlaskClient]


def _sent(app: Flask, form_id: str, **where: Any) -> list[dict[str, Any]]:
    """Return the stored sent submissions of a form."""
    with app.app_context():
        return get_store().find(
            "submissions", where={"form_id": form_id, "status": "submitted", **where}
        )


def test_workbook_has_typed_cells_a_frozen_bold_header_and_linked_group_sheets(
    app: Flask, login: Login
) -> None:
    book = workbook(post(login("bu"), "/exports/forms/referral", format="xlsx"))
    assert book.sheetnames == ["Referral for consideration", "Agencies involved"]
    main, group = book.worksheets
    headers = [c.value for c in main[1]]
    assert headers[:6] == ["Reference", "Form version", "Sent", "Agency", "Sent by", "Case"]
    assert "Child's date of birth" in headers and "Agencies involved (number of items)" in headers
    for sheet in (main, group):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" + str(
            sheet.max_row
        )
        assert all(cell.font.b for cell in sheet[1])
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(6 <= w <= 60 for w in widths)
    sent = _sent(app, "referral")
    rows = list(main.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(sent) == 18
    by_ref = {r[0]: dict(zip(headers, r, strict=True)) for r in rows}
    stored = {s["reference"]: s for s in sent}
    assert set(by_ref) == set(stored)
    for reference, row in by_ref.items():
        answers = stored[reference]["answers"]
        assert isinstance(row["Sent"], datetime)
        assert row["Form version"] == 2
        assert row["Case"].startswith("CSPR-")
        incident = row["Date of the incident"]
        assert isinstance(incident, datetime)  # a real Excel date, not text
        assert incident.date() == date.fromisoformat(answers["incident_date"])
        items = len(answers.get("agencies_involved", []))
        assert row["Agencies involved (number of items)"] == items
    # The group sheet: one row per item, keyed by the reference of the form it came from.
    group_rows = list(group.iter_rows(min_row=2, values_only=True))
    assert [c.value for c in group[1]][:2] == ["Submission reference", "Item"]
    assert len(group_rows) == sum(len(s["answers"].get("agencies_involved", [])) for s in sent)
    assert {r[0] for r in group_rows} <= set(by_ref)


def test_one_column_per_field_across_versions_headed_with_the_newest_label(
    app: Flask, login: Login
) -> None:
    bu = user_of(app, "bu")
    with app.app_context():
        old = registry.live("family_contact")
        assert old is not None
        raw = copy.deepcopy(old.raw)
        raw["version"] = 2
        outcome = next(p for p in raw["pages"] if p["id"] == "outcome")
        notes = next(f for f in outcome["fields"] if f["name"] == "contact_notes")
        notes["label"] = "What was said"
        outcome["fields"] = [f for f in outcome["fields"] if f["name"] != "support_needs"]
        outcome["fields"].append(
            {"name": "follow_up_needed", "type": "yes_no", "label": "Is a follow-up needed?"}
        )
        get_store().insert(registry.VERSIONS, {
            "id": "family_contact@2", "form_id": "family_contact", "version": 2,
            "definition": raw, "source": "admin", "status": "live",
        })  # fmt: skip
        earlier = _sent(app, "family_contact")[0]["answers"]
        answers = {k: v for k, v in earlier.items() if k != "support_needs"}
        answers.update(follow_up_needed=True, contact_notes="=HYPERLINK(\"http://x\")")
        sent, errors = form_ops.submit_answers(bu, "family_contact", answers)
        assert errors == {} and sent is not None and sent["form_version"] == 2

    client = login("bu")
    book = workbook(post(client, "/exports/forms/family_contact", format="xlsx"))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers.count("What was said") == 1
    assert "Notes" not in headers  # the old label gave way to the newest
    assert "Is a follow-up needed?" in headers  # only in version 2
    assert "What support does the family need to take part?" in headers  # only in version 1
    values = sheet.iter_rows(min_row=2, values_only=True)
    rows = [dict(zip(headers, r, strict=True)) for r in values]
    assert sorted(r["Form version"] for r in rows) == [1, 1, 1, 2]
    newest = next(r for r in rows if r["Form version"] == 2)
    assert newest["Is a follow-up needed?"] == "Yes"
    # Text that looks like a formula stays text in the workbook...
    assert newest["What was said"].startswith("=HYPERLINK")
    cell = sheet.cell(row=[r["Form version"] for r in rows].index(2) + 2,
                      column=headers.index("What was said") + 1)  # fmt: skip
    assert cell.data_type == "s"
    # ...and is made inert in CSV, where spreadsheets would run it.
    text = post(client, "/exports/forms/family_contact", format="csv").data.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert next(r for r in table if r["Form version"] == "2")["What was said"].startswith("'=")

    page = client.get("/exports/forms/family_contact")
    assert "versions 1, 2" in page.text


def test_csv_of_the_answers_and_of_a_repeating_group(app: Flask, login: Login) -> None:
    client = login("bu")
    response = post(client, "/exports/forms/terms_of_reference", format="csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    assert "terms_of_reference-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Form version", "Sent"]
    terms = _sent(app, "terms_of_reference")
    assert len(rows) - 1 == len(terms) == 5
    header = rows[0]
    decided = header.index("Date the safeguarding partners decided to carry out the review")
    assert {r[0]: r[decided] for r in rows[1:]} == {
        t["reference"]: t["answers"]["commissioned_date"] for t in terms}

    lines = post(client, "/exports/forms/terms_of_reference", format="csv:lines_of_enquiry")
    table = list(csv.DictReader(io.StringIO(lines.data.decode("utf-8-sig"))))
    assert len(table) == sum(len(t["answers"]["lines_of_enquiry"]) for t in terms)
    assert {r["Submission reference"] for r in table} == {t["reference"] for t in terms}
    assert all(r["Line of enquiry"] for r in table)


def test_json_holds_every_stored_answer(app: Flask, login: Login) -> None:
    response = post(login("bu"), "/exports/forms/notification", format="json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.data)
    sent = {s["reference"]: s for s in _sent(app, "notification")}
    assert document["form"] == {"id": "notification", "title": "Serious incident notification",
                                "versions": [2]}  # fmt: skip
    assert document["count"] == len(document["submissions"]) == len(sent)
    assert "children" in document["groups"]
    for record in document["submissions"]:
        assert record["answers"] == sent[record["reference"]]["answers"]
        assert record["case_reference"].startswith("CSPR-")


def test_a_format_must_be_chosen(login: Login) -> None:
    client = login("bu")
    page = client.get("/exports/forms/referral")
    assert page.status_code == 200 and 'novalidate' in page.text
    refused = post(client, "/exports/forms/referral", format="pdf")
    assert refused.status_code == 200
    assert "<title>Error: Export Referral for consideration" in refused.text
    assert 'href="#format">Select a format</a>' in refused.text
    assert post(client, "/exports/forms/referral", format="csv:children").status_code == 200
    assert client.get("/exports/forms/no_such_form").status_code == 404
    assert client.post("/exports/forms/referral", data={"format": "csv"}).status_code == 400


FORMULA_LABELS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)", "\t=1+1", "\r=1+1"]


def test_question_labels_that_look_like_formulas_are_made_inert_in_csv(
    app: Flask, login: Login
) -> None:
    with app.app_context():
        live = registry.live("terms_of_reference")
        assert live is not None
        raw = copy.deepcopy(live.raw)
        raw["version"] = live.version + 1
        fields = [f for page in raw["pages"] for f in page["fields"]]
        plain = [f for f in fields if f["type"] not in ("repeating_group", "guidance")]
        for field, label in zip(plain, FORMULA_LABELS, strict=False):
            field["label"] = label
        group = next(f for f in fields if f["name"] == "lines_of_enquiry")
        group["fields"][0]["label"] = '=HYPERLINK("http://x","y")'
        group["label"] = "-Actions"
        get_store().insert(registry.VERSIONS, {
            "id": f"terms_of_reference@{raw['version']}", "form_id": "terms_of_reference",
            "version": raw["version"], "definition": raw, "source": "admin", "status": "live",
        })  # fmt: skip

    client = login("bu")
    main = post(client, "/exports/forms/terms_of_reference", format="csv").data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(main)))
    shown = [cell for cell in header if cell.lstrip("'") in FORMULA_LABELS]
    assert sorted(cell[1:] for cell in shown) == sorted(FORMULA_LABELS[: len(plain)])
    assert all(cell.startswith("'") for cell in shown), shown
    assert "'-Actions (number of items)" in header

    group = post(client, "/exports/forms/terms_of_reference",
                 format="csv:lines_of_enquiry")
    header = next(csv.reader(io.StringIO(group.data.decode("utf-8-sig"))))
    assert "'=HYPERLINK(\"http://x\",\"y\")" in header
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in header)
