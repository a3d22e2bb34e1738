"""The rapid review report carries each agency's summary, in the anonymised version too."""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask

from cspr.casework import clock
from cspr.documents import operations as documents
from cspr.formengine import operations as form_ops
from cspr.requests import operations
from cspr.requests.operations import Choice
from cspr.requests.records import agency_staff
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.casework.test_cases import send
from tests.documents.conftest import docx_text, table_rows
from tests.requests.conftest import HEALTH, SCHOOL, SUMMARY, agency_id, case_under_review


def _answer(app: Flask, user: dict[str, Any], request_id: str, answers: dict[str, Any]) -> None:
    with app.app_context():
        draft = operations.start_summary(user, request_id)
        form_ops.save_answers(user, draft["id"], answers)
        sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
    assert errors == {} and sent is not None


def test_the_report_holds_both_summaries_full_and_anonymised(app: Flask, people: dict) -> None:
    case = case_under_review(app, people)
    with app.app_context():
        choices = [Choice(agency_id(app, n), [s["id"] for s in agency_staff(agency_id(app, n))])
                   for n in (HEALTH, SCHOOL)]
        health, school = operations.send_requests(
            people["bu"], case["id"], choices, clock.add_working_days(uk_today(), 3), "Please")
    _answer(app, people["nurse"], health["id"], SUMMARY)
    school_summary = copy.deepcopy(SUMMARY)
    school_summary.update(
        agency_name=SCHOOL, involvement="Amelia's brother attends the school.",
        chronology=[{"entry_date": "2026-10-20", "contact": "Meeting with the class teacher",
                     "what_happened": "The brother said the baby cries a lot at night."}])
    _answer(app, people["teacher"], school["id"], school_summary)
    # The report is made only once the rapid review itself has been sent.
    send(app, people["bu"], "rapid_review", {"recommendation": "local_cspr"}, case["id"],
         drop=("other_learning_route",))  # fmt: skip
    with app.app_context():
        stored = get_store().get("cases", case["id"])
        full, _, _ = documents.render_for_case(people["bu"], stored, "rapid_review_report", False)
        hidden, _, _ = documents.render_for_case(people["bu"], stored, "rapid_review_report",
                                                 True)
    text = docx_text(full)
    for expected in (HEALTH, SCHOOL, SUMMARY["involvement"], "Amelia's brother attends",
                     "The low mood was not followed up."):
        assert expected in text, expected
    rows = table_rows(full)
    assert ["1 September 2026", "Home visit by the health visitor",
            "New birth visit; no concerns recorded."] in rows
    assert ["12 October 2026", "Clinic appointment",
            "Weight check; the mother seemed tired and low."] in rows
    assert ["20 October 2026", "Meeting with the class teacher",
            "The brother said the baby cries a lot at night."] in rows
    anonymised = docx_text(hidden)
    assert "Amelia" not in anonymised
    assert "brother attends the school" in anonymised and SUMMARY["involvement"] in anonymised
    assert "Home visit by the health visitor" in anonymised
