"""Benchmark the per-form XLSX export against plain openpyxl write-only and CSV, same rows.

Run: .venv/bin/python bench/exports_bench.py [--sizes 1000,10000,30000] [--form referral]
Prints two tables: time (goal: 10,000 submissions in at most 3 s) and peak Python memory
(tracemalloc, in separate runs because tracing slows Python down), with the growth per
1,000 rows. Goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from cspr import create_app  # noqa: E402
from cspr.demo import answers as demo_answers  # noqa: E402
from cspr.exports import formexport  # noqa: E402
from cspr.storage import close_store, get_store  # noqa: E402

GOAL_SECONDS = 3.0
GOAL_ROWS = 10_000
BATCH = 2_000
PASSWORD = "correct horse battery staple"  # nosec B105  # a throwaway bench account


def answers_for(form_id: str, number: int) -> dict[str, Any]:
    """Return realistic answers from the demo's fictional stories, with dates that vary."""
    stories = list(demo_answers.STORIES.values())
    story = stories[number % len(stories)]
    incident = date(2025, 1, 6) + timedelta(days=number % 600)
    aware = incident + timedelta(days=1)
    if form_id == "rapid_review":
        days = {"incident": incident, "aware": aware, "notified": aware + timedelta(days=4),
                "decided": aware + timedelta(days=20), "signed": aware + timedelta(days=21),
                "sent": aware + timedelta(days=22)}  # fmt: skip
        return demo_answers.rapid_review(story, days, "local_cspr")
    return demo_answers.referral(story, "health", incident, aware)


def fill(form_id: str, count: int, owner: dict[str, Any]) -> None:
    """Store count sent submissions of a form, in batches (one fsync each)."""
    store = get_store()
    for start in range(0, count, BATCH):
        store.insert_many("submissions", [
            {"form_id": form_id, "form_version": 1, "form_title": form_id, "status": "submitted",
             "answers": answers_for(form_id, n), "owner_id": owner["id"],
             "agency_id": owner.get("agency_id"), "reference": f"SUB-2026-{n:06d}",
             "submitted_at": f"2026-01-01T00:{n // 3600 % 60:02d}:{n // 60 % 60:02d}",
             "case_id": None}
            for n in range(start, min(count, start + BATCH))
        ])  # fmt: skip


def our_export(user: dict[str, Any], form_id: str, spool: Path) -> int:
    """Run the real export: snapshot, read each submission, stream the workbook to a file."""
    plan = formexport.plan(user, form_id)
    with tempfile.TemporaryFile(dir=spool) as out:
        formexport.write_xlsx(plan, out, spool, "bench")
        return out.tell()


def same_rows(user: dict[str, Any], form_id: str) -> tuple[list[list[Any]], list[list[Any]]]:
    """Build the export's rows in memory once, for the baselines to write."""
    plan = formexport.plan(user, form_id)
    lookups = formexport.Lookups(user)
    main, groups = [], []
    for sub in formexport.submissions(plan):
        main.append(lookups.meta(sub) + formexport.main_row(plan, sub))
        for group in plan.columns.groups:
            groups.extend(formexport.group_rows(plan, group, sub))
    return main, groups


def openpyxl_baseline(main: list[list[Any]], groups: list[list[Any]]) -> int:
    """Write the same rows with plain openpyxl write-only mode (no styling at all)."""
    book = Workbook(write_only=True)
    for rows in (main, groups):
        sheet = book.create_sheet()
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.tell()


def csv_baseline(main: list[list[Any]], groups: list[list[Any]]) -> int:
    """Write the same rows as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(main)
    writer.writerows(groups)
    return out.tell()


def timed(call: Callable[[], Any]) -> float:
    """Return how long one call takes, in seconds."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def peak_mb(call: Callable[[], Any]) -> float:
    """Return the peak Python memory a call allocates beyond what was held before, in MB."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - before) / 1e6


def measure(form_id: str, size: int) -> tuple[int, int, float, float, float, float]:
    """Time and trace one size: rows, cells, export s, openpyxl s, CSV s, export peak MB."""
    with tempfile.TemporaryDirectory() as temp:
        app = create_app({"TESTING": True, "DATA_DIR": temp, "LOGIN_RATE_LIMIT": "1/second"})
        with app.app_context():
            from cspr.auth import operations as accounts

            user, _ = accounts.create_user(
                None, "bench@example.org", "business_unit", "Bench", password=PASSWORD
            )
            fill(form_id, size, user)
            spool = Path(temp)
            ours = min(timed(lambda: our_export(user, form_id, spool)) for _ in range(2))
            main_rows, group_rows = same_rows(user, form_id)
            cells = sum(len(r) for r in main_rows) + sum(len(r) for r in group_rows)
            plain = timed(partial(openpyxl_baseline, main_rows, group_rows))
            text = timed(partial(csv_baseline, main_rows, group_rows))
            del main_rows, group_rows
            export_mb = peak_mb(lambda: our_export(user, form_id, spool))
        close_store(app)
    return size, cells, ours, plain, text, export_mb


def main() -> int:
    """Print the export's speed and memory at each size, against the baselines."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,30000")
    parser.add_argument("--form", default="referral", choices=["referral", "rapid_review"])
    args, _ = parser.parse_known_args()  # run_all.py passes every bench the same arguments
    results = [measure(args.form, int(size)) for size in args.sizes.split(",")]
    rows_out = [r[:5] for r in results]
    memory = [(r[0], r[5], r[2]) for r in results]
    print(f"XLSX export of '{args.form}' submissions (goal: {GOAL_ROWS:,} in <= {GOAL_SECONDS} s)")
    print(f"{'rows':>7} {'cells':>9} {'export s':>9} {'openpyxl wo s':>14} {'CSV s':>7} "
          f"{'vs openpyxl':>12} {'vs CSV':>7} {'rows/s':>8} {'goal':>5}")  # fmt: skip
    for size, cells, ours, plain, text in rows_out:
        goal = "" if size != GOAL_ROWS else ("met" if ours <= GOAL_SECONDS else "MISSED")
        print(f"{size:>7,} {cells:>9,} {ours:>9.2f} {plain:>14.2f} {text:>7.2f} "
              f"{ours / plain:>11.2f}x {ours / text:>6.1f}x {size / ours:>8,.0f} "
              f"{goal:>5}")  # fmt: skip
    print("\nPeak Python memory while exporting (tracemalloc; the store's own copy excluded)")
    print(f"{'rows':>7} {'peak MB':>8} {'KB per row':>11}")
    for size, mb, _ in memory:
        print(f"{size:>7,} {mb:>8.1f} {mb * 1000 / size:>11.2f}")
    if len(memory) > 1:
        (first, first_mb, _), (last, last_mb, _) = memory[0], memory[-1]
        growth = (last_mb - first_mb) / ((last - first) / 1000)
        print(f"growth from {first:,} to {last:,} rows: {last_mb - first_mb:+.1f} MB "
              f"({growth * 1000:.0f} bytes per row)")
    threshold_check()
    return 0


def threshold_check(size: int = 2_000) -> None:
    """Time the widest shipped form to show what the background threshold predicts."""
    from cspr.exports.operations import DEFAULT_BACKGROUND_ROWS

    with tempfile.TemporaryDirectory() as temp:
        app = create_app({"TESTING": True, "DATA_DIR": temp, "LOGIN_RATE_LIMIT": "1/second"})
        with app.app_context():
            from cspr.auth import operations as accounts

            user, _ = accounts.create_user(
                None, "bench@example.org", "business_unit", "Bench", password=PASSWORD
            )
            fill("rapid_review", size, user)
            seconds = min(timed(lambda: our_export(user, "rapid_review", Path(temp)))
                          for _ in range(2))  # fmt: skip
        close_store(app)
    rate = size / seconds
    print(f"\nBackground threshold: the widest form (rapid_review) exports {rate:,.0f} rows/s, "
          f"so 2 s is about {rate * 2:,.0f} rows; EXPORT_BACKGROUND_ROWS = "
          f"{DEFAULT_BACKGROUND_ROWS:,} (about {DEFAULT_BACKGROUND_ROWS / rate:.1f} s here)")


if __name__ == "__main__":
    sys.exit(main())
