"""Invited contributors: an account at the agency, a single-use link that expires, held only
in memory until emailed, and a contributor who sees only their agency's requests."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr.casework import clock
from cspr.exceptions import Refused
from cspr.mail import sender
from cspr.requests import invitations, operations
from cspr.requests.operations import Choice
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token, sign_in
from tests.mail.conftest import SmtpServer, assert_no_personal_data
from tests.requests.conftest import HEALTH, case_under_review

NEW_AGENCY = "Testshire Youth Service"
INVITEE = "youth.worker@youth.example.org"
PASSWORD = "lantern marmalade orbit kettle"
LINK = re.compile(r"https://cspr\.testshire\.example\.org/invitations/(\S+)")


def _request_to_new_agency(app: Flask, people: dict[str, Any]) -> tuple[dict, dict]:
    """Ask an agency that has no staff in the toolkit yet."""
    from cspr.auth.agencies import add_agency

    case = case_under_review(app, people)
    with app.app_context():
        agency = add_agency(None, NEW_AGENCY)
        (made,) = operations.send_requests(people["bu"], case["id"], [Choice(agency["id"])],
                                           clock.add_working_days(uk_today(), 4), "Please")
    return case, made


def _invite(app: Flask, people: dict[str, Any], request_id: str,
            smtp: SmtpServer) -> tuple[dict[str, Any], str]:  # fmt: skip
    """Invite the youth worker and return their account and the link's token from the email."""
    with app.app_context():
        person, message_id = invitations.invite(people["bu"], request_id, INVITEE, "Yan Youth")
        assert message_id
        sender.deliver_due()
    body = smtp.to(INVITEE)[-1].body
    match = LINK.search(body)
    assert match, body
    return person, match.group(1)


def _choose(app: Flask, token: str, password: str = PASSWORD) -> Any:
    client = app.test_client()
    opened = client.get(f"/invitations/{token}")
    if opened.status_code != 302:
        return opened
    page = client.get("/invitations/password")
    return client.post("/invitations/password", data={
        "new_password": password, "confirm_password": password,
        "csrf_token": csrf_token(page.text)}, follow_redirects=True)  # fmt: skip


def test_an_invited_contributor_chooses_a_password_once_and_signs_in(
    app: Flask, people: dict, smtp: SmtpServer, tmp_path: Path
) -> None:
    case, made = _request_to_new_agency(app, people)
    person, token = _invite(app, people, made["id"], smtp)
    assert person["role"] == "agency_user" and person["must_change_password"]
    message = smtp.to(INVITEE)[-1]
    assert case["reference"] in message.subject and "choose your password" in message.body
    assert_no_personal_data(smtp.messages)
    # Only the token's hash is kept: the data directory holds nothing that makes the link.
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert token.encode() not in stored
    with app.app_context():
        assert get_store().get(invitations.INVITATIONS, invitations.token_hash(token))
        request = get_store().get("information_requests", made["id"])
        assert person["id"] in request["contacts"]
        entries = [e for e in get_store().audit.entries() if e.get("action") == "invite"]
    assert entries and entries[-1]["details"]["email"] == INVITEE
    done = _choose(app, token)
    assert "Your password has been set" in done.text
    client = app.test_client()
    assert sign_in(client, INVITEE, PASSWORD).status_code == 302
    assert made["reference"] in client.get("/").text
    assert client.get(f"/information-requests/{made['id']}").status_code == 200
    # The link works once.
    again = _choose(app, token, "another long passphrase here")
    assert again.status_code == 404
    assert "This invitation link cannot be used" in again.text
    assert "business unit to send you a new invitation" in again.text


def test_an_expired_or_replaced_link_is_refused_with_a_clear_page(
    app: Flask, people: dict, smtp: SmtpServer
) -> None:
    _, made = _request_to_new_agency(app, people)
    _, first = _invite(app, people, made["id"], smtp)
    _, second = _invite(app, people, made["id"], smtp)  # inviting again replaces the link
    refused = _choose(app, first)
    assert refused.status_code == 404 and "has expired or has already been used" in refused.text
    with app.app_context(), get_store().transaction():
        get_store().update(invitations.INVITATIONS, invitations.token_hash(second),
                           {"expires_at": time.time() - 1})
    expired = _choose(app, second)
    assert expired.status_code == 404 and "cannot be used" in expired.text
    with app.app_context(), pytest.raises(Refused, match="expired or has already been used"):
        invitations.accept(second, PASSWORD, PASSWORD)


def test_inviting_someone_already_at_the_agency_makes_them_a_contact(
    app: Flask, people: dict, smtp: SmtpServer
) -> None:
    case = case_under_review(app, people)
    from tests.requests.conftest import agency_id

    with app.app_context():
        (made,) = operations.send_requests(people["bu"], case["id"],
                                           [Choice(agency_id(app, HEALTH))],
                                           clock.add_working_days(uk_today(), 4), "Please")
        person, message_id = invitations.invite(people["bu"], made["id"],
                                                "NURSE@health.example.org", "")
        assert message_id is None and person["id"] == people["nurse"]["id"]
        assert people["nurse"]["id"] in get_store().get("information_requests",
                                                        made["id"])["contacts"]
        with pytest.raises(Refused, match="not staff of"):
            invitations.invite(people["bu"], made["id"], "dsl@school.example.org", "")
        with pytest.raises(Refused, match="correct format"):
            invitations.invite(people["bu"], made["id"], "not an address", "")
        sender.deliver_due()
    assert [m.subject for m in smtp.to("nurse@health.example.org")] == [
        f"Information needed for a rapid review: case {case['reference']}"]
