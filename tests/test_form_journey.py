"""The web journey of a JSON-defined form: pages, drafts, conditions, check answers, sending."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr import create_app
from cspr.storage import close_store, get_store
from tests.conftest import csrf_token, make_user, sign_in

EXAMPLES = Path(__file__).resolve().parents[1] / "forms" / "examples"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app that serves the example forms."""
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "FORMS_DIR": str(EXAMPLES),
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    yield application
    close_store(application)


@pytest.fixture
def agency(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return a client signed in as an agency user."""
    make_user(app, "hv@testshire.example.org", "agency_user", name="Hana Visitor")
    sign_in(client, "hv@testshire.example.org")
    return client


def _start(client: FlaskClient, form_id: str = "every_field") -> str:
    page = client.get("/forms")
    response = client.post(f"/forms/{form_id}/start", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    return str(response.headers["Location"])


def _post(client: FlaskClient, url: str, data: dict, **kwargs):
    token = csrf_token(client.get(url).text)
    return client.post(url, data={"csrf_token": token, "action": "continue", **data}, **kwargs)


def _errors(html: str) -> list[str]:
    summary = re.search(r"govuk-error-summary__list(.*?)</ul>", html, re.S)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


ABOUT_YOU = {
    "referrer_name-given_names": "Hana",
    "referrer_name-family_name": "Visitor",
    "referrer_email": "hana@nhs.example.org",
    "agency": "health",
}
CHILD = {
    "child_name": "Alex Example",
    "date_of_birth-day": "3",
    "date_of_birth-month": "4",
    "date_of_birth-year": "2018",
    "known_to_csc": "yes",
}
INCIDENT = {
    "outcome": "harmed",
    "incident_date-day": "1",
    "incident_date-month": "2",
    "incident_date-year": "2025",
    "la_aware_date-day": "3",
    "la_aware_date-month": "2",
    "la_aware_date-year": "2025",
    "summary": "A short factual summary.",
    "hours_in_hospital": "12.5",
    "agencies_involved": ["health", "police"],
}


def test_empty_page_gets_govuk_errors_linking_to_inputs(agency: FlaskClient) -> None:
    first = _start(agency)
    response = _post(agency, first, {})
    assert "<title>Error: About you" in response.text
    assert ("#referrer_name-given_names", "Enter your full name") in _errors(response.text)
    assert ("#agency", "Select your agency") in _errors(response.text)
    assert "This field is required" not in response.text


def test_date_errors_link_to_day_input_and_explain(agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    response = _post(
        agency, child_url, {**CHILD, "date_of_birth-month": "", "date_of_birth-day": "3"}
    )
    assert ("#date_of_birth-day", "Date of birth must include a month") in _errors(response.text)
    response = _post(
        agency, child_url, {**CHILD, "date_of_birth-day": "31", "date_of_birth-month": "2"}
    )
    assert ("#date_of_birth-day", "Date of birth must be a real date") in _errors(response.text)
    response = _post(agency, child_url, {**CHILD, "date_of_birth-year": "2999"})
    assert any("today or in the past" in text for _, text in _errors(response.text))


def test_whole_journey_with_group_file_and_declaration(app: Flask, agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(agency, child_url, CHILD).headers["Location"]
    assert incident_url.endswith("/incident")
    # The date of death is shown only when the child died: without it answered it is not required.
    others_url = _post(agency, incident_url, INCIDENT).headers["Location"]
    assert others_url.endswith("/others")

    # Add a second child to the repeating group without JavaScript, then fill both.
    token = csrf_token(agency.get(others_url).text)
    added = agency.post(
        others_url,
        data={"csrf_token": token, "action": "add:other_children", "other_children-0-name": "Sam"},
    )
    assert 'id="other_children-1-name"' in added.text
    response = agency.post(
        others_url,
        data={
            "csrf_token": token,
            "action": "continue",
            "other_children-0-name": "Sam",
            "other_children-0-age": "9",
            "other_children-1-name": "Jo",
            "other_children-1-age": "3",
            "chronology": (io.BytesIO(PDF), "chronology.pdf"),
        },
        content_type="multipart/form-data",
    )
    # Sam is over 4, so whether Sam goes to school is required; Jo's is not.
    assert _errors(response.text) == [
        ("#other_children-0-at_school", "Select whether the child goes to school"),
        ("#confirm", "Confirm that the information is correct"),
    ]
    response = agency.post(
        others_url,
        data={
            "csrf_token": token,
            "action": "continue",
            "other_children-0-name": "Sam",
            "other_children-0-age": "9",
            "other_children-0-at_school": "yes",
            "other_children-1-name": "Jo",
            "other_children-1-age": "3",
            "confirm": "y",
        },
    )
    check_url = response.headers["Location"]
    assert check_url.endswith("/check")
    check = agency.get(check_url)
    assert "Check your answers before sending" in check.text
    assert "3 April 2018" in check.text
    assert "chronology.pdf" in check.text
    assert 'Change<span class="govuk-visually-hidden"> child&#39;s full name' in check.text

    refused = agency.post(check_url, data={"csrf_token": csrf_token(check.text)})
    assert "Confirm the declaration" in refused.text
    sent = agency.post(check_url, data={"csrf_token": csrf_token(check.text), "declaration": "yes"})
    assert sent.status_code == 302, _errors(sent.text)
    confirmation = agency.get(sent.headers["Location"])
    reference = re.search(r'id="reference">([^<]+)<', confirmation.text).group(1)
    assert re.fullmatch(r"SUB-\d{4}-\d{4}", reference)

    with app.app_context():
        (stored,) = get_store().find("submissions", where={"status": "submitted"})
    answers = stored["answers"]
    assert answers["date_of_birth"] == "2018-04-03"
    assert answers["known_to_csc"] is True
    assert answers["hours_in_hospital"] == 12.5
    assert answers["other_children"][1] == {"name": "Jo", "age": 3}
    assert answers["chronology"]["filename"] == "chronology.pdf"
    assert "date_of_death" not in answers
    assert stored["form_version"] == 1

    view = agency.get(f"/submissions/{stored['id']}")
    file_link = re.search(r'href="(/files/[0-9a-f]{32})"', view.text).group(1)
    download = agency.get(file_link)
    assert download.data == PDF
    with app.app_context():
        actions = {e["action"] for e in get_store().audit.entries(object_type="attachment")}
    assert "download" in actions


def test_hidden_answers_are_dropped(app: Flask, agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(agency, child_url, CHILD).headers["Location"]
    # Answer the date of death, then change the outcome so that it is hidden again.
    died = {
        **INCIDENT,
        "outcome": "died",
        "date_of_death-day": "2",
        "date_of_death-month": "2",
        "date_of_death-year": "2025",
    }
    _post(agency, incident_url, died)
    _post(agency, incident_url, INCIDENT)
    check_url = incident_url.rsplit("/", 1)[0] + "/check"
    check = agency.get(check_url)
    assert "Date of death" not in check.text
    assert "2 February 2025" not in check.text


def test_save_draft_and_resume(app: Flask, agency: FlaskClient) -> None:
    first = _start(agency)
    token = csrf_token(agency.get(first).text)
    saved = agency.post(
        first, data={"csrf_token": token, "action": "save", **ABOUT_YOU, "agency": ""}
    )
    assert saved.headers["Location"] == "/"
    home = agency.get("/")
    assert "Your answers have been saved" in home.text
    resume = re.search(r'href="(/drafts/[0-9A-Z]+)"', home.text).group(1)
    page = agency.get(agency.get(resume).headers["Location"])
    assert 'value="hana@nhs.example.org"' in page.text


def test_other_users_cannot_open_a_draft(app: Flask, agency: FlaskClient) -> None:
    first = _start(agency)
    make_user(app, "other@testshire.example.org", "agency_user")
    other = app.test_client()
    sign_in(other, "other@testshire.example.org")
    assert other.get(first).status_code == 404


def test_bad_upload_type_is_refused(agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(agency, child_url, CHILD).headers["Location"]
    others_url = _post(agency, incident_url, INCIDENT).headers["Location"]
    token = csrf_token(agency.get(others_url).text)
    response = agency.post(
        others_url,
        data={
            "csrf_token": token,
            "action": "continue",
            "confirm": "y",
            "chronology": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "chronology.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert any("must be a PDF or DOCX" in text for _, text in _errors(response.text))


def test_unknown_form_is_404(agency: FlaskClient) -> None:
    page = agency.get("/forms")
    assert (
        agency.post("/forms/nope/start", data={"csrf_token": csrf_token(page.text)}).status_code
        == 404
    )


def test_typed_values_are_escaped(app: Flask, agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    response = _post(
        agency,
        child_url,
        {**CHILD, "child_name": "<script>alert(1)</script>", "date_of_birth-year": ""},
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_schema_download(agency: FlaskClient) -> None:
    response = agency.get("/forms/every_field/v1/schema.json")
    assert response.status_code == 200
    assert response.json["$schema"].endswith("2020-12/schema")


def _send_every_field(app: Flask, client: FlaskClient) -> str:
    """Send a complete every-field form through the pages; return its submission id."""
    first = _start(client)
    child_url = _post(client, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(client, child_url, CHILD).headers["Location"]
    others_url = _post(client, incident_url, INCIDENT).headers["Location"]
    check_url = _post(client, others_url, {"confirm": "y"}).headers["Location"]
    token = csrf_token(client.get(check_url).text)
    sent = client.post(check_url, data={"csrf_token": token, "declaration": "yes"})
    assert sent.status_code == 302
    return str(sent.headers["Location"]).split("/")[2]


def test_prefill_from_linked_submission(app: Flask, agency: FlaskClient) -> None:
    sent_id = _send_every_field(app, agency)
    view = agency.get(f"/submissions/{sent_id}")
    assert "Start Example: follow-up that reuses earlier answers from this" in view.text
    start = agency.post(
        "/forms/follow_up/start", data={"csrf_token": csrf_token(view.text), "from": sent_id}
    )
    page = agency.get(start.headers["Location"])
    assert 'value="Alex Example"' in page.text
    assert 'name="date_of_birth-year" type="text" value="2018"' in page.text or (
        'value="2018"' in page.text
    )
    with app.app_context():
        draft = get_store().find("submissions", where={"form_id": "follow_up"})[0]
    assert draft["linked_submission_id"] == sent_id
    assert draft["answers"]["date_of_birth"] == "2018-04-03"


def test_cannot_prefill_from_a_submission_you_cannot_see(app: Flask, agency: FlaskClient) -> None:
    sent_id = _send_every_field(app, agency)
    make_user(app, "police@testshire.example.org", "agency_user", agency="Testshire Police")
    other = app.test_client()
    sign_in(other, "police@testshire.example.org")
    page = other.get("/forms")
    response = other.post(
        "/forms/follow_up/start", data={"csrf_token": csrf_token(page.text), "from": sent_id}
    )
    assert response.status_code == 404
    assert other.get(f"/submissions/{sent_id}").status_code == 404


def test_colleague_in_same_agency_and_business_unit_can_see(
    app: Flask, agency: FlaskClient
) -> None:
    sent_id = _send_every_field(app, agency)
    for email, role in [
        ("hv2@testshire.example.org", "agency_user"),
        ("bu@t.example.org", "business_unit"),
    ]:
        make_user(app, email, role)
        other = app.test_client()
        sign_in(other, email)
        assert other.get(f"/submissions/{sent_id}").status_code == 200, role
    with app.app_context():
        views = get_store().audit.entries(action="view", object_id=sent_id)
    assert {v["user"] for v in views} >= {"hv2@testshire.example.org", "bu@t.example.org"}


def test_empty_fields_render_empty_not_none(agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(agency, child_url, CHILD).headers["Location"]
    for html in (agency.get(incident_url).text, _post(agency, incident_url, {}).text):
        assert re.search(r"<textarea[^>]*>\s*</textarea>", html), "the summary box should be empty"
        assert ">None<" not in html and 'value="None"' not in html


@pytest.mark.parametrize("typed", ["1E400", "-1e400", "9" * 40, "Infinity", "NaN"])
def test_absurd_numbers_are_refused_not_crashed(typed: str) -> None:
    from cspr.formengine.fieldtypes import field_type

    for kind in ("integer", "decimal"):
        question = {"type": kind, "label": "Hours in hospital"}
        value, error = field_type(question).read(question, typed)
        assert value is None and error, (kind, typed)


def test_huge_decimal_on_a_page_gets_a_message(agency: FlaskClient) -> None:
    first = _start(agency)
    child_url = _post(agency, first, ABOUT_YOU).headers["Location"]
    incident_url = _post(agency, child_url, CHILD).headers["Location"]
    response = _post(agency, incident_url, {**INCIDENT, "hours_in_hospital": "1E400"})
    assert response.status_code == 200
    assert any("number" in text for _, text in _errors(response.text))
