"""Expired sign-in sessions are removed: by a command, and by the server now and then."""

from __future__ import annotations

import time

from flask import Flask

from cspr.auth import sessions
from cspr.storage import get_store
from tests.conftest import make_user, sign_in

DAY = 86400


def _sessions(app: Flask, *emails: str) -> list[str]:
    """Sign each person in on a client of their own; return the session ids."""
    for email in emails:
        make_user(app, email, "business_unit")
        sign_in(app.test_client(), email)
    with app.app_context():
        return [record["id"] for record in get_store().find(sessions.TABLE)]


def _age(app: Flask, session_id: str, seconds: float) -> None:
    with app.app_context():
        get_store().update(sessions.TABLE, session_id, {"last_seen": time.time() - seconds})


def test_purge_sessions_command_removes_only_expired_sessions(app: Flask) -> None:
    old, fresh = _sessions(app, "old@testshire.example.org", "fresh@testshire.example.org")
    _age(app, old, app.config["SESSION_IDLE_MINUTES"] * 60 + 5)
    result = app.test_cli_runner().invoke(args=["purge-sessions"])
    assert result.output == "Removed 1 expired sign-in session.\n"
    with app.app_context():
        assert [r["id"] for r in get_store().find(sessions.TABLE)] == [fresh]


def test_the_server_sweeps_long_expired_sessions_as_it_serves(app: Flask) -> None:
    long_gone, lately, fresh = _sessions(app, "a@testshire.example.org", "b@testshire.example.org",
                                         "c@testshire.example.org")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    _age(app, long_gone, idle + DAY + 5)
    _age(app, lately, idle + 5)  # kept a day, so its owner still hears why they were signed out
    sessions._last_purge[0] = time.monotonic() - sessions.PURGE_EVERY  # the sweep is due
    assert app.test_client().get("/sign-in").status_code == 200
    with app.app_context():
        assert {r["id"] for r in get_store().find(sessions.TABLE)} == {lately, fresh}
    _age(app, fresh, idle + DAY + 5)
    app.test_client().get("/sign-in")  # not due again yet: nothing more is swept
    with app.app_context():
        assert len(get_store().find(sessions.TABLE)) == 2
