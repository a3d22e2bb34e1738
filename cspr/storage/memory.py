"""In-memory tables on TinyDB, changed one document at a time, with lazy equality indexes."""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Table

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]
_SCALARS = (str, int, float, bool, type(None))


def clone(value: Any) -> Any:
    """Deep-copy a JSON value (dicts, lists, scalars) faster than copy.deepcopy."""
    kind = type(value)
    if kind is dict:
        return {key: clone(item) for key, item in value.items()}
    if kind is list:
        return [clone(item) for item in value]
    return value


def sort_key(value: Any) -> tuple[Any, ...]:
    """Order any JSON values: missing/None first, then numbers, strings, then the rest."""
    if value is None:
        return (0,)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, json.dumps(value, sort_keys=True))


class InPlaceTable(Table):
    """A TinyDB table keyed by our own string ids that changes one document per write."""

    document_id_class = str  # type: ignore[assignment]  # our ULIDs, never TinyDB's counter

    def _update_table(self, updater: Callable[[dict[int, Mapping[Any, Any]]], None]) -> None:
        # TinyDB's version copies the whole table twice on every write (~43 ms at 100k
        # documents); the data already lives in memory, so change the table in place.
        tables = self._storage.read()
        if tables is None:
            tables = {}
            self._storage.write(tables)
        raw = tables.setdefault(self.name, {})
        updater(raw)  # type: ignore[arg-type]  # keys are str because document_id_class is str
        self.clear_cache()

    def put(self, doc_id: str, doc: Doc) -> None:
        """Store doc under doc_id, replacing any document already there."""
        self._update_table(lambda table: table.__setitem__(doc_id, doc))  # type: ignore[index]

    def raw(self) -> dict[str, Doc]:
        """Return the live mapping of ids to stored documents (never hand it out)."""
        return self._read_table()  # type: ignore[return-value]


class MemoryDB(TinyDB):
    """TinyDB over MemoryStorage; durability is the journal's job, not TinyDB's."""

    table_class = InPlaceTable
    default_storage_class = MemoryStorage  # type: ignore[assignment]


class _Index:
    """Ids of documents by the value of one top-level key (missing counts as None)."""

    def __init__(self, key: str, docs: Mapping[str, Doc]) -> None:
        self.key = key
        self.buckets: dict[Any, set[str]] = {}
        self.unhashable: set[str] = set()  # lists/dicts: always checked directly
        for doc_id, doc in docs.items():
            self.add(doc_id, doc)

    def add(self, doc_id: str, doc: Doc) -> None:
        """Index one document."""
        value = doc.get(self.key)
        if isinstance(value, _SCALARS):
            self.buckets.setdefault(value, set()).add(doc_id)
        else:
            self.unhashable.add(doc_id)

    def remove(self, doc_id: str, doc: Doc) -> None:
        """Forget one document."""
        value = doc.get(self.key)
        if not isinstance(value, _SCALARS):
            self.unhashable.discard(doc_id)
            return
        bucket = self.buckets.get(value)
        if bucket is not None:
            bucket.discard(doc_id)
            if not bucket:
                del self.buckets[value]

    def candidates(self, value: Any) -> set[str]:
        """Return ids that may have key == value (a superset; callers check each)."""
        bucket = self.buckets.get(value, set())
        return bucket | self.unhashable if self.unhashable else bucket


class MemoryTables:
    """All tables of the store, held in memory by TinyDB."""

    def __init__(self) -> None:
        self._db = MemoryDB()
        self._tables: dict[str, InPlaceTable] = {}
        self._indexes: dict[str, dict[str, _Index]] = {}
        self._positions: dict[str, dict[str, int]] = {}  # first-stored order, kept on update
        self._next_position = 0

    def load(self, tables: Tables) -> None:
        """Replace everything with the given tables (taken over, not copied)."""
        self._db = MemoryDB()
        self._db.storage.write(tables)
        self._tables.clear()
        self._indexes.clear()
        self._positions = {name: {} for name in tables}
        for name, docs in tables.items():
            positions = self._positions[name]
            for doc_id in docs:
                positions[doc_id] = self._next_position
                self._next_position += 1

    def table(self, name: str) -> InPlaceTable:
        """Return the TinyDB table called name, without a query cache (we never use it)."""
        table = self._tables.get(name)
        if table is None:
            created = self._db.table(name, cache_size=0)
            assert isinstance(created, InPlaceTable)  # nosec B101  # table_class says so
            table = self._tables[name] = created
            self._positions.setdefault(name, {})
        return table

    def names(self) -> list[str]:
        """Return the names of all tables."""
        return sorted(self._db.tables())

    def get(self, name: str, doc_id: str) -> Doc | None:
        """Return the stored document itself (callers must copy before handing it out)."""
        return self.table(name).raw().get(doc_id)

    def put(self, name: str, doc_id: str, doc: Doc) -> None:
        """Store a document, keeping indexes and order up to date."""
        table = self.table(name)
        old = table.raw().get(doc_id)
        for index in self._indexes.get(name, {}).values():
            if old is not None:
                index.remove(doc_id, old)
            index.add(doc_id, doc)
        if old is None:
            self._positions[name][doc_id] = self._next_position
            self._next_position += 1
        table.put(doc_id, doc)

    def delete(self, name: str, doc_id: str) -> None:
        """Remove a document if present."""
        table = self.table(name)
        old = table.raw().get(doc_id)
        if old is None:
            return
        for index in self._indexes.get(name, {}).values():
            index.remove(doc_id, old)
        del self._positions[name][doc_id]
        table.remove(doc_ids=[doc_id])  # type: ignore[list-item]  # str ids

    def position(self, name: str, doc_id: str) -> int | None:
        """Return where a document stands in its table's stored order."""
        return self._positions.get(name, {}).get(doc_id)

    def restore(self, name: str, doc_id: str, doc: Doc, position: int | None) -> None:
        """Put a document back as it was, in its old place (a rolled-back transaction)."""
        self.put(name, doc_id, doc)
        if position is not None:
            self._positions[name][doc_id] = position

    def view(self) -> Tables:
        """Return a frozen view: new dicts per table sharing documents, which are never mutated."""
        return {name: dict(self.table(name).raw()) for name in self.names()}

    def _index(self, name: str, key: str) -> _Index:
        indexes = self._indexes.setdefault(name, {})
        index = indexes.get(key)
        if index is None:
            index = indexes[key] = _Index(key, self.table(name).raw())
        return index

    def _matching(
        self,
        name: str,
        where: Mapping[str, Any],
        predicate: Callable[[Doc], bool] | None,
        in_stored_order: bool,
    ) -> Iterable[tuple[str, Doc]]:
        raw = self.table(name).raw()
        candidates: set[str] | None = None
        for key, value in where.items():
            if isinstance(value, _SCALARS):
                found = self._index(name, key).candidates(value)
                if candidates is None or len(found) < len(candidates):
                    candidates = found
        if candidates is None:
            pairs: Iterable[tuple[str, Doc]] = raw.items()
        elif in_stored_order:
            positions = self._positions[name]
            pairs = ((i, raw[i]) for i in sorted(candidates, key=positions.__getitem__))
        else:
            pairs = ((i, raw[i]) for i in list(candidates))  # a copy: the index may change
        for doc_id, doc in pairs:
            if all(doc.get(key) == value for key, value in where.items()) and (
                predicate is None or predicate(doc)
            ):
                yield doc_id, doc

    def find(
        self,
        name: str,
        where: Mapping[str, Any],
        predicate: Callable[[Doc], bool] | None,
        order_by: str | None,
        reverse: bool,
        limit: int | None,
        offset: int,
    ) -> list[Doc]:
        """Return copies of matching documents, ordered, then offset and limit applied."""
        stop = None if limit is None else offset + limit
        if order_by is None:
            matching = self._matching(name, where, predicate, in_stored_order=True)
            if not reverse:
                # Stored order: stop as soon as the page is full.
                return [clone(doc) for _, doc in itertools.islice(matching, offset, stop)]
            found = [doc for _, doc in matching]
            found.reverse()
            return [clone(doc) for doc in found[offset:stop]]
        matches = list(self._matching(name, where, predicate, in_stored_order=False))
        values = [doc.get(order_by) for _, doc in matches]
        # Timestamps and names are strings: compare them directly, which is much faster.
        keys: list[Any] = values if all(type(v) is str for v in values) else [
            sort_key(value) for value in values
        ]
        positions = self._positions[name]
        # The position breaks ties, so documents themselves are never compared.
        decorated = [
            (key, positions[doc_id], doc) for key, (doc_id, doc) in zip(keys, matches, strict=True)
        ]
        if stop is None:
            decorated.sort(reverse=reverse)
        elif reverse:
            decorated = heapq.nlargest(stop, decorated)
        else:
            decorated = heapq.nsmallest(stop, decorated)
        return [clone(doc) for _, _, doc in decorated[offset:stop]]

    def count(self, name: str, where: Mapping[str, Any]) -> int:
        """Count matching documents without copying them."""
        if not where:
            return len(self.table(name).raw())
        return sum(1 for _ in self._matching(name, where, None, in_stored_order=False))
