"""Mail fixtures: a real SMTP server (aiosmtpd) on loopback and an app that sends to it."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from cspr import create_app
from cspr.mail import sender
from cspr.storage import close_store
from tests.conftest import make_user

BASE_URL = "https://cspr.testshire.example.org"
# Words from the shipped test referral that must never appear in an email.
PERSONAL_DATA = [
    "Amelia",
    "Jones",
    "Leo",
    "Mill Lane",
    "NT1 4AB",
    "2025-08-03",
    "fractured",
    "humerus",
    "rib fractures",
    "swollen arm",
    "family home",
    "Priya",
    "Shah",
    "domestic abuse",
    "half-sister",
]


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def parsed(self) -> Any:
        """Return the parsed message."""
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def subject(self) -> str:
        """Return the decoded subject."""
        return str(self.parsed["Subject"])

    @property
    def body(self) -> str:
        """Return the decoded plain-text body."""
        return str(self.parsed.get_body(("plain",)).get_content())

    @property
    def to(self) -> str:
        """Return the single envelope recipient."""
        (only,) = self.rcpt_tos
        return only


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # To prove two senders overlap: hold each message until this many connections have sent.
    hold_for_sessions: int = 0
    delay: float = 0.0
    sessions: set[int] = field(default_factory=set)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Accept and keep a message."""
        self.sessions.add(id(session))
        waited = 0.0
        while len(self.sessions) < self.hold_for_sessions and waited < 20:
            await asyncio.sleep(0.01)
            waited += 0.01
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """A real SMTP server on a fixed loopback port that can go down and come back."""

    port: int = field(default_factory=free_port)
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        """Start listening."""
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening (the port refuses connections until start)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Received]:
        """Return what has arrived so far."""
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list[Received]:
        """Return the messages sent to one address."""
        return [m for m in self.messages if m.rcpt_tos == [address]]


def assert_no_personal_data(messages: list[Received]) -> None:
    """Fail if any message carries a child's name, family details or incident text."""
    for message in messages:
        text = message.raw.decode("utf-8", "replace") + message.subject + message.body
        for word in PERSONAL_DATA:
            assert word.lower() not in text.lower(), f"{word!r} is in an email: {message.subject}"


def mail_config(data_dir: Path, port: int, **extra: Any) -> dict[str, Any]:
    """Return a test configuration that sends to the loopback SMTP server."""
    return {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_DEFAULT_SENDER": "cspr@testshire.example.org",
        "MAIL_TIMEOUT": 5,
        "MAIL_LEASE_SECONDS": 60,
        "BASE_URL": BASE_URL,
        **extra,
    }


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash test passwords with Argon2's lightest settings: these tests make many accounts."""
    from argon2 import PasswordHasher

    from cspr.auth import passwords

    light = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", light)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """Run a real SMTP server on loopback for one test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(tmp_path: Path, smtp: SmtpServer) -> Iterator[Flask]:
    """Return an app whose email goes to the test SMTP server."""
    application = create_app(mail_config(tmp_path / "data", smtp.port))
    yield application
    sender.stop_background_sender(application)
    close_store(application)


@pytest.fixture
def people(app: Flask) -> dict[str, dict[str, Any]]:
    """Make one account for each part in the process, plus a disabled one of each kind."""
    from cspr.auth import operations

    made = {
        "agency": make_user(app, "hv@testshire.example.org", "agency_user"),
        "bu": make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit"),
        "bu2": make_user(app, "bu2@testshire.example.org", "business_unit", name="Ben Unit"),
        "bu_gone": make_user(app, "bu-gone@testshire.example.org", "business_unit"),
        "la": make_user(app, "la@testshire.example.org", "partner", partner="local_authority"),
        "police": make_user(app, "police@testshire.example.org", "partner", partner="police"),
        "icb": make_user(app, "icb@testshire.example.org", "partner", partner="icb"),
        "icb_gone": make_user(app, "icb-gone@testshire.example.org", "partner", partner="icb"),
        "chair": make_user(app, "chair@testshire.example.org", "chair"),
        "admin": make_user(app, "admin@testshire.example.org", "admin", name="Ada Admin"),
    }
    with app.app_context():
        for key in ("bu_gone", "icb_gone"):
            operations.set_disabled(made["admin"], made[key]["id"], True)
    return made
