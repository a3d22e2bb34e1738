"""Listing forms and reading the JSON Schema of a form's live version."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from cspr.storage import close_store
from tests.api.conftest import FEEDBACK, INCIDENT, api_user, bearer, build_app, write_forms


def test_list_forms_gives_id_title_and_version(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    response = client.get("/api/forms", headers=bearer(token))
    assert response.status_code == 200
    assert response.json == {
        "forms": [
            {"id": "feedback", "title": "Feedback on a review", "version": 3},
            {"id": "incident", "title": "Serious incident notification", "version": 1},
        ]
    }


def test_schema_is_json_schema_2020_12_in_form_order(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    response = client.get("/api/forms/incident/schema", headers=bearer(token))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    schema = response.json
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:cspr:form:incident:v1"
    assert list(schema["properties"]) == [
        "child_name",
        "incident_type",
        "incident_date",
        "siblings",
        "chronology",
    ]
    assert schema["required"] == ["child_name", "incident_type", "incident_date"]


def test_schema_follows_the_live_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = build_app(data, write_forms(tmp_path / "v1", INCIDENT, FEEDBACK))
    close_store(first)
    newer = {**INCIDENT, "version": 2, "title": "Serious incident notification (2026)"}
    app = build_app(data, write_forms(tmp_path / "v2", newer, FEEDBACK))
    try:
        _, token = api_user(app, "sam@agency.example.org", "agency_user")
        client = app.test_client()
        schema = client.get("/api/forms/incident/schema", headers=bearer(token)).json
        assert schema["$id"] == "urn:cspr:form:incident:v2"
        assert schema["title"] == "Serious incident notification (2026)"
        listed = client.get("/api/forms", headers=bearer(token)).json["forms"]
        assert {"id": "incident", "title": newer["title"], "version": 2} in listed
    finally:
        close_store(app)


def test_schema_of_an_unknown_form_is_404_json(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    response = client.get("/api/forms/no_such_form/schema", headers=bearer(token))
    assert response.status_code == 404
    assert response.json == {"error": "There is no form called 'no_such_form'", "status": 404}


def test_unknown_api_paths_and_methods_answer_json(app: Flask, client: FlaskClient) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    missing = client.get("/api/nothing-here", headers=bearer(token))
    assert missing.status_code == 404 and missing.is_json
    wrong_method = client.delete("/api/forms", headers=bearer(token))
    assert wrong_method.status_code == 405 and wrong_method.is_json
    assert wrong_method.json["status"] == 405
