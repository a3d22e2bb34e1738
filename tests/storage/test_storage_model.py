"""Property test: any sequence of operations, reopens and compactions matches a plain dict."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cspr.storage import NotFound, Store

values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=6,
)
fields = st.dictionaries(st.sampled_from(["a", "b", "colour", "answers"]), values, max_size=3)
tables = st.sampled_from(["cases", "users"])


class StoreMatchesModel(RuleBasedStateMachine):
    """Drive a real store and a dict side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="cspr-model-"))
        self.store = Store.open(self.root / "data")
        self.model: dict[str, dict[str, dict[str, Any]]] = {"cases": {}, "users": {}}

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _strip(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k not in ("id", "created_at", "updated_at")}

    @rule(table=tables, doc=fields)
    def insert(self, table: str, doc: dict[str, Any]) -> None:
        stored = self.store.insert(table, doc)
        self.model[table][stored["id"]] = dict(doc)

    @precondition(lambda self: any(self.model.values()))
    @rule(data=st.data(), changes=fields)
    def update(self, data: st.DataObject, changes: dict[str, Any]) -> None:
        table = data.draw(st.sampled_from([t for t in self.model if self.model[t]]))
        doc_id = data.draw(st.sampled_from(sorted(self.model[table])))
        self.store.update(table, doc_id, changes)
        self.model[table][doc_id].update(changes)

    @precondition(lambda self: any(self.model.values()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        table = data.draw(st.sampled_from([t for t in self.model if self.model[t]]))
        doc_id = data.draw(st.sampled_from(sorted(self.model[table])))
        self.store.delete(table, doc_id)
        del self.model[table][doc_id]

    @rule(table=tables)
    def delete_missing(self, table: str) -> None:
        try:
            self.store.delete(table, "no-such-id")
        except NotFound:
            return
        raise AssertionError("deleting a missing document must raise NotFound")

    @rule()
    def compact(self) -> None:
        self.store.compact()

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.root / "data")

    @rule(table=tables, colour=values)
    def find_by_colour(self, table: str, colour: Any) -> None:
        found = {d["id"] for d in self.store.find(table, {"colour": colour})}
        expected = {i for i, d in self.model[table].items() if d.get("colour") == colour}
        assert found == expected

    @invariant()
    def same_documents(self) -> None:
        for table, docs in self.model.items():
            stored = {d["id"]: self._strip(d) for d in self.store.find(table)}
            assert stored == docs


TestStoreMatchesModel = StoreMatchesModel.TestCase
TestStoreMatchesModel.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None
)
