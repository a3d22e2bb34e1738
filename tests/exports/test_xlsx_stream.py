"""The streaming XLSX writer: a valid package that openpyxl reads back exactly, with edge cases."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from cspr.exports.xlsx_stream import MAX_CELL_CHARS, StreamingWorkbook, sheet_title


def test_values_come_back_with_their_types() -> None:
    book = StreamingWorkbook(title="Test & <check>", creator="Testshire")
    sheet = book.add_sheet("Answers", ["Text", "Whole", "Decimal", "Yes", "Date", "When"],
                           [20, 8, 8, 6, 12, 16])  # fmt: skip
    sheet.append(["  padded  ", 3, 2.5, True, date(2026, 12, 24), datetime(2026, 12, 24, 9, 30)])
    sheet.append(["<b>&amp;</b>\nnext line", None, None, False, None, None])
    sheet.append(["bell\x07 and \x1f gone", 0, -1.25, None, date(1999, 1, 1), None])
    sheet.append(["x" * (MAX_CELL_CHARS + 10)])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"
        assert b"Test &amp; &lt;check&gt;" in package.read("docProps/core.xml")
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws is not None
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("  padded  ", 3, 2.5, True, datetime(2026, 12, 24),
                       datetime(2026, 12, 24, 9, 30))  # fmt: skip
    assert rows[1] == ("<b>&amp;</b>\nnext line", None, None, False, None, None)
    assert rows[2] == ("bell and  gone", 0, -1.25, None, datetime(1999, 1, 1), None)
    assert len(rows[3][0]) == MAX_CELL_CHARS
    assert ws["E2"].number_format == "d mmm yyyy" and ws["F2"].is_date
    assert ws.auto_filter.ref == "A1:F5" and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 20


def test_sheet_names_are_made_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("Children involved in the incident [all of them]", taken) == (
        "Children involved in the inciden"[:31]
    )
    second = sheet_title("Children involved in the incident", taken)
    assert second == "Children involved in the in (2)" and len(second) == 31
    assert sheet_title("a/b:c*d?e", taken) == "a b c d e"
    assert sheet_title("'quoted'", taken) == "quoted"
    assert sheet_title("", taken) == "Sheet"


def test_an_empty_sheet_still_opens() -> None:
    book = StreamingWorkbook()
    book.add_sheet("Nothing yet", ["Reference"], [17])
    out = io.BytesIO()
    book.save(out)
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    assert ws is not None and ws.max_row == 1 and ws["A1"].value == "Reference"
