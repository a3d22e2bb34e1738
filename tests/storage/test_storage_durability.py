"""Crash safety: torn lines, damaged files, interrupted compaction, kill -9."""

from __future__ import annotations

import random
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cspr.storage import Store, StoreCorrupt

RESTORE_ADVICE = "flask --app app restore BACKUP_FILE"


def _fill(data_dir: Path, count: int = 5) -> list[str]:
    with Store.open(data_dir) as opened:
        return [opened.insert("t", {"n": n})["id"] for n in range(count)]


def test_torn_last_line_is_ignored_and_cut_by_next_write(data_dir: Path) -> None:
    ids = _fill(data_dir)
    journal = data_dir / "store" / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'0123456789abcdef {"seq": 6, "ops": [["put", "t", "zz", {"n"')
    with Store.open(data_dir) as opened:
        assert sorted(d["id"] for d in opened.find("t")) == sorted(ids)
        added = opened.insert("t", {"n": 99})
    with Store.open(data_dir) as opened:
        assert opened.get("t", added["id"])["n"] == 99
        assert opened.count("t") == 6
    assert b'"zz"' not in journal.read_bytes()


def test_torn_last_line_with_newline_and_zeros_is_ignored(data_dir: Path) -> None:
    ids = _fill(data_dir)
    with (data_dir / "store" / "journal.jsonl").open("ab") as handle:
        handle.write(b"\0" * 700 + b"\n")
    with Store.open(data_dir) as opened:
        assert opened.count("t") == len(ids)


def test_damaged_middle_line_is_corruption(data_dir: Path) -> None:
    _fill(data_dir)
    journal = data_dir / "store" / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"n":1', b'"n":7')  # line 3: the second record
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(data_dir)
    message = str(caught.value)
    assert str(journal) in message and "line 3" in message and RESTORE_ADVICE in message


def test_damaged_snapshot_is_corruption(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        opened.insert("t", {"text": "hello"})
        opened.compact()
    snap = data_dir / "store" / "snapshot.json"
    snap.write_bytes(snap.read_bytes().replace(b"hello", b"jello"))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(data_dir)
    assert str(snap) in str(caught.value) and RESTORE_ADVICE in str(caught.value)
    snap.write_bytes(snap.read_bytes()[:-10])
    with pytest.raises(StoreCorrupt, match="snapshot.json"):
        Store.open(data_dir)


def test_missing_or_mismatched_files_are_corruption(data_dir: Path, tmp_path: Path) -> None:
    with Store.open(data_dir) as opened:
        opened.insert("t", {})
        opened.compact()
        opened.insert("t", {})
    journal = data_dir / "store" / "journal.jsonl"
    saved = journal.read_bytes()
    journal.unlink()
    with pytest.raises(StoreCorrupt, match="journal.jsonl is damaged: it is missing"):
        Store.open(data_dir)
    journal.write_bytes(saved)
    (data_dir / "store" / "snapshot.json").unlink()
    with pytest.raises(StoreCorrupt, match="snapshot.json is damaged: it is missing"):
        Store.open(data_dir)
    other = tmp_path / "other"
    with Store.open(other) as opened:
        opened.insert("t", {})
        opened.compact()
    shutil.copy(other / "store" / "snapshot.json", data_dir / "store" / "snapshot.json")
    with pytest.raises(StoreCorrupt, match="does not belong"):
        Store.open(data_dir)


def test_compaction_interrupted_before_new_journal(data_dir: Path) -> None:
    """A crash after the new snapshot but before the new journal loses nothing."""
    with Store.open(data_dir) as opened:
        first = opened.insert("t", {"n": 1})
        old_journal = (data_dir / "store" / "journal.jsonl").read_bytes()
        opened.compact()
    # Put back the old journal: the state a crash between the two renames leaves.
    (data_dir / "store" / "journal.jsonl").write_bytes(old_journal)
    with Store.open(data_dir) as opened:
        assert opened.get("t", first["id"])["n"] == 1
        second = opened.insert("t", {"n": 2})  # appended to the old journal
    with Store.open(data_dir) as opened:
        assert opened.count("t") == 2 and opened.get("t", second["id"])["n"] == 2
        opened.compact()
    with Store.open(data_dir) as opened:
        assert opened.count("t") == 2


def test_leftover_temp_files_do_not_matter(data_dir: Path) -> None:
    _fill(data_dir)
    leftover = data_dir / "store" / ".snapshot.json.123.abcd.tmp"
    leftover.write_bytes(b"half a snapshot")
    with Store.open(data_dir) as opened:
        assert opened.count("t") == 5
        opened.insert("t", {})
        opened.compact()
    assert not leftover.exists()


def test_compaction_while_another_thread_writes(store: Store) -> None:
    stop = threading.Event()
    written: list[str] = []

    def write() -> None:
        while not stop.is_set():
            written.append(store.insert("t", {"payload": "x" * 500})["id"])

    writer = threading.Thread(target=write)
    writer.start()
    for _ in range(5):
        time.sleep(0.02)
        store.compact()
    stop.set()
    writer.join()
    reopened = Store.open(store.data_dir)
    try:
        assert reopened.count("t") == len(written)
    finally:
        reopened.close()


def _read_lines(stream: object, sink: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink.append(line.strip())


def test_kill_9_never_loses_an_acknowledged_write(data_dir: Path, start_child: Any) -> None:
    """A child inserts in a loop and prints each id once insert() returned; we SIGKILL it."""
    rng = random.Random(20260)
    acknowledged: set[str] = set()
    started = time.monotonic()
    trials = 0
    while trials < 30 and time.monotonic() - started < 18:
        trials += 1
        child = start_child("writer.py", str(data_dir))
        lines: list[str] = []
        reader = threading.Thread(target=_read_lines, args=(child.stdout, lines))
        reader.start()
        deadline = time.monotonic() + 10
        while "ready" not in lines and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.005)
        assert "ready" in lines, child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        acknowledged.update(line for line in lines if line and line != "ready")
        with Store.open(data_dir) as opened:  # must open: no corruption, ever
            stored = {doc["id"] for doc in opened.find("things")}
            references = [d["ref"] for d in opened.find("things") if d["ref"]]
        missing = acknowledged - stored
        assert not missing, f"trial {trials}: {len(missing)} acknowledged writes lost"
        assert len(references) == len(set(references))
    print(f"crash test: {trials} kills, {len(acknowledged)} acknowledged writes")
    assert trials >= 10 and len(acknowledged) > 100
