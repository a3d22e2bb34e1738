"""Sending a whole form through the API: 201, 422 with per-field messages, 400, 403, 404, 413."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.formengine import operations
from tests.api.conftest import answers, api_user, bearer

URL = "/api/forms/incident/submissions"


@pytest.fixture
def token(app: Flask) -> str:
    """Return a token for an agency user."""
    return api_user(app, "sam@agency.example.org", "agency_user")[1]


def test_valid_submission_is_stored_and_read_back(
    app: Flask, client: FlaskClient, token: str
) -> None:
    sent = client.post(URL, json={"answers": answers(), "declaration": True}, headers=bearer(token))
    assert sent.status_code == 201, sent.json
    body = sent.json
    assert set(body) == {"id", "reference"}
    assert body["reference"].startswith("SUB-")
    assert sent.headers["Location"] == f"/api/submissions/{body['id']}"
    read = client.get(sent.headers["Location"], headers=bearer(token))
    assert read.status_code == 200
    stored = read.json
    assert stored["answers"] == answers()
    assert list(stored["answers"]) == list(answers())  # kept in form order
    assert stored["id"] == body["id"] and stored["reference"] == body["reference"]
    assert (stored["form_id"], stored["form_version"], stored["status"]) == (
        "incident",
        1,
        "submitted",
    )
    assert stored["submitted_at"]
    assert set(stored) == {
        "id",
        "reference",
        "form_id",
        "form_version",
        "status",
        "answers",
        "submitted_at",
    }


def test_answers_are_tidied_before_storing(app: Flask, client: FlaskClient, token: str) -> None:
    tidy = answers(incident_type="death", siblings=[])
    sent = client.post(URL, json={"answers": tidy, "declaration": True}, headers=bearer(token))
    assert sent.status_code == 201, sent.json
    stored = client.get(sent.headers["Location"], headers=bearer(token)).json["answers"]
    assert "siblings" not in stored  # an empty list counts as not answered


def test_form_without_declaration_needs_none(app: Flask, client: FlaskClient, token: str) -> None:
    body = {"answers": {"comments": "The chronology was clear."}}
    sent = client.post("/api/forms/feedback/submissions", json=body, headers=bearer(token))
    assert sent.status_code == 201, sent.json


def test_invalid_answers_get_422_with_a_message_per_field(client: FlaskClient, token: str) -> None:
    bad = answers(
        child_name={"given_names": "Sam"},
        incident_type="flood",
        incident_date="2999-01-01",
        siblings=[{"name": ""}],
    )
    response = client.post(URL, json={"answers": bad, "declaration": False}, headers=bearer(token))
    assert response.status_code == 422
    assert response.json == {
        "error": "There is a problem with the answers",
        "status": 422,
        "errors": {
            "child_name.family_name": "The child's full name must include a family name",
            "incident_type": "Select the type of incident",
            "incident_date": "The date of the incident must be today or in the past",
            "siblings.0.name": "Enter the child's name",
            "declaration": "Confirm the declaration before you send the form",
        },
    }


def test_empty_answers_list_every_required_field(client: FlaskClient, token: str) -> None:
    response = client.post(URL, json={"answers": {}, "declaration": True}, headers=bearer(token))
    assert response.status_code == 422
    errors = response.json["errors"]
    assert list(errors) == ["child_name", "incident_type", "incident_date"]
    assert errors["incident_date"] == "Enter the date of the incident"


def test_file_answers_are_refused(client: FlaskClient, token: str) -> None:
    upload = {"file_id": "0" * 32, "filename": "a.pdf", "size": 10, "content_type": "x"}
    sneaky = answers(chronology=upload)
    response = client.post(
        URL, json={"answers": sneaky, "declaration": True}, headers=bearer(token)
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"chronology"}
    assert response.json["errors"]["chronology"].startswith("Files cannot be sent through the API")


def _post_raw(client: FlaskClient, token: str, data: bytes, content_type: str) -> Any:
    return client.post(URL, data=data, content_type=content_type, headers=bearer(token))


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (b'{"answers": {', "application/json", "The request body is not valid JSON: Expecting"),
        (b"", "application/json", "The request body is empty"),
        (b"[1, 2]", "application/json", "The request body must be a JSON object"),
        (b'"answers"', "application/json", "The request body must be a JSON object"),
        (b"null", "application/json", "The request body must be a JSON object"),
        (b'{"declaration": true}', "application/json", "Put the form's answers in an object"),
        (b'{"answers": []}', "application/json", "'answers' must be a JSON object"),
        (b'{"answers": "x"}', "application/json", "'answers' must be a JSON object"),
        (b'{"answers": {}, "declaration": "yes"}', "application/json", "'declaration' must be"),
        (b'{"child_name": {}}', "application/json", "The request body has an unknown key"),
        (b'{"answers": {"a": NaN}}', "application/json", "NaN is not a JSON number"),
        (b'{"answers": {"a": 1' + b"0" * 5000 + b"}}", "application/json", "a number is too long"),
        (b'{"answers": {"a": 1e400}}', "application/json", "the number 1e400 is too large"),
        (b'{"answers": {}, "answers": {}}', "application/json", "'answers' appears twice"),
        (b'{"answers": {"a": {"b": 1, "b": 2}}}', "application/json", "'b' appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "it nests too deeply"),
        (b'{"answers": "\xff"}', "application/json", "must be JSON written in UTF-8"),
        (b'{"answers": {}}', "text/plain", "Content-Type: application/json"),
        (b"answers=x", "application/x-www-form-urlencoded", "Content-Type: application/json"),
    ],
)
def test_unreadable_bodies_get_400_in_plain_english(
    client: FlaskClient, token: str, data: bytes, content_type: str, reason: str
) -> None:
    response = _post_raw(client, token, data, content_type)
    assert response.status_code == 400
    assert response.is_json
    assert response.json["status"] == 400
    assert reason in response.json["error"]
    assert "Traceback" not in response.text


def test_a_body_over_the_limit_gets_413_json(app: Flask, client: FlaskClient, token: str) -> None:
    app.config["API_MAX_BODY_BYTES"] = 1000
    body = {"answers": answers(siblings=[{"name": "x" * 2000}]), "declaration": True}
    response = client.post(URL, json=body, headers=bearer(token))
    assert response.status_code == 413
    assert response.json == {"error": "The file or form you sent is too large", "status": 413}


def test_unknown_form_is_404_before_the_body_is_read(client: FlaskClient, token: str) -> None:
    response = _post_raw(client, token, b"not json", "text/plain")
    assert response.status_code == 400
    response = client.post(
        "/api/forms/no_such_form/submissions", data=b"not json", headers=bearer(token)
    )
    assert response.status_code == 404
    assert response.json == {"error": "There is no form called 'no_such_form'", "status": 404}


def test_a_role_outside_the_forms_audience_gets_403(
    app: Flask, client: FlaskClient, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No shipped definition can set an audience yet (the meta-schema forbids the key), so
    # narrow the audience the way a future definition would.
    monkeypatch.setattr(operations, "audience", lambda definition: ["business_unit"])
    response = client.post(
        URL, json={"answers": answers(), "declaration": True}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert response.json == {
        "error": "Your role does not allow you to send this form",
        "status": 403,
    }


@pytest.mark.parametrize(
    "odd",
    [
        {"child_name": "Sam Example"},
        {"child_name": [1, 2]},
        {"siblings": "Alex"},
        {"siblings": [None, 3, "x", []]},
        {"incident_date": 20250314},
        {"incident_date": "14/03/2025"},
        {"incident_type": {"value": "death"}},
        {"nonsense": {"deep": [[[{"x": 1}]]]}},
        {"": ""},
    ],
)
def test_odd_answers_get_422_or_201_never_500(
    client: FlaskClient, token: str, odd: dict[str, Any]
) -> None:
    body = {"answers": {**answers(), **odd}, "declaration": True}
    response = client.post(URL, json=body, headers=bearer(token))
    assert response.status_code in (201, 422), response.text
    assert response.is_json


@pytest.mark.parametrize(
    "body",
    [
        b'{"answers": {"incident_type": "death\\ud800"}}',
        b'{"answers": {"siblings": [{"name": "Alex \\udfff"}]}}',
        b'{"answers": {"\\ud83d": "a key"}}',
        b'{"answers": {"child_name": {"given_names": "\\ude00\\ud83d", "family_name": "X"}}}',
    ],
)
def test_a_lone_surrogate_is_refused_before_a_reference_is_given_out(
    app: Flask, client: FlaskClient, token: str, body: bytes
) -> None:
    response = _post_raw(client, token, body, "application/json")
    assert response.status_code == 400
    assert response.json == {"error": response.json["error"], "status": 400}
    assert "only half of a character" in response.json["error"]
    with app.app_context():
        from cspr.storage import get_store

        assert get_store().count(operations.SUBMISSIONS) == 0
    # The counter did not move: the next good submission gets the first reference.
    good = client.post(URL, json={"answers": answers(), "declaration": True}, headers=bearer(token))
    assert good.status_code == 201, good.text
    assert good.json["reference"].endswith("-0001")


def test_a_character_written_as_a_surrogate_pair_is_accepted(
    client: FlaskClient, token: str
) -> None:
    named = answers(child_name={"given_names": "Sam \U0001f600", "family_name": "Example"})
    body = json.dumps({"answers": named, "declaration": True})  # the emoji as \ud83d\ude00
    assert "\\ud83d\\ude00" in body
    response = _post_raw(client, token, body.encode(), "application/json")
    assert response.status_code == 201, response.text
