"""Counters in time windows: what the sign-in limits of every worker process share."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from cspr.formengine import registry
from cspr.ratelimit import StoreLimits
from cspr.storage import Store, get_store


def test_counts_within_a_window_then_starts_again(store: Store) -> None:
    assert store.window("k", 100.0) == (0, 100.0)
    assert store.count_in_window("k", 1, 60, 100.0) == 1
    assert store.count_in_window("k", 2, 60, 130.0) == 3
    assert store.window("k", 130.0) == (3, 160.0)
    assert store.count_in_window("k", 1, 60, 160.0) == 1  # the window ended at 160
    assert store.window("k", 161.0) == (1, 220.0)


def test_ended_windows_are_removed_and_counts_survive_reopening(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.count_in_window("old", 1, 10, 100.0)
        store.count_in_window("live", 1, 60, 100.0)
        store.count_in_window("new", 1, 60, 111.0)
        assert set(store.core.memory.table("_windows").raw()) == {"live", "new"}
    with Store.open(data_dir) as again:
        assert again.window("live", 120.0) == (1, 160.0)


def test_two_stores_on_one_directory_share_counts(data_dir: Path) -> None:
    with Store.open(data_dir) as one, Store.open(data_dir) as other:
        one.count_in_window("k", 1, 60, 100.0)
        assert other.count_in_window("k", 1, 60, 101.0) == 2
        assert one.window("k", 102.0) == (2, 160.0)
        other.clear_windows("k")
        assert one.window("k", 102.0) == (0, 102.0)


def test_limits_storage_hashes_the_client_address(app: Flask) -> None:
    limits = StoreLimits("cspr://")
    with app.app_context():
        assert limits.incr("LIMITER/203.0.113.9/sign-in", 60) == 1
        assert limits.incr("LIMITER/203.0.113.9/sign-in", 60) == 2
        assert limits.get("LIMITER/203.0.113.9/sign-in") == 2
        assert limits.get_expiry("LIMITER/203.0.113.9/sign-in") > 0
        stored = get_store().core.memory.table("_windows").raw()
        assert len(stored) == 1 and "203.0.113.9" not in str(stored)
        limits.clear("LIMITER/203.0.113.9/sign-in")
        assert limits.get("LIMITER/203.0.113.9/sign-in") == 0
        limits.incr("a", 60)
        limits.reset()
        assert get_store().core.memory.table("_windows").raw() == {}


def test_cached_form_versions_are_dropped_when_another_process_says_so(app: Flask) -> None:
    with app.app_context():
        live = registry.live("referral")
        assert live is not None
        form = registry.definition("referral", live.version)
        assert form is not None
        assert registry.definition("referral", live.version) is form  # cached
        # Another worker deleted versions: it bumps the counter in the shared store.
        store = get_store()
        store.set_setting(registry.GENERATION, store.get_setting(registry.GENERATION, 0) + 1)
        again = registry.definition("referral", live.version)
        assert again is not None and again is not form


def test_shipped_forms_synced_by_two_workers_at_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as mine, Store.open(data_dir) as theirs:
        real_get = mine.get

        def get_then_lose_the_race(table: str, doc_id: str):  # type: ignore[no-untyped-def]
            found = real_get(table, doc_id)
            if table == registry.VERSIONS and found is None:
                registry.sync_shipped(theirs, registry.SHIPPED_FORMS)  # the other worker wins
            return found

        mine.get = get_then_lose_the_race  # type: ignore[method-assign]
        assert registry.sync_shipped(mine, registry.SHIPPED_FORMS) == []
        assert mine.count(registry.VERSIONS) == theirs.count(registry.VERSIONS) > 0
