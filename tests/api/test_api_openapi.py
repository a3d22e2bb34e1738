"""The OpenAPI document: valid 3.1, public, and covering every route under /api."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, ValidationError
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from cspr.api.openapi import openapi_document
from cspr.storage import close_store
from tests.api.case_support import build_world
from tests.api.conftest import answers, api_user, bearer

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_operations(app: Flask) -> set[tuple[str, str]]:
    """Return (OpenAPI path, method) for every rule under /api in the URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - IGNORED_METHODS:
            found.add((path, method.lower()))
    return found


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    """Return (path, method) for every operation in the document."""
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }


def test_document_is_served_without_a_token(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == openapi_document()
    assert response.headers["Content-Security-Policy"]


def test_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1.")
    validate(document)


def test_the_validator_notices_a_broken_document() -> None:
    broken = copy.deepcopy(openapi_document())
    broken["paths"]["/api/forms"]["get"]["responses"]["200"] = {"content": {}}  # no description
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_api_route_is_documented_and_nothing_else(app: Flask) -> None:
    routes = api_operations(app)
    assert ("/api/forms/{form_id}/submissions", "post") in routes
    assert routes == documented_operations(openapi_document())


def test_bearer_scheme_applies_to_everything_but_the_document() -> None:
    document = openapi_document()
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearerAuth": []}]
    for path, method in documented_operations(document):
        operation = document["paths"][path][method]
        if path == "/api/openapi.json":
            assert operation["security"] == []
        else:
            assert "security" not in operation
            assert "401" in operation["responses"]


def test_submitting_documents_every_error_it_can_give() -> None:
    operation = openapi_document()["paths"]["/api/forms/{form_id}/submissions"]["post"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "413", "422"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SubmissionRequest"}


def conforms(document: dict[str, Any], name: str, body: Any) -> None:
    """Check a real response body against a schema of the document."""
    schema = {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
    Draft202012Validator(schema).validate(body)


def test_real_answers_match_the_documented_schemas(app: Flask, client: FlaskClient) -> None:
    document = openapi_document()
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    auth = bearer(token)
    conforms(document, "Error", client.get("/api/forms").json)
    conforms(document, "FormList", client.get("/api/forms", headers=auth).json)
    conforms(document, "JsonSchema", client.get("/api/forms/incident/schema", headers=auth).json)
    url = "/api/forms/incident/submissions"
    conforms(
        document, "ValidationErrors", client.post(url, json={"answers": {}}, headers=auth).json
    )
    conforms(document, "Error", client.post(url, json=[], headers=auth).json)
    sent = client.post(url, json={"answers": answers(), "declaration": True}, headers=auth)
    conforms(document, "SubmissionCreated", sent.json)
    conforms(document, "Submission", client.get(sent.headers["Location"], headers=auth).json)
    conforms(document, "Error", client.get("/api/submissions/nope", headers=auth).json)
    example = document["components"]["responses"]["Unauthorized"]["content"]
    assert client.get("/api/forms").json == example["application/json"]["example"]


def test_case_answers_match_the_documented_schemas(tmp_path: Path) -> None:
    document = openapi_document()
    world = build_world(tmp_path)
    try:
        ref = world.refer("agency")
        url = f"/api/cases/{ref}"
        conforms(document, "CaseList", world.get("bu", "/api/cases").json)
        conforms(document, "CaseList", world.get("agency", "/api/cases").json)
        conforms(document, "CaseRecord", world.get("bu", url).json)
        conforms(document, "CaseStatus", world.get("agency", url).json)
        conforms(document, "Case", world.get("chair", url).json)
        conforms(document, "CaseChanged",
                 world.post("bu", f"{url}/moves", {"to": "consideration"}).json)
        conforms(document, "CaseChanged", world.post("la", f"{url}/views", {
            "view": "notifiable", "rationale": "Neglect is suspected here."}).json)
        conforms(document, "CaseRefusal",
                 world.post("la", f"{url}/views", {"view": "notifiable"}).json)
        conforms(document, "Error", world.post("bu", f"{url}/sign-offs", {}).json)
        conforms(document, "Error", world.get("other_agency", url).json)
        conforms(document, "ValidationErrors", world.post("bu", f"{url}/submissions", {
            "form_id": "notification", "answers": {}}).json)
        conforms(document, "CaseRecord", world.get("bu", url).json)
    finally:
        close_store(world.app)
    # A status-only answer is not a whole case, and a whole case is not a status.
    with pytest.raises(ValidationError):
        conforms(document, "CaseRecord", {"reference": ref, "stage": "referral",
                                          "stage_label": "Referral"})  # fmt: skip


def test_every_case_change_documents_its_refusals() -> None:
    paths = openapi_document()["paths"]
    for change in ("dates", "moves", "views", "notification", "sign-offs"):
        operation = paths[f"/api/cases/{{reference}}/{change}"]["post"]
        assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "413", "422"}
