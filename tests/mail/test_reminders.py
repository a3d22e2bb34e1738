"""Deadline reminders: N working days before, daily while overdue, never twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from cspr.casework import clock
from cspr.mail import outbox, reminders, sender
from cspr.storage import get_store
from tests.casework.test_cases import send
from tests.mail.conftest import SmtpServer, assert_no_personal_data

AWARE = date(2026, 3, 2)  # a Monday: the notification is due on Monday 9 March 2026


NAMES = {"aware": "dates.la_aware", "notified": "dates.notified"}


def _dates(key_dates: dict[str, str]) -> dict[str, dict[str, str]]:
    """Return a case's facts holding these dates (as the business unit would record them)."""
    return {"facts": {NAMES[k]: v for k, v in key_dates.items()}}


def _open_case(app: Flask, people: dict, key_dates: dict[str, str]) -> dict[str, Any]:
    send(app, people["agency"], "referral")
    with app.app_context():
        (case,) = get_store().find("cases")
        return get_store().update("cases", case["id"], _dates(key_dates))


def _run(app: Flask, today: date) -> int:
    """Run the reminders command for a day; return how many emails it queued."""
    result = app.test_cli_runner().invoke(args=["reminders", "--today", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"for {today.isoformat()}" in result.output
    return int(result.output.split("queued ")[1].split()[0])


def test_reminders_before_and_while_overdue_never_twice(
    app: Flask, smtp: SmtpServer, people: dict
) -> None:
    case = _open_case(app, people, {"aware": AWARE.isoformat()})
    with app.app_context():
        assert clock.notification_due(AWARE) == date(2026, 3, 9)
    days = {
        "wed": (date(2026, 3, 4), 0),  # 3 working days left
        "thu": (date(2026, 3, 5), 2),  # 2 left: one email to each business unit user
        "thu again": (date(2026, 3, 5), 0),
        "fri": (date(2026, 3, 6), 0),  # already reminded for this due date
        "mon": (date(2026, 3, 9), 0),  # due today: still the same reminder
        "tue": (date(2026, 3, 10), 2),  # overdue: a message every working day
        "tue again": (date(2026, 3, 10), 0),
        "sat": (date(2026, 3, 14), 0),  # not a working day
        "next mon": (date(2026, 3, 16), 2),
    }
    for label, (today, expected) in days.items():
        assert _run(app, today) == expected, label
    with app.app_context():
        sender.deliver_due()
    sent = [m for m in smtp.messages if not m.subject.startswith("New referral")]
    assert sorted(m.to for m in sent) == sorted(
        ["bu@testshire.example.org", "bu2@testshire.example.org"] * 3
    )
    coming = [m for m in sent if m.subject == f"Deadline coming up: case {case['reference']}"]
    assert len(coming) == 2
    assert "Serious incident notification: due Monday 9 March 2026 (due in 2 working days)" in (
        coming[0].body
    )
    overdue = [m for m in sent if m.subject == f"Overdue: case {case['reference']}"]
    assert len(overdue) == 4
    assert any("(overdue by 1 working day)" in m.body for m in overdue)
    assert_no_personal_data(smtp.messages)


def test_a_met_deadline_or_a_closed_case_gets_no_reminder(app: Flask, people: dict) -> None:
    case = _open_case(app, people, {"aware": AWARE.isoformat(), "notified": "2026-03-05"})
    assert _run(app, date(2026, 3, 10)) == 0  # notification met; rapid review weeks away
    with app.app_context():
        get_store().update("cases", case["id"], _dates({"aware": AWARE.isoformat()}))
    assert _run(app, date(2026, 3, 10)) == 2
    with app.app_context():
        get_store().update("cases", case["id"], {"stage": "not_notifiable"})
    assert _run(app, date(2026, 3, 11)) == 0


def test_the_number_of_working_days_is_a_setting(app: Flask, people: dict) -> None:
    _open_case(app, people, {"aware": AWARE.isoformat()})
    with app.app_context():
        reminders.set_reminder_days(people["admin"], "3")
        assert reminders.reminder_days() == 3
    assert _run(app, date(2026, 3, 4)) == 2  # now 3 working days ahead


def test_a_run_that_stopped_part_way_is_finished_not_repeated(app: Flask, people: dict) -> None:
    case = _open_case(app, people, {"aware": AWARE.isoformat()})
    today = date(2026, 3, 5)
    with app.app_context():
        (reminder,) = reminders.due_reminders(case, today, 2, frozenset())
        kind, key, text = reminder
        # A run recorded the key, queued one of the two emails and then stopped.
        assert outbox.record_key(key, kind)
        bu = reminders.recipients("business_unit")[0]
        outbox.queue(bu, kind, "Deadline coming up", text, key, case["reference"])
        get_store().update(outbox.KEYS, key, {"at": 0})  # long ago
    assert _run(app, today) == 1  # the missing one is queued; the other is not doubled
    with app.app_context():
        assert get_store().count(outbox.OUTBOX, {"kind": kind}) == 2
    assert _run(app, today) == 0


def test_a_published_report_may_come_down_after_a_year_told_once(
    app: Flask, smtp: SmtpServer, people: dict
) -> None:
    case = _open_case(app, people, {})
    with app.app_context():
        # A closed case: its report stays on the website after the case work ends.
        get_store().update("cases", case["id"], {"stage": "closed",
                                                 "facts": {"dates.published": "2025-03-03"}})
    assert _run(app, date(2026, 3, 2)) == 0  # a day short of the year
    assert _run(app, date(2026, 3, 3)) == 2  # each business unit user, once
    assert _run(app, date(2026, 3, 4)) == 0
    with app.app_context():
        sender.deliver_due()
    (first, _) = [m for m in smtp.messages if m.subject.startswith("Report may now come off")]
    assert first.subject == f"Report may now come off the website: case {case['reference']}"
    assert ("Published on Monday 3 March 2025; it may come off the website from Tuesday 3 March "
            "2026") in first.body
    assert_no_personal_data(smtp.messages)
