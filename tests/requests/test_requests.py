"""Information requests: sent to agencies, seen, answered through a shared draft, chased."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from cspr.casework import clock, tasks
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.mail import outbox, reminders, sender
from cspr.requests import operations, records
from cspr.requests.operations import Choice, LateDue
from cspr.storage import NotFound, get_store
from cspr.timeutil import uk_today
from tests.mail.conftest import SmtpServer, assert_no_personal_data
from tests.requests.conftest import (
    HEALTH,
    SCHOOL,
    SUMMARY,
    agency_id,
    case_under_review,
    signed_in,
)


def _ask(app: Flask, people: dict[str, Any], case: dict[str, Any], due: date,
         names: tuple[str, ...] = (HEALTH, SCHOOL)) -> list[dict[str, Any]]:  # fmt: skip
    """Ask agencies for their summaries as the business unit, every member a contact."""
    from cspr.requests.records import agency_staff

    with app.app_context():
        choices = []
        for name in names:
            found = agency_id(app, name)
            choices.append(Choice(found, [s["id"] for s in agency_staff(found)]))
        return operations.send_requests(people["bu"], case["id"], choices, due,
                                        "Please tell us about your work with Amelia.")


def _due_in(days: int) -> date:
    return clock.add_working_days(uk_today(), days)


def _send_summary(app: Flask, user: dict[str, Any], request_id: str) -> dict[str, Any]:
    with app.app_context():
        draft = operations.start_summary(user, request_id)
        form_ops.save_answers(user, draft["id"], SUMMARY)
        sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
    assert errors == {}, errors
    assert sent is not None
    return sent


def test_requests_email_each_contact_once_with_reference_due_date_and_link_only(
    app: Flask, people: dict, smtp: SmtpServer
) -> None:
    case = case_under_review(app, people)
    due = _due_in(5)
    made = _ask(app, people, case, due)
    assert [r["agency_name"] for r in made] == [HEALTH, SCHOOL]
    with app.app_context():
        sender.deliver_due()
        # Asking the same agency twice for one case is refused.
        with pytest.raises(Refused, match="already been asked"):
            operations.send_requests(people["bu"], case["id"],
                                     [Choice(agency_id(app, HEALTH))], due, "Again")
    to = sorted(m.to for m in smtp.messages if "Information needed" in m.subject)
    assert to == ["dsl@school.example.org", "nurse@health.example.org",
                  "second@health.example.org"]
    message = smtp.to("nurse@health.example.org")[-1]
    assert case["reference"] in message.subject
    assert clock.long_date(due) in message.body
    assert f"/information-requests/{made[0]['id']}" in message.body
    assert "Amelia" not in message.body  # the message to the agency stays in the toolkit
    assert_no_personal_data(smtp.messages)
    with app.app_context():
        timeline = get_store().get("cases", case["id"])["events"]
    assert any("Information requested from" in e["text"] for e in timeline)


def test_a_colleague_continues_the_agency_draft_and_sending_it_marks_the_request_received(
    app: Flask, people: dict
) -> None:
    case = case_under_review(app, people)
    health, school = _ask(app, people, case, _due_in(5))
    with app.app_context():
        operations.view_as_agency(people["nurse"], health["id"])
        assert records.standing(get_store().get(records.REQUESTS, health["id"]),
                                uk_today()).state == "viewed"
        draft = operations.start_summary(people["nurse"], health["id"])
        form_ops.save_answers(people["nurse"], draft["id"], {"involvement": "Home visits."})
        # A colleague in the same agency sees and continues the same draft ...
        again = operations.start_summary(people["nurse2"], health["id"])
        assert again["id"] == draft["id"]
        form_ops.save_answers(people["nurse2"], draft["id"], SUMMARY)
        # ... but another agency sees neither the draft nor the request.
        with pytest.raises(Forbidden):
            form_ops.get_submission(people["teacher"], draft["id"])
        with pytest.raises(NotFound):
            operations.get_for_agency(people["teacher"], health["id"])
        with pytest.raises(Forbidden):  # only its author deletes a shared draft
            form_ops.discard_draft(people["nurse2"], draft["id"])
        assert records.standing(get_store().get(records.REQUESTS, health["id"]),
                                uk_today()).state == "draft"
        sent, errors = form_ops.submit_draft(people["nurse2"], draft["id"], declared=True)
        assert errors == {} and sent is not None
        stored = get_store().get(records.REQUESTS, health["id"])
        assert stored["status"] == "received" and stored["returns"] == [sent["id"]]
        assert sent["case_id"] == case["id"]
        # The case team sees the return; the other agency does not.
        assert form_ops.can_see(people["bu"], sent)
        assert not form_ops.can_see(people["teacher"], sent)
        actions = [e["action"] for e in get_store().audit.entries()
                   if e.get("object_type") == "information_request"]
    assert {"create", "view", "start_summary", "receive"} <= set(actions)


def test_reminders_go_before_the_due_date_and_each_working_day_overdue_never_twice(
    app: Flask, people: dict, smtp: SmtpServer
) -> None:
    case = case_under_review(app, people)
    due = _due_in(3)
    health, _ = _ask(app, people, case, due, (HEALTH, SCHOOL))
    _send_summary(app, people["teacher"], _["id"])  # the school has answered: no reminders
    with app.app_context():
        days = reminders.reminder_days()
        before = clock.add_working_days(due, -days)
        first = reminders.run_reminders(before)
        again = reminders.run_reminders(before)
        assert [k for k in first.queued if k.startswith("request_reminder")] == [
            f"request_reminder:{health['id']}:{due.isoformat()}"]
        assert not [k for k in again.queued if k.startswith("request_")]
        late = clock.add_working_days(due, 1)
        overdue = reminders.run_reminders(late)
        assert [k for k in overdue.queued if k.startswith("request_")] == [
            f"request_overdue:{health['id']}:{late.isoformat()}"]
        assert not [k for k in reminders.run_reminders(late).queued if k.startswith("request_")]
        saturday = late + timedelta(days=(5 - late.weekday()) % 7)
        assert not [k for k in reminders.run_reminders(saturday).queued
                    if k.startswith("request_")]
        sender.deliver_due()
    got = [m.subject for m in smtp.to("nurse@health.example.org")]
    assert sum("Reminder: information needed" in s for s in got) == 1
    assert sum(s.startswith("Overdue: information needed") for s in got) == 1
    assert not [m for m in smtp.to("dsl@school.example.org") if "Reminder" in m.subject]
    assert_no_personal_data(smtp.messages)


def test_chase_extend_close_and_the_late_due_date_warning(app: Flask, people: dict) -> None:
    case = case_under_review(app, people)
    statutory = clock.rapid_review_due(clock.add_working_days(uk_today(), -2))
    with app.app_context(), pytest.raises(LateDue, match="after the rapid review must reach"):
        operations.send_requests(people["bu"], case["id"], [Choice(agency_id(app, HEALTH))],
                                 statutory + timedelta(days=7), "Late")
    health, school = _ask(app, people, case, _due_in(2))
    with app.app_context():
        operations.chase(people["bu"], health["id"])
        with pytest.raises(Refused, match="already been chased today"):
            operations.chase(people["bu"], health["id"])
        with pytest.raises(Forbidden):
            operations.chase(people["la"], health["id"])
        with pytest.raises(Refused, match="after the current one"):
            operations.extend(people["bu"], health["id"], _due_in(1), "Sickness")
        with pytest.raises(Refused, match="reason"):
            operations.extend(people["bu"], health["id"], _due_in(4), " ")
        moved = operations.extend(people["bu"], health["id"], _due_in(4), "Staff sickness")
        assert moved["due"] == _due_in(4).isoformat()
        closed = operations.close(people["bu"], school["id"], "no_involvement",
                                  "The school had not enrolled the child.")
        assert closed["status"] == "no_involvement"
        with pytest.raises(Refused, match="no longer open"):
            operations.chase(people["bu"], school["id"])
        with pytest.raises(Refused, match="closed"):
            operations.start_summary(people["teacher"], school["id"])


def test_the_task_list_shows_requests_and_the_plan(app: Flask, people: dict) -> None:
    case = case_under_review(app, people)
    with app.app_context():
        ctx = tasks.context_for(get_store().get("cases", case["id"]), uk_today())
        found = {t.key: t for s in tasks.sections(ctx) for t in s.tasks}
    assert found["info_requested"].status == tasks.NOT_STARTED
    assert found["info_received"].status == tasks.CANNOT_START
    assert found["milestone-summaries"].deadline is not None
    assert found["milestone-summaries"].deadline.kind == "Partnership's own target"
    health, school = _ask(app, people, case, _due_in(3))
    _send_summary(app, people["nurse"], health["id"])
    with app.app_context():
        ctx = tasks.context_for(get_store().get("cases", case["id"]), uk_today())
        found = {t.key: t for s in tasks.sections(ctx) for t in s.tasks}
    assert found["info_requested"].status == tasks.COMPLETED
    assert found["info_received"].status == tasks.IN_PROGRESS
    assert found["info_received"].waits_on == SCHOOL
    assert found["milestone-requests"].status == tasks.COMPLETED


def test_home_pages_list_requests_for_the_agency_and_returns_for_the_business_unit(
    app: Flask, people: dict
) -> None:
    case = case_under_review(app, people)
    _ask(app, people, case, _due_in(3))
    nurse = signed_in(app, people["nurse"]).get("/").text
    assert "Send your agency&#39;s summary for a rapid review" in nurse
    assert case["reference"] in nurse
    teacher = signed_in(app, people["teacher"]).get("/").text
    assert "Send your agency&#39;s summary" in teacher
    bu = signed_in(app, people["bu"]).get("/").text
    assert "Agency information outstanding from 2 agencies" in bu
    with app.app_context():
        assert outbox.counts()["queued"] >= 3
