"""Benchmark the working-day clock: the first call for a year, then warm calls.

Run: .venv/bin/python bench/clock_bench.py [--repeat 2000]
Prints one table; goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cspr.casework import clock  # noqa: E402

GOAL_MS = 1.0  # a page may work out a dozen deadlines; each should take well under this


def timed(label: str, repeat: int, call: Callable[[int], object]) -> tuple[str, float, float]:
    """Time repeat calls; return the label, the median and the slowest, in milliseconds."""
    samples = []
    for n in range(repeat):
        started = time.perf_counter()
        call(n)
        samples.append((time.perf_counter() - started) * 1000)
    return label, statistics.median(samples), max(samples)


def main() -> int:
    """Print how long the clock's calls take."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    repeat = parser.parse_args().repeat
    rng = random.Random(2026)
    starts = [date(2025, 1, 1) + timedelta(days=rng.randrange(365 * 6)) for _ in range(repeat)]
    closures = frozenset(date(2026, 1, 1) + timedelta(days=rng.randrange(730)) for _ in range(30))

    started = time.perf_counter()
    clock.is_bank_holiday(date(2031, 6, 2))  # the first call loads the holidays package's data
    first_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    clock.is_bank_holiday(date(2032, 6, 2))  # a year nothing has asked about yet
    new_year_ms = (time.perf_counter() - started) * 1000
    for year in range(2024, 2034):  # warm the years the runs below touch
        clock.is_bank_holiday(date(year, 1, 1))

    rows = [
        timed("is_working_day", repeat, lambda n: clock.is_working_day(starts[n], closures)),
        timed("notification_due (5 days)", repeat,
              lambda n: clock.notification_due(starts[n], closures)),
        timed("rapid_review_due (15 days)", repeat,
              lambda n: clock.rapid_review_due(starts[n], closures)),
        timed("add_working_days 400 days", repeat // 10,
              lambda n: clock.add_working_days(starts[n], 400, closures)),
        timed("working_days_between over 3 years", repeat,
              lambda n: clock.working_days_between(starts[n], starts[n] + timedelta(1095),
                                                   closures)),
        timed("deadline_status", repeat,
              lambda n: clock.deadline_status(starts[n], starts[-n - 1], closures=closures)),
    ]  # fmt: skip
    print(f"{'operation':<42} {'median ms':>10} {'slowest ms':>11}  goal < {GOAL_MS} ms (median)")
    print(f"{'first call in a process (loads data, once)':<42} {first_ms:>10.4f} {first_ms:>11.4f}")
    print(
        f"{'first call for another year (then cached)':<42} {new_year_ms:>10.4f} "
        f"{new_year_ms:>11.4f}"
    )
    for label, median, slowest in rows:
        verdict = "ok" if median < GOAL_MS else "SLOW"
        print(f"{label:<42} {median:>10.4f} {slowest:>11.4f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
