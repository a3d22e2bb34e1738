"""Benchmark the outbox and reminders: queue, deliver to a loopback SMTP server, cron reruns.

Run: .venv/bin/python bench/mail_bench.py [--messages 300] [--cases 300]
Prints one table; goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402

from cspr import create_app  # noqa: E402
from cspr.auth import operations  # noqa: E402
from cspr.mail import outbox, reminders, sender  # noqa: E402
from cspr.storage import close_store, get_store  # noqa: E402

QUEUE_GOAL_MS = 20.0  # a case change queues a handful of emails inside the web request
SEND_GOAL_PER_S = 20.0  # a partnership sends tens of emails a day; bursts must clear quickly
FIRST_GOAL_S = 30.0  # the worst day: every open case overdue at once
RERUN_GOAL_S = 5.0  # cron runs the reminders every few minutes


class Counter:
    """An SMTP handler that counts what arrives."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Accept a message."""
        self.count += 1
        await asyncio.sleep(0)
        return "250 OK"


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    """Print how long queuing, sending and reminder runs take."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    handler, port = Counter(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app(
            {"TESTING": True, "DATA_DIR": data_dir, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
        )
        rows = []
        with app.app_context():
            people = [
                operations.create_user(None, f"bu{n}@bench.example.org", "business_unit")[0]
                for n in range(2)
            ]
            to = [outbox.Recipient(p["id"], p["email"], p["name"]) for p in people]
            started = time.perf_counter()
            for n in range(args.messages):
                outbox.queue(to[n % 2], "test", f"Bench {n}", "Body\n")
            queue_ms = (time.perf_counter() - started) * 1000 / args.messages
            rows.append(("queue one message", f"{queue_ms:.2f} ms", f"< {QUEUE_GOAL_MS:g} ms"))

            started = time.perf_counter()
            result = sender.deliver_due()
            rate = len(result.sent) / (time.perf_counter() - started)
            rows.append(("deliver (claim, SMTP, mark sent)", f"{rate:.0f} msg/s",
                         f"> {SEND_GOAL_PER_S:g} msg/s"))  # fmt: skip

            store = get_store()
            aware, today = date(2026, 3, 2), date(2026, 3, 10)  # overdue on a working day
            store.insert_many(
                "cases",
                [
                    {"reference": f"CSPR-2026-{n:04d}", "stage": "consideration",
                     "opened_at": f"2026-01-01T00:00:{n % 60:02d}+00:00",
                     "key_dates": {"aware": aware.isoformat()}, "signoffs": {}}
                    for n in range(args.cases)
                ],
            )  # fmt: skip
            for label, goal in (
                ("reminders, every case overdue", f"< {FIRST_GOAL_S:g} s"),
                ("reminders, rerun (nothing new)", f"< {RERUN_GOAL_S:g} s"),
            ):
                started = time.perf_counter()
                run = reminders.run_reminders(today)
                seconds = time.perf_counter() - started
                rows.append((f"{label}: {run.messages} queued", f"{seconds:.2f} s", goal))
        close_store(app)
    controller.stop()
    print(f"{args.messages} messages, {args.cases} open cases, SMTP on loopback")
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'result':>12}  goal")
    for label, value, goal in rows:
        print(f"{label:<{width}}  {value:>12}  {goal}")
    return 0 if handler.count == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
