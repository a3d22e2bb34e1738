"""The page after sending: the form's reference, the case it opened and who can now see it."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from cspr.casework import cases
from cspr.formengine import operations as form_ops
from cspr.formengine.visibility import roles_that_see, who_can_see
from cspr.storage import get_store
from tests.casework import test_cases
from tests.casework.test_cases import send
from tests.conftest import sign_in

people = test_cases.people  # the fixture: one account for each part in the process

CASE_TEAM = "the business unit, the statutory partners and the independent chair"


def confirmation(app: Flask, user: dict[str, Any], sent: dict[str, Any]) -> str:
    """Return the confirmation page of a sent form as its sender sees it, in plain text."""
    client = app.test_client()
    sign_in(client, user["email"])
    page = client.get(f"/submissions/{sent['id']}/confirmation")
    assert page.status_code == 200
    return page.text


def words(html: str) -> str:
    """Return the text of a page with its tags and runs of spaces removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def case_of(app: Flask, sent: dict[str, Any]) -> dict[str, Any]:
    """Return the case a sent form belongs to."""
    with app.app_context():
        stored = get_store().get(form_ops.SUBMISSIONS, sent["id"])
        assert stored and stored["case_id"]
        case = get_store().get(cases.CASES, stored["case_id"])
    assert case
    return case


def get_store_cases(app: Flask) -> list[dict[str, Any]]:
    """Return every case in the store."""
    with app.app_context():
        return get_store().find(cases.CASES)


def test_agency_referral_shows_both_references_but_no_case_link(app: Flask, people: dict) -> None:
    sent = send(app, people["agency"], "referral")
    case = case_of(app, sent)
    html = confirmation(app, people["agency"], sent)
    assert f'id="reference">{sent["reference"]}<' in html
    assert f'id="case-reference">{case["reference"]}<' in html
    assert f"/cases/{case['id']}" not in html
    text = words(html)
    assert f"It opened case {case['reference']}." in text
    assert "Quote the case reference if you contact the business unit about it." in text
    assert (f"You, colleagues in your agency and everyone working on the case ({CASE_TEAM}) "
            "can now see it.") in text
    assert "The partnership's business unit can now see it" not in text


def test_business_unit_referral_links_to_the_case(app: Flask, people: dict) -> None:
    sent = send(app, people["bu"], "referral")
    case = case_of(app, sent)
    html = confirmation(app, people["bu"], sent)
    assert f'href="/cases/{case["id"]}">Go to case {case["reference"]}</a>' in html
    assert ("You and everyone working on the case (the rest of the business unit, the statutory "
            "partners and the independent chair) can now see it.") in words(html)


def test_a_form_sent_on_a_case_names_the_case_and_its_team(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    (case,) = get_store_cases(app)
    notification = send(app, people["bu"], "notification", case_id=case["id"])
    html = confirmation(app, people["bu"], notification)
    text = words(html)
    assert f"It is part of case {case['reference']}." in text
    assert f'href="/cases/{case["id"]}"' in html
    assert "everyone working on the case (the rest of the business unit," in text
    sent_by_partner = send(app, people["la"], "notification", case_id=case["id"])
    text = words(confirmation(app, people["la"], sent_by_partner))
    assert ("You and everyone working on the case (the business unit, the other statutory "
            "partners and the independent chair) can now see it.") in text


def test_a_form_without_a_case_lists_the_roles(app: Flask, people: dict) -> None:
    audit = send(app, people["chair"], "rapid_review_audit")
    html = confirmation(app, people["chair"], audit)
    assert 'id="case-reference"' not in html
    assert ("You, the business unit, the statutory partners and any other independent chair or "
            "scrutineer can now see it.") in words(html)


def test_the_words_follow_can_see_for_every_account(app: Flask, people: dict) -> None:
    # Whatever the rule says, the sentence's groups are exactly the accounts it lets in.
    for sender, form_id in (("agency", "referral"), ("bu", "referral"), ("chair", "referral")):
        sent = send(app, people[sender], form_id)
        everyone, same_agency = roles_that_see(sent)
        for who, user in people.items():
            if who == sender:
                continue
            described = user["role"] in everyone or (
                user["role"] in same_agency and user.get("agency_id") == sent["agency_id"])
            with app.app_context():
                assert form_ops.can_see(user, sent) == described, (sender, who)


def test_only_you_when_nobody_else_may_see_it(monkeypatch: Any, people: dict) -> None:
    monkeypatch.setattr("cspr.formengine.visibility.can_see",
                        lambda user, sent: user["id"] == sent["owner_id"])
    sent = {"owner_id": people["admin"]["id"], "status": "submitted", "agency_id": None}
    assert who_can_see(people["admin"], sent) == "Only you can see it."


def test_every_role_has_a_name_for_sentences() -> None:
    from cspr.auth.roles import ROLE_GROUPS, ROLES

    assert set(ROLE_GROUPS) == set(ROLES)
