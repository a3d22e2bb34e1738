"""The local review's progress, the partners' written requests, and publishing it safely."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from cspr.casework import casefacts, clock, deadlines, localreview, publication, tasks
from cspr.casework import operations as verbs
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import move, only_case, people, send  # noqa: F401
from tests.conftest import csrf_token, sign_in

COMMISSIONED = date(2026, 9, 1)


def _commissioned(app: Flask, people: dict) -> str:  # noqa: F811
    send(app, people["agency"], "referral")
    case_id = str(only_case(app)["id"])
    with app.app_context():
        verbs.set_fact(people["bu"], case_id, "dates.commissioned", COMMISSIONED)
        get_store().update("cases", case_id, {"stage": "review_in_progress",
                                              "facts": {**get_store().get("cases", case_id)[
                                                  "facts"], "decision.outcome": "local_cspr"}})
    return case_id


def _case(app: Flask, case_id: str) -> dict[str, Any]:
    with app.app_context():
        found = get_store().get("cases", case_id)
    assert found is not None
    return found


def test_milestones_are_targets_from_the_decision_to_commission(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _commissioned(app, people)
    with app.app_context():
        states = {s.milestone.key: s for s in localreview.states(_case(app, case_id), uk_today())}
        assert states["reviewer_appointed"].due == clock.add_working_days(COMMISSIONED, 15)
        assert states["draft_received"].due == clock.add_months(COMMISSIONED, 4)
        with pytest.raises(Refused, match="on or after the decision to commission"):
            localreview.record_milestone(people["bu"], case_id, "reviewer_appointed",
                                         COMMISSIONED - timedelta(days=1))  # fmt: skip
        with pytest.raises(Forbidden):
            localreview.record_milestone(people["la"], case_id, "reviewer_appointed",
                                         COMMISSIONED)  # fmt: skip
        localreview.record_milestone(people["bu"], case_id, "reviewer_appointed",
                                     date(2026, 9, 10), "Rowan Fictitious, independent")
        ctx = tasks.context_for(_case(app, case_id), uk_today())
        found = {t.key: t for s in tasks.sections(ctx) for t in s.tasks}
    assert found["milestone-reviewer_appointed"].status == tasks.COMPLETED
    assert found["milestone-draft_received"].status == tasks.NOT_STARTED
    assert not found["milestone-draft_received"].deadline.statutory  # the partnership's own


def test_written_requests_to_the_reviewer_are_kept_with_their_answers(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _commissioned(app, people)
    with app.app_context():
        with pytest.raises(Refused, match="Enter what was asked for"):
            localreview.ask_reviewer(people["bu"], case_id, date(2026, 10, 1), "  ")
        case = localreview.ask_reviewer(people["bu"], case_id, date(2026, 10, 1),
                                        "A draft of the report, to check its progress.")
        (request,) = case["reviewer_requests"]
        with pytest.raises(Refused, match="cannot come before the request"):
            localreview.answer_received(people["bu"], case_id, request["id"],
                                        date(2026, 9, 30), "Sent the draft.")  # fmt: skip
        case = localreview.answer_received(people["bu"], case_id, request["id"],
                                           date(2026, 10, 8), "Draft 1 sent; chapters 4 and 5 "
                                           "to follow.")  # fmt: skip
    assert case["reviewer_requests"][0]["answered_on"] == "2026-10-08"
    client = app.test_client()
    sign_in(client, "chair@testshire.example.org")
    page = client.get(f"/cases/{case_id}/local-review").text
    assert "Draft 1 sent" in page and "regulation 14" in page


def test_publication_is_refused_while_a_hold_is_on(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _commissioned(app, people)
    bu = people["bu"]
    review_on = uk_today() + timedelta(days=40)
    with app.app_context():
        publication.set_hold(bu, case_id, "An inquest is due to start in the spring.", review_on)
        with pytest.raises(Refused, match="Publication is on hold"):
            publication.record_publication(bu, case_id, uk_today(), "https://example.org/r")
        with pytest.raises(Refused, match="Publication is on hold"):
            verbs.set_fact(bu, case_id, "dates.published", uk_today())
        found = {d.key: d for d in deadlines.deadlines(_case(app, case_id), uk_today())}
    assert found["publication_hold"].status.due == review_on
    assert not found["publication_hold"].statutory
    # The hold does not move the statutory six-month date.
    assert found["publication"].status.due == clock.add_months(COMMISSIONED, 6)
    with pytest.raises(Refused, match="lift the hold"):
        move(app, bu, case_id, "published")
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    case_page = client.get(f"/cases/{case_id}").text
    assert "Look again at the publication hold" in case_page and "On hold: An inquest" in case_page
    with app.app_context():
        publication.lift_hold(bu, case_id, "The inquest has finished; the coroner agreed.")
        with pytest.raises(Refused, match="starting with https://"):
            publication.record_publication(bu, case_id, uk_today(), "example.org/r")
        publication.record_publication(bu, case_id, uk_today(),
                                       "https://www.example.org/reviews/child-a")  # fmt: skip
    case = _case(app, case_id)
    assert casefacts.get(case, "dates.published") == uk_today().isoformat()
    assert [h["lifted_because"] for h in case["publication"]["holds"]] == [
        "The inquest has finished; the coroner agreed."]
    assert move(app, bu, case_id, "published")["stage"] == "published"


def test_the_checklist_and_its_page(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _commissioned(app, people)
    bu = people["bu"]
    with app.app_context():
        with pytest.raises(Refused, match="why the full report will not be published"):
            publication.decide_plan(bu, case_id, "improvements_only", "", None, None)
        publication.decide_plan(bu, case_id, "improvements_only",
                                "Publishing in full would identify the surviving siblings.",
                                uk_today(), uk_today())  # fmt: skip
        publication.record_sent(bu, case_id, uk_today() - timedelta(days=14), None)
        publication.record_comment(bu, case_id, "panel", uk_today(), "Clear and well evidenced.")
        publication.record_step(bu, case_id, "family_told", uk_today())
        done = {key: is_done for key, _, is_done in publication.checklist(_case(app, case_id))}
    assert done == {"plan": True, "final_report": False, "sent": True, "family_told": True,
                    "published": False, "repository": False}  # fmt: skip
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    page = client.get(f"/cases/{case_id}/publication")
    assert "surviving siblings" in page.text and "Clear and well evidenced" in page.text
    bad = client.post(f"/cases/{case_id}/publication",
                      data={"form": "hold", "reason": "", "csrf_token": csrf_token(page.text)})
    assert "There is a problem" in bad.text and "Enter the date to look at the hold" in bad.text


def test_the_publication_page_offers_no_publication_while_a_hold_is_on(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _commissioned(app, people)
    with app.app_context():
        publication.set_hold(people["bu"], case_id, "An inquest is due to start in the spring.",
                             uk_today() + timedelta(days=40))  # fmt: skip
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    page = client.get(f"/cases/{case_id}/publication").text
    assert "Publication is on hold: An inquest is due to start in the spring. Set by" in page
    assert "Publication cannot be recorded while it is on hold. Lift the hold first." in page
    assert 'value="publish"' not in page and "Record publication</button>" not in page
    # A page opened before the hold was put on is refused, pointing at the way on: lifting it.
    today = uk_today()
    refused = client.post(f"/cases/{case_id}/publication", data={
        "form": "publish", "published_on-day": str(today.day),
        "published_on-month": str(today.month), "published_on-year": str(today.year),
        "web_address": "https://www.example.org/reviews/child-a", "csrf_token": csrf_token(page),
    })  # fmt: skip
    assert refused.status_code == 200
    assert ('<a href="#lift_reason">Publication is on hold: lift the hold before recording '
            "publication</a>") in refused.text  # fmt: skip
    assert casefacts.get(_case(app, case_id), "dates.published") is None


def test_the_six_month_date_moves_only_with_an_approved_delay(
    app: Flask, people: dict  # noqa: F811
) -> None:
    case_id = _commissioned(app, people)
    bu = people["bu"]
    six_months = clock.add_months(COMMISSIONED, 6)
    later = max(six_months, uk_today()) + timedelta(days=90)

    def due() -> date | None:
        return deadlines.publication_due(_case(app, case_id))

    # A later planned publication date, typed on the Key dates page, is a plan, not a delay.
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    token = csrf_token(client.get(f"/cases/{case_id}/facts").text)
    saved = client.post(f"/cases/{case_id}/facts", data={
        "dates_planned_publication-day": str(later.day),
        "dates_planned_publication-month": str(later.month),
        "dates_planned_publication-year": str(later.year), "csrf_token": token})  # fmt: skip
    assert saved.status_code == 302
    assert casefacts.get(_case(app, case_id), "dates.planned_publication") == later.isoformat()
    assert due() == six_months
    with app.app_context():
        verbs.set_fact(bu, case_id, "dates.planned_publication", later + timedelta(days=30))
        assert due() == six_months
        # A delay without who approved it, or without telling the Panel, is not recorded.
        with pytest.raises(Refused, match="who approved"):
            verbs.record_delay(bu, case_id, "The inquest will not finish in time.", " ", later,
                               uk_today(), uk_today())  # fmt: skip
        with pytest.raises(Refused, match="must be today or in the past"):
            verbs.record_delay(bu, case_id, "The inquest will not finish in time.",
                               "Jo Example, chair", later, uk_today() + timedelta(days=1),
                               uk_today())  # fmt: skip
        with pytest.raises(Forbidden):
            verbs.record_delay(people["la"], case_id, "The inquest will not finish in time.",
                               "Jo Example, chair", later, uk_today(), uk_today())  # fmt: skip
        assert due() == six_months and not _case(app, case_id).get("delays")
        verbs.record_delay(bu, case_id, "The inquest will not finish in time.",
                           "Jo Example, chair", later, uk_today(), uk_today())  # fmt: skip
    assert due() == later
    found = {d.key: d for d in deadlines.deadlines(_case(app, case_id), uk_today())}
    assert found["publication"].status.due == later
