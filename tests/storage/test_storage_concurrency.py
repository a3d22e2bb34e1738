"""Several processes on one store: no lost updates, no duplicate references."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cspr.storage import Store


def _run_all(
    start_child: Any, data_dir: Path, workers: int, count: int, compact_every: int = 0
) -> None:
    Store.open(data_dir).close()  # create the store once, before the race
    children = [
        start_child("inserter.py", str(data_dir), f"w{n}", str(count), str(compact_every))
        for n in range(workers)
    ]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.strip() == "done"


def test_four_processes_insert_and_allocate_references(data_dir: Path, start_child: Any) -> None:
    _run_all(start_child, data_dir, workers=4, count=500)
    with Store.open(data_dir) as opened:
        docs = opened.find("cases")
        assert len(docs) == 2000
        references = {doc["reference"] for doc in docs}
        assert len(references) == 2000
        assert references == {f"CSPR-2026-{n:04d}" for n in range(1, 2001)}
        for worker in range(4):
            numbers = [d["n"] for d in opened.find("cases", {"worker": f"w{worker}"})]
            assert numbers == list(range(500))


def test_processes_compacting_while_others_write(data_dir: Path, start_child: Any) -> None:
    _run_all(start_child, data_dir, workers=3, count=200, compact_every=40)
    with Store.open(data_dir) as opened:
        assert opened.count("cases") == 600
        assert len({d["reference"] for d in opened.find("cases")}) == 600


def test_reader_catches_up_with_other_processes(data_dir: Path, start_child: Any) -> None:
    with Store.open(data_dir) as reader:
        assert reader.count("cases") == 0
        child = start_child("inserter.py", str(data_dir), "w", "30", "10")
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        # The child compacted three times, so the reader must notice it missed journals.
        assert reader.count("cases") == 30
        assert reader.next_reference("CSPR", 2026) == "CSPR-2026-0031"


def test_reader_follows_one_compaction_without_reloading(data_dir: Path) -> None:
    with Store.open(data_dir) as reader, Store.open(data_dir) as writer:
        writer.insert("t", {"n": 1})
        assert reader.count("t") == 1
        writer.insert("t", {"n": 2})
        writer.compact()
        writer.insert("t", {"n": 3})
        assert [d["n"] for d in reader.find("t")] == [1, 2, 3]
        reader.insert("t", {"n": 4})
        assert writer.count("t") == 4
