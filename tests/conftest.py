"""Shared fixtures: an app on a temporary data directory, clients and signed-in users."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr import create_app
from cspr.storage import close_store

PASSWORD = "correct horse battery staple"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True, scope="session")
def _keys_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the backup key that commands make (in this process or a child) out of $HOME."""
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app whose data lives in a fresh temporary directory."""
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    yield application
    close_store(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client for the app."""
    return app.test_client()


def csrf_token(html: str) -> str:
    """Find the CSRF token in a rendered form."""
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def make_user(app: Flask, email: str, role: str, **extra: Any) -> dict[str, Any]:
    """Create an account with the standard test password."""
    from cspr.auth import agencies, operations

    with app.app_context():
        if role == "agency_user" and "agency_id" not in extra:
            name = extra.pop("agency", "Testshire Community Health")
            agency = agencies.find_agency_by_name(name) or agencies.add_agency(None, name)
            extra["agency_id"] = agency["id"]
        if role == "partner":
            extra.setdefault("partner", "police")
        user, _ = operations.create_user(None, email, role, password=PASSWORD, **extra)
        return user


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the real form, CSRF token and all."""
    page = client.get("/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
    )


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return a client signed in as an administrator."""
    make_user(app, "admin@testshire.example.org", "admin", name="Ada Admin")
    response = sign_in(client, "admin@testshire.example.org")
    assert response.status_code == 302
    return client
