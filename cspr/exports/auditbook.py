"""The chair's six-monthly rapid review audit: per-case timeliness, a summary and native charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from cspr.casework import casefacts, clock, deadlines, stages
from cspr.casework.catalog import DECISIONS
from cspr.casework.deadlines import Deadline
from cspr.exports.reports import DATE_FORMAT, PANEL_VIEWS, Heading, _decision, table_sheet

if TYPE_CHECKING:
    from openpyxl.chart.label import DataLabelList

YES, NO, NOT_YET = "Yes", "No", "Not yet"
HEADINGS = [
    Heading("Case", 17), Heading("Stage", 22),
    Heading("Local authority aware", 14, DATE_FORMAT), Heading("Notified", 14, DATE_FORMAT),
    Heading("Notification due", 14, DATE_FORMAT), Heading("Working days to notify", 12),
    Heading("Notified within 5 working days", 14),
    Heading("Rapid review completed", 14, DATE_FORMAT),
    Heading("Rapid review due", 14, DATE_FORMAT),
    Heading("Working days to complete", 12), Heading("Rapid review within 15 working days", 16),
    Heading("Decision", 34), Heading("Panel agreed", 14),
]  # fmt: skip


@dataclass
class Timed:
    """Whether one step was done on time: due date, when done, working days taken, outcome."""

    due: date | None
    done: date | None
    days: int | None
    outcome: str  # YES, NO, NOT_YET, or "" when the step does not apply


def _timed(start: date | None, deadline: Deadline | None, today: date) -> Timed:
    """Judge one step by the case's own deadline, so the workbook can never disagree with it."""
    if start is None or deadline is None:
        return Timed(None, None, None, "")
    status = deadline.status
    if status.done is None:
        return Timed(status.due, None, None, NO if status.state == "overdue" else NOT_YET)
    days = clock.working_days_between(start, status.done)
    return Timed(status.due, status.done, days, YES if status.state == "met" else NO)


def in_period(case: dict[str, Any], start: date, end: date) -> bool:
    """Include a case the council became aware of, notified, or rapid-reviewed in the period."""
    found = (casefacts.get_date(case, k) for k in
             ("dates.la_aware", "dates.notified", "dates.rapid_review_sent"))  # fmt: skip
    return any(d is not None and start <= d <= end for d in found)


def audit_rows(case_list: list[dict[str, Any]], start: date, end: date, today: date) -> list[
    list[Any]
]:
    """Return one row per case in the period with the timeliness of each step and the outcome."""
    rows = []
    for case in sorted(case_list, key=lambda c: c["reference"]):
        if not in_period(case, start, end):
            continue
        found = {d.key: d for d in deadlines.deadlines(case, today)}
        aware = casefacts.get_date(case, "dates.la_aware")
        notified = casefacts.get_date(case, "dates.notified")
        notify = _timed(aware, found.get("notification"), today)
        review = _timed(notified, found.get("rapid_review"), today)
        decision = casefacts.get(case, "decision.outcome")
        panel = PANEL_VIEWS.get(casefacts.get(case, "panel.response") or "", "")
        rows.append([
            case["reference"], stages.label(case["stage"]), aware, notified, notify.due,
            notify.days, notify.outcome, review.done, review.due, review.days, review.outcome,
            _decision(decision),
            {"Agreed": YES, "Challenged": NO}.get(panel, "Awaited" if decision else ""),
        ])  # fmt: skip
    return rows


def _share(part: int, whole: int) -> float | None:
    """Return part of whole as a fraction for a percentage cell, or None when whole is 0."""
    return part / whole if whole else None


def summary(rows: list[list[Any]]) -> dict[str, Any]:
    """Count the outcomes: timeliness of each step, decisions and the Panel's responses."""
    notify = Counter(r[6] for r in rows if r[6])
    review = Counter(r[10] for r in rows if r[10])
    decisions = Counter(r[11] for r in rows if r[11])
    panel = Counter(r[12] for r in rows if r[12])
    return {"cases": len(rows), "notify": notify, "review": review, "decisions": decisions,
            "panel": panel}  # fmt: skip


def write_audit(rows: list[list[Any]], start: date, end: date, out: IO[bytes]) -> int:
    """Write the audit workbook: a summary with percentages and charts, then the cases."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    assert ws is not None  # nosec B101  # a new workbook always has a sheet
    ws.title = "Summary"
    figures = summary(rows)
    ws.append(["Rapid review audit"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Period from", start])
    ws.append(["Period to", end])
    ws.append(["Cases in the period", figures["cases"]])
    for cell in ("B2", "B3"):
        ws[cell].number_format = DATE_FORMAT
    ws.append([])
    _heading(ws, ["Timeliness", "On time", "Late", "Not yet due", "On time (%)"])
    for label, counts in (("Notification within 5 working days", figures["notify"]),
                          ("Rapid review within 15 working days", figures["review"])):  # fmt: skip
        judged = counts[YES] + counts[NO]
        _figures(ws, [label, counts[YES], counts[NO], counts[NOT_YET], _share(counts[YES], judged)])
    ws.append([])
    _heading(ws, ["Decision", "Cases", "Share (%)"])
    decided = sum(figures["decisions"].values())
    decision_start = ws.max_row + 1
    for text in [_decision(key) for key, _ in DECISIONS]:
        count = figures["decisions"][text]
        _figures(ws, [text, count, _share(count, decided)])
    decision_end = ws.max_row
    ws.append([])
    _heading(ws, ["Panel response", "Cases", "Share (%)"])
    panel = figures["panel"]
    responded = panel[YES] + panel[NO]
    _figures(ws, ["Panel agreed", panel[YES], _share(panel[YES], responded)])
    _figures(ws, ["Panel challenged", panel[NO], _share(panel[NO], responded)])
    _figures(ws, ["Panel response awaited", panel["Awaited"], None])
    ws.column_dimensions["A"].width = 44
    for letter in "BCDE":
        ws.column_dimensions[letter].width = 14
    _charts(ws, decision_start, decision_end)
    cases_sheet = book.create_sheet("Rapid reviews")
    table_sheet(cases_sheet, HEADINGS, rows)
    book.save(out)
    return len(rows)


def _heading(ws: Any, cells: list[Any]) -> None:
    """Append a bold row heading a small table."""
    from openpyxl.styles import Font

    ws.append(cells)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _figures(ws: Any, cells: list[Any]) -> None:
    """Append a row of figures, showing fractions as percentages."""
    ws.append(cells)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, float):
            cell.number_format = "0%"


def _values_only() -> DataLabelList:
    """Label each bar or slice with its number only."""
    from openpyxl.chart.label import DataLabelList

    return DataLabelList(showVal=True, showSerName=False, showCatName=False, showPercent=False,
                         showLegendKey=False)  # fmt: skip


def _charts(ws: Any, decision_start: int, decision_end: int) -> None:
    """Add native Excel charts: timeliness of each step, and the decisions made."""
    from openpyxl.chart import BarChart, PieChart, Reference

    timeliness = BarChart()
    timeliness.type = "bar"
    timeliness.grouping = "stacked"
    timeliness.overlap = 100
    timeliness.title = "Timeliness of notifications and rapid reviews"
    timeliness.y_axis.title = "Cases"
    data = Reference(ws, min_col=2, max_col=4, min_row=6, max_row=8)
    timeliness.add_data(data, titles_from_data=True)
    timeliness.set_categories(Reference(ws, min_col=1, min_row=7, max_row=8))
    timeliness.dataLabels = _values_only()
    timeliness.width, timeliness.height = 18, 7
    ws.add_chart(timeliness, "G2")

    outcomes = PieChart()
    outcomes.title = "Decisions after rapid review"
    outcomes.add_data(
        Reference(ws, min_col=2, min_row=decision_start - 1, max_row=decision_end),
        titles_from_data=True,
    )
    outcomes.set_categories(Reference(ws, min_col=1, min_row=decision_start, max_row=decision_end))
    outcomes.dataLabels = _values_only()
    outcomes.width, outcomes.height = 18, 9
    ws.add_chart(outcomes, "G18")
