"""Sent forms are listed one line per form with counts, each form's list a page at a time."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from cspr.formengine import operations as form_ops
from cspr.pagination import govuk_pagination, page_number
from tests.casework import test_cases
from tests.casework.test_cases import send
from tests.conftest import sign_in
from tests.test_shipped_forms import COMPLETE

people = test_cases.people  # the fixture: one account for each part in the process
REFERRALS = 30


def client_for(app: Flask, user: dict[str, Any]) -> Any:
    """Return a test client signed in as the user."""
    client = app.test_client()
    sign_in(client, user["email"])
    return client


def sent_rows(html: str) -> list[tuple[str, str, str]]:
    """Return (link, title, count) for each row of the sent-forms table on /forms."""
    table = re.search(r'<table class="govuk-table" id="sent-forms">(.*?)</table>', html, re.S)
    assert table, "no sent-forms table"
    return re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)</a></td>\s*'
                      r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>',
                      table.group(1))


def references(html: str) -> list[str]:
    """Return the submission references listed on a page."""
    return re.findall(r">(SUB-\d{4}-\d{4})</a>", html)


def fill(app: Flask, people: dict) -> None:
    """Send many referrals from one agency, and one audit from the chair."""
    with app.app_context():
        for _ in range(REFERRALS):
            sent, errors = form_ops.submit_answers(
                people["agency"], "referral", COMPLETE["referral"], declared=True)
            assert sent and not errors, errors
    send(app, people["chair"], "rapid_review_audit")


def test_the_chair_sees_one_line_per_form_and_pages_of_each(app: Flask, people: dict) -> None:
    fill(app, people)
    chair = client_for(app, people["chair"])
    rows = sent_rows(chair.get("/forms").text)
    assert rows == [
        ("/forms/referral/sent", "Referral for consideration", str(REFERRALS)),
        ("/forms/rapid_review_audit/sent", "Six-monthly rapid review audit", "1"),
    ]
    first = chair.get("/forms/referral/sent").text
    assert len(references(first)) == 25
    assert "30 sent: showing 1 to 25, newest first." in first
    assert 'class="govuk-pagination"' in first and 'aria-label="Pages of Referral' in first
    assert 'href="/forms/referral/sent?page=2" rel="next"' in first
    assert 'aria-current="page"' in first
    second = chair.get("/forms/referral/sent?page=2").text
    assert len(references(second)) == REFERRALS - 25
    assert 'href="/forms/referral/sent?page=1" rel="prev"' in second
    # Newest first, and no reference on both pages.
    both = references(first) + references(second)
    assert both == sorted(both, reverse=True) and len(set(both)) == REFERRALS
    assert references(chair.get("/forms/referral/sent?page=99").text) == references(second)
    assert references(chair.get("/forms/referral/sent?page=x").text) == references(first)


def test_every_role_sees_the_counts_its_access_allows(app: Flask, people: dict) -> None:
    fill(app, people)
    for who in ("bu", "la", "agency"):
        rows = sent_rows(client_for(app, people[who]).get("/forms").text)
        assert ("/forms/referral/sent", "Referral for consideration", str(REFERRALS)) in rows, who
    other = client_for(app, people["other_agency"])
    assert "None yet." in other.get("/forms").text
    assert other.get("/forms/referral/sent").status_code == 404
    admin = client_for(app, people["admin"])
    assert admin.get("/forms/referral/sent").status_code == 404


def test_pagination_shows_ends_and_neighbours() -> None:
    params = govuk_pagination(5, 10, lambda n: f"?page={n}")
    assert params is not None
    numbers = [item.get("number", "…") for item in params["items"]]
    assert numbers == [1, "…", 4, 5, 6, "…", 10]
    assert [i["number"] for i in params["items"] if i.get("current")] == [5]
    assert params["previous"]["href"] == "?page=4" and params["next"]["href"] == "?page=6"
    assert govuk_pagination(1, 1, str) is None
    assert "previous" not in (govuk_pagination(1, 2, str) or {})
    assert (page_number("0", 3), page_number("7", 3), page_number(None, 3)) == (1, 3, 1)
