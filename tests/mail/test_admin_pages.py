"""Admin email pages: the outbox, wording with preview and refusals, settings, test email."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.mail import outbox, sender
from cspr.mail.outbox import Recipient
from cspr.storage import get_store
from tests.casework.test_cases import send
from tests.conftest import csrf_token, make_user, sign_in
from tests.mail.conftest import SmtpServer, assert_no_personal_data

ADMIN = "admin@testshire.example.org"
PAGES = [
    "/admin/email",
    "/admin/email/templates",
    "/admin/email/templates/new_referral",
    "/admin/settings",
]


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    make_user(app, ADMIN, "admin", name="Ada Admin")
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 302
    return client


def _post(client: FlaskClient, page: str, url: str, **data: Any) -> Any:
    token = csrf_token(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token})


def test_only_admins_see_the_email_pages(app: Flask) -> None:
    make_user(app, "bu@testshire.example.org", "business_unit")
    anonymous = app.test_client()
    for page in PAGES:
        assert anonymous.get(page).status_code == 302
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    token = csrf_token(client.get("/").text)
    for url in ("/admin/settings/test-email", "/admin/email/x/retry", "/admin/settings"):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert "Email</a>" not in client.get("/").text


def test_every_page_opens_for_an_admin(admin: FlaskClient) -> None:
    for page in PAGES:
        response = admin.get(page)
        assert response.status_code == 200, page
    home = admin.get("/").text
    assert 'href="/admin/email"' in home and 'href="/admin/settings"' in home


def test_the_outbox_shows_each_messages_status(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        user = get_store().find_one("users", {"email": ADMIN})
        assert user is not None
        someone = Recipient(user["id"], ADMIN, "Ada Admin")
        sent = outbox.queue(someone, "test", "A message that was sent", "Body")
        failed = outbox.queue(someone, "test", "A message that failed", "Body")
        queued = outbox.queue(someone, "test", "A message still waiting", "Body")
        for doc in (sent, failed, queued):
            outbox.claim(doc["id"], "tester")
        outbox.mark_sent(sent["id"])
        outbox.mark_failed(failed["id"], "tester", "SMTPDataError: no", permanent=True)
        outbox.mark_failed(queued["id"], "tester", "ConnectionRefusedError: down")
    page = admin.get("/admin/email").text
    for text in ("Sent", "Failed", "Queued", "SMTPDataError: no", "Next try at"):
        assert text in page
    failed_only = admin.get("/admin/email?status=failed").text
    assert "A message that failed" in failed_only and "A message that was sent" not in failed_only
    assert admin.get("/admin/email?status=nonsense").status_code == 404
    response = _post(admin, "/admin/email", f"/admin/email/{failed['id']}/retry")
    assert response.status_code == 302
    with app.app_context():
        assert outbox.get_message(failed["id"])["status"] == outbox.QUEUED  # type: ignore[index]


BAD_TEMPLATES = [
    ("Hello {{ child_name }}", "uses {{ child_name }}, which is not allowed"),
    ("{{ reference.__class__ }}", "can only use the placeholders"),
    ("{{ cycler.__init__.__globals__.os }}", "uses {{ cycler }}"),
    ("{% for x in reference %}{{ x }}{% endfor %}", "uses {{ x }}, which is not allowed"),
    ("{% if reference %}{{ reference[0] }}{% endif %}", "can only use the placeholders"),
    ("{{ link.replace('a', 'b') }}", "can only use the placeholders"),
    ("{{ link|attr('upper') }}", "the filter 'attr'"),
    ("{{ reference ", "cannot be read on line 1"),
    ("{% include 'base.html' %}", "can only use the placeholders"),
    ("{{ 'a' * 100000000 }}", "can only use the placeholders"),
    ("", "Enter the body"),
]


def test_bad_templates_are_refused_with_a_clear_message(admin: FlaskClient) -> None:
    page = "/admin/email/templates/new_referral"
    for body, message in BAD_TEMPLATES:
        for button in ("save", "preview"):
            data = {"subject": "New referral", "body": body, button: button.title()}
            response = _post(admin, page, page, **data)
            assert response.status_code == 200
            assert message in response.text.replace("&#39;", "'").replace("&#34;", '"'), body
            assert "<title>Error: " in response.text
            assert 'class="govuk-error-summary' in response.text
    bad_subject = _post(admin, page, page, subject="{{ child_name }}", body="Hi", save="Save")
    assert "The subject uses {{ child_name }}" in bad_subject.text
    assert "Changed" not in admin.get("/admin/email/templates").text


def test_preview_then_save_changes_the_next_email(
    app: Flask, admin: FlaskClient, smtp: SmtpServer
) -> None:
    page = "/admin/email/templates/new_referral"
    body = (
        "Hi {{ recipient_name }}, {{ reference }} is new."
        "{% if stage %} Stage: {{ stage }}.{% endif %}\n{{ link }}"
    )
    subject = "Fresh referral {{ reference|lower }}"
    preview = _post(admin, page, page, subject=subject, body=body, preview="Preview")
    assert "Hi Ada Admin, CSPR-2026-0001 is new. Stage: Rapid review." in preview.text
    assert "Fresh referral cspr-2026-0001" in preview.text
    assert "Changed" not in admin.get("/admin/email/templates").text  # a preview saves nothing

    saved = _post(admin, page, page, subject=subject, body=body, save="Save")
    assert saved.status_code == 302
    assert "Changed" in admin.get("/admin/email/templates").text
    people = {
        "agency": make_user(app, "hv@testshire.example.org", "agency_user"),
        "bu": make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit"),
    }
    send(app, people["agency"], "referral")
    with app.app_context():
        sender.deliver_due()
        (case,) = get_store().find("cases")
    (message,) = smtp.messages
    assert message.subject == f"Fresh referral {case['reference'].lower()}"
    assert message.body.startswith(f"Hi Bea Unit, {case['reference']} is new. Stage: Referral.")
    assert_no_personal_data(smtp.messages)

    restored = _post(admin, page, f"{page}/default")
    assert restored.status_code == 302
    assert "Changed" not in admin.get("/admin/email/templates").text


def test_the_reset_email_must_keep_its_link(admin: FlaskClient) -> None:
    page = "/admin/email/templates/password_reset"
    response = _post(admin, page, page, subject="Reset", body="No link here", save="Save")
    assert "must include {{ link }}" in response.text


def test_settings_change_the_reminder_days(app: Flask, admin: FlaskClient) -> None:
    for value, message in (
        ("", "Enter how many working days"),
        ("two", "must be a whole number"),
        ("0", "between 1 and 20"),
    ):
        response = _post(admin, "/admin/settings", "/admin/settings", days=value)
        assert message in response.text and "<title>Error: Settings" in response.text
    response = _post(admin, "/admin/settings", "/admin/settings", days="4")
    assert response.status_code == 302
    assert "4 working days before each deadline" in admin.get("/admin/settings").text
    with app.app_context():
        from cspr.mail import reminders

        assert reminders.reminder_days() == 4


def test_the_test_email_button(app: Flask, admin: FlaskClient, smtp: SmtpServer) -> None:
    response = _post(admin, "/admin/settings", "/admin/settings/test-email")
    assert response.status_code == 302
    assert f"A test email has been sent to {ADMIN}" in admin.get("/admin/settings").text
    (message,) = smtp.messages
    assert message.to == ADMIN
    assert message.subject == "Test email from Testshire Safeguarding Children Partnership"

    smtp.stop()
    _post(admin, "/admin/settings", "/admin/settings/test-email")
    page = admin.get("/admin/settings").text
    assert "could not be sent yet" in page and "will be tried again" in page
    with app.app_context():
        assert outbox.counts()[outbox.QUEUED] == 1
