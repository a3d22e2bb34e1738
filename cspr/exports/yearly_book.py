"""The yearly figures as a workbook: headline figures, actions, delays, learning and cases."""

from __future__ import annotations

from typing import IO

from cspr.exports.reports import DATE_FORMAT, Heading, table_sheet
from cspr.exports.yearly import FIGURES, YearFigures, figure_rows

ACTION_HEADINGS = [Heading("Recorded in the year", 12), Heading("Open at the end of the year", 12),
                   Heading("Of those, overdue", 12), Heading("Completed in the year", 12),
                   Heading("Completed with evidence", 12),
                   Heading("Completed before the year", 12)]  # fmt: skip


def write_yearly(figures: YearFigures, out: IO[bytes]) -> int:
    """Write the yearly figures workbook; return the number of cases listed."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None  # nosec B101  # a new workbook always has a sheet
    ws.title = "Figures"
    table_sheet(ws, [Heading("Section", 16), Heading("Figure", 60), Heading(figures.label, 30)],
                figure_rows(figures))  # fmt: skip
    for title, first, groups in (("Actions by review", "Kind of review", figures.actions),
                                 ("Actions by agency", "Owning agency", figures.agencies)):
        table_sheet(book.create_sheet(title), [Heading(first, 40), *ACTION_HEADINGS],
                    [[g.name, g.recorded, g.open, g.overdue, g.completed, g.with_evidence,
                      g.completed_before] for g in groups])  # fmt: skip
    table_sheet(
        book.create_sheet("Delays"),
        [Heading("Case", 17), Heading("Approved", 14, DATE_FORMAT), Heading("Reason", 60),
         Heading("Approved by", 30), Heading("New date", 14, DATE_FORMAT),
         Heading("Panel told", 14, DATE_FORMAT), Heading("Secretary of State told", 14,
                                                         DATE_FORMAT)],
        [[d["case"], d["recorded_on"], d["reason"], d["approved_by"], d["new_date"],
          d["panel_told"], d["sos_told"]] for d in figures.local.delays],
    )  # fmt: skip
    table_sheet(
        book.create_sheet("Learning activity"),
        [Heading("Date", 14, DATE_FORMAT), Heading("Review", 24), Heading("Kind", 24),
         Heading("What it was about", 50), Heading("Who it was for", 40),
         Heading("People reached", 12)],
        [[a["held_on"], a["review"], a["kind_text"], a["title"], a["audience"], a["reached"]]
         for a in figures.activities],
    )  # fmt: skip
    table_sheet(
        book.create_sheet("Cases"),
        [Heading("Case", 17)] + [Heading(text, 18, DATE_FORMAT) for _, text in FIGURES],
        figures.case_rows,
    )
    book.save(out)
    return len(figures.case_rows)
