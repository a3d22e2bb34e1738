"""Bearer tokens: made and revoked on the command line; nothing else authenticates the API."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.auth import operations as accounts
from tests.api.conftest import api_user, bearer, create_token
from tests.conftest import make_user, sign_in


def test_token_made_on_the_command_line_opens_the_api(app: Flask, client: FlaskClient) -> None:
    make_user(app, "sam@agency.example.org", "agency_user")
    result = app.test_cli_runner().invoke(args=["tokens", "create", "sam@agency.example.org"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cspr_") and " " not in token
    response = client.get("/api/forms", headers=bearer(token))
    assert response.status_code == 200


def test_token_for_an_unknown_email_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["tokens", "create", "nobody@example.org"])
    assert result.exit_code == 1
    assert "There is no account for nobody@example.org" in result.output


@pytest.mark.parametrize("by", ["token", "short id"])
def test_revoked_token_gets_401(app: Flask, client: FlaskClient, by: str) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    assert client.get("/api/forms", headers=bearer(token)).status_code == 200
    listed = app.test_cli_runner().invoke(args=["tokens", "list"]).output
    key = token if by == "token" else listed.split("\t")[0]
    result = app.test_cli_runner().invoke(args=["tokens", "revoke", key])
    assert result.exit_code == 0, result.output
    assert "revoked" in result.output
    response = client.get("/api/forms", headers=bearer(token))
    assert response.status_code == 401
    assert response.json == {
        "error": "Send a valid API token in the Authorization header",
        "status": 401,
    }


def test_a_disabled_users_token_gets_401(app: Flask, client: FlaskClient) -> None:
    admin = make_user(app, "admin@testshire.example.org", "admin")
    user, token = api_user(app, "sam@agency.example.org", "agency_user")
    with app.app_context():
        accounts.set_disabled(admin, user["id"], True)
    assert client.get("/api/forms", headers=bearer(token)).status_code == 401
    with app.app_context():
        accounts.set_disabled(admin, user["id"], False)
    assert client.get("/api/forms", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer cspr_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer cspr_" + "x" * 500,
        "Token cspr_whatever",
    ],
)
def test_missing_or_bad_tokens_get_401_json(client: FlaskClient, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/forms", headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.json is not None
    assert response.json["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_another_scheme_with_a_real_token_gets_401(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    response = client.get("/api/forms", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_a_session_cookie_alone_gets_401(app: Flask, client: FlaskClient) -> None:
    make_user(app, "sam@agency.example.org", "agency_user")
    assert sign_in(client, "sam@agency.example.org").status_code == 302
    assert client.get("/").status_code == 200  # signed in on the website
    for path in ("/api/forms", "/api/forms/incident/schema", "/api/submissions/anything"):
        assert client.get(path).status_code == 401
    response = client.post("/api/forms/incident/submissions", json={"answers": {}})
    assert response.status_code == 401


def test_making_a_token_is_audited(app: Flask) -> None:
    make_user(app, "bu@testshire.example.org", "business_unit")
    create_token(app, "bu@testshire.example.org")
    with app.app_context():
        from cspr.storage import get_store

        entries = get_store().audit.entries(action="create", object_type="api_token")
    assert entries and entries[0]["details"] == {"email": "bu@testshire.example.org"}
