"""Export fixtures: the demo partnership built once, copied afresh for each test."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from werkzeug.test import TestResponse

from cspr import create_app
from cspr.demo.run import DEMO_PASSWORD
from cspr.storage import close_store
from tests.conftest import csrf_token, sign_in

EMAILS = {
    "bu": "bu@demo.example.org",
    "chair": "chair@demo.example.org",
    "partner": "la@demo.example.org",
    "health": "nurse@health.demo.example.org",
    "school": "dsl@school.demo.example.org",
    "admin": "admin@demo.example.org",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _config(data_dir: Path, **extra: Any) -> dict[str, Any]:
    """Return a test configuration on a data directory."""
    return {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "PARTNERSHIP_NAME": "Exampleshire Safeguarding Children Partnership",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        **extra,
    }


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo partnership once: 18 cases at every stage, every form sent."""
    data_dir = tmp_path_factory.mktemp("exports-demo") / "data"
    app = create_app(_config(data_dir))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    close_store(app)
    return data_dir


def demo_copy(demo_data: Path, tmp_path: Path, **config: Any) -> Flask:
    """Return an app on a private copy of the demo data."""
    data_dir = tmp_path / "data"
    shutil.copytree(demo_data, data_dir)
    return create_app(_config(data_dir, **config))


@pytest.fixture
def app(demo_data: Path, tmp_path: Path) -> Iterator[Flask]:
    """Return an app on a fresh copy of the demo partnership."""
    application = demo_copy(demo_data, tmp_path)
    yield application
    close_store(application)


@pytest.fixture
def login(app: Flask) -> Callable[[str], FlaskClient]:
    """Return a function that signs a demo user in on a new client."""

    def signed_in(who: str) -> FlaskClient:
        client = app.test_client()
        assert sign_in(client, EMAILS[who], DEMO_PASSWORD).status_code == 302, who
        return client

    return signed_in


def token(client: FlaskClient) -> str:
    """Return a CSRF token from the exports page, or the home page for those without it."""
    page = client.get("/exports")
    return csrf_token(page.text if page.status_code == 200 else client.get("/").text)


def post(client: FlaskClient, url: str, **data: str) -> TestResponse:
    """Send a form with a fresh CSRF token."""
    return client.post(url, data={"csrf_token": token(client), **data})


def workbook(response: TestResponse) -> Workbook:
    """Open a downloaded workbook."""
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def user_of(app: Flask, who: str) -> dict[str, Any]:
    """Return a demo user's stored account."""
    from cspr.storage import get_store

    with app.app_context():
        found = get_store().find_one("users", {"email": EMAILS[who]})
    assert found is not None
    return found
