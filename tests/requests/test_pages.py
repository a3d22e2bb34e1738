"""The business unit's pages: ask agencies (inviting one), manage a request, the Panel's wait."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from cspr.casework import clock
from cspr.casework import operations as verbs
from cspr.mail import sender
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token
from tests.mail.conftest import SmtpServer
from tests.requests.conftest import HEALTH, SCHOOL, agency_id, case_under_review, signed_in


def _date(prefix: str, when: date) -> dict[str, str]:
    return {f"{prefix}-day": str(when.day), f"{prefix}-month": str(when.month),
            f"{prefix}-year": str(when.year)}  # fmt: skip


def _post(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    token = csrf_token(client.get(url).text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def test_asking_three_agencies_one_by_invitation_from_the_page(
    app: Flask, people: dict, smtp: SmtpServer
) -> None:
    from cspr.auth.agencies import add_agency

    case = case_under_review(app, people)
    with app.app_context():
        youth = add_agency(None, "Testshire Youth Service")
    bu = signed_in(app, people["bu"])
    url = f"/cases/{case['id']}/requests/new"
    form = bu.get(url)
    assert form.status_code == 200 and "Which agencies do you want to ask?" in form.text
    health, school = agency_id(app, HEALTH), agency_id(app, SCHOOL)
    statutory = clock.rapid_review_due(clock.add_working_days(uk_today(), -2))
    data = {"agencies": [health, school, youth["id"]],
            f"contacts-{health}": [people["nurse"]["id"]],
            f"contacts-{school}": [people["teacher"]["id"]],
            f"invite_email-{youth['id']}": "not an address", "message": "Please send it."}
    data.update(_date("due", statutory + timedelta(days=7)))
    bad = _post(bu, url, data)
    assert "<title>Error:" in bad.text and "correct format" in bad.text
    data[f"invite_email-{youth['id']}"] = "yan@youth.example.org"
    late = _post(bu, url, data)
    assert "after the rapid review must reach the Panel" in late.text
    assert 'name="confirm_late"' in late.text
    data.update(_date("due", clock.add_working_days(uk_today(), 3)))
    done = _post(bu, url, data)
    assert "Requests sent to" in done.text
    assert "Invitation emailed to yan@youth.example.org" in done.text
    with app.app_context():
        sender.deliver_due()
        made = get_store().find("information_requests", where={"case_id": case["id"]})
    assert {r["agency_name"] for r in made} == {HEALTH, SCHOOL, "Testshire Youth Service"}
    assert sorted(m.to for m in smtp.messages if "Information needed" in m.subject) == [
        "dsl@school.example.org", "nurse@health.example.org"]
    assert smtp.to("yan@youth.example.org")[0].subject.startswith("You are invited")
    assert not smtp.to("second@health.example.org")  # not chosen as a contact
    listing = bu.get(f"/cases/{case['id']}/requests").text
    assert listing.count("Sent</strong>") == 3


def test_managing_one_request(app: Flask, people: dict, smtp: SmtpServer) -> None:
    case = case_under_review(app, people)
    bu = signed_in(app, people["bu"])
    data = {"agencies": [agency_id(app, HEALTH)], "message": "Please send it.",
            f"contacts-{agency_id(app, HEALTH)}": [people["nurse"]["id"]],
            **_date("due", clock.add_working_days(uk_today(), 2))}  # fmt: skip
    _post(bu, f"/cases/{case['id']}/requests/new", data)
    with app.app_context():
        (request,) = get_store().find("information_requests")
    page = f"/requests/{request['id']}"
    assert "Chase the agency by email" in bu.get(page).text
    chased = bu.post(f"{page}/chase", data={"csrf_token": csrf_token(bu.get(page).text)},
                     follow_redirects=True)
    assert "A reminder has been emailed" in chased.text
    again = bu.post(f"{page}/chase", data={"csrf_token": csrf_token(bu.get(page).text)},
                    follow_redirects=True)
    assert "already been chased today" in again.text
    contacts = _post(bu, f"{page}/contacts", {"contacts": [people["nurse"]["id"],
                                                           people["nurse2"]["id"]]})
    assert "The contacts have been saved" in contacts.text
    extended = _post(bu, f"{page}/extend", {"reason": "Staff sickness",
                                            **_date("due", clock.add_working_days(uk_today(), 4))})
    assert "The due date has been changed" in extended.text
    closed = _post(bu, f"{page}/close/no_involvement", {"reason": ""})
    assert "<title>Error:" in closed.text and "Enter the reason" in closed.text
    closed = _post(bu, f"{page}/close/no_involvement", {"reason": "Not known to the service."})
    assert "The request has been closed" in closed.text and "No involvement" in closed.text
    with app.app_context():
        sender.deliver_due()
    assert len(smtp.to("second@health.example.org")) == 1  # told once, when added
    partner = signed_in(app, people["la"])
    assert partner.get(page).status_code == 200
    assert "Chase the agency" not in partner.get(page).text
    assert partner.get(f"{page}/extend").status_code == 403


def test_waiting_for_the_panel_and_its_questions(app: Flask, people: dict) -> None:
    case = case_under_review(app, people)
    bu = signed_in(app, people["bu"])
    questions = f"/cases/{case['id']}/panel-questions"
    assert "Record the date the rapid review was sent" in bu.get(questions).text
    sent = clock.add_working_days(uk_today(), -1)
    with app.app_context():
        verbs.set_fact(people["bu"], case["id"], "dates.rapid_review_sent", sent)
    expected = clock.add_working_days(sent, 10)
    case_page = bu.get(f"/cases/{case['id']}").text
    assert "Waiting for the Panel" in case_page and clock.short_date(expected) in case_page
    recorded = _post(bu, questions, {"received": "Why was the GP not involved?",
                                     **_date("received_on", uk_today())})
    assert "The Panel&#39;s questions have been recorded" in recorded.text
    with app.app_context():
        (question,) = get_store().find("panel_questions")
    reply = _post(bu, f"/panel-questions/{question['id']}/reply",
                  {"reply": "The family were not registered.", **_date("reply_on", uk_today())})
    assert "The partners&#39; reply has been recorded" in reply.text
    assert "The family were not registered." in reply.text
    assert "1 of 1 answered" in bu.get(f"/cases/{case['id']}").text
    chair = signed_in(app, people["chair"]).get(questions)
    assert chair.status_code == 200 and "Record questions from the Panel" not in chair.text
