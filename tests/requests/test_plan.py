"""The rapid review plan: milestones on working days after the notification, as the
partnership's own targets (closure days and its counting rule apply; the statutory date never
moves), set by administrators and shown on the task list and the deadlines page."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from cspr.casework import calendar_settings, clock, deadlines
from cspr.exceptions import Forbidden, Refused
from cspr.requests import milestones, plan
from cspr.requests.plan import DEFAULT_PLAN, Milestone, Row, milestone_dates
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token
from tests.requests.conftest import case_under_review, signed_in

CHRISTMAS = date(2026, 12, 24)  # Thursday; 25 and 28 December and 1 January are bank holidays
EASTER = date(2027, 3, 25)  # Thursday before Good Friday (26 March) and Easter Monday (29 March)


def _days(found: list[tuple[Milestone, date]]) -> list[str]:
    return [day.isoformat() for _, day in found]


def test_milestones_skip_christmas_and_new_year_bank_holidays() -> None:
    found = milestone_dates(CHRISTMAS, list(DEFAULT_PLAN))
    # 29, 30, 31 December, then 4 January (1 January is a bank holiday) ...
    assert _days(found) == ["2026-12-29", "2027-01-08", "2027-01-12", "2027-01-14", "2027-01-19"]
    assert clock.rapid_review_due(CHRISTMAS) == date(2027, 1, 19)


def test_milestones_skip_easter() -> None:
    found = milestone_dates(EASTER, list(DEFAULT_PLAN))
    assert _days(found) == ["2027-03-30", "2027-04-08", "2027-04-12", "2027-04-14", "2027-04-19"]


def test_closure_days_and_day_one_counting_move_targets_never_the_statutory_date() -> None:
    closed = frozenset({date(2026, 12, 30)})
    found = milestone_dates(CHRISTMAS, list(DEFAULT_PLAN), closed)
    assert _days(found) == ["2026-12-29", "2027-01-11", "2027-01-13", "2027-01-15", "2027-01-20"]
    assert clock.rapid_review_due(CHRISTMAS) == date(2027, 1, 19)  # unmoved by the closure
    # Counting the notification day as day 1 (it is a working day): a day earlier throughout.
    day_one = milestone_dates(CHRISTMAS, list(DEFAULT_PLAN), start_is_day_zero=False)
    assert _days(day_one) == ["2026-12-24", "2027-01-07", "2027-01-11", "2027-01-13",
                              "2027-01-18"]
    easter = milestone_dates(EASTER, list(DEFAULT_PLAN), start_is_day_zero=False)
    assert _days(easter)[:2] == ["2027-03-25", "2027-04-07"]


def test_a_case_shows_a_milestone_after_the_statutory_date_as_such(
    app: Flask, people: dict
) -> None:
    notified = clock.add_working_days(uk_today(), -2)
    case = case_under_review(app, people, notified)
    statutory = clock.rapid_review_due(notified)
    with app.app_context():
        # A closure day inside the 15 working days pushes the last target past the statute.
        closure = clock.add_working_days(notified, 3)
        calendar_settings.add_closure_day(None, closure, "Training day")
        found = milestones.case_milestones(get_store().get("cases", case["id"]), uk_today())
    last = found[-1]
    assert last.target.status.due == clock.add_working_days(notified, 15, {closure})
    assert last.statutory_due == statutory and last.after_statutory
    assert not found[0].after_statutory
    assert {m.target.kind for m in found} == {"Partnership's own target"}
    assert not any(m.target.statutory for m in found)


def test_the_plan_is_checked_saved_by_administrators_only_and_audited(
    app: Flask, people: dict
) -> None:
    rows = [Row("requests", "Requests out", "1", "requests_sent"),
            Row("", "Chair's briefing", "9", "recorded"), Row("", "", "", "recorded")]
    with pytest.raises(Refused, match="between 1 and 15"):
        plan.check_plan([Row("", "Too late", "16", "recorded")])
    with pytest.raises(Refused, match="whole number"):
        plan.check_plan([Row("", "Soon", "two", "recorded")])
    with pytest.raises(Refused, match="Enter the name of milestone 1"):
        plan.check_plan([Row("", "", "3", "recorded")])
    with pytest.raises(Refused, match="at least one milestone"):
        plan.check_plan([Row("", "", "", "recorded")])
    with pytest.raises(Refused, match="whole number of working days"):
        plan.check_reply_days("0")
    checked = plan.check_plan(rows)
    assert [m.name for m in checked] == ["Requests out", "Chair's briefing"]
    with app.app_context():
        with pytest.raises(Forbidden):
            plan.save_plan(people["bu"], checked, 10)
        plan.save_plan(people["admin"], checked, 12)
        assert [m.day for m in plan.plan()] == [1, 9]
        assert deadlines.expected_reply_days() == 12
        actions = [(e["action"], e["object_id"]) for e in get_store().audit.entries()
                   if e.get("object_type") == "setting"]
    assert ("update", plan.PLAN_SETTING) in actions
    assert ("update", deadlines.PANEL_REPLY_SETTING) in actions


def test_the_settings_page_saves_the_plan_and_says_what_is_wrong(app: Flask, people: dict) -> None:
    admin = signed_in(app, people["admin"])
    page = admin.get("/admin/settings/rapid-review-plan")
    assert page.status_code == 200 and "Agency summaries received" in page.text
    data = {"csrf_token": csrf_token(page.text), "rows": "3", "reply_days": "10",
            "id-1": "summaries", "name-1": "Summaries in", "day-1": "20",
            "done_when-1": "summaries_received",
            "name-2": "Meeting", "day-2": "10", "done_when-2": "meeting"}  # fmt: skip
    refused = admin.post("/admin/settings/rapid-review-plan", data=data)
    assert refused.status_code == 200 and refused.text.count("between 1 and 15") >= 2
    assert "<title>Error:" in refused.text
    saved = admin.post("/admin/settings/rapid-review-plan", data={**data, "day-1": "7"},
                       follow_redirects=True)  # fmt: skip
    assert "The rapid review plan has been saved" in saved.text
    with app.app_context():
        assert [(m.id, m.day) for m in plan.plan()][0] == ("summaries", 7)


def test_the_deadlines_page_shows_targets_as_the_partnerships_own(
    app: Flask, people: dict
) -> None:
    # Notified 9 working days ago: the day-8 target for summaries has passed.
    case = case_under_review(app, people, clock.add_working_days(uk_today(), -9))
    page = signed_in(app, people["bu"]).get("/dashboard").text
    assert case["reference"] in page
    assert "Agency summaries received" in page and "Partnership&#39;s own target" in page


def test_a_milestone_the_business_unit_marks_done(app: Flask, people: dict) -> None:
    case = case_under_review(app, people)
    with app.app_context():
        plan.save_plan(people["admin"], [*DEFAULT_PLAN[:2],
                                         Milestone("brief", "Chair briefed", 5, "recorded")], 10)
    bu = signed_in(app, people["bu"])
    case_page = bu.get(f"/cases/{case['id']}").text
    assert "Milestone: Chair briefed" in case_page
    url = f"/cases/{case['id']}/milestones/brief"
    page = bu.get(url)
    today = uk_today()
    done = bu.post(url, data={"csrf_token": csrf_token(page.text), "done_on-day": str(today.day),
                              "done_on-month": str(today.month),
                              "done_on-year": str(today.year)}, follow_redirects=True)
    assert "marked as done" in done.text
    with app.app_context():
        found = milestones.case_milestones(get_store().get("cases", case["id"]), today)
    assert [m.done for m in found if m.milestone.id == "brief"] == [today]
    assert bu.get(f"/cases/{case['id']}/milestones/summaries").status_code == 404


def test_the_panels_expected_reply_follows_the_setting_and_is_a_local_expectation(
    app: Flask, people: dict
) -> None:
    from cspr.casework import operations as verbs
    from cspr.mail import reminders

    case = case_under_review(app, people)
    sent = clock.add_working_days(uk_today(), -3)
    day = clock.add_working_days(uk_today(), 1)  # a working day, whatever today is
    with app.app_context():
        verbs.set_fact(people["bu"], case["id"], "dates.rapid_review_sent", sent)
        plan.save_plan(people["admin"], list(DEFAULT_PLAN), 2)
        stored = get_store().get("cases", case["id"])
        reply = {d.key: d for d in deadlines.deadlines(stored, day)}["panel_reply"]
        assert reply.status.due == clock.add_working_days(sent, 2)
        assert not reply.statutory and reply.kind == "Local expectation"
        assert reply.status.state == "overdue"
        # The reminder run tells the business unit to chase the late reply.
        run = reminders.run_reminders(day)
    expected = f"reminder:{case['id']}:the-panel-s-reply-expected:deadline_overdue:{day}"
    assert expected in run.queued
