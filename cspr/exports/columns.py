"""Columns across every stored version of a form, and answers turned into typed cell values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cspr.formengine import registry
from cspr.formengine.core_types import parse_iso_date
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type, known
from cspr.storage import get_store
from cspr.timeutil import UK

MIN_WIDTH, MAX_WIDTH = 8.0, 60.0

Field = dict[str, Any]


@dataclass
class Column:
    """One answer column: a field by name, headed with the newest version's label."""

    name: str
    label: str
    kind: str

    @property
    def width(self) -> float:
        """Return a width that fits the kind of answer and most of the heading."""
        kind = field_type(self.kind) if known({"type": self.kind}) else None
        wanted = max(kind.export_width if kind else 20.0, min(len(self.label), 40) * 0.9)
        return max(MIN_WIDTH, min(MAX_WIDTH, wanted))


@dataclass
class GroupColumns:
    """A repeating group: its own sheet, with a column for each sub-field across versions."""

    name: str
    label: str
    columns: list[Column] = field(default_factory=list)


@dataclass
class FormColumns:
    """Every version of a form, and the columns that cover all of them."""

    form_id: str
    title: str
    versions: dict[int, FormDefinition]
    columns: list[Column]
    groups: list[GroupColumns]


def stored_versions(form_id: str) -> dict[int, FormDefinition]:
    """Return every stored version of a form, oldest first."""
    records = get_store().find(registry.VERSIONS, where={"form_id": form_id}, order_by="version")
    found = {int(r["version"]): registry.definition(form_id, int(r["version"])) for r in records}
    return {v: d for v, d in found.items() if d is not None}


def exportable_forms() -> list[FormColumns]:
    """Return the columns of every form that has a stored version, by title."""
    form_ids = {r["form_id"] for r in get_store().find(registry.VERSIONS)}
    found = [form_columns(form_id) for form_id in form_ids]
    return sorted((f for f in found if f is not None), key=lambda f: f.title.lower())


def _union(field_lists: Iterable[list[Field]]) -> list[Column]:
    """Merge field lists, newest first: a field keeps one column under its newest label."""
    columns: dict[str, Column] = {}
    for fields in field_lists:
        for item in fields:
            if field_type(item).exported and item["name"] not in columns:
                label = item.get("label") or item["name"]
                columns[item["name"]] = Column(item["name"], label, item["type"])
    return list(columns.values())


def form_columns(form_id: str) -> FormColumns | None:
    """Work out the columns for a form from all its versions, or None if it has none."""
    versions = stored_versions(form_id)
    if not versions:
        return None
    newest_first = [versions[v] for v in sorted(versions, reverse=True)]
    columns = _union(d.all_fields() for d in newest_first)
    groups = []
    for column in columns:
        if field_type(column.kind).is_group:
            subs = _union(
                list(d.field(column.name).get("fields", []))
                for d in newest_first
                if d.has_field(column.name) and field_type(d.field(column.name)).is_group
            )
            groups.append(GroupColumns(column.name, column.label, subs))
    return FormColumns(form_id, newest_first[0].title, versions, columns, groups)


def cell_value(item: Field | None, value: Any) -> Any:
    """Turn one stored answer into a typed cell value: text, number, date or None."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if item is None:  # a version without this question: show what was stored
        return value if isinstance(value, int | float | str) else str(value)
    return field_type(item).cell(item, value)


def uk_time(moment: str | None) -> datetime | None:
    """Return a stored UTC time as a UK wall-clock time without a zone (Excel has none)."""
    if not moment:
        return None
    try:
        return datetime.fromisoformat(moment).astimezone(UK).replace(tzinfo=None)
    except ValueError:
        return None


def iso_date(text: str | None) -> date | None:
    """Read a stored YYYY-MM-DD date, or None."""
    return parse_iso_date(text) if text else None
