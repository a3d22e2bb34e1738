"""The audit trail page: who may read it, and its filters."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user, sign_in


def test_chair_reads_and_filters_the_trail(app: Flask, client: FlaskClient) -> None:
    make_user(app, "bu@testshire.example.org", "business_unit")
    sign_in(app.test_client(), "bu@testshire.example.org", "wrong password!!")
    sign_in(app.test_client(), "bu@testshire.example.org")
    make_user(app, "chair@testshire.example.org", "chair")
    sign_in(client, "chair@testshire.example.org")
    page = client.get("/audit?action=sign_in_failed")
    assert page.status_code == 200
    assert "1 entries" in page.text
    assert "sign_in_failed" in page.text
    everything = client.get("/audit?user=bu@testshire.example.org")
    assert "sign_in" in everything.text
    assert client.get("/audit?since=2999-01-01").text.count("govuk-table__row") == 1  # header only
    assert client.get("/audit?since=not-a-date").status_code == 200


def test_reading_the_trail_is_itself_audited(app: Flask, admin_client: FlaskClient) -> None:
    admin_client.get("/audit")
    page = admin_client.get("/audit?object_type=audit_trail")
    assert "audit_trail" in page.text and "1 entries" in page.text


def test_only_admin_and_chair_may_read_it(app: Flask) -> None:
    for index, role in enumerate(["agency_user", "business_unit", "partner"]):
        client = app.test_client()
        make_user(app, f"u{index}@testshire.example.org", role)
        sign_in(client, f"u{index}@testshire.example.org")
        assert client.get("/audit").status_code == 403, role
    assert app.test_client().get("/audit").status_code == 302
