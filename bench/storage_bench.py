"""Benchmark the CSPR store against TinyDB's JSONStorage and SQLite (WAL, synchronous=FULL).

Run: .venv/bin/python bench/storage_bench.py [--sizes 1000,10000,100000]
Prints one table; goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TABLE = "submissions"
FORMS = 20
WRITES = 200
GETS = 2000
LISTS = 50
TINYDB_MAX = 10_000
TINYDB_WRITES = 5
COLD_RUNS = 3
WORDS = "child family school police health visit concern referral plan review".split()


def submission(number: int, rng: random.Random) -> dict[str, Any]:
    """Return a realistic ~2 KB form submission with nested answers."""

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words))

    return {
        "form_id": f"form-{number % FORMS:02d}",
        "status": rng.choice(["draft", "submitted", "accepted", "returned"]),
        "submitted_by": f"user{number % 50}@agency.example.org",
        "reference": f"CSPR-2026-{number:06d}",
        "answers": {
            "child": {
                "first_name": text(1).title(),
                "last_name": text(1).title(),
                "date_of_birth": f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-15",
                "address": {"line1": f"{number} {text(2)} Road", "town": "Testshire",
                            "postcode": f"TS{rng.randint(1, 99)} {rng.randint(1, 9)}AB"},
            },
            "incident": {"date": "2026-01-15", "kind": rng.choice(["death", "serious harm"]),
                         "description": text(70), "location": text(3)},
            "agencies": [{"name": text(2).title(), "role": text(2), "contact": text(3)}
                         for _ in range(3)],
            "checklist": {f"q{j:02d}": rng.choice(["yes", "no", "unknown"]) for j in range(25)},
            "notes": [text(12) for _ in range(4)],
        },
    }


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed(action: Callable[[], Any]) -> float:
    """Return how long action took, in milliseconds."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def rss_mb() -> float:
    """Return this process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- cold start, measured in a fresh process ---------------------------------------------


def cold_child(engine: str, path: str) -> None:
    """In a fresh process: open the store and read one document; print seconds and RSS."""
    if engine == "ours":
        from cspr.storage import Store

        start = time.perf_counter()
        store = Store.open(path)
        store.find(TABLE, limit=1)
    elif engine == "tinydb":
        from tinydb import TinyDB

        start = time.perf_counter()
        tiny = TinyDB(path)
        tiny.table(TABLE).get(doc_id=1)
    else:
        start = time.perf_counter()
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"SELECT doc FROM {TABLE} LIMIT 1").fetchone()  # nosec B608
    print(json.dumps({"seconds": time.perf_counter() - start, "rss_mb": rss_mb()}))


def cold_start(engine: str, path: Path) -> dict[str, float]:
    """Run cold_child in new interpreters; return the median of COLD_RUNS runs."""
    runs = []
    for _ in range(COLD_RUNS):
        done = subprocess.run(
            [sys.executable, __file__, "--cold", engine, str(path)],
            capture_output=True, text=True, check=True,
        )
        runs.append(json.loads(done.stdout))
    runs.sort(key=lambda run: run["seconds"])
    return runs[len(runs) // 2]


# -- the three engines -------------------------------------------------------------------


def bench_ours(size: int, docs: list[dict[str, Any]], workdir: Path) -> dict[str, float]:
    """Seed with insert_many + compact, then measure the store as the app uses it."""
    from cspr.storage import Store

    data_dir = workdir / "ours"
    with Store.open(data_dir) as store:
        for start in range(0, size, 2000):
            store.insert_many(TABLE, docs[start : start + 2000])
        store.compact()
    cold = cold_start("ours", data_dir)
    rng = random.Random(7)
    with Store.open(data_dir) as store:
        ids = [doc["id"] for doc in store.find(TABLE, limit=GETS)]
        fresh = [submission(size + n, rng) for n in range(WRITES)]
        writes = [timed(lambda doc=doc: store.insert(TABLE, doc)) for doc in fresh]
        picks = [rng.choice(ids) for _ in range(GETS)]
        gets = [timed(lambda i=i: store.get(TABLE, i)) for i in picks]
        store.find(TABLE, {"form_id": "form-00"}, limit=1)  # first query builds the index
        lists = [
            timed(lambda form=f"form-{n % FORMS:02d}": store.find(
                TABLE, {"form_id": form}, order_by="created_at", reverse=True, limit=50))
            for n in range(LISTS)
        ]
    shutil.rmtree(data_dir)
    return summarise(writes, gets, lists, cold)


def bench_tinydb(size: int, docs: list[dict[str, Any]], workdir: Path) -> dict[str, float]:
    """TinyDB's default JSONStorage, seeded by writing its JSON file directly."""
    from tinydb import Query, TinyDB

    path = workdir / "tinydb.json"
    raw = {str(n + 1): {**doc, "created_at": f"2026-01-01T00:00:{n % 60:02d}"}
           for n, doc in enumerate(docs)}
    path.write_text(json.dumps({TABLE: raw}))
    cold = cold_start("tinydb", path)
    rng = random.Random(7)
    table = TinyDB(path).table(TABLE)
    writes = [timed(lambda: table.insert(submission(size, rng))) for _ in range(TINYDB_WRITES)]
    gets = [timed(lambda: table.get(doc_id=rng.randint(1, size))) for _ in range(TINYDB_WRITES)]
    form = Query().form_id

    def listing(name: str) -> list[Any]:
        found = table.search(form == name)
        return sorted(found, key=lambda d: d.get("created_at", ""), reverse=True)[:50]

    table.clear_cache()
    lists = [timed(lambda n=n: listing(f"form-{n:02d}")) for n in range(TINYDB_WRITES)]
    path.unlink()
    return summarise(writes, gets, lists, cold)


def bench_sqlite(size: int, docs: list[dict[str, Any]], workdir: Path) -> dict[str, float]:
    """SQLite in WAL mode with synchronous=FULL, documents as JSON text, indexed form_id."""
    path = workdir / "bench.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(f"CREATE TABLE {TABLE} (id TEXT PRIMARY KEY, form_id TEXT, created_at TEXT, "
               "doc TEXT NOT NULL)")
    db.execute(f"CREATE INDEX by_form ON {TABLE} (form_id, created_at)")
    rows = [(f"id{n:08d}", doc["form_id"], f"2026-01-01T00:{n % 3600:04d}", json.dumps(doc))
            for n, doc in enumerate(docs)]
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?)", rows)  # nosec B608
    db.execute("COMMIT")
    db.close()
    cold = cold_start("sqlite", path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=FULL")
    rng = random.Random(7)

    def insert(number: int) -> None:
        doc = submission(number, rng)
        db.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?)",  # nosec B608
                   (f"new{number}", doc["form_id"], "2026-02-01", json.dumps(doc)))

    def get(number: int) -> dict[str, Any]:
        row = db.execute(f"SELECT doc FROM {TABLE} WHERE id = ?",  # nosec B608
                         (f"id{number:08d}",)).fetchone()
        return json.loads(row[0])

    def listing(name: str) -> list[Any]:
        found = db.execute(f"SELECT doc FROM {TABLE} WHERE form_id = ? "  # nosec B608
                           "ORDER BY created_at DESC LIMIT 50", (name,)).fetchall()
        return [json.loads(row[0]) for row in found]

    writes = [timed(lambda n=n: insert(n)) for n in range(WRITES)]
    gets = [timed(lambda: get(rng.randrange(size))) for _ in range(GETS)]
    lists = [timed(lambda n=n: listing(f"form-{n % FORMS:02d}")) for n in range(LISTS)]
    db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return summarise(writes, gets, lists, cold)


def summarise(writes: list[float], gets: list[float], lists: list[float],
              cold: dict[str, float]) -> dict[str, float]:
    """Reduce raw timings to the reported figures."""
    return {
        "write_p50": statistics.median(writes),
        "write_p95": percentile(writes, 0.95),
        "get_mean": statistics.fmean(gets),
        "list_mean": statistics.fmean(lists),
        "cold_s": cold["seconds"],
        "rss_mb": cold["rss_mb"],
    }


# -- report ------------------------------------------------------------------------------

COLUMNS = [("write_p50", "write p50 ms", 2), ("write_p95", "write p95 ms", 2),
           ("get_mean", "get mean ms", 4), ("list_mean", "list50 mean ms", 2),
           ("cold_s", "cold start s", 3), ("rss_mb", "RSS MB", 0)]


def row(size: int, engine: str, figures: dict[str, float]) -> str:
    """Format one line of the table."""
    cells = [f"{figures[key]:>15.{digits}f}" for key, _, digits in COLUMNS]
    return f"{size:>8,} {engine:<18}" + "".join(cells)


def ratio_row(size: int, name: str, ours: dict[str, float], ref: dict[str, float]) -> str:
    """Format ours/reference ratios (below 1 means ours is faster or smaller)."""
    cells = [f"{ours[key] / ref[key]:>14.3g}x" if ref[key] else f"{'-':>15}"
             for key, _, _ in COLUMNS]
    return f"{size:>8,} {'ours/' + name:<18}" + "".join(cells)


def goals(size: int, ours: dict[str, float]) -> list[str]:
    """Compare with the goals in the issue."""
    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    if size == 10_000:
        return [f"  goal @10k: write p95 <= 5 ms: {ours['write_p95']:.2f} "
                f"({mark(ours['write_p95'] <= 5)}); get <= 0.1 ms: {ours['get_mean']:.4f} "
                f"({mark(ours['get_mean'] <= 0.1)}); "
                f"list50 <= 20 ms: {ours['list_mean']:.2f} ({mark(ours['list_mean'] <= 20)})"]
    if size == 100_000:
        return [f"  goal @100k: write p95 <= 50 ms: {ours['write_p95']:.2f} "
                f"({mark(ours['write_p95'] <= 50)}); cold start <= 5 s: {ours['cold_s']:.2f} "
                f"({mark(ours['cold_s'] <= 5)})"]
    return []


def main() -> None:
    """Parse arguments, run every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cold", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        cold_child(*args.cold)
        return
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    sample = json.dumps(submission(1, random.Random(1)))
    header = f"{'stored':>8} {'engine':<18}" + "".join(f"{title:>15}" for _, title, _ in COLUMNS)
    print(f"document size ~{len(sample)} bytes of JSON; {WRITES} timed writes, {GETS} gets, "
          f"{LISTS} lists per size (TinyDB: {TINYDB_WRITES} each, up to {TINYDB_MAX:,})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; cold start and RSS: median "
          f"of {COLD_RUNS} fresh processes, timed after imports, from open to first read")
    print(header)
    print("-" * len(header))
    notes: list[str] = []
    for size in sizes:
        rng = random.Random(size)
        docs = [submission(n, rng) for n in range(size)]
        with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as temp:
            workdir = Path(temp)
            ours = bench_ours(size, docs, workdir)
            print(row(size, "ours", ours), flush=True)
            refs = {"sqlite": bench_sqlite(size, docs, workdir)}
            if size <= TINYDB_MAX:
                refs["tinydb-json"] = bench_tinydb(size, docs, workdir)
            for name, figures in refs.items():
                print(row(size, name, figures), flush=True)
            for name, figures in refs.items():
                print(ratio_row(size, name, ours, figures), flush=True)
        notes += goals(size, ours)
    print()
    print("\n".join(notes))
    print("TinyDB's JSONStorage flushes but never fsyncs, so its 'write' is not durable.")


if __name__ == "__main__":
    main()
