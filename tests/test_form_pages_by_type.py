"""Form pages for every field type: inline errors, account prefill, resuming, type-ahead lists."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr import create_app
from cspr.auth import agencies
from cspr.formengine.fieldtypes import registered
from cspr.storage import close_store
from tests.conftest import csrf_token, make_user, sign_in


def _question(kind: Any) -> dict[str, Any]:
    """Return a required question of a type, with what the type needs to be valid."""
    question: dict[str, Any] = {"name": f"q_{kind.name}", "type": kind.name,
                                "label": f"Question {kind.name}", "required": True}
    if kind.has_options:
        question["options"] = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    if kind.is_group:
        question["fields"] = [{"name": "x", "type": "short_text", "label": "X", "required": True}]
        question["min_items"] = 1
    return question


EVERY = {
    "id": "every_type", "title": "Every type", "version": 1,
    "pages": [{"id": "all", "title": "All of them", "fields": [
        _question(kind) for kind in registered() if kind.answered and not kind.is_upload]}],
}


@pytest.fixture
def every(tmp_path: Path) -> Iterator[Flask]:
    """Return an app serving a form with one required question of each type."""
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "every_type.json").write_text(json.dumps(EVERY), encoding="utf-8")
    application = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"),
                              "FORMS_DIR": str(forms), "LOGIN_RATE_LIMIT": "1000 per minute"})
    yield application
    close_store(application)


def _start(client: FlaskClient, form_id: str) -> str:
    token = csrf_token(client.get("/forms").text)
    response = client.post(f"/forms/{form_id}/start", data={"csrf_token": token})
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def _post(client: FlaskClient, url: str, data: dict[str, str]) -> Any:
    token = csrf_token(client.get(url).text)
    return client.post(url, data={"csrf_token": token, "action": "continue", **data})


def _question_html(html: str, name: str, following: str | None) -> str:
    """Return a question's HTML: from its form group's opening to the next question."""
    at = html.index(f'"{name}')
    start = html.rfind('<div class="govuk-form-group', 0, at)
    end = html.index(f'"{following}', at) if following else len(html)
    return html[start:end]


def test_every_type_shows_its_missing_answer_inline_not_only_in_the_summary(
    every: Flask,
) -> None:
    client = every.test_client()
    make_user(every, "bu@testshire.example.org", "business_unit")
    sign_in(client, "bu@testshire.example.org")
    page = _post(client, _start(client, "every_type"), {})
    assert page.status_code == 200
    summary = re.search(r"govuk-error-summary__list(.*?)</ul>", page.text, re.S)
    assert summary is not None
    messages = [text for _, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>',
                                                summary.group(1))]
    names = [question["name"] for question in EVERY["pages"][0]["fields"]]
    assert len(messages) == len(names), messages
    for index, (name, message) in enumerate(zip(names, messages, strict=True)):
        following = names[index + 1] if index + 1 < len(names) else None
        question = _question_html(page.text, name, following)
        assert 'class="govuk-form-group govuk-form-group--error"' in question[:80], name
        assert f"Error:</span> {message}" in question, (name, message)
    # Issue 23: a whole name left out marks both boxes, not only the summary.
    assert page.text.count('govuk-input--error" id="q_person_name-') == 2


def test_the_referral_starts_with_the_account_s_name_email_and_agency(app: Flask) -> None:
    make_user(app, "hana@testshire.example.org", "agency_user", name="Hana Jane Visitor",
              agency="Testshire Community Health")
    client = app.test_client()
    sign_in(client, "hana@testshire.example.org")
    first = _start(client, "referral")
    about_you = client.get(first.replace("before-you-start", "about-you")).text
    assert 'name="referrer_name-given_names" type="text" value="Hana Jane"' in about_you
    assert 'name="referrer_name-family_name" type="text" value="Visitor"' in about_you
    assert 'value="hana@testshire.example.org"' in about_you
    assert 'name="referrer_organisation" type="text" value="Testshire Community Health"' in \
        about_you
    # Still editable: what the person types replaces it.
    changed = _post(client, first.replace("before-you-start", "about-you"), {
        "referrer_name-given_names": "Hana", "referrer_name-family_name": "Visitor-Smith",
        "referrer_organisation": "Testshire Community Health NHS Trust"})
    assert changed.status_code == 200  # other answers on the page are still missing
    again = client.get(first.replace("before-you-start", "about-you")).text
    assert 'value="Visitor-Smith"' in again and "Health NHS Trust" in again


def test_a_resumed_draft_opens_at_the_first_page_still_needing_an_answer(app: Flask) -> None:
    make_user(app, "hana@testshire.example.org", "agency_user", name="Hana Visitor")
    client = app.test_client()
    sign_in(client, "hana@testshire.example.org")
    first = _start(client, "referral")
    about_you = first.replace("before-you-start", "about-you")
    done = _post(client, about_you, {
        "referrer_name-given_names": "Hana", "referrer_name-family_name": "Visitor",
        "referrer_role": "Health visitor", "referrer_agency_type": "health",
        "referrer_organisation": "Testshire Community Health",
        "referrer_email": "hana@testshire.example.org", "referrer_phone": "01632 960 001"})
    assert done.status_code == 302
    draft = first.rsplit("/", 1)[0]
    resumed = client.get(draft)
    assert resumed.headers["Location"].endswith("/about-the-child")


def test_the_managed_list_is_read_when_the_page_is_shown(app: Flask) -> None:
    make_user(app, "bu@testshire.example.org", "business_unit")
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    first = _start(client, "referral")
    with app.app_context():
        added = agencies.add_agency(None, "Northshire Youth Service")
    agencies_page = first.replace("before-you-start", "agencies")
    _post(client, agencies_page, {"agencies_known": "yes"})
    shown = client.get(agencies_page).text
    assert '<option value="Northshire Youth Service">' in shown
    assert 'data-cspr-typeahead="true"' in shown and "typeahead.js" in shown
    assert "Another agency not in the list" in shown
    with app.app_context():
        agencies.set_agency_active(make_user(app, "a@t.example.org", "admin"),
                                   added["id"], False)
    assert "Northshire Youth Service" not in client.get(agencies_page).text


def test_without_allow_other_only_a_listed_name_is_accepted(app: Flask) -> None:
    from datetime import date

    from cspr.formengine.definitions import load_definition
    from cspr.formengine.validation import validate_submission

    definition = load_definition({"id": "lead", "title": "Lead", "version": 1, "pages": [
        {"id": "p", "title": "P", "fields": [
            {"name": "lead", "type": "managed_choice", "list": "agencies", "required": True,
             "label": "Lead agency", "error_name": "the lead agency"}]}]})
    with app.app_context():
        agencies.add_agency(None, "Northshire Police")
        listed = validate_submission(definition, {"lead": "Northshire Police"}, date(2026, 1, 5))
        other = validate_submission(definition, {"lead": "Nowhere Trust"}, date(2026, 1, 5))
    assert listed == ({"lead": "Northshire Police"}, {})
    assert other[1] == {"lead": "The lead agency must be one of the names in the list"}
