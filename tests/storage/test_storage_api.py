"""Contract tests for the Store API."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from cspr.storage import NotFound, Store, StoreError

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


def test_insert_assigns_id_and_times(store: Store) -> None:
    doc = store.insert("cases", {"name": "A"})
    assert len(doc["id"]) == 26
    assert ISO_UTC.match(doc["created_at"]) and doc["created_at"] == doc["updated_at"]
    assert store.get("cases", doc["id"]) == doc


def test_insert_keeps_given_id_and_refuses_duplicates(store: Store) -> None:
    store.insert("cases", {"id": "abc", "n": 1})
    with pytest.raises(StoreError):
        store.insert("cases", {"id": "abc", "n": 2})
    assert store.get("cases", "abc")["n"] == 1
    with pytest.raises(StoreError):
        store.insert_many("cases", [{"id": "x"}, {"id": "x"}])
    assert store.get("cases", "x") is None


def test_ids_sort_in_creation_order(store: Store) -> None:
    ids = [store.insert("t", {"n": n})["id"] for n in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50


def test_insert_many_is_all_or_nothing(store: Store) -> None:
    store.insert("t", {"id": "taken"})
    with pytest.raises(StoreError):
        store.insert_many("t", [{"id": "new"}, {"id": "taken"}])
    assert store.get("t", "new") is None
    docs = store.insert_many("t", [{"n": 1}, {"n": 2}])
    assert [store.get("t", d["id"])["n"] for d in docs] == [1, 2]


def test_returned_documents_are_deep_copies(store: Store) -> None:
    original = {"answers": {"q1": ["a", "b"]}}
    doc = store.insert("t", original)
    original["answers"]["q1"].append("changed")  # the caller's dict is not the stored one
    doc["answers"]["q1"].append("changed")
    fetched = store.get("t", doc["id"])
    assert fetched["answers"]["q1"] == ["a", "b"]
    fetched["answers"]["q1"].clear()
    store.find("t")[0]["answers"]["q1"].clear()
    store.find_one("t", {"id": doc["id"]})["answers"].clear()
    assert store.get("t", doc["id"])["answers"]["q1"] == ["a", "b"]


def test_update_merges_and_keeps_identity(store: Store) -> None:
    doc = store.insert("t", {"a": 1, "b": 2})
    updated = store.update("t", doc["id"], {"b": 3, "c": 4, "created_at": "forged"})
    assert updated["a"] == 1 and updated["b"] == 3 and updated["c"] == 4
    assert updated["created_at"] == doc["created_at"]
    assert updated["updated_at"] >= doc["updated_at"]
    assert store.get("t", doc["id"]) == updated
    with pytest.raises(StoreError):
        store.update("t", doc["id"], {"id": "other"})


def test_update_with_function_gets_a_copy(store: Store) -> None:
    doc = store.insert("users", {"failures": 0, "tags": []})

    def bump(current: dict) -> dict:
        current["failures"] += 1
        current["tags"].append("x")
        return current

    assert store.update("users", doc["id"], bump)["failures"] == 1
    assert store.update("users", doc["id"], bump)["tags"] == ["x", "x"]
    with pytest.raises(StoreError):
        store.update("users", doc["id"], lambda current: None)  # type: ignore[arg-type,return-value]


def test_update_function_that_raises_changes_nothing(store: Store) -> None:
    doc = store.insert("t", {"n": 1})

    def fail(current: dict) -> dict:
        raise ValueError("no")

    with pytest.raises(ValueError):
        store.update("t", doc["id"], fail)
    assert store.get("t", doc["id"]) == doc


def test_missing_documents(store: Store) -> None:
    assert store.get("t", "nope") is None
    with pytest.raises(NotFound):
        store.update("t", "nope", {"a": 1})
    with pytest.raises(NotFound):
        store.delete("t", "nope")
    assert issubclass(NotFound, StoreError)


def test_delete(store: Store) -> None:
    doc = store.insert("t", {"k": "v"})
    store.delete("t", doc["id"])
    assert store.get("t", doc["id"]) is None
    assert store.count("t", {"k": "v"}) == 0
    store.insert("t", {"id": doc["id"], "k": "again"})  # an id can be used again after delete
    assert store.find("t", {"k": "again"})[0]["id"] == doc["id"]


def test_find_where_order_limit_offset(store: Store) -> None:
    for n in range(20):
        store.insert("subs", {"form_id": "A" if n % 2 else "B", "n": n, "score": 20 - n})
    found = store.find("subs", where={"form_id": "A"})
    assert [d["n"] for d in found] == list(range(1, 20, 2))  # stored order
    by_score = store.find("subs", where={"form_id": "A"}, order_by="score", limit=3)
    assert [d["score"] for d in by_score] == [1, 3, 5]
    newest = store.find("subs", order_by="n", reverse=True, limit=2, offset=1)
    assert [d["n"] for d in newest] == [18, 17]
    assert [d["n"] for d in store.find("subs", limit=2, offset=3)] == [3, 4]
    assert [d["n"] for d in store.find("subs", reverse=True, limit=2)] == [19, 18]
    assert store.find("subs", where={"form_id": "A", "n": 3})[0]["score"] == 17
    assert store.find("subs", where={"form_id": "C"}) == []


def test_find_predicate_and_index_follow_updates(store: Store) -> None:
    docs = store.insert_many("t", [{"status": "open", "n": n} for n in range(10)])
    assert store.count("t", {"status": "open"}) == 10  # builds the index
    store.update("t", docs[0]["id"], {"status": "closed"})
    store.delete("t", docs[1]["id"])
    assert store.count("t", {"status": "open"}) == 8
    assert store.count("t", {"status": "closed"}) == 1
    big = store.find("t", {"status": "open"}, predicate=lambda d: d["n"] >= 5)
    assert [d["n"] for d in big] == [5, 6, 7, 8, 9]


def test_find_missing_key_counts_as_none_and_sorts_first(store: Store) -> None:
    store.insert("t", {"n": 1, "deleted_at": None})
    store.insert("t", {"n": 2})
    store.insert("t", {"n": 3, "deleted_at": "2026-01-01"})
    store.insert("t", {"n": 4, "deleted_at": ["odd", "value"]})
    assert [d["n"] for d in store.find("t", {"deleted_at": None})] == [1, 2]
    assert [d["n"] for d in store.find("t", {"deleted_at": ["odd", "value"]})] == [4]
    assert [d["n"] for d in store.find("t", order_by="deleted_at")][:2] == [1, 2]


def test_find_one_count_tables(store: Store) -> None:
    assert store.find_one("t", {"a": 1}) is None
    store.insert("t", {"a": 1})
    store.insert("u", {"a": 1})
    store.set_setting("s", 1)
    store.next_reference("CSPR", 2026)
    assert store.find_one("t", {"a": 1})["a"] == 1
    assert store.count("t") == 1 and store.count("t", {"a": 2}) == 0
    assert store.tables() == ["t", "u"]


def test_bad_table_names_and_values(store: Store) -> None:
    for bad in ["", "_settings", "../x", "a b"]:
        with pytest.raises(StoreError):
            store.insert(bad, {})
    with pytest.raises(StoreError):
        store.insert("t", {"when": object()})
    with pytest.raises(StoreError):
        store.insert("t", {"n": float("nan")})
    assert store.count("t") == 0


def test_next_reference(store: Store) -> None:
    assert store.next_reference("CSPR", 2026) == "CSPR-2026-0001"
    assert store.next_reference("CSPR", 2026) == "CSPR-2026-0002"
    assert store.next_reference("CSPR", 2027) == "CSPR-2027-0001"
    assert store.next_reference("RR", 2026, width=6) == "RR-2026-000001"
    with pytest.raises(StoreError):
        store.next_reference("bad prefix", 2026)


def test_settings(store: Store) -> None:
    assert store.get_setting("missing", "default") == "default"
    store.set_setting("retention", {"years": 7})
    value = store.get_setting("retention")
    value["years"] = 1
    assert store.get_setting("retention") == {"years": 7}
    store.set_setting("retention", None)
    assert store.get_setting("retention", "x") is None


def test_reopen_keeps_everything(data_dir: Path) -> None:
    with Store.open(data_dir) as first:
        kept = first.insert("t", {"n": 1, "nested": {"list": [1, 2.5, "x", None, True]}})
        gone = first.insert("t", {"n": 2})
        first.update("t", kept["id"], {"n": 10})
        first.delete("t", gone["id"])
        first.set_setting("k", "v")
        first.next_reference("CSPR", 2026)
        first.audit.append("create", "case", kept["id"], user="ann")
        expected = first.get("t", kept["id"])
    with Store.open(data_dir) as second:
        assert second.get("t", kept["id"]) == expected
        assert second.get("t", gone["id"]) is None
        assert second.get_setting("k") == "v"
        assert second.next_reference("CSPR", 2026) == "CSPR-2026-0002"
        assert second.audit.count() == 1
        second.compact()
    with Store.open(data_dir) as third:
        assert third.get("t", kept["id"]) == expected
        assert third.count("t") == 1


def test_memory_matches_disk_after_restart(data_dir: Path) -> None:
    with Store.open(data_dir) as first:
        doc = first.insert("t", {"pair": (1, 2), 5: "int key"})  # JSON turns these into list/str
        in_memory = first.get("t", doc["id"])
    with Store.open(data_dir) as second:
        assert second.get("t", doc["id"]) == in_memory == {**doc, "pair": [1, 2], "5": "int key"}


def test_closed_store_refuses_work(data_dir: Path) -> None:
    opened = Store.open(data_dir)
    opened.close()
    opened.close()
    with pytest.raises(StoreError):
        opened.insert("t", {})


def test_two_instances_in_one_process_see_each_other(data_dir: Path) -> None:
    with Store.open(data_dir) as first, Store.open(data_dir) as second:
        doc = first.insert("t", {"n": 1})
        assert second.get("t", doc["id"]) == doc
        second.update("t", doc["id"], {"n": 2})
        assert first.get("t", doc["id"])["n"] == 2
        second.compact()
        first.insert("t", {"n": 3})
        second.compact()
        assert second.count("t") == 2 and first.count("t") == 2


def test_permissions(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        opened.insert("t", {})
        opened.audit.append("view", "case")
        opened.compact()
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for path in (data_dir / "store").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert (data_dir / "store").stat().st_mode & 0o777 == 0o700


def test_threads_share_one_store(store: Store) -> None:
    doc = store.insert("counters", {"n": 0})
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(50):
                store.insert("t", {"worker": worker, "n": n})
                store.update("counters", doc["id"], lambda d: {**d, "n": d["n"] + 1})
                store.find("t", {"worker": worker}, order_by="n", reverse=True, limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.count("t") == 300
    assert store.get("counters", doc["id"])["n"] == 300


def test_readers_carry_on_while_a_backup_holds_the_write_lock(store: Store) -> None:
    doc = store.insert("t", {"n": 1})
    written = threading.Event()

    def write() -> None:
        store.insert("t", {"n": 2})
        written.set()

    with store.core.exclusive():  # what backup() holds while it archives
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.05)  # the writer is now waiting for the lock
        started = time.perf_counter()
        assert store.get("t", doc["id"]) == doc
        assert store.count("t") == 1
        assert time.perf_counter() - started < 0.05
        assert not written.is_set()
    writer.join()
    assert store.count("t") == 2
