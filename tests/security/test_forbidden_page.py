"""The 'no permission' page is worded for the reader's role."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from tests.conftest import make_user, sign_in


def refusal(app: Flask, role: str, path: str) -> str:
    """Sign in with a role, open a page it may not use, and return the page's text."""
    client = app.test_client()
    make_user(app, f"{role}@testshire.example.org", role)
    sign_in(client, f"{role}@testshire.example.org")
    response = client.get(path)
    assert response.status_code == 403
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def test_an_administrator_is_told_why_and_what_they_can_do(app: Flask) -> None:
    text = refusal(app, "admin", "/cases")
    assert "Administrators do not see cases, forms sent by others, or exports." in text
    assert "This is by design: children's details stay with the people working on the cases." in (
        text)
    assert "You can manage accounts, agencies, forms, document templates, email and settings" in (
        text)
    assert "ask your partnership's administrator" not in text


def test_agency_staff_are_sent_to_the_business_unit(app: Flask) -> None:
    text = refusal(app, "agency_user", "/admin/users")
    assert "Your account has the agency staff role, and this page is for another role." in text
    assert "contact the partnership's business unit" in text


@pytest.mark.parametrize(("role", "name"), [
    ("business_unit", "business unit"), ("partner", "statutory partner"),
    ("chair", "independent chair")])
def test_case_roles_are_told_to_ask_the_administrator(app: Flask, role: str, name: str) -> None:
    text = refusal(app, role, "/admin/users")
    assert f"Your account has the {name} role, and this page is for another role." in text
    assert "If you need this page for your work, ask your partnership's administrator." in text
