"""Sign-in, lock-out, rate limit, idle expiry, sessions and passwords."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from cspr.storage import get_store
from tests.conftest import PASSWORD, csrf_token, make_user, sign_in

EMAIL = "sw@testshire.example.org"


def test_sign_in_and_out(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit", name="Sam Worker")
    response = sign_in(client, EMAIL)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Sam Worker" in home.text
    response = client.post("/sign-out", data={"csrf_token": csrf_token(home.text)})
    assert response.status_code == 302
    assert "You have signed out" in client.get("/sign-in").text
    assert client.get("/").status_code == 302


def test_wrong_password_gets_govuk_error(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    response = sign_in(client, EMAIL, "not the right password")
    assert response.status_code == 200
    assert "<title>Error: Sign in" in response.text
    assert "There is a problem" in response.text
    assert 'href="#email"' in response.text
    assert "Enter a correct email address and password" in response.text


def test_missing_fields_get_specific_messages(client: FlaskClient) -> None:
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"email": "", "password": "", "csrf_token": csrf_token(page.text)}
    )
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert "This field is required" not in response.text


def test_sign_in_ignores_email_case_and_spaces(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "chair")
    assert sign_in(client, "  SW@Testshire.Example.org ").status_code == 302


def test_lock_out_after_repeated_failures(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "Enter a correct email" in sign_in(client, EMAIL, "wrong password!!").text
    locked = sign_in(client, EMAIL)  # the right password, but locked out
    assert locked.status_code == 200
    assert "too many times" in locked.text
    assert client.get("/").status_code == 302
    # When the lock-out has passed, the right password works again.
    with app.app_context():
        store = get_store()
        record = store.find("sign_in_attempts")[0]
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        store.update("sign_in_attempts", record["id"], {"locked_until": past})
    assert sign_in(client, EMAIL).status_code == 302


def test_unknown_email_locks_out_the_same_way(app: Flask, client: FlaskClient) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, "nobody@testshire.example.org", "wrong password!!")
    assert "too many times" in sign_in(client, "nobody@testshire.example.org").text


def test_login_rate_limit(app: Flask, tmp_path) -> None:
    from cspr import create_app

    limited = create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "rl"), "LOGIN_RATE_LIMIT": "3 per minute"}
    )
    client = limited.test_client()
    codes = [sign_in(client, f"u{i}@testshire.example.org", "x").status_code for i in range(4)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429
    response = sign_in(client, "another@testshire.example.org", "x")
    assert "Too many attempts" in response.text


def test_idle_session_expires(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    sign_in(client, EMAIL)
    assert client.get("/").status_code == 200
    with app.app_context():
        store = get_store()
        (record,) = store.find("sessions")
        idle = app.config["SESSION_IDLE_MINUTES"] * 60 + 5
        store.update("sessions", record["id"], {"last_seen": time.time() - idle})
    response = client.get("/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert client.get("/").status_code == 302
    assert "Content-Security-Policy" in page.headers
    with app.app_context():
        assert get_store().find("sessions") == []


def test_idle_message_shown(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    sign_in(client, EMAIL)
    with app.app_context():
        store = get_store()
        (record,) = store.find("sessions")
        store.update("sessions", record["id"], {"last_seen": 0})
    assert "had not used the service" in client.get("/sign-in").text


def test_new_session_after_sign_in_and_old_cookie_dead_after_sign_out(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, EMAIL, "business_unit")
    client.get("/sign-in")
    before = client.get_cookie("cspr_session")
    assert before is not None
    sign_in(client, EMAIL)
    during = client.get_cookie("cspr_session")
    assert during is not None and during.value != before.value
    home = client.get("/")
    client.post("/sign-out", data={"csrf_token": csrf_token(home.text)})
    # Replaying the signed-in cookie after sign-out does not get back in.
    replay = app.test_client()
    replay.set_cookie("cspr_session", during.value)
    assert replay.get("/").status_code == 302


def test_each_sign_in_gets_its_own_session(app: Flask) -> None:
    make_user(app, EMAIL, "business_unit")
    first, second = app.test_client(), app.test_client()
    sign_in(first, EMAIL)
    sign_in(second, EMAIL)
    with app.app_context():
        assert len(get_store().find("sessions", where={})) == 2


def test_disabled_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, EMAIL, "business_unit")
    with app.app_context():
        get_store().update("users", user["id"], {"disabled": True})
    assert "Enter a correct email" in sign_in(client, EMAIL).text


def test_sign_in_is_audited(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    sign_in(client, EMAIL, "wrong password!!")
    sign_in(client, EMAIL)
    with app.app_context():
        actions = [e["action"] for e in get_store().audit.entries(newest_first=False)]
    assert "sign_in_failed" in actions
    assert actions[-1] == "sign_in"


def test_next_parameter_cannot_leave_the_site(app: Flask, client: FlaskClient) -> None:
    make_user(app, EMAIL, "business_unit")
    page = client.get("/sign-in?next=//evil.example.com/")
    response = client.post(
        "/sign-in?next=//evil.example.com/",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.headers["Location"] == "/"
