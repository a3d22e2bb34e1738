"""Fixtures for learning: a partnership with two agencies, a review and an action for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

from cspr.learning import operations as learning
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token, make_user, sign_in

AGENCY_A, AGENCY_B = "Testshire Community Health", "Testshire Primary School"
PDF = b"%PDF-1.4\n% an audit of 20 records\n"


@dataclass
class World:
    """The people, and one action owned by each of two agencies."""

    app: Flask
    people: dict[str, dict[str, Any]]
    review: dict[str, Any]
    mine: dict[str, Any]  # owned by agency A (the "nurse" and "colleague")
    theirs: dict[str, Any]  # owned by agency B (the "teacher")

    def client(self, who: str) -> FlaskClient:
        """Return a new client signed in as one of the people."""
        client = self.app.test_client()
        assert sign_in(client, self.people[who]["email"]).status_code == 302, who
        return client

    def action(self, action_id: str) -> dict[str, Any]:
        """Read an action as stored."""
        with self.app.app_context():
            found = get_store().get("learning_actions", action_id)
        assert found is not None
        return found


def upload(content: bytes = PDF, filename: str = "audit.pdf") -> FileStorage:
    """Return a file as a browser would send it."""
    return FileStorage(BytesIO(content), filename=filename)


def post(client: FlaskClient, url: str, files: dict[str, Any] | None = None,
         **data: str) -> Any:  # fmt: skip
    """Post a form with a CSRF token, as the page would."""
    token = csrf_token(client.get("/").text)
    return client.post(url, data={"csrf_token": token, **data, **(files or {})},
                       content_type="multipart/form-data" if files else None)  # fmt: skip


def people_of(app: Flask) -> dict[str, dict[str, Any]]:
    """Make one account for each part people play in an action plan."""
    return {
        "bu": make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit"),
        "chair": make_user(app, "chair@testshire.example.org", "chair", name="Cal Chair"),
        "partner": make_user(app, "la@testshire.example.org", "partner",
                             partner="local_authority", name="Lee Partner"),
        "nurse": make_user(app, "nurse@testshire.example.org", "agency_user", agency=AGENCY_A,
                           name="Nia Nurse"),
        "colleague": make_user(app, "hv@testshire.example.org", "agency_user",
                               agency=AGENCY_A, name="Hal Visitor"),
        "teacher": make_user(app, "dsl@testshire.example.org", "agency_user", agency=AGENCY_B,
                             name="Tam Teacher"),
        "admin": make_user(app, "admin@testshire.example.org", "admin", name="Ada Admin"),
    }  # fmt: skip


def make_world(app: Flask, due: date | None = None) -> World:
    """Record a thematic report with one recommendation and an action for each agency."""
    people = people_of(app)
    bu = people["bu"]
    due = due or uk_today() + timedelta(days=60)
    with app.app_context():
        review = learning.record_review(bu, "thematic", "Panel report: babies who are not yet "
                                        "mobile", "", None)  # fmt: skip
        review = learning.add_recommendation(bu, review["id"], "Share bruising concerns.")
        recommendation = review["recommendations"][0]["id"]
        mine, theirs = (
            learning.add_action(bu, review["id"], recommendation, text, people[who]["agency_id"],
                                "Sam Lead", "Named lead", due, "green")
            for who, text in (("nurse", "Train health visitors on bruising"),
                              ("teacher", "Brief school staff on bruising"))
        )  # fmt: skip
    return World(app, people, review, mine, theirs)


@pytest.fixture
def world(app: Flask) -> World:
    """Return the partnership with its two actions."""
    return make_world(app)
