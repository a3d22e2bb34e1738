"""Case workbooks made with openpyxl: the case register and the action plan tracker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from cspr.auth.agencies import agency_names
from cspr.casework import casefacts, deadlines, stages
from cspr.casework.catalog import FACTS, choice_label
from cspr.exports.columns import iso_date, uk_time
from cspr.exports.xlsx_stream import clean_text
from cspr.learning import records

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported only when a workbook is made: about 10 MB that a server which has not
# exported anything (and each of its worker processes) need not hold.

DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
DEADLINES = {  # the case's deadlines by key, named as the register's columns
    "notification": "Serious incident notification",
    "rapid_review": "Rapid review sent to the Panel",
    "publication": "Local review published",
    "panel_notice": "Final report to the Panel and Secretary of State",
}
KEY_DATES = [name for name in FACTS if name.startswith("dates.")]
STATES = {"met": "Met", "missed": "Missed", "overdue": "Overdue", "due_soon": "Due soon",
          "due": "Due"}  # fmt: skip
PANEL_VIEWS = {"agree": "Agreed", "challenge": "Challenged"}
RAG = {"red": "Red", "amber": "Amber", "green": "Green", "complete": "Complete"}
# GOV.UK colours: red, yellow (amber), green and mid-grey, with text that reads on each.
RAG_FILLS = {"Red": ("D4351C", "FFFFFF"), "Amber": ("FFDD00", "0B0C0C"),
             "Green": ("00703C", "FFFFFF"), "Complete": ("B1B4B6", "0B0C0C")}  # fmt: skip
LATE_COLOURS = ("F6D7D2", "942514")  # fill, text
MET_COLOUR = "CCE2D8"


@dataclass
class Heading:
    """One column of a report sheet: its heading, width and number format."""

    text: str
    width: float = 16.0
    number_format: str | None = None


def table_sheet(ws: Worksheet, headings: Sequence[Heading], rows: Sequence[Sequence[Any]]) -> None:
    """Fill a sheet with a bold frozen header row, rows, widths, formats and an autofilter."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([h.text for h in headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([clean_text(v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # someone's text, never a formula for Excel to run
    for number, heading in enumerate(headings, start=1):
        letter = get_column_letter(number)
        ws.column_dimensions[letter].width = heading.width
        if heading.number_format:
            for (cell,) in ws.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.number_format = heading.number_format
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headings))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"


def fill(colour: str) -> PatternFill:
    """Return a solid fill of one colour."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def late_style() -> tuple[PatternFill, Font]:
    """Return the fill and font that mark something late."""
    from openpyxl.styles import Font

    return fill(LATE_COLOURS[0]), Font(color=LATE_COLOURS[1], bold=True)


def save(book: Workbook, out: IO[bytes]) -> None:
    """Write a workbook to an open binary file."""
    book.save(out)


# --- The case register ----------------------------------------------------------------------


def register_headings() -> list[Heading]:
    """Return the case register's columns: case, stage, key dates and every deadline."""
    headings = [
        Heading("Reference", 17), Heading("Stage", 22), Heading("Opened", 17, DATETIME_FORMAT),
        Heading("Decision", 34), Heading("Panel response", 14),
    ]  # fmt: skip
    headings += [Heading(FACTS[key].label, 16, DATE_FORMAT) for key in KEY_DATES]
    for name in DEADLINES.values():
        headings += [Heading(f"{name}: due", 16, DATE_FORMAT), Heading(f"{name}: met?", 14)]
    return headings


def register_rows(case_list: list[dict[str, Any]], today: date) -> list[list[Any]]:
    """Return one row per case with its key dates and whether each deadline was met."""
    rows = []
    for case in case_list:
        found = {d.key: d.status for d in deadlines.deadlines(case, today)}
        row: list[Any] = [
            case["reference"],
            stages.label(case["stage"]),
            uk_time(case.get("opened_at")),
            _decision(casefacts.get(case, "decision.outcome")),
            PANEL_VIEWS.get(casefacts.get(case, "panel.response") or "", ""),
        ]
        row += [casefacts.get_date(case, key) for key in KEY_DATES]
        for key in DEADLINES:
            status = found.get(key)
            row += [status.due, STATES[status.state]] if status else [None, None]
        rows.append(row)
    return rows


def _decision(decision: str | None) -> str:
    """Return the decision in words, starting with a capital."""
    text = choice_label("decision.outcome", decision)
    return text[:1].upper() + text[1:]


def write_register(case_list: list[dict[str, Any]], today: date, out: IO[bytes]) -> int:
    """Write the case register workbook and return its number of rows."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.utils import get_column_letter

    late_fill, late_font = late_style()
    book = Workbook()
    ws = book.active
    assert ws is not None  # nosec B101  # a new workbook always has a sheet
    ws.title = "Case register"
    headings = register_headings()
    rows = register_rows(case_list, today)
    table_sheet(ws, headings, rows)
    first = 6 + len(KEY_DATES)
    end = max(len(rows) + 1, 2)
    for offset in range(len(DEADLINES)):
        letter = get_column_letter(first + offset * 2 + 1)
        cells = f"{letter}2:{letter}{end}"
        for late in ('"Missed"', '"Overdue"'):
            ws.conditional_formatting.add(
                cells, CellIsRule(operator="equal", formula=[late], fill=late_fill, font=late_font)
            )
        ws.conditional_formatting.add(
            cells, CellIsRule(operator="equal", formula=['"Met"'], fill=fill(MET_COLOUR))
        )
    save(book, out)
    return len(rows)


# --- The action plan tracker ----------------------------------------------------------------

TRACKER = [
    Heading("Action", 15), Heading("Case", 17), Heading("Review", 24),
    Heading("Kind of review", 24), Heading("Recommendation", 10),
    Heading("What will be done", 50), Heading("Owning agency", 28),
    Heading("Owner", 22), Heading("Owner's role", 24), Heading("Due", 14, DATE_FORMAT),
    Heading("Status", 12), Heading("Where it is", 24), Heading("Completed", 14, DATE_FORMAT),
    Heading("Overdue", 10), Heading("Latest progress update", 50), Heading("Evidence files", 10),
]  # fmt: skip
DUE_COLUMN, STATUS_COLUMN = "J", "K"


def tracker_rows(actions: list[dict[str, Any]], today: date) -> list[list[Any]]:
    """Return one row per action (from learning's records), with its status and lateness."""
    reviews = {r["id"]: r for r in records.all_reviews()}
    agencies = agency_names()
    rows = []
    for action in actions:
        review = reviews.get(action["review_id"]) or {}
        latest = action["updates"][-1]["text"] if action["updates"] else ""
        rows.append([
            action["reference"], review.get("case_reference") or "", review.get("title", ""),
            records.KINDS.get(action["kind"], ""), action["recommendation_number"],
            action["text"], agencies.get(action["agency_id"], ""), action["owner_name"],
            action["owner_role"], records.due_date(action), records.label(action),
            records.STATES[action["state"]], iso_date(action.get("completed_on")),
            "Yes" if records.is_overdue(action, today) else "No", latest,
            len(action["evidence"]),
        ])  # fmt: skip
    return rows


def write_tracker(rows: list[list[Any]], out: IO[bytes]) -> int:
    """Write the tracker with RAG colours and overdue actions highlighted; return its rows."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    late_fill, late_font = late_style()
    book = Workbook()
    ws = book.active
    assert ws is not None  # nosec B101  # a new workbook always has a sheet
    ws.title = "Action plan tracker"
    table_sheet(ws, TRACKER, rows)
    end = max(len(rows) + 1, 2)
    status_cells = f"{STATUS_COLUMN}2:{STATUS_COLUMN}{end}"
    for text, (colour, font) in RAG_FILLS.items():
        ws.conditional_formatting.add(
            status_cells,
            CellIsRule(
                operator="equal",
                formula=[f'"{text}"'],
                fill=fill(colour),
                font=Font(color=font, bold=True),
            ),
        )
    # Worked out again when the file is opened, so an action that falls due later shows too.
    overdue = f'AND(${DUE_COLUMN}2<>"",${DUE_COLUMN}2<TODAY(),${STATUS_COLUMN}2<>"Complete")'
    last = get_column_letter(len(TRACKER))
    ws.conditional_formatting.add(
        f"A2:{last}{end}", FormulaRule(formula=[overdue], fill=late_fill, font=late_font)
    )
    save(book, out)
    return len(rows)
