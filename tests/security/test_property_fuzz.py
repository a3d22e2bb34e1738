"""Property-based fuzzing of submissions through the real endpoints: no 5xx, readable errors."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr import create_app
from cspr.api import tokens
from cspr.storage import close_store
from tests.conftest import csrf_token, make_user, sign_in

EXAMPLES = Path(__file__).resolve().parents[2] / "forms" / "examples"
EVERY_FIELD = json.loads((EXAMPLES / "every_field.json").read_text())
FIELD_NAMES = [f["name"] for p in EVERY_FIELD["pages"] for f in p["fields"]]
JARGON = re.compile(r"is not valid under|is a required property|Traceback|\bNone\b|jsonschema")
SETTINGS = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
answers = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(max_size=12), json_values, max_size=8
)


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    """An app serving the example forms, with one agency user signed in and a token."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": tempfile.mkdtemp(prefix="cspr-pfuzz-"),
            "FORMS_DIR": str(EXAMPLES),
            "LOGIN_RATE_LIMIT": "10000 per minute",
        }
    )
    make_user(app, "fuzz@testshire.example.org", "agency_user")
    with app.app_context():
        app.config["FUZZ_TOKEN"] = tokens.create_token("fuzz@testshire.example.org")[0]
    yield app
    close_store(app)


@pytest.fixture(scope="module")
def web(fuzz_app: Flask) -> tuple[FlaskClient, str]:
    """Return a signed-in client and the URL of a draft's incident page."""
    client = fuzz_app.test_client()
    sign_in(client, "fuzz@testshire.example.org")
    token = csrf_token(client.get("/forms").text)
    first = client.post("/forms/every_field/start", data={"csrf_token": token}).headers["Location"]
    return client, first.rsplit("/", 1)[0]


def test_api_answers_never_crash_and_errors_read_well(fuzz_app: Flask) -> None:
    client = fuzz_app.test_client()
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}

    @SETTINGS
    @given(body=answers, declared=st.booleans())
    def check(body: dict[str, Any], declared: bool) -> None:
        response = client.post(
            "/api/forms/every_field/submissions",
            json={"answers": body, "declaration": declared},
            headers=headers,
        )
        assert response.status_code in (201, 400, 422), response.text
        if response.status_code == 422:
            for path, message in response.json["errors"].items():
                assert message and message[0].isupper() and not JARGON.search(message), (
                    path,
                    message,
                )

    check()


def test_web_pages_never_crash_on_any_form_data(web: tuple[FlaskClient, str]) -> None:
    client, draft = web
    token = csrf_token(client.get(f"{draft}/incident").text)
    keys = st.sampled_from(
        [
            "outcome",
            "date_of_death-day",
            "date_of_death-month",
            "date_of_death-year",
            "incident_date-day",
            "incident_date-month",
            "incident_date-year",
            "summary",
            "agencies_involved",
            "hours_in_hospital",
            "la_aware_date-year",
            "action",
            "other_children-0-age",
            "other_children-7-name",
            "nonsense",
        ]
    )
    values = st.text(max_size=40) | st.sampled_from(
        [
            "died",
            "harmed",
            "31",
            "2",
            "2026",
            "add:other_children",
            "remove:other_children:9",
            "save",
            "continue",
            "-1",
            "1e400",
            "NaN",
        ]
    )

    @SETTINGS
    @given(
        page=st.sampled_from(["about-you", "child", "incident", "others", "check"]),
        data=st.dictionaries(keys, values, max_size=8),
    )
    def check(page: str, data: dict[str, str]) -> None:
        if data.get("action") == "save":
            data["action"] = "continue"  # keep the draft in place for the next example
        response = client.post(f"{draft}/{page}", data={**data, "csrf_token": token})
        assert response.status_code in (200, 302), (page, data, response.status_code)
        assert "Traceback" not in response.text

    check()
