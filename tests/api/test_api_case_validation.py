"""What the case API says to a body it cannot use: 400 for its shape, 422 for its content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cspr.storage import close_store
from tests.api.case_support import World, build_world
from tests.api.conftest import bearer


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One case at consideration; every request here is refused, so nothing changes."""
    built = build_world(tmp_path_factory.mktemp("case-validation"))
    built.reference = built.refer("agency")
    assert built.post("bu", f"/api/cases/{built.reference}/moves",
                      {"to": "consideration"}).status_code == 200  # fmt: skip
    yield built
    close_store(built.app)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("moves", [], "The request body must be a JSON object, like {\"to\": \"consideration\"}"),
        ("moves", {"to": "notified", "why": "x"},
         "The request body has an unknown key 'why'. Send only 'to' and 'reason'"),
        ("views", {"view": True}, "'view' must be text (a JSON string)"),
        ("dates", {"name": "dates.la_aware", "date": 20261224}, "'date' must be text"),
        ("notification", {"date": "2026-12-01", "reference": "N", "reason": "", "x": 1},
         "The request body has an unknown key 'x'. Send only 'date', 'reference' and 'reason'"),
        ("submissions", {"answers": {}}, "Name the form to send in 'form_id'"),
        ("submissions", {"form_id": "notification"}, "Put the form's answers in an object"),
        ("submissions", {"form_id": "notification", "answers": {}, "declaration": "yes"},
         "'declaration' must be true or false"),
    ],
)
def test_a_body_of_the_wrong_shape_gets_400(
    world: World, path: str, body: Any, message: str
) -> None:
    response = world.post("bu", f"/api/cases/{world.reference}/{path}", body)
    assert response.status_code == 400
    assert response.json["error"].startswith(message)
    assert response.json["status"] == 400


def test_a_body_that_is_not_json_gets_400(world: World) -> None:
    response = world.client.post(f"/api/cases/{world.reference}/moves", data="to=notified",
                                 headers=bearer(world.tokens["bu"]))  # fmt: skip
    assert response.status_code == 400
    assert response.json["error"].startswith("Send the request body as JSON")


@pytest.mark.parametrize(
    ("who", "path", "body", "field", "message"),
    [
        ("bu", "moves", {"to": ""}, "to", "Send the stage to move the case to, like "
         "'consideration'"),
        ("bu", "moves", {"to": "closed"}, None, "A case cannot go from Consideration to Closed. "
         "From Consideration it can go to: Notified, Closed: not notifiable"),
        ("bu", "moves", {"to": "notified"}, None, "Record the date the notification was made, "
         "and its reference, first"),
        ("bu", "dates", {"name": "dates.notified", "date": "2026-11-01"}, "name",
         "Choose which date to record: dates.la_aware, dates.rapid_review_meeting"),
        ("bu", "dates", {"name": "dates.la_aware", "date": ""}, "date",
         "Enter the date the local authority became aware"),
        ("bu", "dates", {"name": "dates.la_aware", "date": "2026-02-30"}, "date",
         "Date the local authority became aware must be a real date, written like 2026-12-24"),
        ("bu", "dates", {"name": "dates.la_aware", "date": "1999-12-31"}, "date",
         "Date the local authority became aware must be between 1 January 2000 and 31 December "
         "2099"),
        ("bu", "dates", {"name": "dates.la_aware", "date": "2099-01-01"}, "date",
         "Date the local authority became aware must be today or in the past"),
        ("la", "views", {"view": "maybe", "rationale": "Neglect is suspected here."}, "view",
         "Select whether the incident should be notified to the Panel"),
        ("la", "views", {"view": "notifiable", "rationale": "Yes"}, "rationale",
         "Explain the reasons for the view"),
        ("bu", "views", {"view": "notifiable", "rationale": "Said at the meeting."}, "partner",
         "Select which statutory partner this is for"),
        ("la", "notification", {"date": "", "reference": "NSI-1"}, "date",
         "Enter the date the notification was made"),
        ("la", "notification", {"date": "2099-01-01", "reference": "NSI-1"}, "date",
         "The date of the notification must be today or in the past"),
        ("la", "notification", {"date": "2026-12-01", "reference": "  "}, "reference",
         "Enter the reference the national online system gave"),
        ("la", "notification", {"date": "2026-12-01", "reference": "NSI-1"}, "reason",
         "Explain why the local authority notified without the partnership's agreement"),
        ("la", "sign-offs", {"rapid_review": "SUB-2026-0001"}, None,
         "A rapid review can be signed off only while the case is at rapid review"),
        ("bu", "submissions", {"form_id": "referral", "answers": {}}, "form_id",
         "The referral for consideration form is not sent for a case. A case's forms are "
         "'notification', 'rapid_review'"),
    ],
)
def test_a_refusal_says_why_in_the_webs_words(
    world: World, who: str, path: str, body: dict[str, Any], field: str | None, message: str
) -> None:
    response = world.post(who, f"/api/cases/{world.reference}/{path}", body)
    assert response.status_code == 422, response.json
    assert response.json["error"].startswith(message)
    assert response.json["field"] == field
    assert response.json["status"] == 422


def test_a_partner_cannot_speak_for_another(world: World) -> None:
    response = world.post("icb", f"/api/cases/{world.reference}/views", {
        "view": "notifiable", "rationale": "Neglect is suspected here.", "partner": "police"})
    assert response.status_code == 403
    assert response.json["error"] == "A partner can only give a view for their own organisation"


def test_a_form_with_missing_answers_lists_each_problem(world: World) -> None:
    response = world.post("bu", f"/api/cases/{world.reference}/submissions",
                          {"form_id": "notification", "answers": {"notifier_role": "Manager"}})
    assert response.status_code == 422
    errors = response.json["errors"]
    # What the case knows was filled in; what it does not know is asked for.
    assert "incident_type" not in errors and "incident_location" not in errors
    assert errors["local_authority"] == "Enter the local authority making the notification"
    assert "notifier_role" not in errors


def test_an_unknown_form_is_404_and_a_file_is_refused(world: World) -> None:
    url = f"/api/cases/{world.reference}/submissions"
    response = world.post("bu", url, {"form_id": "nothing", "answers": {}})
    assert (response.status_code, response.json["error"]) == (404, "There is no form called "
                                                              "'nothing'")  # fmt: skip
    letter = {"file_id": "f-1", "filename": "letter.pdf", "size": 10,
              "content_type": "application/pdf"}  # fmt: skip
    response = world.post("bu", url, {"form_id": "panel_response",
                                      "answers": {"panel_letter": letter}})  # fmt: skip
    assert response.status_code == 422
    assert response.json["errors"]["panel_letter"].startswith("Files cannot be sent through")
