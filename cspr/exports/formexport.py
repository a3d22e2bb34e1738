"""One form's sent submissions, across all its versions, as XLSX, CSV or JSON, in flat memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from cspr.auth.agencies import agency_names
from cspr.casework import cases
from cspr.exports.columns import FormColumns, GroupColumns, cell_value, form_columns, uk_time
from cspr.exports.xlsx_stream import StreamingWorkbook
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.operations import SUBMISSIONS, can_see
from cspr.storage import NotFound, get_store

META = [("Reference", 17.0), ("Form version", 9.0), ("Sent", 17.0), ("Agency", 28.0),
        ("Sent by", 22.0), ("Case", 16.0)]  # fmt: skip
GROUP_META = [("Submission reference", 17.0), ("Item", 6.0)]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int], None]


@dataclass
class FormExport:
    """A snapshot of the submissions of one form that a user may export, in sending order."""

    user: dict[str, Any]
    columns: FormColumns
    ids: list[str]

    @property
    def rows(self) -> int:
        """Return how many submissions the export holds."""
        return len(self.ids)


def plan(user: dict[str, Any], form_id: str) -> FormExport:
    """Take the ids of the form's sent submissions the user may see (never copies of them)."""
    columns = form_columns(form_id)
    if columns is None:
        raise NotFound(form_id)
    keys: list[tuple[str, str, str]] = []

    def note(doc: dict[str, Any]) -> bool:
        if can_see(user, doc):
            keys.append((doc.get("submitted_at") or "", doc.get("reference") or "", doc["id"]))
        return False  # keep nothing: the store would copy every match, and we need only ids

    where = {"form_id": form_id, "status": "submitted"}
    get_store().find(SUBMISSIONS, where=where, predicate=note)
    keys.sort()
    return FormExport(user, columns, [key[2] for key in keys])


class Lookups:
    """Names for the ids a submission holds: agencies, people and the cases the user may see."""

    def __init__(self, user: dict[str, Any]) -> None:
        """Read the small tables once per export."""
        store = get_store()
        self.agencies = agency_names()
        self.people = {u["id"]: u.get("name") or "" for u in store.find("users")}
        self.cases = {c["id"]: c["reference"] for c in cases.list_cases(user)}

    def meta(self, sub: dict[str, Any]) -> list[Any]:
        """Return the columns every row starts with."""
        return [
            sub.get("reference"),
            int(sub.get("form_version") or 0),
            uk_time(sub.get("submitted_at")),
            self.agencies.get(sub.get("agency_id") or "", ""),
            self.people.get(sub.get("owner_id") or "", ""),
            self.cases.get(sub.get("case_id") or "", ""),
        ]


def submissions(export: FormExport) -> Iterator[dict[str, Any]]:
    """Yield the snapshot's submissions one at a time, checking access again for each."""
    store = get_store()
    for submission_id in export.ids:
        sub = store.get(SUBMISSIONS, submission_id)
        if sub is not None and can_see(export.user, sub):
            yield sub


def main_row(export: FormExport, sub: dict[str, Any]) -> list[Any]:
    """Return a submission's answers in column order, read with its own version's fields."""
    definition = export.columns.versions.get(int(sub.get("form_version") or 0))
    answers = sub.get("answers") or {}
    values = []
    for column in export.columns.columns:
        item = _field(definition, column.name)
        values.append(cell_value(item, answers.get(column.name)))
    return values


def group_rows(export: FormExport, group: GroupColumns, sub: dict[str, Any]) -> list[list[Any]]:
    """Return one row per item of a repeating group, keyed by the submission reference."""
    definition = export.columns.versions.get(int(sub.get("form_version") or 0))
    items = (sub.get("answers") or {}).get(group.name) or []
    outer = _field(definition, group.name)
    subs = {f["name"]: f for f in (outer or {}).get("fields", [])}
    return [
        [sub.get("reference"), number]
        + [cell_value(subs.get(c.name), item.get(c.name)) for c in group.columns]
        for number, item in enumerate(items, start=1)
        if isinstance(item, dict)
    ]


def _field(definition: Any, name: str) -> dict[str, Any] | None:
    """Return a version's top-level field, or None if that version lacks it."""
    if definition is None or not definition.has_field(name):
        return None
    found: dict[str, Any] = definition.field(name)
    return found


# --- XLSX --------------------------------------------------------------------------------


def write_xlsx(
    export: FormExport, out: IO[bytes], temp_dir: Path | None, creator: str,
    progress: Progress | None = None,
) -> int:  # fmt: skip
    """Write the workbook: answers on the first sheet, each repeating group on its own."""
    cols = export.columns
    book = StreamingWorkbook(temp_dir, title=cols.title, creator=creator)
    main = book.add_sheet(
        cols.title,
        [h for h, _ in META] + [_main_heading(c.label, c.kind) for c in cols.columns],
        [w for _, w in META] + [c.width for c in cols.columns],
    )
    group_sheets = [
        (
            group,
            book.add_sheet(
                group.label,
                [h for h, _ in GROUP_META] + [c.label for c in group.columns],
                [w for _, w in GROUP_META] + [c.width for c in group.columns],
            ),
        )
        for group in cols.groups
    ]
    lookups = Lookups(export.user)
    try:
        for done, sub in enumerate(submissions(export), start=1):
            main.append(lookups.meta(sub) + main_row(export, sub))
            for group, sheet in group_sheets:
                for row in group_rows(export, group, sub):
                    sheet.append(row)
            if progress and done % 500 == 0:
                progress(done)
    except BaseException:
        book.close()
        raise
    book.save(out)
    return main.rows


def _main_heading(label: str, kind: str) -> str:
    """Head a group's count column so that it is not mistaken for the items."""
    return f"{label} (number of items)" if field_type(kind).is_group else label


# --- CSV ---------------------------------------------------------------------------------


def csv_text(value: Any) -> str:
    """Write a cell for CSV: ISO dates, and text that a spreadsheet would run made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # A cell starting = + - @ is run as a formula by spreadsheets (CSV injection).
        return "'" + value if value.startswith(FORMULA_START) else value
    return str(value)


def csv_chunks(export: FormExport, group_name: str | None = None) -> Iterator[bytes]:
    """Yield the CSV (UTF-8 with a byte-order mark, for Excel), a chunk for each form."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    group = next((g for g in export.columns.groups if g.name == group_name), None)
    if group_name and group is None:
        raise NotFound(group_name)
    if group is None:
        header = [h for h, _ in META] + [
            _main_heading(c.label, c.kind) for c in export.columns.columns
        ]
    else:
        header = [h for h, _ in GROUP_META] + [c.label for c in group.columns]
    # Question labels are written by administrators: made inert like answers are.
    writer.writerow([csv_text(cell) for cell in header])
    yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    lookups = Lookups(export.user)
    for sub in submissions(export):
        buffer.seek(0)
        buffer.truncate()
        if group is None:
            rows = [lookups.meta(sub) + main_row(export, sub)]
        else:
            rows = group_rows(export, group, sub)
        writer.writerows([csv_text(v) for v in row] for row in rows)
        text = buffer.getvalue()
        if text:
            yield text.encode("utf-8")


# --- JSON --------------------------------------------------------------------------------


def json_chunks(export: FormExport) -> Iterator[bytes]:
    """Yield a JSON document: the form, its columns, then each submission's stored answers."""
    cols = export.columns
    head = {
        "form": {"id": cols.form_id, "title": cols.title, "versions": sorted(cols.versions)},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": export.rows,
        "columns": [{"name": c.name, "label": c.label, "type": c.kind} for c in cols.columns],
        "groups": {
            g.name: [{"name": c.name, "label": c.label, "type": c.kind} for c in g.columns]
            for g in cols.groups
        },
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    yield (opening + ',\n "submissions": [').encode("utf-8")
    lookups = Lookups(export.user)
    first = True
    for sub in submissions(export):
        meta = lookups.meta(sub)
        record = {
            "reference": sub.get("reference"),
            "form_version": meta[1],
            "submitted_at": sub.get("submitted_at"),
            "agency": meta[3],
            "sent_by": meta[4],
            "case_reference": meta[5] or None,
            "answers": sub.get("answers") or {},
        }
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        yield (("\n  " if first else ",\n  ") + text).encode("utf-8")
        first = False
    yield b"\n ]\n}\n"
