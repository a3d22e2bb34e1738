"""Who may export what: agencies their own forms, case roles cases, admins nothing; all logged."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspr.storage import get_store
from tests.exports.conftest import EMAILS, post, user_of, workbook

Login = Callable[[str], FlaskClient]
CASE_PAGES = [
    ("post", "/exports/case-register"),
    ("post", "/exports/action-plan-tracker"),
    ("get", "/exports/rapid-review-audit"),
    ("get", "/exports/yearly-figures"),
    ("post", "/exports/yearly-figures"),
]


def _references(client: FlaskClient, form_id: str) -> set[str]:
    """Export a form as JSON and return the references it holds."""
    response = post(client, f"/exports/forms/{form_id}", format="json")
    assert response.status_code == 200
    return {s["reference"] for s in json.loads(response.data)["submissions"]}


def test_an_agency_user_exports_only_their_agencys_forms(app: Flask, login: Login) -> None:
    health, school = user_of(app, "health"), user_of(app, "school")
    with app.app_context():
        sent = get_store().find("submissions", where={"status": "submitted"})
    own = {s["reference"] for s in sent if s.get("agency_id") == health["agency_id"]}
    assert own and len(own) < len(sent)

    client = login("health")
    index = client.get("/exports")
    assert index.status_code == 200
    assert "You can export the forms your agency has sent" in index.text
    assert "Case register" not in index.text and "audit workbook" not in index.text
    assert ">Exports<" in index.text  # in the navigation
    assert _references(client, "referral") == {
        s["reference"] for s in sent
        if s["form_id"] == "referral" and s.get("agency_id") == health["agency_id"]
    }  # fmt: skip
    assert _references(client, "rapid_review") == set()  # the business unit's forms
    book = workbook(post(client, "/exports/forms/referral", format="xlsx"))
    exported = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert exported and exported <= own
    agencies = {row[3] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert agencies == {"Exampleshire Community Health Services"}

    other = login("school")
    assert _references(other, "referral").isdisjoint(exported)
    assert school["agency_id"] != health["agency_id"]
    for method, url in CASE_PAGES:
        response = post(client, url) if method == "post" else client.get(url)
        assert response.status_code == 403, url


def test_admins_get_nothing_case_related(app: Flask, login: Login) -> None:
    client = login("admin")
    assert ">Exports<" not in client.get("/").text
    assert client.get("/exports").status_code == 403
    assert client.get("/exports/forms/referral").status_code == 403
    assert post(client, "/exports/forms/referral", format="xlsx").status_code == 403
    for method, url in CASE_PAGES:
        assert (post(client, url) if method == "post" else client.get(url)).status_code == 403


@pytest.mark.parametrize("who", ["bu", "chair", "partner"])
def test_case_roles_see_everything_they_may(app: Flask, login: Login, who: str) -> None:
    client = login(who)
    with app.app_context():
        referrals = get_store().count("submissions", {"form_id": "referral", "status": "submitted"})
    assert len(_references(client, "referral")) == referrals
    register = workbook(post(client, "/exports/case-register"))
    assert register.worksheets[0].max_row == 19  # a header and the 18 demo cases
    audit_page = client.get("/exports/rapid-review-audit")
    # The audit workbook is for the chair, prepared by the business unit.
    assert audit_page.status_code == (403 if who == "partner" else 200)
    assert ("Rapid review audit workbook" in client.get("/exports").text) == (who != "partner")


def test_every_export_is_written_to_the_audit_trail(app: Flask, login: Login) -> None:
    client = login("bu")
    post(client, "/exports/forms/referral", format="xlsx")
    post(client, "/exports/forms/terms_of_reference", format="csv:lines_of_enquiry")
    post(client, "/exports/case-register")
    post(client, "/exports/action-plan-tracker")
    post(client, "/exports/rapid-review-audit", **{
        "start-day": "1", "start-month": "1", "start-year": "2025",
        "end-day": "31", "end-month": "12", "end-year": "2026",
    })  # fmt: skip
    post(client, "/exports/yearly-figures", year="2026")
    with app.app_context():
        entries = get_store().audit.entries(action="export", user=EMAILS["bu"], newest_first=False)
    kinds = [(e["object_type"], e["object_id"]) for e in entries]
    assert kinds == [
        ("form", "referral"), ("form", "terms_of_reference"), ("case_register", None),
        ("action_plan_tracker", None), ("rapid_review_audit", None), ("yearly_figures", "2026"),
    ]  # fmt: skip
    referral, lines, register, tracker, audit, yearly = (e["details"] for e in entries)
    assert referral == {"format": "xlsx", "rows": 18, "versions": [2]}
    assert lines["group"] == "lines_of_enquiry" and lines["format"] == "csv"
    assert lines["rows"] == 5
    assert register == {"format": "xlsx", "rows": 18}
    assert tracker["rows"] == 8
    assert audit["start"] == "2025-01-01" and audit["end"] == "2026-12-31"
    assert yearly["format"] == "xlsx"


def test_the_download_matches_what_was_logged(app: Flask, login: Login) -> None:
    client = login("chair")
    book = load_workbook(io.BytesIO(post(client, "/exports/case-register").data))
    with app.app_context():
        (entry,) = get_store().audit.entries(action="export", user=EMAILS["chair"])
    assert entry["details"]["rows"] == book.worksheets[0].max_row - 1
