"""The outbox: stored before sending, retried with backoff, never lost, sent once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr import create_app
from cspr.mail import outbox, sender
from cspr.mail.outbox import Recipient
from cspr.storage import close_store, get_store
from tests.conftest import make_user
from tests.mail.conftest import BASE_URL, SmtpServer, mail_config

ROOT = Path(__file__).resolve().parents[2]


def _recipients(app: Flask, count: int) -> list[Recipient]:
    """Return `count` recipients from at most three accounts (each account costs a hash)."""
    users = [
        make_user(app, f"person{n}@testshire.example.org", "business_unit", name=f"Person {n}")
        for n in range(min(count, 3))
    ]
    return [Recipient(u["id"], u["email"], u["name"]) for u in users * count][:count]


def _queue(app: Flask, recipients: list[Recipient], label: str = "Message") -> list[str]:
    with app.app_context():
        return [
            outbox.queue(r, "test", f"{label} {n}", f"Body {n}\n{BASE_URL}\n")["id"]
            for n, r in enumerate(recipients)
        ]


def _messages(app: Flask) -> dict[str, dict[str, Any]]:
    with app.app_context():
        return {m["id"]: m for m in get_store().find(outbox.OUTBOX)}


def _set_port(app: Flask, port: int) -> None:
    """Point Flask-Mail (which reads its settings once, at start) at another port."""
    app.extensions["mail"].port = port


def _assert_each_once(smtp: SmtpServer, expected: int) -> None:
    counts = Counter((m.to, m.subject) for m in smtp.messages)
    assert len(counts) == expected, f"{len(counts)} distinct messages arrived"
    assert set(counts.values()) == {1}, [k for k, v in counts.items() if v > 1]


def test_backoff_doubles_up_to_a_cap() -> None:
    assert outbox.backoff_seconds(0, 60, 3600) == 0
    assert [outbox.backoff_seconds(n, 60, 3600) for n in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert outbox.backoff_schedule(4, 30, 100) == [30, 60, 100]


def test_failures_wait_longer_each_time_then_give_up(app: Flask) -> None:
    (someone,) = _recipients(app, 1)
    (message_id,) = _queue(app, [someone])
    _set_port(app, 1)
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=60)
    waits = []
    with app.app_context():
        for _ in range(3):
            before = time.time()
            result = sender.deliver_due(retry_now=True)
            doc = outbox.get_message(message_id)
            assert doc is not None and doc["last_error"].startswith("ConnectionRefusedError")
            waits.append(round(doc["next_attempt_at"] - before, -1))
            assert result.errors
        assert doc["status"] == outbox.FAILED and doc["attempts"] == 3
        assert waits[:2] == [60, 120]
        assert sender.deliver_due().sent == []  # not due: waiting, then failed for good
        outbox.retry(message_id)
        assert outbox.get_message(message_id)["status"] == outbox.QUEUED  # type: ignore[index]


def test_not_due_until_the_backoff_has_passed(app: Flask, smtp: SmtpServer) -> None:
    (someone,) = _recipients(app, 1)
    (message_id,) = _queue(app, [someone])
    _set_port(app, 1)
    with app.app_context():
        sender.deliver_due()
        _set_port(app, smtp.port)
        assert sender.deliver_due().sent == []  # a minute to wait
        assert sender.deliver_due(retry_now=True).sent == [message_id]
    assert len(smtp.messages) == 1


def test_nothing_is_lost_when_the_server_is_down_and_the_app_restarts(
    tmp_path: Path, app: Flask, smtp: SmtpServer
) -> None:
    smtp.stop()
    ids = _queue(app, _recipients(app, 6))
    with app.app_context():
        for _ in range(3):
            assert sender.deliver_due(retry_now=True).sent == []
    stored = _messages(app)
    assert {m["status"] for m in stored.values()} == {outbox.QUEUED}
    assert any("Connection refused" in (m["last_error"] or "") for m in stored.values())
    close_store(app)

    restarted = create_app(mail_config(tmp_path / "data", smtp.port))
    try:
        smtp.start()
        with restarted.app_context():
            assert sorted(sender.deliver_due(retry_now=True).sent) == sorted(ids)
            assert sender.deliver_due(retry_now=True).sent == []
        _assert_each_once(smtp, 6)
        assert {m["status"] for m in _messages(restarted).values()} == {outbox.SENT}
    finally:
        close_store(restarted)


def test_a_crashed_senders_claim_is_retried_once_its_lease_expires(
    tmp_path: Path, app: Flask, smtp: SmtpServer
) -> None:
    first, second = _queue(app, _recipients(app, 2))
    with app.app_context():
        assert outbox.claim(first, "a sender that then crashed") is not None
    close_store(app)
    restarted = create_app(mail_config(tmp_path / "data", smtp.port))
    try:
        with restarted.app_context():
            assert sender.deliver_due().sent == [second]  # the held one is left alone
            get_store().update(outbox.OUTBOX, first, {"lease_until": time.time() - 1})
            assert sender.deliver_due().sent == [first]
            doc = outbox.get_message(first)
            assert doc is not None
            assert doc["status"] == outbox.SENT and doc["attempts"] == 2 and doc["recovered"] == 1
        _assert_each_once(smtp, 2)
    finally:
        close_store(restarted)


def test_a_disabled_account_gets_nothing(app: Flask, smtp: SmtpServer) -> None:
    from cspr.auth import operations

    admin = make_user(app, "admin@testshire.example.org", "admin")
    keep, gone = _recipients(app, 2)
    keep_id, gone_id = _queue(app, [keep, gone])
    with app.app_context():
        operations.set_disabled(admin, gone.user_id, True)
        result = sender.deliver_due()
        assert result.sent == [keep_id] and result.failed == [gone_id]
        assert outbox.get_message(gone_id)["last_error"] == sender.DISABLED  # type: ignore[index]
    assert [m.to for m in smtp.messages] == [keep.email]


def _flask_env(data_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CSPR_DATA_DIR": str(data_dir),
        "CSPR_MAIL_SERVER": "127.0.0.1",
        "CSPR_MAIL_PORT": str(port),
        "CSPR_MAIL_SENDER": "cspr@testshire.example.org",
        "CSPR_BASE_URL": BASE_URL,
    }


def test_two_sender_processes_send_each_message_exactly_once(
    tmp_path: Path, app: Flask, smtp: SmtpServer
) -> None:
    ids = _queue(app, _recipients(app, 30))
    smtp.inbox.hold_for_sessions = 2  # the first message waits until both senders are in
    smtp.inbox.delay = 0.01
    env = _flask_env(tmp_path / "data", smtp.port)
    command = [sys.executable, "-m", "flask", "--app", "app", "mail", "send"]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    sent = [int(out.split()[1]) for out in outputs]
    assert sum(sent) == 30 and min(sent) > 0, outputs  # both took part
    _assert_each_once(smtp, 30)
    assert {m["status"] for m in _messages(app).values()} == {outbox.SENT}
    assert sorted(_messages(app)) == sorted(ids)


def test_the_server_thread_and_another_app_send_each_message_once(
    tmp_path: Path, app: Flask, smtp: SmtpServer
) -> None:
    _queue(app, _recipients(app, 20))
    smtp.inbox.hold_for_sessions = 2
    smtp.inbox.delay = 0.01
    other = create_app(mail_config(tmp_path / "data", smtp.port))
    try:
        thread = sender.start_background_sender(app)

        def cron_pass() -> None:
            with other.app_context():
                sender.deliver_due()

        cron = threading.Thread(target=cron_pass)
        cron.start()
        cron.join(30)
        deadline = time.monotonic() + 30
        while len(smtp.messages) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        sender.stop_background_sender(app)
        assert not thread.is_alive()
        _assert_each_once(smtp, 20)
        assert len(smtp.inbox.sessions) >= 2  # both senders really sent
    finally:
        close_store(other)


def test_a_message_is_stored_before_any_attempt(app: Flask, smtp: SmtpServer) -> None:
    (someone,) = _recipients(app, 1)
    (message_id,) = _queue(app, [someone])
    stored = _messages(app)[message_id]
    assert stored["status"] == outbox.QUEUED and stored["attempts"] == 0
    assert smtp.messages == []


@pytest.mark.parametrize("lease", [10, 60])
def test_the_lease_must_outlast_a_slow_send(tmp_path: Path, lease: int) -> None:
    config = mail_config(tmp_path / "data", 1, MAIL_TIMEOUT=5, MAIL_LEASE_SECONDS=lease)
    if lease == 10:
        with pytest.raises(RuntimeError, match="more than twice"):
            create_app(config)
    else:
        close_store(create_app(config))
