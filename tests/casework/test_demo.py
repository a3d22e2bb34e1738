"""The demo command: a fictional partnership with cases at every stage, only on an empty store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from cspr.admin import partnership
from cspr.auth.roles import ROLES
from cspr.casework import cases, clock, deadlines, decisions, stages, tracks
from cspr.casework.calendar_settings import add_closure_day
from cspr.demo import plans as demo
from cspr.formengine import operations as form_ops
from cspr.formengine.definitions import load_directory
from cspr.formengine.validation import validate_submission
from cspr.storage import get_store
from tests.conftest import make_user, sign_in

FORMS = Path(__file__).resolve().parents[2] / "forms"
# A printed account row: email, role, partner or agency, password (columns two spaces apart).
ACCOUNT_ROW = re.compile(r"^(\S+@\S+)\s{2,}(.+?)\s{2,}(.+?)\s{2,}(\S.*)$")


def _accounts(output: str) -> dict[str, tuple[str, str, str]]:
    """Read the sign-in table the command printed."""
    rows = (ACCOUNT_ROW.match(line) for line in output.splitlines())
    return {m.group(1): (m.group(2), m.group(3), m.group(4)) for m in rows if m}


def _footprint(app: Flask) -> dict[str, int]:
    """Count everything a run of the demo could add."""
    with app.app_context():
        store = get_store()
        counts = {t: store.count(t) for t in ("users", "agencies", "cases", "submissions")}
        return {**counts, "audit": store.audit.count()}


def _strings(value: Any) -> Iterator[str]:
    """Yield every string inside a form's answers."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_demo_fills_an_empty_store_and_refuses_a_second_time(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    accounts = _accounts(result.output)
    assert {role for role, _, _ in accounts.values()} == set(ROLES.values())
    assert "18 cases" in result.output

    with app.app_context():
        store = get_store()
        every_case = store.find("cases")
        assert {c["stage"] for c in every_case} == set(stages.STAGES)
        users = store.find("users")
        assert {u["role"] for u in users} == set(ROLES)
        assert {u["email"] for u in users} == set(accounts)
        for case in every_case:
            assert case["events"] and cases.case_submissions(case["id"])
            assert store.audit.count(object_type="case", object_id=case["id"]) >= 1
        assert decisions.decision_rule() == "unanimous"
        dissent = [c for c in every_case if decisions.position(c).dissent]
        assert dissent and all(c["stage"] != "not_notifiable" for c in dissent)
        # The local authority notified despite a dissent under the unanimous rule.
        assert any(c.get("notification", {}).get("without_agreement") for c in every_case)
        assert {tracks.track(c) for c in every_case} >= {"serious_incident", "looked_after_death"}
        tasks = [t for c in every_case for t in c["tasks"]]
        assert any(t.get("outcome") == "change" for t in tasks)
        assert any(c["facts"].get("decision.outcome") == "national_review" for c in every_case)
        assert any(c.get("delays") for c in every_case)
        # Letters have the partnership's details, and a case holds back letters to its family.
        details = partnership.details()
        assert details.family_contact_set and details.address_lines[-1] == "EY1 1AA"
        assert any(c["facts"].get("family.contact_hold") == "yes" for c in every_case)
        # Nothing that looks real: every email, in accounts and in answers, is at example.org.
        answers = [s for sub in store.find("submissions") for s in _strings(sub["answers"])]
        emails = [u["email"] for u in users] + [s for s in answers if "@" in s]
        assert emails and all(e.endswith(".example.org") for e in emails)
        late = {d.status.state for c in every_case for d in deadlines.deadlines(c, date.today())}
        assert {"overdue", "due_soon", "met"} <= late

    for email, (role, _, password) in accounts.items():
        client = app.test_client()
        assert sign_in(client, email, password).status_code == 302, email
        home = client.get("/")
        assert f"signed in as {role.lower()}" in home.text, email
    client = app.test_client()
    sign_in(client, "bu@demo.example.org", accounts["bu@demo.example.org"][2])
    dashboard = client.get("/dashboard")
    assert "Overdue by" in dashboard.text and "Due in" in dashboard.text
    assert client.get("/cases").text.count("CSPR-") >= 15

    before = _footprint(app)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    assert "already has cases or forms" in again.output
    assert _footprint(app) == before


def test_demo_keeps_the_first_admin_and_the_partnerships_settings(app: Flask) -> None:
    admin = make_user(app, "first.admin@testshire.example.org", "admin")
    with app.app_context():
        # A partnership that decides unanimously and closes for a day still gets every stage.
        decisions.set_rules(admin, "unanimous", 3)
        partnership.save(admin, {"name": "Testshire Safeguarding Children Partnership"})
        closed = clock.add_working_days(date.today(), -4)
        add_closure_day(admin, closed, "Staff training day")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "did not add one" in result.output
    assert "admin@demo.example.org" not in _accounts(result.output)
    with app.app_context():
        store = get_store()
        assert [u["email"] for u in store.find("users", where={"role": "admin"})] == [
            "first.admin@testshire.example.org"
        ]
        assert {c["stage"] for c in store.find("cases")} == set(stages.STAGES)
        kept = partnership.details()
        assert kept.name == "Testshire Safeguarding Children Partnership"
        assert not kept.family_contact_set  # the demo's invented contact was not added


def test_demo_refuses_a_store_with_any_form(app: Flask) -> None:
    nurse = make_user(app, "nurse@testshire.example.org", "agency_user")
    with app.app_context():
        form_ops.start_draft(nurse, "referral")  # even an unsent draft is a real record
    before = _footprint(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "only fills an empty store" in result.output
    assert _footprint(app) == before


def test_plans_hold_on_any_day_of_the_year() -> None:
    """Every planned form passes its rules whatever today is, and the deadlines stay lively."""
    definitions, errors = load_directory(FORMS)
    assert errors == []
    christmas = [date(2026, 12, 20) + timedelta(days=n) for n in range(16)]
    easter = [date(2027, 3, 24) + timedelta(days=n) for n in range(10)]
    year = [date(2027, 1, 9) + timedelta(days=23 * n) for n in range(16)]
    for today in [*christmas, *easter, *year, date(2028, 2, 29)]:
        plans, others = demo.build_plans(today)
        assert {p.stage for p in plans} == set(stages.STAGES)
        sends = [s for p in plans for s in (p.referral, *p.steps) if isinstance(s, demo.Send)]
        for send in sends + others:
            _, problems = validate_submission(definitions[send.form_id], send.answers, today)
            assert problems == {}, (today, send.form_id, problems)
        for plan in plans:
            for step in plan.steps:
                if isinstance(step, demo.KeyDate) and step.fact != "dates.planned_publication":
                    assert step.when <= today, (today, plan.letter, step)
                if isinstance(step, demo.Delay):
                    assert step.new_date > today
        aware = {p.letter: date.fromisoformat(p.referral.answers["la_aware_date"]) for p in plans}
        due = clock.notification_due
        assert clock.deadline_status(due(aware["B"]), today).state == "overdue", today
        assert clock.deadline_status(due(aware["A"]), today).state == "due_soon", today


def test_demo_leaves_no_email_to_invented_people(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        left = get_store().find("mail_outbox")
    assert [m["to"] for m in left if m["to"].endswith("demo.example.org")] == []
