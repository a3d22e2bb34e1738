"""The verbs of the audit trail: read a filtered page of it, or export it, each audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cspr import audit
from cspr.audit_trail import export
from cspr.audit_trail.filters import CASE, TrailFilters
from cspr.audit_trail.links import Link, link
from cspr.auth.roles import ADMIN, CHAIR
from cspr.casework import cases
from cspr.documents.operations import DOCUMENTS
from cspr.exceptions import Forbidden, Refused
from cspr.exports.jobs import Export
from cspr.storage import get_store

READERS = {ADMIN, CHAIR}
PAGE_SIZE = 50
BATCH = 10_000  # entries copied from the trail at a time when scanning it
# The trail's own filters: user, action, object type, object id, since and until.
Where = tuple[str | None, str | None, str | None, str | None, str | None, str | None]


def may_read(user: dict[str, Any]) -> bool:
    """Say whether the user may read and export the audit trail."""
    return user["role"] in READERS


def _require(user: dict[str, Any]) -> None:
    if not may_read(user):
        raise Forbidden("Only administrators and the independent chair read the audit trail")


@dataclass
class CaseObjects:
    """A case and the things about it: its sent forms and drafts, and its documents."""

    case_id: str
    ids: set[str]
    submissions: set[str] = field(default_factory=set)

    def covers(self, entry: dict[str, Any]) -> bool:
        """Say whether an audit entry is about the case or one of its things."""
        details = entry.get("details") or {}
        return (entry.get("object_id") in self.ids or details.get("case") == self.case_id
                or (isinstance(details.get("submission"), str)
                    and details["submission"] in self.submissions))  # fmt: skip


def case_objects(reference: str) -> CaseObjects:
    """Find a case by reference with its forms and documents, or refuse with a message."""
    store = get_store()
    case = store.find_one(cases.CASES, {"reference": reference})
    if case is None:
        raise Refused(f"There is no case with the reference {reference}", CASE)
    forms = {s["id"] for s in [*cases.case_submissions(case["id"]), *cases.case_drafts(case["id"])]}
    documents = {d["id"] for d in store.find(DOCUMENTS, where={"case_id": case["id"]})}
    return CaseObjects(case["id"], {case["id"], *forms, *documents}, forms)


def _where(filters: TrailFilters) -> Where:
    """Return the equal fields and times the trail itself can filter by, in its order."""
    since, until = filters.window()
    text = {key: value or None for key, value in filters.text.items()}
    return text["user"], text["action"], text["object_type"], text["object_id"], since, until


def _scan(filters: TrailFilters, about: CaseObjects | None,
          up_to: int | None = None) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Yield the entries the filters pick, oldest first, a batch at a time (up to an entry)."""
    # The trail grows with every view; copying all of it at once would take as much memory
    # as the rest of the worker. New entries arrive at the end, so the offsets stay good.
    log = get_store().audit
    offset = 0
    while True:
        batch = log.entries(*_where(filters), limit=BATCH, offset=offset, newest_first=False)
        for entry in batch:
            if up_to is not None and int(entry.get("seq") or 0) > up_to:
                return
            if about is None or about.covers(entry):
                yield entry
        if len(batch) < BATCH:
            return
        offset += BATCH


def _select(filters: TrailFilters, page: int) -> tuple[list[dict[str, Any]], int]:
    """Return one page of the entries the filters pick, newest first, and how many there are."""
    offset = (page - 1) * PAGE_SIZE
    if not filters.case:
        log = get_store().audit
        found = log.entries(*_where(filters), limit=PAGE_SIZE, offset=offset)
        return found, log.count(*_where(filters))
    # The trail is filtered by equal fields only; a case's entries are about several objects.
    chosen = list(_scan(filters, case_objects(filters.case)))
    chosen.reverse()
    return chosen[offset:offset + PAGE_SIZE], len(chosen)


@dataclass
class TrailPage:
    """One page of the filtered trail, with a link for each entry the viewer may open."""

    entries: list[dict[str, Any]]
    total: int
    page: int
    links: list[Link | None]

    @property
    def pages(self) -> int:
        """Return how many pages the filtered trail fills."""
        return max(1, -(-self.total // PAGE_SIZE))


def read_trail(user: dict[str, Any], filters: TrailFilters, page: int) -> TrailPage:
    """Return a page of the trail, newest first, and write the reading to the trail."""
    _require(user)
    entries: list[dict[str, Any]] = []
    total = 0
    if not filters.errors:
        try:
            entries, total = _select(filters, page)
        except Refused as refused:
            filters.answers.refuse(refused)
    audit.record("view", "audit_trail", details=filters.details(), user=user)
    return TrailPage(entries, total, page, [link(user, entry) for entry in entries])


def export_trail(user: dict[str, Any], filters: TrailFilters, fmt: str) -> Export:
    """Export the filtered trail, oldest first, as CSV or XLSX; the export is audited too."""
    _require(user)
    if fmt not in export.FORMATS:
        raise Refused("Select a format", "format")
    if filters.errors:
        raise Refused(next(iter(filters.errors.values())))
    log = get_store().audit
    up_to = log.tail()[0]  # the file holds the trail as it is now, and no more
    about = case_objects(filters.case) if filters.case else None
    total = sum(1 for _ in _scan(filters, about, up_to)) if about else log.count(*_where(filters))
    audit.record("export", "audit_trail", details={**filters.details(), "format": fmt,
                                                    "rows": total}, user=user)  # fmt: skip
    return export.make(lambda: _scan(filters, about, up_to), total, fmt)
