"""The audit trail as CSV or XLSX, made with the exports' own writers (text is never run)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from flask import current_app

from cspr.exports.columns import uk_time
from cspr.exports.formexport import csv_text
from cspr.exports.jobs import Export, Progress, results_dir
from cspr.exports.operations import FORMATS as EXPORT_FORMATS
from cspr.exports.xlsx_stream import StreamingWorkbook
from cspr.timeutil import uk_today

FORMATS = {fmt: EXPORT_FORMATS[fmt] for fmt in ("csv", "xlsx")}
COLUMNS = [("Entry", 8.0), ("When (UK time)", 19.0), ("Who", 28.0), ("Action", 22.0),
           ("Object type", 16.0), ("Object id", 34.0), ("Details", 60.0), ("From", 16.0),
           ("Hash", 20.0)]  # fmt: skip
TITLE = "Audit trail"


def row(entry: dict[str, Any]) -> list[Any]:
    """Return one entry's cells: its number, UK time, who, what, on what, details, from where."""
    details = entry.get("details") or {}
    return [
        entry.get("seq"), uk_time(entry.get("at")), entry.get("user") or "nobody signed in",
        entry.get("action"), entry.get("object_type"), entry.get("object_id") or "",
        json.dumps(details, ensure_ascii=False, sort_keys=True) if details else "",
        entry.get("client") or "", entry.get("hash") or "",
    ]  # fmt: skip


def csv_chunks(entries: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """Yield the CSV (UTF-8 with a byte-order mark, for Excel), a chunk per thousand entries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading for heading, _ in COLUMNS])

    def taken() -> bytes:
        """Return what the buffer holds, and empty it."""
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    yield b"\xef\xbb\xbf" + taken()
    for number, entry in enumerate(entries, start=1):
        cells = row(entry)
        if cells[1] is not None:  # seconds matter here; csv_text keeps minutes only
            cells[1] = cells[1].isoformat(sep=" ", timespec="seconds")
        # Emails typed at sign-in and other details are anyone's text: made inert.
        writer.writerow([csv_text(cell) for cell in cells])
        if number % 1000 == 0:
            yield taken()
    yield taken()


def write_xlsx(entries: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """Write the workbook: one sheet, a bold frozen header, every cell text, number or date."""
    creator = str(current_app.config.get("PARTNERSHIP_NAME", ""))
    book = StreamingWorkbook(results_dir(), title=TITLE, creator=creator)
    try:
        # The streaming writer writes text as text, never as a formula, so "=..." stays inert.
        sheet = book.add_sheet(TITLE, [h for h, _ in COLUMNS], [w for _, w in COLUMNS])
        for entry in entries:
            sheet.append(row(entry))
    except BaseException:
        book.close()
        raise
    book.save(out)
    return sheet.rows


def make(entries: Callable[[], Iterable[dict[str, Any]]], rows: int, fmt: str) -> Export:
    """Return the export of the entries (read as it is written) in a format, csv or xlsx."""
    name = f"audit-trail-{uk_today().isoformat()}.{fmt}"
    title = f"{TITLE} ({fmt.upper()})"
    if fmt == "csv":
        return Export("audit_trail", title, name, FORMATS[fmt], rows,
                      chunks=lambda: csv_chunks(entries()))  # fmt: skip

    def write(out: IO[bytes], progress: Progress) -> int:
        return write_xlsx(entries(), out)

    return Export("audit_trail", title, name, FORMATS[fmt], rows, write=write)
