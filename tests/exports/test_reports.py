"""Case reports: the register, the action plan tracker, the chair's audit and the yearly figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cspr.casework import casefacts, deadlines, stages
from cspr.exports.reports import KEY_DATES, register_headings
from cspr.storage import get_store
from tests.exports.conftest import post, workbook

Login = Callable[[str], FlaskClient]
PERIOD = {"start-day": "1", "start-month": "1", "start-year": "2020",
          "end-day": "31", "end-month": "12", "end-year": "2030"}  # fmt: skip


def _table(sheet: Worksheet) -> list[dict[str, Any]]:
    """Read a sheet whose first row holds the headings."""
    headers = [c.value for c in sheet[1]]
    values = sheet.iter_rows(min_row=2, values_only=True)
    return [dict(zip(headers, row, strict=True)) for row in values]


def _rules(sheet: Worksheet) -> dict[str, list[Any]]:
    """Map each conditionally formatted range to its rules."""
    return {str(cf.sqref): list(cf.rules) for cf in sheet.conditional_formatting}


def test_case_register_lists_every_case_with_stage_key_dates_and_deadlines(
    app: Flask, login: Login
) -> None:
    book = workbook(post(login("bu"), "/exports/case-register"))
    sheet = book["Case register"]
    headings = [h.text for h in register_headings()]
    last = get_column_letter(len(headings))
    with app.app_context():
        stored = {c["reference"]: c for c in get_store().find("cases")}
        found = {r: deadlines.deadlines(c, date.today()) for r, c in stored.items()}
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}{len(stored) + 1}"
    rows = {r["Reference"]: r for r in _table(sheet)}
    assert set(rows) == set(stored)
    for reference, case in stored.items():
        row = rows[reference]
        assert row["Stage"] == stages.label(case["stage"])
        assert isinstance(row["Opened"], datetime)
        for key in KEY_DATES:
            label = casefacts.FACTS[key].label
            when = casefacts.get(case, key)
            assert (row[label].date() if row[label] else None) == (
                date.fromisoformat(when) if when else None
            )
        for deadline in found[reference]:
            if deadline.key not in ("notification", "rapid_review", "publication",
                                    "panel_notice"):  # fmt: skip
                continue
            assert row[f"{deadline.name}: due"].date() == deadline.status.due
            assert row[f"{deadline.name}: met?"] == {
                "met": "Met", "missed": "Missed", "overdue": "Overdue", "due_soon": "Due soon",
                "due": "Due",
            }[deadline.status.state]  # fmt: skip
    statuses = {r["Serious incident notification: met?"] for r in rows.values()}
    assert {"Met", "Overdue"} <= statuses
    rules = _rules(sheet)
    column = get_column_letter(headings.index("Serious incident notification: met?") + 1)
    cells = f"{column}2:{column}{len(stored) + 1}"
    assert cells in rules and {r.formula[0] for r in rules[cells]} == {
        '"Missed"', '"Overdue"', '"Met"'
    }


def test_action_plan_tracker_has_rag_colours_owners_due_dates_and_overdue_highlighted(
    app: Flask, login: Login
) -> None:
    with app.app_context():
        actions = get_store().find("learning_actions", order_by="reference")
        get_store().update("learning_actions", actions[0]["id"],
                           {"owner_role": "=HYPERLINK(\"http://example.org\",\"Open\")"})
        cases = {c["id"]: c["reference"] for c in get_store().find("cases")}
    book = workbook(post(login("bu"), "/exports/action-plan-tracker"))
    sheet = book["Action plan tracker"]
    rows = _table(sheet)
    role = next(c for c in sheet["I"] if str(c.value).startswith("=HYPERLINK"))
    assert role.data_type == "s"  # text someone typed is never run as a formula
    assert len(rows) == len(actions) == 8  # the demo's cases K and L, four actions each
    assert [r["Action"] for r in rows] == [a["reference"] for a in actions]
    assert {r["Case"] for r in rows} == {cases[a["case_id"]] for a in actions}
    assert {r["Status"] for r in rows} == {"Red", "Amber", "Green", "Complete"}
    assert all(r["Owning agency"] and r["Owner"] for r in rows)
    assert all(isinstance(r["Due"], datetime) for r in rows)
    late = [r for r in rows if r["Overdue"] == "Yes"]
    assert len(late) == 1, "the demo's case K has one action past its due date"
    assert all(r["Due"].date() < date.today() and r["Status"] != "Complete" for r in late)
    done = [r for r in rows if r["Status"] == "Complete"]
    assert len(done) == 5 and all(r["Overdue"] == "No" and r["Evidence files"] == 1
                                  and isinstance(r["Completed"], datetime) for r in done)

    rules = _rules(sheet)
    rag = rules["K2:K9"]
    fills = {r.formula[0]: r.dxf.fill.fgColor.rgb for r in rag}
    assert fills == {'"Red"': "00D4351C", '"Amber"': "00FFDD00", '"Green"': "0000703C",
                     '"Complete"': "00B1B4B6"}  # fmt: skip
    (overdue,) = rules["A2:P9"]
    assert overdue.type == "expression" and "TODAY()" in overdue.formula[0]
    assert overdue.dxf.font.b


def test_audit_workbook_needs_a_period_in_govuk_words(login: Login) -> None:
    client = login("chair")
    page = client.get("/exports/rapid-review-audit")
    assert page.status_code == 200 and "novalidate" in page.text
    empty = post(client, "/exports/rapid-review-audit")
    assert "<title>Error: Rapid review audit workbook" in empty.text
    assert 'href="#start-day">Enter the start of the period</a>' in empty.text
    assert 'href="#end-day">Enter the end of the period</a>' in empty.text
    half = post(client, "/exports/rapid-review-audit", **{**PERIOD, "start-month": ""})
    assert "Start of the period must include a month" in half.text
    backwards = post(client, "/exports/rapid-review-audit", **{**PERIOD, "end-year": "2019"})
    assert "The end of the period must be the same as or after the start" in backwards.text
    assert 'href="#end-day"' in backwards.text


def test_audit_workbook_per_case_timeliness_summary_and_charts(app: Flask, login: Login) -> None:
    book = workbook(post(login("chair"), "/exports/rapid-review-audit", **PERIOD))
    assert book.sheetnames == ["Summary", "Rapid reviews"]
    cases = _table(book["Rapid reviews"])
    assert book["Rapid reviews"].freeze_panes == "A2"
    with app.app_context():
        stored = {c["reference"]: c for c in get_store().find("cases")}
    notified = [r for r in cases if r["Notified"]]
    assert notified and all(isinstance(r["Notified"], datetime) for r in notified)
    for row in cases:
        case = stored[row["Case"]]
        if row["Notified"] and row["Notification due"]:  # none for deaths needing no review
            on_time = row["Notified"] <= row["Notification due"]
            assert row["Notified within 5 working days"] == ("Yes" if on_time else "No")
            assert isinstance(row["Working days to notify"], int)
        if row["Rapid review completed"]:
            assert row["Rapid review within 15 working days"] in ("Yes", "No")
        facts = case["facts"]
        assert row["Panel agreed"] == {"agree": "Yes", "challenge": "No"}.get(
            facts.get("panel.response") or "",
            "Awaited" if facts.get("decision.outcome") else None,
        )
    # Case B's notification is overdue and unsent: it counts as late.
    assert any(r["Notified within 5 working days"] == "No" and not r["Notified"] for r in cases)

    summary = book["Summary"]
    values = {row[0]: row[1:] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Cases in the period"][0] == len(cases)
    on_time, late, _, share = values["Notification within 5 working days"]
    assert on_time == sum(r["Notified within 5 working days"] == "Yes" for r in cases)
    assert late == sum(r["Notified within 5 working days"] == "No" for r in cases)
    assert share == on_time / (on_time + late)
    percent = next(c for c in summary["E"] if isinstance(c.value, float))
    assert percent.number_format == "0%"
    agreed, agreed_share = values["Panel agreed"][:2]
    assert agreed == sum(r["Panel agreed"] == "Yes" for r in cases) and 0 < agreed_share < 1
    charts = summary._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "PieChart"]
    assert charts[0].grouping == "stacked"


def test_yearly_figures_page_and_workbook(app: Flask, login: Login) -> None:
    client = login("bu")
    this_year = date.today().year if date.today().month >= 4 else date.today().year - 1
    label = f"1 April {this_year} to 31 March {this_year + 1}"
    page = client.get("/exports/yearly-figures")
    assert page.status_code == 200 and label in page.text
    for text in ("Cases the partners considered", "Local reviews commissioned",
                 "Notifications made within 5 working days", "The Panel challenged",
                 "Actions completed with evidence", "Seven-minute briefing",
                 "Exampleshire Community Health Services"):  # fmt: skip
        assert text in page.text
    book = workbook(post(client, "/exports/yearly-figures", year=str(this_year)))
    assert book.sheetnames == ["Figures", "Actions by review", "Actions by agency", "Delays",
                               "Learning activity", "Cases"]  # fmt: skip
    figures = {r["Figure"]: r[label] for r in _table(book["Figures"])}
    listed = _table(book["Cases"])
    assert figures["Serious incidents notified to the National Panel"] == sum(
        1 for r in listed if r["Serious incidents notified to the National Panel"]
    )
    notified = figures["Serious incidents notified to the National Panel"]
    on_time = figures["Notifications made within 5 working days"]
    assert 0 < on_time and on_time + figures["Notifications made later than 5 working days"] \
        <= notified  # fmt: skip
    assert figures["Local reviews published"] >= 1
    # The demo accepts five actions as complete today, each with its evidence.
    assert figures["Actions completed"] == figures["Actions completed with evidence"] == 5
    agencies = _table(book["Actions by agency"])
    with app.app_context():
        total = get_store().count("learning_actions")
        shared = get_store().find("learning_activities")
    assert sum(r["Recorded in the year"] for r in agencies) == total  # the demo records today
    assert sum(r["Open at the end of the year"] for r in agencies) == total - 5
    activity = _table(book["Learning activity"])
    this = [a for a in shared if label_year(a["held_on"]) == this_year]
    assert len(activity) == len(this)
    assert figures["People the learning reached"] == sum(a["reached"] for a in this)
    old = client.get(f"/exports/yearly-figures?year={this_year - 3}")
    assert f"1 April {this_year - 3}" in old.text


def label_year(day: str) -> int:
    """Return the first calendar year of the reporting year an ISO day falls in."""
    when = date.fromisoformat(day)
    return when.year if when.month >= 4 else when.year - 1
