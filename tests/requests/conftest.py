"""Fixtures for information requests: a real SMTP server, the people, a case under review."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.casework import cases, clock
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import give_views, move, notify
from tests.conftest import make_user, sign_in

# The app sending to a real SMTP server, and cheap password hashes, as the mail tests have them.
from tests.mail.conftest import app as app  # noqa: F401
from tests.mail.conftest import cheap_password_hashes as cheap_password_hashes  # noqa: F401
from tests.mail.conftest import smtp as smtp  # noqa: F401
from tests.test_shipped_forms import COMPLETE

HEALTH = "Testshire Community Health"
SCHOOL = "Testshire Primary School"
POLICE = "Testshire Police"
# A complete agency summary, as a contributor would send it.
SUMMARY: dict[str, Any] = COMPLETE["agency_summary"]


@pytest.fixture
def people(app: Flask) -> dict[str, dict[str, Any]]:
    """Make the business unit, partners, the chair and staff of three agencies."""
    return {
        "bu": make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit"),
        "la": make_user(app, "la@testshire.example.org", "partner", partner="local_authority"),
        "police": make_user(app, "police@testshire.example.org", "partner", partner="police"),
        "icb": make_user(app, "icb@testshire.example.org", "partner", partner="icb"),
        "chair": make_user(app, "chair@testshire.example.org", "chair"),
        "admin": make_user(app, "admin@testshire.example.org", "admin", name="Ada Admin"),
        "nurse": make_user(app, "nurse@health.example.org", "agency_user", agency=HEALTH,
                           name="Nina Nurse"),
        "nurse2": make_user(app, "second@health.example.org", "agency_user", agency=HEALTH,
                            name="Sam Second"),
        "teacher": make_user(app, "dsl@school.example.org", "agency_user", agency=SCHOOL,
                             name="Tess Teacher"),
        "officer": make_user(app, "pc@police.example.org", "agency_user", agency=POLICE,
                             name="Omar Officer"),
    }  # fmt: skip


def referral_sent(app: Flask, user: dict[str, Any]) -> dict[str, Any]:
    """Send the shipped complete referral as the user; return the case it opened."""
    from cspr.formengine import operations as form_ops

    with app.app_context():
        draft = form_ops.start_draft(user, "referral")
        form_ops.save_answers(user, draft["id"], copy.deepcopy(COMPLETE["referral"]))
        sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
        assert errors == {}, errors
        assert sent is not None
        return get_store().find_one(cases.CASES, {"referral_id": sent["id"]})


def case_under_review(app: Flask, people: dict[str, Any], notified: date | None = None,
                      by: str = "officer") -> dict[str, Any]:  # fmt: skip
    """Open a case from a referral and take it to the rapid review, notified on a date."""
    case = referral_sent(app, people[by])
    move(app, people["bu"], case["id"], "consideration")
    give_views(app, people, case["id"], {"la": True, "police": True, "icb": True})
    notify(app, people, case["id"], notified or clock.add_working_days(uk_today(), -2))
    move(app, people["bu"], case["id"], "notified")
    return move(app, people["bu"], case["id"], "rapid_review")


def agency_id(app: Flask, name: str) -> str:
    """Return the id of an agency on the list."""
    from cspr.auth.agencies import find_agency_by_name

    with app.app_context():
        found = find_agency_by_name(name)
        assert found is not None
        return str(found["id"])


def signed_in(app: Flask, user: dict[str, Any]) -> FlaskClient:
    """Return a client signed in as the user."""
    client = app.test_client()
    assert sign_in(client, user["email"]).status_code == 302
    return client
