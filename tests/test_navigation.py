"""The service navigation: the right links for each role, the current page marked, own token."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, make_user, sign_in


def nav(html: str) -> str:
    """Return the service navigation's markup."""
    match = re.search(r'<div class="govuk-service-navigation".*?</nav>', html, re.S)
    assert match, "the page has no service navigation"
    return match.group(0)


def links(html: str) -> list[str]:
    """Return the navigation's link texts in order."""
    return [re.sub(r"<[^>]+>", "", text).strip()
            for text in re.findall(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>',
                                   nav(html), re.S)]


def signed_in(app: Flask, email: str, role: str, name: str) -> FlaskClient:
    """Return a client of its own, signed in as a new user."""
    make_user(app, email, role, name=name)
    client = app.test_client()
    sign_in(client, email)
    return client


def test_each_role_sees_its_own_links_and_the_current_page(app: Flask) -> None:
    admin = signed_in(app, "ada@testshire.example.org", "admin", "Ada")
    staff = signed_in(app, "hana@testshire.example.org", "agency_user", "Hana")
    for _ in range(2):  # the second time round, the navigation comes from the cache
        admin_page = admin.get("/forms").text
        staff_page = staff.get("/forms").text
        assert links(admin_page) == [
            "Home", "Users", "Agencies", "Form builder", "Templates", "Email", "Settings",
            "Audit trail"]
        assert links(staff_page) == ["Home", "Forms", "Requests", "Cases", "Actions",
                                     "Deadline calculator", "Exports"]
        assert 'href="/account/password">Your password</a>' in staff_page  # in the header
        current = re.findall(r'aria-current="true">\s*<strong[^>]*>([^<]+)<', nav(staff_page))
        assert current == ["Forms"]
        home = staff.get("/").text
        assert re.findall(r'aria-current="true">\s*<strong[^>]*>([^<]+)<', nav(home)) == ["Home"]
        assert '<nav aria-label="Main menu"' in home


def test_sign_out_carries_each_session_its_own_token(app: Flask) -> None:
    first = signed_in(app, "hana@testshire.example.org", "agency_user", "Hana")
    second = signed_in(app, "ola@testshire.example.org", "agency_user", "Ola")
    one, two = first.get("/forms").text, second.get("/forms").text
    assert csrf_token(nav(one)) != csrf_token(nav(two))
    assert "Signed in as Hana" in one and "Signed in as Ola" in two
    response = first.post("/sign-out", data={"csrf_token": csrf_token(nav(one))})
    assert response.status_code == 302
    assert first.get("/forms").status_code == 302  # signed out: sent to sign in


def test_signed_out_pages_have_no_navigation(app: Flask) -> None:
    page = app.test_client().get("/sign-in").text
    assert "govuk-service-navigation" not in page


def test_links_follow_the_address_the_app_is_mounted_at(app: Flask) -> None:
    staff = signed_in(app, "hana@testshire.example.org", "agency_user", "Hana")
    plain = nav(staff.get("/forms").text)
    mounted = nav(staff.get("/forms", environ_overrides={"SCRIPT_NAME": "/cspr"}).text)
    assert 'href="/forms"' in plain and 'href="/cspr/forms"' in mounted
    assert 'href="/forms"' not in mounted
