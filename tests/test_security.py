"""Baseline protection: headers, CSRF, error pages, request size and role checks."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token, make_user, sign_in


def test_home_redirects_anonymous_to_sign_in_with_csp(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "Content-Security-Policy" in response.headers


def test_sign_in_page_headers_and_nonce(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    # Every inline script on the page carries this response's nonce; no other inline script exists.
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline_scripts, "the page template's js-enabled script should be present"
    for attributes in inline_scripts:
        assert f'nonce="{nonce.group(1)}"' in attributes
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_nonce_changes_per_response(client: FlaskClient) -> None:
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_over_https(client: FlaskClient) -> None:
    response = client.get("/sign-in", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_post_without_csrf_token_is_refused_readably(app: Flask, client: FlaskClient) -> None:
    make_user(app, "worker@testshire.example.org", "business_unit")
    response = client.post(
        "/sign-in", data={"email": "worker@testshire.example.org", "password": "whatever"}
    )
    assert response.status_code == 400
    assert "security token" in response.text
    assert "govuk-heading-l" in response.text
    assert "Traceback" not in response.text


def test_not_found_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "<title>Page not found" in response.text


def test_server_error_page_hides_the_trace(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom() -> str:
        raise ValueError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


def test_oversized_request_gets_413_page(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": "x" * 5000, "password": "y", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 413
    assert "too large" in response.text


def test_agency_user_gets_403_on_admin_pages(app: Flask, client: FlaskClient) -> None:
    make_user(app, "nurse@testshire.example.org", "agency_user")
    sign_in(client, "nurse@testshire.example.org")
    for path in ("/admin/users", "/admin/users/new", "/admin/agencies"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You do not have permission" in response.text


def test_other_roles_get_403_on_admin_pages(app: Flask) -> None:
    for index, role in enumerate(["business_unit", "partner", "chair"]):
        client = app.test_client()
        make_user(app, f"user{index}@testshire.example.org", role)
        sign_in(client, f"user{index}@testshire.example.org")
        assert client.get("/admin/users").status_code == 403, role


def test_anonymous_is_sent_to_sign_in_from_admin(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/admin/users"


def test_admin_reaches_admin_pages(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users").status_code == 200
    assert admin_client.get("/admin/agencies").status_code == 200


def test_sign_out_requires_post(admin_client: FlaskClient) -> None:
    assert admin_client.get("/sign-out").status_code == 405


def test_no_crown_or_gds_font_in_pages(client: FlaskClient) -> None:
    html = client.get("/sign-in").text
    assert "govuk-header__logotype" not in html
    assert "Crown copyright" not in html
    assert "Testshire Safeguarding Children Partnership" in html
