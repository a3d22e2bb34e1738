"""Deliver the outbox over SMTP with Flask-Mail: from cron or a thread in the server process."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_mail import Connection, Mail, Message

from cspr.auth.operations import USERS
from cspr.mail import held_links, outbox, password_reset
from cspr.storage import get_store

mail = Mail()
DISABLED = "The account was disabled before the message was sent, so it was not sent"
LINK_LOST = (
    "The reset link was kept only in the memory of the server process that made it, and that "
    "process stopped or the link expired before it could be sent. The person can ask for a "
    "new link"
)
# Errors after which the next message is unlikely to do better: stop this pass.
_SERVER_DOWN = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


class LinkLost(Exception):
    """The message's reset link is not in this process's memory, so it can never be sent."""


class TimedConnection(Connection):
    """Flask-Mail's connection, with a socket timeout and certificate checks on TLS."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        """Connect to the mail server, never waiting on it for ever."""
        state = self.mail
        timeout = float(current_app.config["MAIL_TIMEOUT"])
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if state.use_ssl:
            context = ssl.create_default_context()
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout, context=context)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls(context=ssl.create_default_context())
        if state.username and state.password:
            host.login(state.username, state.password)
        return host

    def close(self) -> None:
        """Say goodbye to the server, ignoring a server that has already gone."""
        host, self.host = self.host, None
        if host is not None:
            try:
                host.quit()
            except (smtplib.SMTPException, OSError):
                host.close()


@dataclass
class PassResult:
    """What one delivery pass did."""

    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def build_message(doc: dict[str, Any]) -> Message:
    """Turn a stored message into a Flask-Mail message with a stable Message-ID."""
    body = doc["body"]
    if doc.get("link_held_until"):
        token = held_links.token_for(doc["id"])
        if token is None:
            raise LinkLost
        placeholder, write = held_links.link_writer(str(doc.get("kind"))) or (
            password_reset.LINK_PLACEHOLDER, password_reset.link_for)  # fmt: skip
        body = body.replace(placeholder, write(token))
    message = Message(subject=doc["subject"], recipients=[doc["to"]], body=body)
    # The same Message-ID on every try: if a crash makes us send twice, clients can fold them.
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    message.msgId = f"<{doc['id']}@{domain}>"
    message.extra_headers = {"Auto-Submitted": "auto-generated"}
    return message


def _connect() -> TimedConnection:
    """Open a connection to the mail server (none when sending is suppressed)."""
    connection = TimedConnection(current_app.extensions["mail"])
    connection.host = None if connection.mail.suppress else connection.configure_host()
    return connection


def _recipient_active(doc: dict[str, Any]) -> bool:
    """Say whether the message's account may still receive email."""
    if not doc.get("user_id"):
        return True
    user = get_store().get(USERS, doc["user_id"])
    return user is not None and not user.get("disabled")


def deliver_due(
    retry_now: bool = False, limit: int | None = None, only: str | None = None
) -> PassResult:
    """Send every message that is due (or just `only`), one claim at a time."""
    result = PassResult()
    sender = outbox.sender_identity()
    connection: TimedConnection | None = None
    ids = [only] if only else outbox.due_ids(retry_now)
    try:
        for message_id in ids[:limit] if limit else ids:
            doc = outbox.claim(message_id, sender, retry_now or bool(only))
            if doc is None:
                continue  # not due, or another sender has it
            if not _recipient_active(doc):
                _give_up(message_id, sender, DISABLED, result)
                continue
            try:
                message = build_message(doc)
            except LinkLost:
                _give_up(message_id, sender, LINK_LOST, result)
                continue
            try:
                if connection is None:
                    connection = _connect()
                connection.send(message)
            except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                error = f"{type(exc).__name__}: {exc}"
                result.errors.append(error)
                status = outbox.mark_failed(message_id, sender, error)
                if status == outbox.FAILED:
                    held_links.forget(message_id)
                (result.failed if status == outbox.FAILED else result.retrying).append(message_id)
                if connection is not None:
                    connection.close()
                    connection = None
                if isinstance(exc, _SERVER_DOWN):
                    break  # the server is unreachable: leave the rest for the next pass
                continue
            # Straight after the server's acceptance: this write is the whole duplicate window.
            outbox.mark_sent(message_id)
            held_links.forget(message_id)  # a reset link is emailed once, then forgotten
            result.sent.append(message_id)
    finally:
        if connection is not None:
            connection.close()
    return result


def _give_up(message_id: str, sender: str, reason: str, result: PassResult) -> None:
    """Fail a message that can never be sent, and forget any link it was waiting for."""
    outbox.mark_failed(message_id, sender, reason, permanent=True)
    held_links.forget(message_id)
    result.failed.append(message_id)


def send_now(message_id: str) -> dict[str, Any]:
    """Try one message at once; if another sender has it, wait a little for its outcome."""
    deliver_due(only=message_id)
    deadline = time.monotonic() + float(current_app.config["MAIL_TIMEOUT"]) + 5
    while True:
        doc = outbox.get_message(message_id)
        assert doc is not None
        settled = doc["status"] != outbox.SENDING and (
            doc["status"] != outbox.QUEUED or doc["attempts"]
        )
        if settled or time.monotonic() > deadline:
            return doc
        time.sleep(0.1)


class BackgroundSender(threading.Thread):
    """A daemon thread in the server process that delivers the outbox every few seconds."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="cspr-mail-sender", daemon=True)
        self.app = app
        self.stopping = threading.Event()

    def run(self) -> None:
        """Deliver, then wait for the interval or for a newly queued message."""
        interval = float(self.app.config["MAIL_SEND_INTERVAL"])
        while not self.stopping.is_set():
            # Cleared before the pass, so a message queued during it wakes the next one at once.
            outbox.queued_event.clear()
            try:
                with self.app.app_context():
                    deliver_due()
            except Exception:  # noqa: BLE001 - the thread must outlive a bad pass
                self.app.logger.exception("The background email sender failed; it will retry")
            outbox.queued_event.wait(interval)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its pass and stop."""
        self.stopping.set()
        outbox.queued_event.set()
        self.join(timeout)


_start_lock = threading.Lock()
EXTENSION_KEY = "cspr_mail_sender"


def start_background_sender(app: Flask) -> BackgroundSender:
    """Start the app's background sender once; return it."""
    with _start_lock:
        running = app.extensions.get(EXTENSION_KEY)
        if isinstance(running, BackgroundSender) and running.is_alive():
            return running
        thread = BackgroundSender(app)
        app.extensions[EXTENSION_KEY] = thread
        thread.start()
        return thread


def ensure_background_sender(app: Flask) -> None:
    """Start the sender unless it is already running (a cheap check on every request)."""
    if not is_running(app):
        start_background_sender(app)


def is_running(app: Flask) -> bool:
    """Say whether this process has a live background sender."""
    running = app.extensions.get(EXTENSION_KEY)
    return isinstance(running, BackgroundSender) and running.is_alive()


def deliver_held_link(app: Flask, message_id: str | None) -> None:
    """Send a reset email from this process, whose memory alone holds its link.

    Without a background sender here (cron sends the rest), a one-off thread sends it; it is
    started whether or not there is a message, so the request's timing tells nothing.
    """
    if app.testing or is_running(app):
        return

    def deliver() -> None:
        if message_id:
            with app.app_context():
                deliver_due(only=message_id)

    threading.Thread(target=deliver, name="cspr-reset-email", daemon=True).start()


def stop_background_sender(app: Flask) -> None:
    """Stop the app's background sender, if it runs."""
    running = app.extensions.get(EXTENSION_KEY)
    if isinstance(running, BackgroundSender):
        running.stop()
        app.extensions[EXTENSION_KEY] = None
