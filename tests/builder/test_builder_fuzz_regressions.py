"""Bugs the builder fuzz tests (tests/security/test_builder_fuzz.py) found, each pinned down."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.builder import operations
from cspr.formengine.definitions import check_definition
from tests.builder import test_builder_routes
from tests.builder.test_builder_routes import FORM, post, working
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]
built = test_builder_routes.built  # the same fixture: a form with several kinds of question

SUMMARY = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)


def summary(page: str) -> str:
    """Return the text of a page's error summary."""
    found = SUMMARY.search(page)
    assert found, "the page shows no error summary"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def import_text(client: FlaskClient, text: str) -> Any:
    """Paste JSON into the import page."""
    token = csrf_token(client.get("/admin/forms/import").text)
    return client.post("/admin/forms/import", data={"csrf_token": token, "definition": text})


def _with_raw(doc: dict[str, Any], key: str, raw: str) -> str:
    """Write a definition as JSON text with raw JSON as a question's label or as a condition's
    value (what Python reads, but the store cannot write)."""
    doc = json.loads(json.dumps(doc))
    harm = doc["pages"][1]["fields"][2]
    if key == "label":
        harm["label"] = "@@"
    else:
        harm["show_if"] = {"field": "how_many_agencies_were_involved", "op": "greater_than",
                           "value": "@@"}
    return json.dumps(doc).replace('"@@"', raw)


@pytest.mark.parametrize(("key", "raw", "reason"), [
    ("value", "1" * 5000, "a number in it has too many digits"),  # Python refuses to read it
    ("label", '"\\ud800"', "it has a \\u escape that is only half"),  # the store cannot write it
    ("value", "NaN", "it has NaN, Infinity or a number too big"),  # passed the checks
    ("value", "1e400", "it has NaN, Infinity or a number too big"),
    ("value", "-Infinity", "it has NaN, Infinity or a number too big"),
])
def test_json_python_reads_but_cannot_store_is_refused(
    app: Flask, built: FlaskClient, key: str, raw: str, reason: str
) -> None:
    before = working(app)
    edited = post(built, f"{FORM}/json", {"definition": _with_raw(before, key, raw)})
    imported = import_text(built, _with_raw({**before, "id": "another-log"}, key, raw))
    for response in (edited, imported):
        assert response.status_code == 200  # these were 500s
        assert f"This is not valid JSON: {reason}" in summary(response.text)
    assert working(app) == before
    with app.app_context():
        assert "another-log" not in {form["id"] for form in operations.list_forms()}


def test_one_more_problem_is_singular(built: FlaskClient) -> None:
    doc = {"id": "two-problems", "title": "Two", "version": 1,
           "pages": [{"id": "a", "title": "A", "fields": [], "colour": "red"}]}
    response = import_text(built, json.dumps(doc))
    assert "(and 1 more problem)" in summary(response.text)


@pytest.mark.parametrize("revision", ["²", "¹²", "⑦"])
def test_superscript_revision_is_not_a_500(built: FlaskClient, revision: str) -> None:
    token = csrf_token(built.get(f"{FORM}/pages/the-incident").text)
    response = built.post(f"{FORM}/pages/the-incident", data={
        "csrf_token": token, "revision": revision, "title": "Renamed", "description": ""})
    assert response.status_code == 302  # read as no revision, like an empty one


@pytest.mark.parametrize("page", ["compare?from=²", "compare?to=²", "export.json?version=²"])
def test_superscript_version_is_not_found(built: FlaskClient, page: str) -> None:
    assert built.get(f"{FORM}/{page}").status_code == 404


def test_export_file_name_uses_ascii_digits(built: FlaskClient) -> None:
    post(built, f"{FORM}/publish", {})
    exported = built.get(f"{FORM}/export.json", query_string={"version": "١"})  # Arabic one
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"].endswith('incident-log-v1.json"')


def test_question_in_a_repeating_group_can_be_saved(app: Flask, built: FlaskClient) -> None:
    # The settings page of a group's question has no page dropdown; saving it used to be
    # refused with "Not a valid choice" against that missing dropdown.
    url = f"{FORM}/fields/other_children.child_s_name"
    page = built.get(url).text
    assert 'name="page"' not in page
    response = post(built, url, {"label": "Child's first name", "name": "child_s_name",
                                 "required": "y"})
    assert response.status_code == 302, summary(response.text)
    group = working(app)["pages"][1]["fields"][4]
    assert group["fields"][0]["label"] == "Child's first name"
    assert group["fields"][0]["required"] is True


def test_upload_starting_with_a_byte_order_mark_is_imported(
    app: Flask, built: FlaskClient
) -> None:
    doc = {**working(app), "id": "from-notepad"}
    token = csrf_token(built.get("/admin/forms/import").text)
    raw = b"\xef\xbb\xbf" + json.dumps(doc).encode("utf-8")
    response = built.post("/admin/forms/import", data={
        "csrf_token": token, "definition": "", "upload": (io.BytesIO(raw), "form.json")})
    assert response.status_code == 302, summary(response.text)
    with app.app_context():
        assert check_definition(operations.working_copy("from-notepad").definition) == []


# --- Found by the fuzz tests in the form engine, and fixed there ---------------------------


def test_engine_reason_names_a_value_that_is_not_text_in_words(
    app: Flask, built: FlaskClient
) -> None:
    doc = {**working(app), "id": "list-type"}
    doc["pages"][1]["fields"][0]["type"] = ["date"]
    response = import_text(built, json.dumps(doc))
    assert "A list is not a field type" in summary(response.text) or \
        "A list is not a field type" in response.text
    assert "[&#39;date&#39;]" not in response.text and "['date']" not in response.text


def test_a_file_question_cannot_go_in_a_group(app: Flask, built: FlaskClient) -> None:
    before = working(app)
    refused = post(built, f"{FORM}/groups/other_children/fields/new",
                   {"field_type": "file", "label": "Report"}, page=FORM)
    assert refused.status_code == 200 and working(app) == before
    doc = json.loads(json.dumps(before))
    doc["pages"][1]["fields"][4]["fields"].append(
        {"name": "report", "type": "file", "label": "Report"})
    response = post(built, f"{FORM}/json", {"definition": json.dumps(doc)})
    assert "A repeating group cannot contain a file question" in response.text
    assert working(app) == before


def test_non_finite_numbers_are_refused_by_the_engine() -> None:
    doc = json.loads((ROOT / "forms" / "examples" / "every_field.json").read_text("utf-8"))
    doc["pages"][2]["fields"][5]["validation"]["max"] = float("inf")
    errors = check_definition(doc)
    assert [(e.path, e.reason[:28]) for e in errors] == [
        ("$.pages[2].fields[5].validation.max", "Must be an ordinary number: ")]
