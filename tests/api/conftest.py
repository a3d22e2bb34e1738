"""Fixtures for the API tests: an app with test forms, users and tokens made on the CLI."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr import create_app
from cspr.storage import close_store
from tests.conftest import make_user

DECLARATION = {
    "text": "The information I have given is correct to the best of my knowledge.",
    "label": "I confirm the information is correct",
}
INCIDENT: dict[str, Any] = {
    "id": "incident",
    "title": "Serious incident notification",
    "version": 1,
    "declaration": DECLARATION,
    "pages": [
        {
            "id": "child",
            "title": "The child",
            "fields": [
                {"name": "child_name", "type": "person_name", "label": "Child's full name",
                 "required": True, "error_name": "the child's full name"},
                {"name": "incident_type", "type": "radios", "label": "Type of incident",
                 "required": True, "error_name": "the type of incident",
                 "options": [{"value": "death", "label": "Death"},
                             {"value": "serious_harm", "label": "Serious harm"}]},
                {"name": "incident_date", "type": "date", "label": "Date of the incident",
                 "required": True, "error_name": "the date of the incident",
                 "validation": {"not_in_future": True}},
            ],
        },
        {
            "id": "others",
            "title": "Other children and documents",
            "fields": [
                {"name": "siblings", "type": "repeating_group", "label": "Brothers and sisters",
                 "item_label": "Child", "min_items": 0, "max_items": 3,
                 "fields": [
                     {"name": "name", "type": "short_text", "label": "Name", "required": True,
                      "error_name": "the child's name"},
                     {"name": "school", "type": "short_text", "label": "School"},
                 ]},
                {"name": "chronology", "type": "file", "label": "Upload a chronology",
                 "error_name": "a chronology",
                 "validation": {"max_size_mb": 10, "accept": [".pdf", ".docx"]}},
            ],
        },
    ],
}
FEEDBACK: dict[str, Any] = {
    "id": "feedback",
    "title": "Feedback on a review",
    "version": 3,
    "pages": [
        {
            "id": "main",
            "title": "Your feedback",
            "fields": [
                {"name": "comments", "type": "long_text", "label": "Your comments",
                 "required": True, "error_name": "your comments",
                 "validation": {"max_length": 200}},
            ],
        }
    ],
}
VALID_ANSWERS: dict[str, Any] = {
    "child_name": {"given_names": "Sam", "family_name": "Example"},
    "incident_type": "serious_harm",
    "incident_date": "2025-03-14",
    "siblings": [{"name": "Alex"}],
}


def write_forms(folder: Path, *definitions: dict[str, Any]) -> Path:
    """Write definitions as JSON files into a fresh forms folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for definition in definitions:
        (folder / f"{definition['id']}.json").write_text(json.dumps(definition), "utf-8")
    return folder


def build_app(data_dir: Path, forms_dir: Path) -> Flask:
    """Create the real app on a data directory, syncing the forms in forms_dir."""
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "FORMS_DIR": str(forms_dir),
            "PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app (overriding the shared fixture) that publishes the test forms."""
    forms = write_forms(tmp_path / "forms", INCIDENT, FEEDBACK)
    application = build_app(tmp_path / "data", forms)
    yield application
    close_store(application)


def create_token(app: Flask, email: str) -> str:
    """Make a token with `flask tokens create EMAIL` and return it."""
    result = app.test_cli_runner().invoke(args=["tokens", "create", email])
    assert result.exit_code == 0, result.output
    token: str = result.output.strip().splitlines()[-1]
    return token


def api_user(app: Flask, email: str, role: str, **extra: Any) -> tuple[dict[str, Any], str]:
    """Create an account and a token for it; return (user, token)."""
    user = make_user(app, email, role, **extra)
    return user, create_token(app, email)


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def answers(**changes: Any) -> dict[str, Any]:
    """Return a copy of the valid answers with some changed (None removes one)."""
    result = copy.deepcopy(VALID_ANSWERS)
    for name, value in changes.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result
