"""A world for the case API tests: the shipped forms, one token for each part in the process."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cspr.storage import get_store
from tests.api.conftest import api_user, bearer, build_app
from tests.test_shipped_forms import COMPLETE

SHIPPED_FORMS = Path(__file__).resolve().parents[2] / "forms"
HEALTH = "Testshire Community Health"
PEOPLE: dict[str, tuple[str, dict[str, Any]]] = {
    "agency": ("agency_user", {"agency": HEALTH, "name": "Priya Shah"}),
    "colleague": ("agency_user", {"agency": HEALTH}),
    "other_agency": ("agency_user", {"agency": "Testshire Police Service"}),
    "bu": ("business_unit", {"name": "Bea Unit"}),
    "la": ("partner", {"partner": "local_authority", "name": "Lee Authority"}),
    "police": ("partner", {"partner": "police", "name": "Pat Police"}),
    "icb": ("partner", {"partner": "icb", "name": "Ira Board"}),
    "chair": ("chair", {}),
    "admin": ("admin", {}),
}
NO_SUCH_CASE = {
    "error": "There is no case with that reference, or you do not have access to it",
    "status": 404,
}


@dataclass
class World:
    """An app on the shipped forms, with a token for each person; calls the API as them."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    reference: str = ""  # the case most tests work on

    def get(self, who: str, url: str) -> TestResponse:
        """GET an API address as one of the people."""
        return self.client.get(url, headers=bearer(self.tokens[who]))

    def post(self, who: str, url: str, body: Any) -> TestResponse:
        """POST a JSON body to an API address as one of the people."""
        return self.client.post(url, json=body, headers=bearer(self.tokens[who]))

    def case(self, who: str, reference: str) -> dict[str, Any]:
        """Read a case through the API, insisting it answers 200."""
        response = self.get(who, f"/api/cases/{reference}")
        assert response.status_code == 200, response.json
        found: dict[str, Any] = response.json
        return found

    def refer(self, who: str = "agency", **changes: Any) -> str:
        """Send a complete referral through the API; return the reference of the case it opens."""
        answers = {**copy.deepcopy(COMPLETE["referral"]), **changes}
        sent = self.post(who, "/api/forms/referral/submissions",
                         {"answers": answers, "declaration": True})  # fmt: skip
        assert sent.status_code == 201, sent.json
        with self.app.app_context():
            case = get_store().find_one("cases", {"referral_id": sent.json["id"]})
        assert case is not None
        return str(case["reference"])

    def audit(self, **where: Any) -> list[dict[str, Any]]:
        """Return the audit entries matching the filters."""
        with self.app.app_context():
            return get_store().audit.entries(limit=None, **where)


def build_world(root: Path) -> World:
    """Make the app on the shipped forms and a token for each person."""
    app = build_app(root / "data", SHIPPED_FORMS)
    world = World(app=app, client=app.test_client())
    for who, (role, extra) in PEOPLE.items():
        email = f"{who}@testshire.example.org"
        world.emails[who] = email
        world.tokens[who] = api_user(app, email, role, **dict(extra))[1]
    return world


def tasks_by_key(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the case's tasks by key, across its stages."""
    return {task["key"]: task for section in case["tasks"] for task in section["tasks"]}


def deadlines_by_key(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the case's deadlines by key."""
    return {deadline["key"]: deadline for deadline in case["deadlines"]}
