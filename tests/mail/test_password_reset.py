"""Password reset by email: one use, expires, wrong links refused, sessions ended."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.mail import outbox, password_reset, sender
from cspr.storage import get_store
from tests.conftest import PASSWORD, csrf_token, make_user, sign_in
from tests.mail.conftest import BASE_URL, SmtpServer

EMAIL = "bu@testshire.example.org"
NEW_PASSWORD = "marmalade kettle orbit lantern"
LINK = re.compile(re.escape(BASE_URL) + r"(/password-reset/[A-Za-z0-9_-]+)")
SENT_TEXT = "If the address you entered has an account, we have sent it a link"


def _ask(client: FlaskClient, email: str) -> str:
    page = client.get("/password-reset")
    response = client.post(
        "/password-reset", data={"email": email, "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302, response.text
    return client.get(response.headers["Location"]).text


def _deliver(app: Flask) -> None:
    with app.app_context():
        sender.deliver_due()


def _link(smtp: SmtpServer, index: int = -1) -> str:
    message = smtp.to(EMAIL)[index]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _choose(client: FlaskClient, new: str, confirm: str | None = None) -> object:
    page = client.get("/password-reset/new")
    return client.post(
        "/password-reset/new",
        data={
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": csrf_token(page.text),
        },
    )


def test_reset_end_to_end(app: Flask, smtp: SmtpServer, tmp_path: Path) -> None:
    make_user(app, EMAIL, "business_unit", name="Bea Unit")
    elsewhere = app.test_client()
    assert sign_in(elsewhere, EMAIL).status_code == 302
    assert elsewhere.get("/").status_code == 200

    client = app.test_client()
    sign_in_page = client.get("/sign-in").text
    assert 'href="/password-reset">Forgotten your password?</a>' in sign_in_page
    assert SENT_TEXT in _ask(client, EMAIL.upper())
    _deliver(app)
    (message,) = smtp.messages
    assert message.to == EMAIL and message.subject == "Reset your password"
    assert "Dear Bea Unit" in message.body and "stops working at" in message.body
    link = _link(smtp)
    token = link.rsplit("/", 1)[1]

    # Only the token's hash is kept: no file in the data directory holds the token.
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path

    landing = client.get(link)
    assert landing.status_code == 302 and landing.headers["Location"] == "/password-reset/new"
    weak = _choose(client, "password1234")
    assert "too common" in weak.text and weak.text.count("<title>Error:") == 1
    assert "do not match" in _choose(client, NEW_PASSWORD, "something else entirely").text
    done = _choose(client, NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in client.get("/sign-in").text

    # Every session the account had has ended; the new password works and the old does not.
    assert elsewhere.get("/").status_code == 302
    assert sign_in(app.test_client(), EMAIL).status_code == 200
    assert sign_in(app.test_client(), EMAIL, NEW_PASSWORD).status_code == 302

    # The link works once.
    again = app.test_client().get(link)
    assert again.status_code == 404 and "This link cannot be used" in again.text


def test_the_page_never_says_whether_an_account_exists(app: Flask, smtp: SmtpServer) -> None:
    admin = make_user(app, "admin@testshire.example.org", "admin")
    gone = make_user(app, "gone@testshire.example.org", "business_unit")
    with app.app_context():
        from cspr.auth import operations

        operations.set_disabled(admin, gone["id"], True)
    client = app.test_client()
    pages = [_ask(client, email) for email in ("nobody@testshire.example.org", gone["email"])]
    pages.append(_ask(client, admin["email"]))
    assert all(SENT_TEXT in page for page in pages)
    same = {re.sub(r'nonce="[^"]+"', "", page) for page in pages}
    assert len(same) == 1
    _deliver(app)
    assert [m.to for m in smtp.messages] == [admin["email"]]


def test_wrong_and_expired_links_are_refused(app: Flask, smtp: SmtpServer) -> None:
    make_user(app, EMAIL, "business_unit")
    client = app.test_client()
    assert client.get("/password-reset/not-a-real-token").status_code == 404
    assert client.get("/password-reset/new").status_code == 404
    _ask(client, EMAIL)
    _deliver(app)
    link = _link(smtp)
    with app.app_context():
        store = get_store()
        for record in store.find(password_reset.RESETS, predicate=lambda r: r["user_id"]):
            store.update(password_reset.RESETS, record["id"], {"expires_at": time.time() - 1})
    expired = client.get(link)
    assert expired.status_code == 404 and "expired or has already been used" in expired.text


def test_a_link_in_the_session_stops_working_when_it_expires(app: Flask, smtp: SmtpServer) -> None:
    make_user(app, EMAIL, "business_unit")
    client = app.test_client()
    _ask(client, EMAIL)
    _deliver(app)
    assert client.get(_link(smtp)).status_code == 302
    form = client.get("/password-reset/new")
    with app.app_context():
        for record in get_store().find(password_reset.RESETS):
            get_store().update(password_reset.RESETS, record["id"], {"expires_at": 0})
    response = client.post(
        "/password-reset/new",
        data={
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_token(form.text),
        },
    )
    assert response.status_code == 404
    assert sign_in(app.test_client(), EMAIL, PASSWORD).status_code == 302  # unchanged


def test_asking_is_rate_limited(app: Flask, smtp: SmtpServer) -> None:
    make_user(app, EMAIL, "business_unit")
    app.config["PASSWORD_RESET_PER_HOUR"] = 2
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "4 per minute"
    client = app.test_client()
    for _ in range(3):
        assert SENT_TEXT in _ask(client, EMAIL)
    _deliver(app)
    assert len(smtp.messages) == 2  # the third looked the same but sent nothing

    page = client.get("/password-reset")
    codes = [
        client.post(
            "/password-reset", data={"email": EMAIL, "csrf_token": csrf_token(page.text)}
        ).status_code
        for _ in range(2)
    ]
    assert codes == [302, 429]


def test_an_empty_address_is_explained(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/password-reset")
    data = {"email": "", "csrf_token": csrf_token(page.text)}
    response = client.post("/password-reset", data=data)
    assert "Enter your email address" in response.text
    assert "<title>Error: Reset your password" in response.text


def test_reset_emails_are_never_sent_again_from_the_admin_page(
    app: Flask, smtp: SmtpServer
) -> None:
    make_user(app, EMAIL, "business_unit")
    make_user(app, "admin@testshire.example.org", "admin")
    _ask(app.test_client(), EMAIL)
    with app.app_context():
        (message,) = get_store().find(outbox.OUTBOX)
        assert password_reset.LINK_PLACEHOLDER in message["body"]  # the link is made at send
        outbox.claim(message["id"], "tester")
        outbox.mark_failed(message["id"], "tester", "SMTPDataError: refused", permanent=True)
    admin = app.test_client()
    sign_in(admin, "admin@testshire.example.org")
    token = csrf_token(admin.get("/admin/email").text)
    response = admin.post(f"/admin/email/{message['id']}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert "ask the person to request a new link" in admin.get("/admin/email").text
    with app.app_context():
        assert outbox.get_message(message["id"])["status"] == outbox.FAILED  # type: ignore[index]


def _strings_in(directory: Path) -> set[str]:
    """Every token-like run of characters in every file of a directory (ids, keys, hashes)."""
    found: set[str] = set()
    for path in directory.rglob("*"):
        if path.is_file():
            found.update(
                m.decode() for m in re.findall(rb"[A-Za-z0-9_\-]{16,}", path.read_bytes())
            )
    return found


def _derived_links(secret: bytes, stored: set[str]) -> set[str]:
    """Links an attacker with the files could compute: HMACs and hashes of what is stored."""
    import base64
    import hashlib
    import hmac

    def encodings(digest: bytes) -> set[str]:
        return {
            base64.urlsafe_b64encode(digest).decode().rstrip("="),
            base64.urlsafe_b64encode(digest).decode(),
            digest.hex(),
        }

    candidates = set(stored)
    for value in stored:
        for message in (value, f"password-reset:{value}"):
            candidates |= encodings(hmac.new(secret, message.encode(), hashlib.sha256).digest())
            candidates |= encodings(hashlib.sha256(message.encode()).digest())
    return candidates


def test_a_copy_of_the_data_directory_cannot_make_a_working_link(
    app: Flask, smtp: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from cspr import create_app
    from cspr.mail import held_links
    from cspr.storage import close_store
    from tests.mail.conftest import mail_config

    make_user(app, EMAIL, "business_unit", name="Bea Unit")
    _ask(app.test_client(), EMAIL)
    # The copy is taken while the email waits in the outbox, the moment the most is on disk.
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path / "data", copy)
    _deliver(app)
    token = _link(smtp).rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, URL-safe

    with app.app_context():
        (record,) = get_store().find(password_reset.RESETS, predicate=lambda r: r["user_id"])
        (message,) = get_store().find(outbox.OUTBOX)
    # The stored reset record holds the token's hash and nothing from which it could be made.
    assert record["id"] == password_reset.token_hash(token)
    assert token not in repr(record) and token not in repr(message)
    assert password_reset.LINK_PLACEHOLDER in message["body"]

    secret = (copy / "secret_key").read_bytes().strip()
    stored = _strings_in(copy)
    assert stored and secret
    candidates = _derived_links(secret, stored) | _derived_links(secret.decode().encode(), stored)
    assert token not in candidates

    # A server started on the copy (with its own memory) accepts none of them, and cannot
    # send the waiting email either: the link lived only in the first process's memory.
    monkeypatch.setattr(held_links, "_held", {})
    other = create_app(mail_config(copy, smtp.port))
    try:
        with other.app_context():
            from cspr.mail import sender

            assert [c for c in candidates if password_reset.user_for_token(c)] == []
            assert sender.deliver_due(retry_now=True).sent == []
            for doc in get_store().find(outbox.OUTBOX):
                get_store().update(outbox.OUTBOX, doc["id"], {"link_held_until": time.time()})
            result = sender.deliver_due(retry_now=True)
            assert result.failed == [message["id"]] and result.sent == []
            assert "ask for a new link" in outbox.get_message(message["id"])["last_error"]
    finally:
        close_store(other)
    assert len(smtp.to(EMAIL)) == 1

    # The emailed link works, once.
    client = app.test_client()
    assert client.get(f"/password-reset/{token}").status_code == 302
    assert _choose(client, NEW_PASSWORD).status_code == 302
    assert app.test_client().get(f"/password-reset/{token}").status_code == 404
    assert sign_in(app.test_client(), EMAIL, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert not held_links.holds(message["id"])  # emailed once, then forgotten


def test_without_a_background_sender_the_process_that_holds_the_link_sends_it(
    tmp_path: Path, smtp: SmtpServer
) -> None:
    # With CSPR_MAIL_BACKGROUND off, cron's `mail send` delivers other email, but it cannot
    # make a reset link: the request's own process sends that one, straight away.
    from cspr import create_app
    from cspr.mail import held_links
    from cspr.storage import close_store
    from tests.mail.conftest import mail_config

    app = create_app(mail_config(tmp_path / "quiet", smtp.port, TESTING=False,
                                 MAIL_BACKGROUND=False))  # fmt: skip
    try:
        make_user(app, EMAIL, "business_unit", name="Bea Unit")
        assert SENT_TEXT in _ask(app.test_client(), EMAIL)
        deadline = time.monotonic() + 30
        while not smtp.to(EMAIL) and time.monotonic() < deadline:
            time.sleep(0.1)
        link = _link(smtp)
        with app.app_context():
            (message,) = get_store().find(outbox.OUTBOX)
            assert not held_links.holds(message["id"])
        assert app.test_client().get(link).status_code == 302
        assert not sender.is_running(app)
    finally:
        close_store(app)
