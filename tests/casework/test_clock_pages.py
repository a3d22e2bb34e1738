"""The deadline calculator, the closure-days page and their operations, on the real app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr import create_app
from cspr.casework import calendar_settings
from cspr.exceptions import Forbidden, Refused
from cspr.storage import close_store, get_store
from tests.conftest import csrf_token, make_user, sign_in

CALCULATOR = "/tools/deadline-calculator"
CLOSURES = "/admin/closure-days"
RULE = f"{CLOSURES}/counting-rule"
NOT_WHOLE = "Enter the number of working days as a whole number"
OUT_OF_RANGE = "Number of working days must be between 0 and 400"


def ask(client: FlaskClient, start: str = "", days: str | None = None, end: str = "") -> Any:
    """Fill in the calculator: dates as 'D M YYYY' (blank parts as '_')."""
    query: dict[str, str] = {}
    for prefix, value in (("start", start), ("end", end)):
        parts = value.split() if value else ["", "", ""]
        for name, part in zip(("day", "month", "year"), parts, strict=True):
            query[f"{prefix}-{name}"] = "" if part == "_" else part
    if days is not None:
        query["days"] = days
    return client.get(CALCULATOR, query_string=query)


def text_of(html: str) -> str:
    """Return a page's visible text with the tags taken out and spaces squeezed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def summary_errors(html: str) -> list[tuple[str, str]]:
    """Return (link, message) pairs from the error summary."""
    return [
        (href, unescape(message.strip()))
        for href, message in re.findall(r'<a href="(#[^"]+)">([^<]+)</a>', html)
    ]


def add_closure(client: FlaskClient, day: str, reason: str = "Office move") -> Any:
    """Post the add-a-closure-day form with its CSRF token."""
    token = csrf_token(client.get(CLOSURES).text)
    d, m, y = (day.split() + ["", "", ""])[:3]
    form = {"date-day": d, "date-month": m, "date-year": y, "reason": reason, "csrf_token": token}
    return client.post(CLOSURES, data=form)


@pytest.fixture
def user_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return a client signed in as agency staff."""
    make_user(app, "sam@health.example.org", "agency_user", name="Sam Agency")
    assert sign_in(client, "sam@health.example.org").status_code == 302
    return client


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """Return one signed-in client shared by tests that only read the calculator."""
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("clock") / "data"),
            "PARTNERSHIP_NAME": "Testshire Safeguarding Children Partnership",
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    make_user(application, "sam@health.example.org", "agency_user", name="Sam Agency")
    shared = application.test_client()
    assert sign_in(shared, "sam@health.example.org").status_code == 302
    yield shared
    close_store(application)


# --- The calculator ----------------------------------------------------------------------


def test_calculator_needs_signing_in(client: FlaskClient) -> None:
    response = client.get(CALCULATOR)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_blank_calculator_has_labelled_inputs_and_no_errors(reader: FlaskClient) -> None:
    page = reader.get(CALCULATOR)
    assert page.status_code == 200
    html = page.text
    assert "<title>Deadline calculator" in html and "There is a problem" not in html
    assert 'method="get"' in html and "novalidate" in html
    for box in ("start-day", "start-month", "start-year", "days", "end-day", "end-month"):
        assert f'for="{box}"' in html and f'id="{box}"' in html
    assert "<legend" in html and "Start date" in html
    assert ">Deadline calculator<" in html  # the navigation link


def test_domain_example_gives_5_january_2027(reader: FlaskClient) -> None:
    html = ask(reader, "24 12 2026", "5").text
    text = text_of(html)
    assert "The due date is Tuesday 5 January 2027" in text
    assert "Friday 25 December 2026 Christmas Day" in text
    assert "Monday 28 December 2026 Boxing Day (substitute day)" in text
    assert "Friday 1 January 2027 New Year's Day" in text
    assert "Error:" not in html.split("</title>")[0]
    assert 'value="24"' in html and 'value="5"' in html  # answers stay in the form
    assert "(5 working days) Tuesday 5 January 2027" in text
    assert "(15 working days) Tuesday 19 January 2027" in text
    assert "(6 months) Thursday 24 June 2027" in text
    assert "(7 working days before) Tuesday 15 December 2026" in text


def test_counting_between_two_dates(reader: FlaskClient) -> None:
    text = text_of(ask(reader, "24 12 2026", "", "5 1 2027").text)
    assert "5 working days from Thursday 24 December 2026 to Tuesday 5 January 2027" in text
    assert "The due date is" not in text
    backwards = text_of(ask(reader, "5 1 2027", "", "24 12 2026").text)
    assert "5 working days before Tuesday 5 January 2027 back to Thursday 24" in backwards
    # Backwards the start date (a working day) is left out and 28 December is listed.
    assert "Monday 28 December 2026 Boxing Day (substitute day)" in backwards


def test_both_answers_together(reader: FlaskClient) -> None:
    text = text_of(ask(reader, "30 3 2026", "15", "22 4 2026").text)
    assert "The due date is Wednesday 22 April 2026" in text
    assert "15 working days from Monday 30 March 2026 to Wednesday 22 April 2026" in text
    assert "Friday 3 April 2026 Good Friday" in text


@pytest.mark.parametrize(
    ("start", "days", "end", "expected"),
    [
        ("", "5", "", [("#start-day", "Enter the start date")]),
        ("31 2 2026", "5", "", [("#start-day", "Start date must be a real date")]),
        ("24 _ 2026", "5", "", [("#start-month", "Start date must include a month")]),
        ("1 1 26", "5", "", [("#start-day", "Year must include 4 numbers, like 2026")]),
        ("aa 1 2026", "5", "", [("#start-day", "Start date must be a real date")]),
        ("24 12 2026", "", "", [("#days", NOT_WHOLE)]),
        ("24 12 2026", "five", "", [("#days", NOT_WHOLE)]),
        ("24 12 2026", "2.5", "", [("#days", NOT_WHOLE)]),
        ("24 12 2026", "401", "", [("#days", OUT_OF_RANGE)]),
        ("24 12 2026", "-1", "", [("#days", OUT_OF_RANGE)]),
        ("24 12 2026", "", "5 _ _",
         [("#end-month", "Second date must include a month and a year")]),
        ("1 1 1990", "5", "", [("#start-day",
                                "Start date must be between 1 January 2000 and 31 December 2099")]),
        ("", "x", "", [("#start-day", "Enter the start date"), ("#days", NOT_WHOLE)]),
    ],
)  # fmt: skip
def test_calculator_errors(
    reader: FlaskClient, start: str, days: str, end: str, expected: list[tuple[str, str]]
) -> None:
    html = ask(reader, start, days, end).text
    assert summary_errors(html) == expected
    assert "<title>Error: Deadline calculator" in html
    assert "The due date is" not in html
    for _, message in expected:
        assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in unescape(html)


def test_calculator_uses_closure_days_and_the_counting_rule(
    app: Flask, user_client: FlaskClient
) -> None:
    with app.app_context():
        calendar_settings.add_closure_day(None, date(2026, 12, 29), "Office move")
    text = text_of(ask(user_client, "24 12 2026", "5").text)
    assert "The due date is Wednesday 6 January 2027" in text
    assert "Tuesday 29 December 2026 Closure day: Office move" in text
    with app.app_context():
        calendar_settings.set_start_is_day_zero(None, False)
    text = text_of(ask(user_client, "24 12 2026", "5").text)
    assert "The due date is Tuesday 5 January 2027" in text
    assert "counts as day 1" in text


# --- The closure-days page ---------------------------------------------------------------


def test_closure_days_page_is_for_admins_only(user_client: FlaskClient) -> None:
    assert user_client.get(CLOSURES).status_code == 403
    assert user_client.post(CLOSURES, data={}).status_code in (400, 403)
    assert ">Closure days<" not in user_client.get(CALCULATOR).text


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get(CLOSURES).status_code == 302


def test_admin_adds_and_removes_a_closure_day(app: Flask, admin_client: FlaskClient) -> None:
    page = admin_client.get(CLOSURES)
    assert page.status_code == 200 and ">Closure days<" in page.text
    assert 'for="date-day"' in page.text and 'for="reason"' in page.text
    added = add_closure(admin_client, "29 12 2026", "  Office   move ")
    assert added.status_code == 302
    page = admin_client.get(CLOSURES)
    text = text_of(page.text)
    assert "Tuesday 29 December 2026 has been added as a closure day" in text
    assert "Tuesday 29 December 2026 Office move" in text
    with app.app_context():
        assert calendar_settings.closures() == frozenset({date(2026, 12, 29)})
        entries = get_store().audit.entries(action="create", object_type="closure_day")
        assert [e["object_id"] for e in entries] == ["2026-12-29"]
        assert entries[0]["user"] == "admin@testshire.example.org"

    token = csrf_token(page.text)
    removed = admin_client.post(f"{CLOSURES}/2026-12-29/remove", data={"csrf_token": token})
    assert removed.status_code == 302
    assert "is no longer a closure day" in text_of(admin_client.get(CLOSURES).text)
    with app.app_context():
        assert calendar_settings.closures() == frozenset()
        deleted = get_store().audit.entries(action="delete", object_type="closure_day")
        assert len(deleted) == 1
    again = admin_client.post(f"{CLOSURES}/2026-12-29/remove", data={"csrf_token": token})
    assert again.status_code == 302
    assert "already been removed" in text_of(admin_client.get(CLOSURES).text)


@pytest.mark.parametrize(
    ("day", "reason", "expected"),
    [
        ("6 6 2026", "Training", ("#date-day", "Saturday 6 June 2026 is a weekend day, which "
                                  "never counts as a working day. Enter a weekday")),
        ("25 12 2026", "Training", ("#date-day", "25 December 2026 is already a bank holiday "
                                    "(Christmas Day). Enter a different date")),
        ("28 12 2026", "Training", ("#date-day", "28 December 2026 is already a bank holiday "
                                    "(Boxing Day (substitute day)). Enter a different date")),
        ("30 2 2026", "Training", ("#date-day", "Closure date must be a real date")),
        ("", "Training", ("#date-day", "Enter the closure date")),
        ("29 12 2026", "  ", ("#reason", "Enter the reason the partnership is closed")),
        ("29 12 2026", "x" * 101, ("#reason", "Reason must be 100 characters or fewer")),
    ],
)  # fmt: skip
def test_bad_closure_days_are_refused(
    admin_client: FlaskClient, day: str, reason: str, expected: tuple[str, str]
) -> None:
    response = add_closure(admin_client, day, reason)
    assert response.status_code == 200
    assert summary_errors(response.text) == [expected]
    assert "<title>Error: Closure days" in response.text
    assert "0 closure days" in response.text


def test_a_closure_day_cannot_be_added_twice(admin_client: FlaskClient) -> None:
    assert add_closure(admin_client, "29 12 2026").status_code == 302
    response = add_closure(admin_client, "29 12 2026", "Something else")
    assert summary_errors(response.text) == [
        ("#date-day", "29 December 2026 is already a closure day")
    ]
    assert "1 closure day" in response.text


def test_missing_date_and_reason_are_both_reported(admin_client: FlaskClient) -> None:
    response = add_closure(admin_client, "", "")
    assert summary_errors(response.text) == [
        ("#date-day", "Enter the closure date"),
        ("#reason", "Enter the reason the partnership is closed"),
    ]
    weekend = add_closure(admin_client, "26 12 2026", "x" * 101)
    assert [href for href, _ in summary_errors(weekend.text)] == ["#date-day", "#reason"]
    assert "Reason must be 100 characters or fewer" in weekend.text


def test_forms_without_a_csrf_token_are_refused(app: Flask, admin_client: FlaskClient) -> None:
    form = {"date-day": "29", "date-month": "12", "date-year": "2026", "reason": "Move"}
    assert admin_client.post(CLOSURES, data=form).status_code == 400
    assert admin_client.post(RULE, data={"counting": "day-one"}).status_code == 400
    with app.app_context():
        assert calendar_settings.closures() == frozenset()
        assert calendar_settings.start_is_day_zero() is True


def test_admin_changes_the_counting_rule(app: Flask, admin_client: FlaskClient) -> None:
    page = admin_client.get(CLOSURES).text
    assert re.search(r'value="day-zero"\s+checked', page)
    token = csrf_token(page)
    response = admin_client.post(RULE, data={"counting": "day-one", "csrf_token": token})
    assert response.status_code == 302
    page = admin_client.get(CLOSURES).text
    assert "The counting rule has been saved" in page
    assert re.search(r'value="day-one"\s+checked', page)
    with app.app_context():
        assert calendar_settings.start_is_day_zero() is False
        entries = get_store().audit.entries(action="update", object_type="setting")
        assert entries[0]["details"] == {"start_is_day_zero": False}
    bad = admin_client.post(RULE, data={"counting": "x", "csrf_token": token})
    assert bad.status_code == 302
    assert "Select how to count the start date" in admin_client.get(CLOSURES).text


# --- The operations themselves -----------------------------------------------------------


def test_operations_refuse_non_admins(app: Flask) -> None:
    user = make_user(app, "pat@police.example.org", "partner", name="Pat Partner")
    with app.app_context():
        with pytest.raises(Forbidden):
            calendar_settings.add_closure_day(user, date(2026, 12, 29), "Move")
        with pytest.raises(Forbidden):
            calendar_settings.set_start_is_day_zero(user, False)
        with pytest.raises(Forbidden):
            calendar_settings.remove_closure_day(user, "2026-12-29")
        assert calendar_settings.closures() == frozenset()


def test_operations_refuse_years_out_of_range(app: Flask) -> None:
    with app.app_context(), pytest.raises(Refused) as refused:
        calendar_settings.add_closure_day(None, date(2150, 1, 5), "Move")
    assert refused.value.field == "date"


def test_closure_days_are_listed_in_date_order(app: Flask) -> None:
    with app.app_context():
        for day in (date(2027, 1, 4), date(2026, 12, 29), date(2026, 12, 30)):
            calendar_settings.add_closure_day(None, day, f"Reason {day.day}")
        listed = [doc["date"] for doc in calendar_settings.list_closure_days()]
        assert listed == ["2026-12-29", "2026-12-30", "2027-01-04"]
        assert calendar_settings.closure_reasons()[date(2027, 1, 4)] == "Reason 4"
