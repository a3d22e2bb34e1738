"""Figures for the partnership's yearly report: reviews by stage reached, and actions by agency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from cspr.casework import casefacts, cases
from cspr.exports.columns import iso_date
from cspr.exports.reports import DATE_FORMAT, RAG, Heading, latest_plans, table_sheet

YEAR_STARTS_MONTH = 4  # reporting years run from 1 April to 31 March
FIGURES = [
    ("considered", "Cases the partners considered"),
    ("notified", "Serious incidents notified to the National Panel"),
    ("reviewed", "Rapid reviews completed"),
    ("commissioned", "Local reviews commissioned"),
    ("published", "Local reviews published"),
]


@dataclass
class AgencyActions:
    """One agency's actions: open now, of those overdue, and closed in the year."""

    agency: str
    open: int = 0
    overdue: int = 0
    closed_in_year: int = 0
    closed_before: int = 0


@dataclass
class YearFigures:
    """Everything the yearly report needs for one reporting year."""

    start: date
    end: date
    counts: dict[str, int]
    case_rows: list[list[Any]]
    agencies: list[AgencyActions] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Name the year, like "1 April 2025 to 31 March 2026"."""
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def year_bounds(first_year: int) -> tuple[date, date]:
    """Return the first and last day of the reporting year that starts in first_year."""
    following = date(first_year + 1, YEAR_STARTS_MONTH, 1)
    return date(first_year, YEAR_STARTS_MONTH, 1), following - timedelta(days=1)


def year_of(day: date) -> int:
    """Return the first calendar year of the reporting year a day falls in."""
    return day.year if day.month >= YEAR_STARTS_MONTH else day.year - 1


def considered_on(case: dict[str, Any]) -> date | None:
    """Return when the partners first considered a case: their earliest recorded view."""
    views = [*(case.get("views") or {}).values(), *(case.get("view_history") or [])]
    found = [iso_date(str(v.get("at", ""))[:10]) for v in views]
    days = [d for d in found if d is not None]
    return min(days) if days else None


def figures_for(user: dict[str, Any], first_year: int, today: date) -> YearFigures:
    """Count the reviews at each stage in the year, and the actions by owning agency."""
    start, end = year_bounds(first_year)
    case_list = cases.list_cases(user)
    counts = dict.fromkeys((key for key, _ in FIGURES), 0)
    rows = []
    for case in sorted(case_list, key=lambda c: c["reference"]):
        when = {
            "considered": considered_on(case),
            "notified": casefacts.get_date(case, "dates.notified"),
            "reviewed": casefacts.get_date(case, "dates.rapid_review_sent"),
            "commissioned": casefacts.get_date(case, "dates.commissioned"),
            "published": casefacts.get_date(case, "dates.published"),
        }
        in_year = {k: d for k, d in when.items() if d is not None and start <= d <= end}
        for key in in_year:
            counts[key] += 1
        if in_year:
            rows.append([case["reference"], *(in_year.get(k) for k, _ in FIGURES)])
    refs = {c["id"]: c["reference"] for c in case_list}
    return YearFigures(start, end, counts, rows, actions_by_agency(refs, start, end, today))


def actions_by_agency(
    case_refs: dict[str, str], start: date, end: date, today: date
) -> list[AgencyActions]:
    """Count the latest action plans' actions by owning agency."""
    found: dict[str, AgencyActions] = {}
    for plan in latest_plans(case_refs):
        for action in (plan.get("answers") or {}).get("actions") or []:
            name = " ".join(str(action.get("owning_agency") or "Not recorded").split())
            agency = found.setdefault(name.lower(), AgencyActions(name))
            if RAG.get(action.get("rag_status") or "") == "Complete":
                completed = iso_date(action.get("completed_date"))
                if completed is not None and start <= completed <= end:
                    agency.closed_in_year += 1
                else:
                    agency.closed_before += 1
            else:
                agency.open += 1
                due = iso_date(action.get("due_date"))
                agency.overdue += int(bool(due and due < today))
    return sorted(found.values(), key=lambda a: a.agency.lower())


def write_yearly(figures: YearFigures, out: IO[bytes]) -> int:
    """Write the yearly figures workbook: the counts, actions by agency, and the cases."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None  # nosec B101  # a new workbook always has a sheet
    ws.title = "Figures"
    table_sheet(ws, [Heading("Reviews", 50), Heading(figures.label, 30)],
                [[text, figures.counts[key]] for key, text in FIGURES])  # fmt: skip
    agencies = book.create_sheet("Actions by agency")
    table_sheet(
        agencies,
        [Heading("Owning agency", 36), Heading("Open", 10), Heading("Open and overdue", 12),
         Heading("Closed in the year", 12), Heading("Closed before the year", 12)],
        [[a.agency, a.open, a.overdue, a.closed_in_year, a.closed_before]
         for a in figures.agencies],
    )  # fmt: skip
    listed = book.create_sheet("Cases")
    table_sheet(
        listed,
        [Heading("Case", 17)] + [Heading(text, 18, DATE_FORMAT) for _, text in FIGURES],
        figures.case_rows,
    )
    book.save(out)
    return len(figures.case_rows)
