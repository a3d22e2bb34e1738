"""Admin account management, one-time passwords, password rules and the CLI."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.auth.passwords import password_problems
from cspr.storage import get_store
from tests.conftest import csrf_token, make_user, sign_in


def _one_time_password(html: str) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', html)
    assert match, "no one-time password on the page"
    return match.group(1).strip()


def _create_through_page(admin_client: FlaskClient, **fields: str) -> FlaskClient:
    page = admin_client.get("/admin/users/new")
    return admin_client.post(
        "/admin/users/new", data={**fields, "csrf_token": csrf_token(page.text)}
    )


def test_admin_creates_agency_user_who_must_change_password(
    app: Flask, admin_client: FlaskClient
) -> None:
    page = admin_client.get("/admin/agencies")
    admin_client.post(
        "/admin/agencies", data={"name": "Testshire Schools", "csrf_token": csrf_token(page.text)}
    )
    with app.app_context():
        agency = get_store().find_one("agencies", {"name": "Testshire Schools"})
    response = _create_through_page(
        admin_client,
        email="teacher@testshire.example.org",
        name="Tess Teacher",
        role="agency_user",
        agency_id=agency["id"],
        partner="",
    )
    assert response.status_code == 200
    one_time = _one_time_password(response.text)

    teacher = app.test_client()
    assert sign_in(teacher, "teacher@testshire.example.org", one_time).status_code == 302
    forced = teacher.get("/")
    assert forced.status_code == 302 and forced.headers["Location"] == "/account/password"
    page = teacher.get("/account/password")
    assert "one-time password" in page.text
    response = teacher.post(
        "/account/password",
        data={
            "current_password": one_time,
            "new_password": "kettle orchard lantern violet",
            "confirm_password": "kettle orchard lantern violet",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    assert teacher.get("/").status_code == 200


def test_agency_user_needs_an_agency(admin_client: FlaskClient) -> None:
    response = _create_through_page(
        admin_client, email="x@testshire.example.org", name="X", role="agency_user", partner=""
    )
    assert "Select the agency this person works for" in response.text
    assert "Error:" in response.text


def test_partner_needs_a_partner_organisation(admin_client: FlaskClient) -> None:
    response = _create_through_page(
        admin_client, email="p@testshire.example.org", name="P", role="partner", partner=""
    )
    assert "Select which statutory partner" in response.text


def test_duplicate_email_refused(app: Flask, admin_client: FlaskClient) -> None:
    make_user(app, "dup@testshire.example.org", "chair")
    response = _create_through_page(
        admin_client, email="DUP@testshire.example.org", name="D", role="chair", partner=""
    )
    assert "already exists" in response.text


def test_bad_email_refused(admin_client: FlaskClient) -> None:
    response = _create_through_page(
        admin_client, email="not-an-email", name="N", role="chair", partner=""
    )
    assert "correct format" in response.text


def test_reset_password_signs_user_out_everywhere(app: Flask, admin_client: FlaskClient) -> None:
    user = make_user(app, "bu@testshire.example.org", "business_unit")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "bu@testshire.example.org")
    sign_in(phone, "bu@testshire.example.org")
    assert laptop.get("/").status_code == 200
    page = admin_client.get(f"/admin/users/{user['id']}")
    response = admin_client.post(
        f"/admin/users/{user['id']}/reset-password", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 200
    one_time = _one_time_password(response.text)
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    fresh = app.test_client()
    assert sign_in(fresh, "bu@testshire.example.org", one_time).status_code == 302
    assert fresh.get("/").headers["Location"] == "/account/password"


def test_disable_and_enable(app: Flask, admin_client: FlaskClient) -> None:
    user = make_user(app, "bu@testshire.example.org", "business_unit")
    other = app.test_client()
    sign_in(other, "bu@testshire.example.org")
    page = admin_client.get(f"/admin/users/{user['id']}")
    admin_client.post(
        f"/admin/users/{user['id']}/disable", data={"csrf_token": csrf_token(page.text)}
    )
    assert other.get("/").status_code == 302
    assert "Enter a correct email" in sign_in(app.test_client(), "bu@testshire.example.org").text
    admin_client.post(
        f"/admin/users/{user['id']}/enable", data={"csrf_token": csrf_token(page.text)}
    )
    assert sign_in(app.test_client(), "bu@testshire.example.org").status_code == 302


def test_admin_cannot_remove_own_admin_role(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        me = get_store().find_one("users", {"email": "admin@testshire.example.org"})
    page = admin_client.get(f"/admin/users/{me['id']}")
    response = admin_client.post(
        f"/admin/users/{me['id']}",
        data={"name": "Ada", "role": "chair", "partner": "", "csrf_token": csrf_token(page.text)},
    )
    assert "cannot remove your own administrator role" in response.text


def test_change_role(app: Flask, admin_client: FlaskClient) -> None:
    user = make_user(app, "c@testshire.example.org", "chair")
    page = admin_client.get(f"/admin/users/{user['id']}")
    response = admin_client.post(
        f"/admin/users/{user['id']}",
        data={
            "name": "Cee",
            "role": "partner",
            "partner": "icb",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        stored = get_store().get("users", user["id"])
    assert (stored["role"], stored["partner"], stored["name"]) == ("partner", "icb", "Cee")


def test_agency_names_are_escaped(app: Flask, admin_client: FlaskClient) -> None:
    page = admin_client.get("/admin/agencies")
    admin_client.post(
        "/admin/agencies",
        data={"name": "<script>alert(1)</script>", "csrf_token": csrf_token(page.text)},
    )
    html = admin_client.get("/admin/agencies").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "12 characters or more"),
        ("password1234", "too common"),
        ("baseball1234!", "too common"),
        ("aaaaaaaaaaaaaaa", "too easy"),
        ("wearing-samworker-hat", "email address"),
    ],
)
def test_password_rules(password: str, problem: str) -> None:
    problems = password_problems(password, "samworker@testshire.example.org")
    assert problems and problem in problems[0]


def test_long_plain_passphrase_accepted_without_complexity() -> None:
    assert password_problems("kettle orchard lantern violet", "sam@example.org") == []


def test_cli_init_makes_one_admin_with_one_time_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"], env={"CSPR_ADMIN_EMAIL": "boss@testshire.example.org"})
    assert first.exit_code == 0, first.output
    assert "boss@testshire.example.org" in first.output
    assert re.search(r"One-time password .*: (\S+)", first.output)
    second = runner.invoke(args=["init"])
    assert "already exists" in second.output
    with app.app_context():
        admins = get_store().find("users", where={"role": "admin"})
    assert len(admins) == 1 and admins[0]["must_change_password"] is True


def test_cli_init_with_given_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["init"],
        env={
            "CSPR_ADMIN_EMAIL": "b@testshire.example.org",
            "CSPR_ADMIN_PASSWORD": "quiet meadow river stone",
        },
    )
    assert result.exit_code == 0, result.output
    assert "One-time password" not in result.output
    assert (
        sign_in(
            app.test_client(), "b@testshire.example.org", "quiet meadow river stone"
        ).status_code
        == 302
    )


def test_cli_users_create_and_list(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["agencies", "add", "Testshire Police"]).exit_code == 0
    result = runner.invoke(
        args=[
            "users",
            "create",
            "pc@testshire.example.org",
            "--role",
            "agency_user",
            "--agency",
            "testshire police",
            "--password-stdin",
        ],
        input="plum harbour signal cedar\n",
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"])
    assert "pc@testshire.example.org\tagency_user\tTestshire Police\tactive" in listing.output


def test_cli_refuses_unknown_agency_and_weak_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "a@testshire.example.org",
            "--role",
            "agency_user",
            "--agency",
            "Nowhere",
            "--password-stdin",
        ],
        input="plum harbour signal cedar\n",
    )
    assert unknown.exit_code == 1 and "no agency called" in unknown.output
    weak = runner.invoke(
        args=["users", "create", "b@testshire.example.org", "--role", "chair", "--password-stdin"],
        input="password\n",
    )
    assert weak.exit_code == 1 and "12 characters" in weak.output


def test_changing_your_password_signs_out_your_other_sessions(app: Flask) -> None:
    make_user(app, "bu@testshire.example.org", "business_unit")
    make_user(app, "bu2@testshire.example.org", "business_unit")
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    assert sign_in(laptop, "bu@testshire.example.org").status_code == 302
    assert sign_in(phone, "bu@testshire.example.org").status_code == 302
    assert sign_in(colleague, "bu2@testshire.example.org").status_code == 302
    assert phone.get("/").status_code == 200

    page = laptop.get("/account/password")
    new = "kettle orchard lantern violet"
    response = laptop.post(
        "/account/password",
        data={
            "current_password": "correct horse battery staple",
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    home = laptop.get("/")
    assert home.status_code == 200  # the session that changed it stays signed in
    assert "Anywhere else you were signed in, you have been signed out" in home.text
    assert phone.get("/").status_code == 302  # the other session has ended
    assert phone.get("/account/password").status_code == 302
    assert colleague.get("/").status_code == 200  # someone else's session is untouched
    assert sign_in(app.test_client(), "bu@testshire.example.org", new).status_code == 302
    with app.app_context():
        (entry,) = get_store().audit.entries(action="change_password")
        assert entry["details"]["sessions_ended"] == 1
