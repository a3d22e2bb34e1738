"""Reading submissions: need-to-know as on the website, 404 for "missing" and "not yours"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.formengine import operations
from cspr.storage import close_store, get_store
from tests.api.conftest import (
    FEEDBACK,
    INCIDENT,
    answers,
    api_user,
    bearer,
    build_app,
    write_forms,
)

NOT_FOUND = {
    "error": "There is no submission with that id, or you do not have access to it",
    "status": 404,
}


@dataclass
class World:
    """One app with a sent submission and a draft by agency A, and tokens for several users."""

    app: Flask
    client: FlaskClient
    submission_id: str = ""
    draft_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def read(self, who: str, submission_id: str) -> Any:
        """GET a submission as one of the users."""
        return self.client.get(
            f"/api/submissions/{submission_id}", headers=bearer(self.tokens[who])
        )

    def audit(self, **where: Any) -> list[dict[str, Any]]:
        """Return audit entries matching the filters."""
        with self.app.app_context():
            return get_store().audit.entries(limit=None, **where)


READERS: dict[str, tuple[str, dict[str, Any]]] = {
    "author": ("agency_user", {"agency": "Testshire Community Health"}),
    "colleague": ("agency_user", {"agency": "Testshire Community Health"}),
    "other_agency": ("agency_user", {"agency": "Testshire Police"}),
    "business_unit": ("business_unit", {}),
    "partner": ("partner", {}),
    "chair": ("chair", {}),
    "admin": ("admin", {}),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Build the world once: these tests only read, and making accounts is slow."""
    root = tmp_path_factory.mktemp("access")
    app = build_app(root / "data", write_forms(root / "forms", INCIDENT, FEEDBACK))
    built = World(app=app, client=app.test_client())
    for who, (role, extra) in READERS.items():
        email = f"{who}@testshire.example.org"
        built.emails[who] = email
        built.tokens[who] = api_user(app, email, role, **extra)[1]
    sent = built.client.post(
        "/api/forms/incident/submissions",
        json={"answers": answers(), "declaration": True},
        headers=bearer(built.tokens["author"]),
    )
    assert sent.status_code == 201, sent.json
    built.submission_id = sent.json["id"]
    with app.test_request_context():
        author = get_store().find_one("users", {"email": built.emails["author"]})
        assert author is not None
        built.draft_id = operations.start_draft(author, "incident")["id"]
    yield built
    close_store(app)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("author", 200),
        ("colleague", 200),
        ("other_agency", 404),
        ("business_unit", 200),
        ("partner", 200),
        ("chair", 200),
        ("admin", 404),
    ],
)
def test_who_may_read_a_sent_submission(world: World, who: str, status: int) -> None:
    response = world.read(who, world.submission_id)
    assert response.status_code == status
    if status == 404:
        assert response.json == NOT_FOUND
    else:
        assert response.json["answers"] == answers()


@pytest.mark.parametrize(
    ("who", "status"), [("author", 200), ("colleague", 404), ("business_unit", 404), ("chair", 404)]
)
def test_a_draft_is_its_authors_alone(world: World, who: str, status: int) -> None:
    response = world.read(who, world.draft_id)
    assert response.status_code == status
    if status == 200:
        assert response.json["status"] == "draft"
        assert response.json["reference"] is None and response.json["submitted_at"] is None
    else:
        assert response.json == NOT_FOUND


@pytest.mark.parametrize("missing", ["does-not-exist", "x" * 201, "..", "%00", "a b"])
def test_a_missing_id_looks_the_same_as_one_you_may_not_see(world: World, missing: str) -> None:
    response = world.read("business_unit", missing)
    assert response.status_code == 404
    assert response.json == NOT_FOUND


def test_a_view_is_written_to_the_audit_trail(world: World) -> None:
    assert world.read("colleague", world.submission_id).status_code == 200
    views = world.audit(
        action="view", object_id=world.submission_id, user=world.emails["colleague"]
    )
    assert views, "the colleague's view was not audited"
    assert views[0]["object_type"] == "submission"


def test_a_refused_read_writes_no_view(world: World) -> None:
    assert world.read("other_agency", world.submission_id).status_code == 404
    assert world.audit(action="view", user=world.emails["other_agency"]) == []


def test_the_submission_is_recorded_as_its_tokens_user(world: World) -> None:
    submits = world.audit(action="submit", object_id=world.submission_id)
    assert [entry["user"] for entry in submits] == [world.emails["author"]]
    with world.app.app_context():
        stored = get_store().get("submissions", world.submission_id)
        author = get_store().find_one("users", {"email": world.emails["author"]})
    assert stored is not None and author is not None
    assert stored["owner_id"] == author["id"]
    assert stored["agency_id"] == author["agency_id"]
