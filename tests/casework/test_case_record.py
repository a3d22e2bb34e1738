"""The case record: facts bound by declaration, the task list, and what waits for each person."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from cspr.casework import bindings, casefacts, cases, catalog, tasks, todo
from cspr.formengine.definitions import load_directory
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import (  # noqa: F401 - people is a fixture
    give_views,
    move,
    notify,
    only_case,
    people,
    send,
    sign_all,
)
from tests.conftest import sign_in

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _stored(app: Flask, case_id: str) -> dict[str, Any]:
    with app.app_context():
        found = get_store().get("cases", case_id)
    assert found is not None
    return found


def test_every_fact_the_process_needs_is_written_by_a_shipped_form() -> None:
    definitions, errors = load_directory(FORMS)
    assert errors == []
    written: dict[str, list[str]] = {}
    for definition in definitions.values():
        for binding in bindings.bindings(definition):
            field_types = catalog.FACTS.get(binding.fact)
            if field_types is not None:
                assert binding.field["type"] in field_types.field_types, binding
            if binding.writes:
                written.setdefault(binding.fact, []).append(definition.id)
    # Some needed facts are recorded on the case's own pages rather than by a form.
    on_pages = {"dates.notified", "notification.reference", "dates.rapid_review_sent",
                "dates.final_report_sent", "dates.published"}  # fmt: skip
    missing = [name for name in catalog.NEEDED if name not in written and name not in on_pages]
    assert missing == []


def test_starting_the_notification_fills_it_from_the_case(app: Flask, people: dict) -> None:  # noqa: F811
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    with app.app_context():
        from cspr.casework import operations as verbs

        verbs.set_fact(people["bu"], case_id, "dates.la_aware", date(2026, 10, 31))
        draft = cases.start_case_form(people["bu"], case_id, "notification")
    answers = draft["answers"]
    child = answers["children"][0]
    assert child["child_name"] == {"given_names": "Amelia", "family_name": "Jones"}
    assert child["date_of_birth"] == "2025-08-03" and child["gender"] == "female"
    assert answers["la_aware_date"] == "2026-10-31"
    assert answers["incident_type"] == "serious_harm" and answers["incident_date"] == "2026-10-30"
    assert answers["agencies_involved"] == "Health visiting team\nChildren's social care"
    # The rapid review gets the notification's date and reference.
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, date(2026, 11, 3))
    with app.app_context():
        review = cases.start_case_form(people["bu"], case_id, "rapid_review")["answers"]
    assert review["notification_date"] == "2026-11-03"
    assert review["notification_reference"] == "NSI-2026-0001"
    assert [row["agency_name"] for row in review["agency_involvement"]] == [
        "Health visiting team", "Children's social care"]


def test_a_read_only_question_never_changes_the_case(app: Flask, people: dict) -> None:  # noqa: F811
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    move(app, people["bu"], case_id, "consideration")
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, date(2026, 11, 3))
    move(app, people["bu"], case_id, "notified")
    move(app, people["bu"], case_id, "rapid_review")
    send(app, people["bu"], "rapid_review", {"notification_date": "2026-11-09"}, case_id)
    case = _stored(app, case_id)
    assert casefacts.get(case, "dates.notified") == "2026-11-03"
    assert not [c for c in casefacts.conflicts(case) if c["fact"] == "dates.notified"]


def _task(app: Flask, case_id: str) -> dict[str, tasks.Task]:
    with app.app_context():
        ctx = tasks.context_for(_stored(app, case_id), uk_today())
        return {t.key: t for section in tasks.sections(ctx) for t in section.tasks}


def test_the_task_list_moves_as_tasks_complete(app: Flask, people: dict) -> None:  # noqa: F811
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    found = _task(app, case_id)
    assert found["la_aware"].status == tasks.NOT_STARTED
    assert found["notification"].status == tasks.CANNOT_START
    move(app, people["bu"], case_id, "consideration")
    give_views(app, people, case_id, {"la": True})
    with app.app_context():
        from cspr.casework import operations as verbs

        verbs.set_fact(people["bu"], case_id, "dates.la_aware", uk_today() - timedelta(days=2))
    found = _task(app, case_id)
    assert found["views"].status == tasks.IN_PROGRESS
    assert found["views"].waits_on == "Police, Integrated care board"
    assert found["notification"].status == tasks.NOT_STARTED
    assert found["notification"].deadline is not None
    give_views(app, people, case_id, {"police": True, "icb": True})
    notify(app, people, case_id, uk_today() - timedelta(days=1))
    found = _task(app, case_id)
    assert found["views"].status == found["notification"].status == tasks.COMPLETED
    move(app, people["bu"], case_id, "notified")
    move(app, people["bu"], case_id, "rapid_review")
    found = _task(app, case_id)
    assert found["rapid_review_form"].status == tasks.NOT_STARTED
    assert found["sent"].deadline is not None and found["sent"].deadline.statutory
    send(app, people["bu"], "rapid_review", {}, case_id)
    found = _task(app, case_id)
    assert found["rapid_review_form"].status == tasks.COMPLETED
    assert found["signoff"].status == tasks.NOT_STARTED
    sign_all(app, people, case_id)
    assert _task(app, case_id)["signoff"].status == tasks.COMPLETED

    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    page = client.get(f"/cases/{case_id}").text
    assert 'class="govuk-task-list"' in page
    assert "Partners&#39; sign-off" in page and "Rapid review sent to the Panel" in page


def test_what_needs_each_persons_action(app: Flask, people: dict) -> None:  # noqa: F811
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    reference = only_case(app)["reference"]

    def waiting(who: str) -> list[str]:
        with app.app_context():
            return [f"{i.text} {i.reference}" for i in todo.for_user(people[who], uk_today())]

    assert waiting("bu")[0].startswith("New referral")
    assert waiting("police") == []
    move(app, people["bu"], case_id, "consideration")
    assert waiting("police") == [f"Give your view on notifying the Panel {reference}"]
    assert f"Record the local authority's notification {reference}" in waiting("la")
    give_views(app, people, case_id, {"police": True})
    assert waiting("police") == []
    give_views(app, people, case_id, {"la": True})
    notify(app, people, case_id, uk_today())
    move(app, people["bu"], case_id, "notified")
    move(app, people["bu"], case_id, "rapid_review")
    send(app, people["bu"], "rapid_review", {}, case_id)
    assert waiting("icb")[0].startswith("Sign off rapid review SUB-")
    client = app.test_client()
    sign_in(client, "icb@testshire.example.org")
    home = client.get("/").text
    assert "What needs your action" in home and "Sign off rapid review" in home
    assert f"/cases/{case_id}/sign-off" in home
    # The chair is asked for the six-monthly audit until one is sent.
    with app.app_context():
        assert [i.text for i in todo.for_user(people["chair"], uk_today())] == [
            "Audit the rapid reviews of the last six months"]
