"""GET /api/working-days: due dates and counts over the token-authenticated API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from cspr import create_app
from cspr.api.openapi import openapi_document
from cspr.casework import calendar_settings
from cspr.storage import close_store
from tests.api.conftest import api_user, bearer

URL = "/api/working-days"
BAD_FROM = "'from' must be a real date written like 2026-12-24"
BAD_DAYS = "'days' must be a whole number from 0 to 400"


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return one app for the tests that change nothing (tokens take a while to make)."""
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("clock-api") / "data"),
            "PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    yield application
    close_store(application)


@pytest.fixture(scope="module")
def auth(shared_app: Flask) -> dict[str, str]:
    """Return the Authorization header of an agency user's token."""
    _, token = api_user(shared_app, "sam@health.example.org", "agency_user")
    return bearer(token)


@pytest.fixture
def api(shared_app: Flask) -> FlaskClient:
    """Return a client for the shared app."""
    return shared_app.test_client()


def conforms(name: str, body: object) -> None:
    """Check a response body against a schema of the OpenAPI document."""
    document = openapi_document()
    schema = {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
    Draft202012Validator(schema).validate(body)


def test_due_date_from_a_number_of_days(api: FlaskClient, auth: dict[str, str]) -> None:
    response = api.get(URL, query_string={"from": "2026-12-24", "days": "5"}, headers=auth)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {"from": "2026-12-24", "days": 5, "due": "2027-01-05"}
    conforms("WorkingDaysDue", response.json)


def test_zero_days_and_the_largest_number(api: FlaskClient, auth: dict[str, str]) -> None:
    zero = api.get(URL, query_string={"from": "2026-12-26", "days": "0"}, headers=auth)
    assert zero.json == {"from": "2026-12-26", "days": 0, "due": "2026-12-26"}
    most = api.get(URL, query_string={"from": "2026-01-01", "days": "400"}, headers=auth)
    assert most.status_code == 200


def test_count_between_two_dates(api: FlaskClient, auth: dict[str, str]) -> None:
    response = api.get(URL, query_string={"from": "2026-12-24", "to": "2027-01-05"}, headers=auth)
    assert response.status_code == 200
    assert response.json == {"from": "2026-12-24", "to": "2027-01-05", "working_days": 5}
    conforms("WorkingDaysCount", response.json)
    back = api.get(URL, query_string={"from": "2027-01-05", "to": "2026-12-24"}, headers=auth)
    assert back.json["working_days"] == -5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Send 'from', a date written like 2026-12-24"),
        ({"days": "5"}, "Send 'from', a date written like 2026-12-24"),
        ({"from": "24/12/2026", "days": "5"}, BAD_FROM),
        ({"from": "2026-02-30", "days": "5"}, BAD_FROM),
        ({"from": "20261224", "days": "5"}, BAD_FROM),
        ({"from": "1999-12-31", "days": "5"},
         "'from' must be a date from 2000-01-01 to 2099-12-31"),
        ({"from": "2026-12-24"}, "Send 'days' (a number of working days) or 'to' (a second "
                                 "date) with 'from'"),
        ({"from": "2026-12-24", "days": "5", "to": "2027-01-05"},
         "Send 'days' or 'to' with 'from', not both"),
        ({"from": "2026-12-24", "days": "five"}, BAD_DAYS),
        ({"from": "2026-12-24", "days": "-1"}, BAD_DAYS),
        ({"from": "2026-12-24", "days": "401"}, BAD_DAYS),
        ({"from": "2026-12-24", "days": "2.5"}, BAD_DAYS),
        ({"from": "2026-12-24", "days": "9" * 5000}, BAD_DAYS),
        ({"from": "2026-12-24", "to": "soon"}, "'to' must be a real date written like 2026-12-24"),
    ],
)  # fmt: skip
def test_bad_parameters_get_400(
    api: FlaskClient, auth: dict[str, str], query: dict[str, str], message: str
) -> None:
    response = api.get(URL, query_string=query, headers=auth)
    assert response.status_code == 400
    assert response.json == {"error": message, "status": 400}
    conforms("Error", response.json)


def test_a_token_is_needed(api: FlaskClient) -> None:
    response = api.get(URL, query_string={"from": "2026-12-24", "days": "5"})
    assert response.status_code == 401
    assert response.json == {"error": "Send a valid API token in the Authorization header",
                             "status": 401}  # fmt: skip
    assert "Bearer" in response.headers["WWW-Authenticate"]
    wrong = api.get(URL, query_string={"from": "2026-12-24", "days": "5"},
                    headers=bearer("cspr_not-a-real-token"))  # fmt: skip
    assert wrong.status_code == 401


def test_a_session_cookie_does_not_count(app: Flask, admin_client: FlaskClient) -> None:
    response = admin_client.get(URL, query_string={"from": "2026-12-24", "days": "5"})
    assert response.status_code == 401


def test_closure_days_and_the_counting_rule_apply(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "ada@testshire.example.org", "admin")
    headers = bearer(token)
    with app.app_context():
        calendar_settings.add_closure_day(None, date(2026, 12, 29), "Office move")
    due = client.get(URL, query_string={"from": "2026-12-24", "days": "5"}, headers=headers)
    assert due.json["due"] == "2027-01-06"
    count = client.get(
        URL, query_string={"from": "2026-12-24", "to": "2027-01-05"}, headers=headers
    )
    assert count.json["working_days"] == 4
    with app.app_context():
        calendar_settings.set_start_is_day_zero(None, False)
    due = client.get(URL, query_string={"from": "2026-12-24", "days": "5"}, headers=headers)
    assert due.json["due"] == "2027-01-05"
    count = client.get(
        URL, query_string={"from": "2026-12-24", "to": "2027-01-05"}, headers=headers
    )
    assert count.json["working_days"] == 5  # 24, 30, 31 December, 4 and 5 January


def test_the_endpoint_is_documented() -> None:
    operation = openapi_document()["paths"]["/api/working-days"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401"}
    assert [p["name"] for p in operation["parameters"]] == ["from", "days", "to"]
