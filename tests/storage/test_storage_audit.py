"""The audit trail: durable appends, filters, and a hash chain that shows tampering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cspr.storage import Store, StoreError


def _audit_file(store: Store) -> Path:
    return store.data_dir / "store" / "audit.jsonl"


def _fill(store: Store, count: int = 10) -> None:
    for n in range(count):
        store.audit.append(
            "view" if n % 2 else "update",
            "case",
            f"case-{n % 3}",
            user="ann" if n < 5 else "bob",
            client="10.0.0.1",
            details={"n": n, "fields": ["a", "b"]},
        )


def test_append_returns_the_entry(store: Store) -> None:
    entry = store.audit.append("download", "document", "d1", user="ann", client="::1")
    assert entry["seq"] == 1 and entry["action"] == "download"
    assert entry["object_type"] == "document" and entry["object_id"] == "d1"
    assert entry["user"] == "ann" and entry["client"] == "::1" and entry["details"] == {}
    assert entry["at"].endswith("+00:00") and len(entry["hash"]) == 64
    assert entry["prev"] == "0" * 64
    second = store.audit.append("export", "case", None)
    assert second["prev"] == entry["hash"] and second["seq"] == 2
    with pytest.raises(StoreError):
        store.audit.append("", "case")
    with pytest.raises(StoreError):
        store.audit.append("view", "case", details={"bad": object()})
    assert store.audit.count() == 2


def test_filters(store: Store) -> None:
    _fill(store)
    assert store.audit.count() == 10
    assert store.audit.count(user="ann") == 5
    assert store.audit.count(action="view", object_id="case-1") == 2
    newest = store.audit.entries(limit=3)
    assert [e["seq"] for e in newest] == [10, 9, 8]
    oldest = store.audit.entries(newest_first=False, limit=2, offset=1)
    assert [e["seq"] for e in oldest] == [2, 3]
    middle = store.audit.entries()[4]["at"]
    assert store.audit.count(since=middle) == 5  # entries 6..10
    assert store.audit.count(until=middle) == 5  # entries 1..5
    assert len(store.audit.entries(limit=None)) == 10
    entry = store.audit.entries(limit=1)[0]
    entry["details"]["n"] = "changed"
    assert store.audit.entries(limit=1)[0]["details"]["n"] == 9


def test_whole_chain_verifies(store: Store) -> None:
    assert store.audit.verify().ok
    _fill(store)
    result = store.audit.verify()
    assert result.ok and result.checked == 10 and result.first_broken is None


def _rewrite(path: Path, number: int, change: Any) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    entry = json.loads(lines[number - 1])
    change(entry)
    lines[number - 1] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    path.write_bytes(b"".join(lines))


def test_edited_entry_is_reported(store: Store) -> None:
    _fill(store)
    _rewrite(_audit_file(store), 4, lambda e: e.update(user="mallory"))
    result = store.audit.verify()
    assert not result.ok and result.first_broken == 4 and result.checked == 3
    assert "entry 4 has been changed" in result.reason


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    from cspr.storage.audit import entry_hash

    _fill(store)

    def forge(entry: dict[str, Any]) -> None:
        entry["action"] = "delete"
        entry["hash"] = entry_hash(entry)

    _rewrite(_audit_file(store), 6, forge)
    result = store.audit.verify()
    assert result.first_broken == 7 and "does not follow on from entry 6" in result.reason


def test_removed_entry_is_reported(store: Store) -> None:
    _fill(store)
    path = _audit_file(store)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2] + lines[3:]))
    result = store.audit.verify()
    assert result.first_broken == 3 and "sequence number" in result.reason


def test_torn_last_line_is_ignored_then_replaced(store: Store) -> None:
    _fill(store, 3)
    path = _audit_file(store)
    with path.open("ab") as handle:
        handle.write(b'{"action":"view","seq":4,"det')
    assert store.audit.verify().ok
    with Store.open(store.data_dir) as other:
        assert other.audit.count() == 3
        entry = other.audit.append("view", "case", "c")
    assert entry["seq"] == 4
    assert store.audit.verify().ok and store.audit.count() == 4


def test_appends_from_two_instances_form_one_chain(data_dir: Path) -> None:
    with Store.open(data_dir) as first, Store.open(data_dir) as second:
        for n in range(10):
            (first if n % 2 else second).audit.append("view", "case", str(n))
        assert first.audit.count() == second.audit.count() == 10
        result = first.audit.verify()
        assert result.ok and result.checked == 10


def test_unreadable_whole_last_line_is_reported_and_kept(store: Store) -> None:
    _fill(store, 3)
    path = _audit_file(store)
    with path.open("ab") as handle:
        handle.write(b"this line was typed in by hand\n")
    result = store.audit.verify()
    assert result.first_broken == 4 and "not readable" in result.reason
    store.audit.append("view", "case", "c")  # auditing carries on; the evidence stays
    assert b"typed in by hand" in path.read_bytes()
    assert store.audit.verify().first_broken == 4
