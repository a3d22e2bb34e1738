"""Need-to-know for agency contributors: their own agency's requests and returns, nothing else.

A contributor sees the requests addressed to their agency and their agency's summaries; not
another agency's request, draft or return, not the case page or other cases, and nothing of
the child beyond what the business unit's message on the request shows.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

from cspr.casework import clock
from cspr.formengine import attachments
from cspr.formengine import operations as form_ops
from cspr.requests import operations
from cspr.requests.operations import Choice
from cspr.requests.records import agency_staff
from cspr.timeutil import uk_today
from tests.mail.conftest import PERSONAL_DATA
from tests.requests.conftest import (
    HEALTH,
    SCHOOL,
    SUMMARY,
    agency_id,
    case_under_review,
    referral_sent,
    signed_in,
)

MESSAGE = "Please send your summary for this rapid review by the due date."


def _world(app: Flask, people: dict[str, Any]) -> dict[str, Any]:
    """A case referred by the police, asked of health and the school; health has answered."""
    case = case_under_review(app, people)
    other_case = referral_sent(app, people["officer"])
    with app.app_context():
        choices = [Choice(agency_id(app, n), [s["id"] for s in agency_staff(agency_id(app, n))])
                   for n in (HEALTH, SCHOOL)]
        health, school = operations.send_requests(
            people["bu"], case["id"], choices, clock.add_working_days(uk_today(), 3), MESSAGE)
        draft = operations.start_summary(people["nurse"], health["id"])
        upload = FileStorage(filename="chronology.pdf", content_type="application/pdf")
        attached = attachments.save(people["nurse"], draft["id"], upload, b"%PDF-1.4\nhealth")
        form_ops.save_answers(people["nurse"], draft["id"],
                              {**SUMMARY, "chronology_file": attached})
        sent, _ = form_ops.submit_draft(people["nurse"], draft["id"], declared=True)
        school_draft = operations.start_summary(people["teacher"], school["id"])
    assert sent is not None
    return {"case": case, "other_case": other_case, "health": health, "school": school,
            "sent": sent, "file": attached["file_id"], "school_draft": school_draft}  # fmt: skip


def _pages(client: FlaskClient, urls: list[str]) -> dict[str, Any]:
    return {url: client.get(url) for url in urls}


def test_a_contributor_sees_only_their_agencys_requests_and_returns(
    app: Flask, people: dict
) -> None:
    world = _world(app, people)
    teacher = signed_in(app, people["teacher"])
    case, health, school = world["case"], world["health"], world["school"]
    refused = [
        f"/cases/{case['id']}", f"/cases/{world['other_case']['id']}",
        f"/information-requests/{health['id']}", f"/submissions/{world['sent']['id']}",
        f"/files/{world['file']}", f"/requests/{school['id']}",
        f"/cases/{case['id']}/requests", f"/cases/{case['id']}/panel-questions",
    ]  # fmt: skip
    for url, response in _pages(teacher, refused).items():
        assert response.status_code in (403, 404), (url, response.status_code)
    allowed = ["/", "/information-requests", f"/information-requests/{school['id']}",
               f"/drafts/{world['school_draft']['id']}/about", "/cases", "/forms"]  # fmt: skip
    for url, response in _pages(teacher, allowed).items():
        assert response.status_code == 200, (url, response.status_code)
        assert case["reference"] in response.text or url in ("/cases", "/forms") or \
            url.startswith("/drafts")  # fmt: skip
        for word in PERSONAL_DATA:  # nothing about the child beyond the request itself
            assert word.lower() not in response.text.lower(), (url, word)
    register = teacher.get("/cases").text
    assert case["reference"] not in register and world["other_case"]["reference"] not in register


def test_colleagues_share_the_agency_draft_other_agencies_do_not(app: Flask, people: dict) -> None:
    world = _world(app, people)
    draft = world["school_draft"]["id"]
    for who, expected in (("teacher", 200), ("nurse", 404), ("nurse2", 404), ("officer", 404),
                          ("bu", 404), ("la", 404)):  # fmt: skip
        response = signed_in(app, people[who]).get(f"/drafts/{draft}/about")
        assert response.status_code == expected, (who, response.status_code)
    # The health agency's return is seen by its colleagues and the case team, not others.
    sent = world["sent"]["id"]
    for who, expected in (("nurse2", 200), ("bu", 200), ("chair", 200), ("teacher", 404),
                          ("officer", 404)):  # fmt: skip
        assert signed_in(app, people[who]).get(f"/submissions/{sent}").status_code == expected, who
        assert signed_in(app, people[who]).get(f"/files/{world['file']}").status_code == \
            expected, who  # fmt: skip


def test_a_contributor_cannot_act_for_another_agency_or_manage_requests(
    app: Flask, people: dict
) -> None:
    from tests.conftest import csrf_token

    world = _world(app, people)
    teacher = signed_in(app, people["teacher"])
    token = csrf_token(teacher.get("/information-requests").text)
    health = world["health"]["id"]
    for url in (f"/information-requests/{health}/summary", f"/requests/{health}/chase",
                f"/requests/{health}/close/withdraw", f"/requests/{health}/contacts"):
        response = teacher.post(url, data={"csrf_token": token, "reason": "Not needed now"})
        assert response.status_code in (403, 404), (url, response.status_code)
    with app.app_context():
        from cspr.storage import get_store

        assert get_store().get("information_requests", health)["status"] == "received"
