"""Actions feed their case (it closes only when every action is accepted as complete), and the
yearly figures count published reviews, actions completed with evidence and learning shared."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from cspr import create_app
from cspr.casework import casefacts, cases
from cspr.casework import operations as verbs
from cspr.demo import run as demo
from cspr.exceptions import Refused
from cspr.exports import yearly
from cspr.learning import operations as learning
from cspr.learning import records
from cspr.storage import close_store, get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import send
from tests.conftest import sign_in
from tests.documents.conftest import docx_text, table_rows
from tests.learning.conftest import World, make_world, post, upload


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return an app holding the demo partnership, whose cases K and L have action plans."""
    app = create_app({"TESTING": True, "LOGIN_RATE_LIMIT": "1000 per minute",
                      "DATA_DIR": str(tmp_path_factory.mktemp("learning") / "data")})
    with app.app_context():
        demo.create_demo()
    yield app
    close_store(app)


def _demo(app: Flask, who: str) -> dict[str, Any]:
    with app.app_context():
        found = get_store().find_one("users", {"email": who})
    assert found is not None
    return found


def test_the_demo_makes_its_action_plans_through_learning(demo_app: Flask) -> None:
    with demo_app.app_context():
        closed = get_store().find_one("cases", {"stage": "closed"})
        assert closed is not None
        assert casefacts.get(closed, "actions.statuses") == ["complete"] * 4
        done = records.case_actions(closed["id"])
        assert all(a["state"] == "complete" and a["evidence"] for a in done)
        (review,) = records.case_reviews(closed["id"])
        assert records.review_activities(review["id"])
        assert not get_store().find("submissions", where={"form_id": "action_plan"})


def test_the_case_closes_only_when_every_action_is_accepted(demo_app: Flask) -> None:
    bu = _demo(demo_app, "bu@demo.example.org")
    with demo_app.app_context():
        case = get_store().find_one("cases", {"stage": "action_plan"})
        assert case is not None
        assert casefacts.get(case, "actions.statuses") == ["complete", "amber", "green", "red"]
        waiting = [a for a in records.case_actions(case["id"]) if a["state"] != "complete"]
    client = demo_app.test_client()
    sign_in(client, "bu@demo.example.org", demo.DEMO_PASSWORD)
    page = re.sub(r"\s+", " ", client.get(f"/cases/{case['id']}").text)
    assert "Action plan and learning" in page
    assert "1 of 4 accepted as complete; 1 overdue." in page
    for number, action in enumerate(waiting, start=1):
        with demo_app.app_context():
            with pytest.raises(Refused, match="Every action in the action plan must be complete"):
                cases.move(bu, case["id"], "closed")
            learning.add_evidence(bu, action["id"], upload(), "An audit")
            learning.submit_complete(bu, action["id"], "Done, with the audit to show it.")
            if number < len(waiting):  # submitted is not accepted: still refused
                with pytest.raises(Refused, match="must be complete"):
                    cases.move(bu, case["id"], "closed")
            learning.decide(bu, action["id"], True, "")
    with demo_app.app_context():
        closed = cases.move(bu, case["id"], "closed")
    assert closed["stage"] == "closed"
    assert casefacts.get(closed, "actions.statuses") == ["complete"] * 4
    history = [h for h in closed["fact_history"] if h["fact"] == "actions.statuses"]
    assert history[-1]["source"] == f"learning:{waiting[-1]['reference']}"
    assert f"Action {waiting[-1]['reference']} accepted as complete" in [
        e["text"] for e in closed["events"]]


def test_a_local_review_needs_its_case_and_only_one(app: Flask) -> None:
    world = make_world(app)
    bu = world.people["bu"]
    send(app, world.people["nurse"], "referral")
    with app.app_context():
        (case,) = get_store().find("cases")
        with pytest.raises(Refused, match="Enter the reference of the case"):
            learning.record_review(bu, "local", "Child A", "", None)
        with pytest.raises(Refused, match="There is no case with the reference CSPR-1999-0001"):
            learning.record_review(bu, "local", "Child A", "cspr-1999-0001", None)
        with pytest.raises(Refused, match="leave the case reference empty"):
            learning.record_review(bu, "thematic", "A report", case["reference"], None)
        learning.record_review(bu, "local", "Child A", case["reference"].lower(), None)
        with pytest.raises(Refused, match="already has its local review recorded"):
            learning.record_review(bu, "local", "Child A again", case["reference"], None)


def _year_world(app: Flask) -> tuple[World, dict[str, Any]]:
    """A case whose local review was published this year, with one action done with
    evidence, one overdue, and a briefing that reached 85 people."""
    world = make_world(app)
    bu, nurse = world.people["bu"], world.people["nurse"]
    send(app, nurse, "referral")
    today = uk_today()
    start, _ = yearly.year_bounds(yearly.year_of(today))
    with app.app_context():
        (case,) = get_store().find("cases")
        verbs.set_fact(bu, case["id"], "dates.commissioned", max(start, today - timedelta(30)))
        verbs.set_fact(bu, case["id"], "dates.published", today)
        review = learning.record_review(bu, "local", "Child A", case["reference"], today)
        review = learning.add_recommendation(bu, review["id"], "Share concerns sooner.")
        recommendation = review["recommendations"][0]["id"]
        done = learning.add_action(bu, review["id"], recommendation, "Write a guide",
                                   nurse["agency_id"], "Sam Lead", "Lead", today, "green")
        learning.add_action(bu, review["id"], recommendation, "Audit the records",
                            nurse["agency_id"], "Sam Lead", "Lead", today - timedelta(1), "red")
        learning.add_evidence(nurse, done["id"], upload(), "The guide")
        learning.submit_complete(nurse, done["id"], "Guide published and in use.")
        learning.decide(world.people["chair"], done["id"], True, "")
        learning.record_activity(bu, review["id"], "seven_minute_briefing", "Sharing concerns",
                                 today, "Health visitors", "85")
    return world, case


def test_yearly_figures_count_reviews_actions_with_evidence_and_learning(app: Flask) -> None:
    world, case = _year_world(app)
    today = uk_today()
    with app.app_context():
        figures = yearly.figures_for(world.people["bu"], yearly.year_of(today), today)
        local = next(a for a in figures.actions if a.name.startswith("Local"))
        thematic = next(a for a in figures.actions if a.name.startswith("Panel thematic"))
    assert figures.counts["published"] == 1 and figures.local.published == 1
    assert figures.local.within_six_months == 1 and figures.local.by_approved_date == 1
    assert (local.recorded, local.completed, local.with_evidence) == (2, 1, 1)
    assert (local.open, local.overdue) == (1, 1)
    assert (thematic.recorded, thematic.open, thematic.completed) == (2, 2, 0)
    briefing = next(a for a in figures.activity if a.name == "Seven-minute briefing")
    assert (briefing.held, briefing.reached) == (1, 85)
    rows = {text: number for _, text, number in yearly.figure_rows(figures)}
    assert rows["Actions completed with evidence"] == 1
    assert rows["Published within six months of the decision to commission"] == 1
    assert rows["People the learning reached"] == 85

    # The page, the workbook and the Word section say the same.
    client = world.client("bu")
    page = re.sub(r"\s+", " ", client.get("/exports/yearly-figures").text)
    assert "Actions completed with evidence</th> <td class=\"govuk-table__cell " \
           "govuk-table__cell--numeric\">1<" in page  # fmt: skip
    assert "Seven-minute briefing" in page
    word = post(client, "/exports/yearly-figures/word", year=str(yearly.year_of(today)))
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    text = docx_text(word.data)
    assert figures.label in text and "Sharing concerns" in text and "{{" not in text
    found = table_rows(word.data)
    assert ["Of those, completed with evidence", "1"] in found
    assert ["People the learning reached", "85"] in found
    assert ["Local reviews published", "1"] in found
    with app.app_context():
        entries = get_store().audit.entries(action="export", limit=None)
    assert any(e["object_type"] == "yearly_report_section" for e in entries)
    assert post(world.client("nurse"), "/exports/yearly-figures/word").status_code == 403
