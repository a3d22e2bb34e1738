""""Today" is the date in the UK, not the UTC date: checked at 00:30 on a summer night.

At 00:30 British Summer Time it is still yesterday in UTC. Forms used the UTC date, so a
date typed as today was refused as "in the future" for the first hour of every summer day.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask

from cspr import timeutil
from cspr.documents import operations as documents
from cspr.documents import sample
from cspr.exports import operations as exports
from cspr.formengine import conditions, operations, registry
from cspr.mail import reminders
from cspr.storage import close_store
from tests.api.conftest import INCIDENT, answers, api_user, bearer, build_app, write_forms

# 23:30 UTC on Tuesday 14 July 2026 is 00:30 BST on Wednesday 15 July 2026.
SUMMER_NIGHT = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)
UK_TODAY, UK_TOMORROW = date(2026, 7, 15), date(2026, 7, 16)
URL = "/api/forms/incident/submissions"


@pytest.fixture
def summer_night(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the clock at 00:30 on a summer night in the UK."""
    monkeypatch.setattr(timeutil, "utc_now", lambda: SUMMER_NIGHT)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app whose incident form has a date not in the future, and a question after."""
    incident = copy.deepcopy(INCIDENT)
    incident["pages"][0]["fields"].append(
        {"name": "why_late", "type": "short_text", "label": "Why is this reported late?",
         "show_if": {"field": "incident_date", "op": "before", "value": "today"}}
    )  # fmt: skip
    application = build_app(tmp_path / "data", write_forms(tmp_path / "forms", incident))
    yield application
    close_store(application)


def test_today_is_the_date_in_london(summer_night: None) -> None:
    assert timeutil.uk_now().hour == 0 and timeutil.uk_now().minute == 30
    assert timeutil.uk_today() == UK_TODAY
    assert operations.today() == UK_TODAY  # forms
    assert reminders.uk_today() == UK_TODAY  # reminders
    assert exports._stamp() == "2026-07-15"  # the date in export file names


def test_todays_date_is_accepted_and_tomorrows_refused_just_after_midnight(
    app: Flask, summer_night: None
) -> None:
    _, token = api_user(app, "sam@agency.example.org", "agency_user")
    client = app.test_client()

    tomorrow = client.post(
        URL,
        json={"answers": answers(incident_date=UK_TOMORROW.isoformat()), "declaration": True},
        headers=bearer(token),
    )
    assert tomorrow.status_code == 422
    assert "today or in the past" in tomorrow.json["errors"]["incident_date"]

    today = client.post(
        URL,
        json={"answers": answers(incident_date=UK_TODAY.isoformat()), "declaration": True},
        headers=bearer(token),
    )
    assert today.status_code == 201, today.text


def test_a_forms_today_is_the_uk_date(app: Flask, summer_night: None) -> None:
    with app.app_context():
        definition = registry.live("incident")
        assert definition is not None
        page = definition.pages[0]
        shown = {
            day: [f["name"] for f in conditions.visible_fields(
                definition, page, answers(incident_date=day.isoformat()))]
            for day in (date(2026, 7, 14), UK_TODAY)
        }  # fmt: skip
    # Yesterday (in the UK) is before today, so the question shows; today is not before today.
    assert "why_late" in shown[date(2026, 7, 14)]
    assert "why_late" not in shown[UK_TODAY]


def test_documents_are_dated_with_the_uk_date(app: Flask, summer_night: None) -> None:
    with app.app_context():
        context, _ = sample.sample_context(documents.settings(), {"id": "x", "title": "X"})
    assert context["today"] == context["document"]["date"] == "2026-07-15"
