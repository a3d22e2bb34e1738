"""The form builder through its real pages: create, edit, condition, publish, version, revert."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.builder import operations
from cspr.formengine import registry
from cspr.storage import get_store
from tests.conftest import csrf_token, make_user, sign_in

FORM = "/admin/forms/incident-log"


def revision_of(client: FlaskClient, url: str = FORM) -> tuple[str, str]:
    """Return the CSRF token and working-copy revision shown on a builder page."""
    page = client.get(url)
    if page.status_code == 405:  # a button's POST-only address: read the overview instead
        page = client.get(FORM)
    assert page.status_code == 200, page.text[:500]
    match = re.search(r'name="revision"[^>]*value="(\d+)"', page.text)
    return csrf_token(page.text), match.group(1) if match else ""


def post(client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None) -> Any:
    """Post to a builder page with a fresh CSRF token and the current revision."""
    token, revision = revision_of(client, page or url)
    return client.post(url, data={"csrf_token": token, "revision": revision, **data})


def working(app: Flask) -> dict[str, Any]:
    """Return the stored working copy's definition."""
    with app.app_context():
        return operations.working_copy("incident-log").definition


def audit_actions(app: Flask) -> list[str]:
    """Return every builder action in the audit trail."""
    with app.app_context():
        entries = get_store().audit.entries()
        return [e["action"] for e in entries if e["action"].startswith("builder")]


@pytest.fixture
def built(app: Flask, admin_client: FlaskClient) -> FlaskClient:
    """An admin who has created a form with several kinds of question."""
    page = admin_client.get("/admin/forms/new")
    made = admin_client.post("/admin/forms/new", data={
        "csrf_token": csrf_token(page.text), "title": "Incident log", "form_id": "incident-log",
        "description": "Record an incident.",
    })
    assert made.status_code == 302, made.text
    added = post(admin_client, f"{FORM}/pages/new", {
        "page_title": "The incident", "field_type": "date", "label": "Date of the incident",
    })
    assert added.status_code == 302, added.text
    for kind, label, extra in [
        ("radios", "What happened?", {"options": "The child died\nThe child was harmed"}),
        ("long_text", "Describe the harm", {}),
        ("integer", "How many agencies were involved?", {}),
        ("repeating_group", "Other children", {"first_question": "Child's name",
                                                "item_label": "Child"}),
    ]:
        response = post(admin_client, f"{FORM}/pages/the-incident/fields/new",
                        {"field_type": kind, "label": label, **extra})
        assert response.status_code == 302, response.text
    return admin_client


def test_create_form_builds_a_valid_definition_and_audits_each_step(
    app: Flask, built: FlaskClient
) -> None:
    doc = working(app)
    fields = doc["pages"][1]["fields"]
    assert [f["type"] for f in fields] == [
        "date", "radios", "long_text", "integer", "repeating_group"]
    assert fields[1]["options"] == [
        {"value": "the_child_died", "label": "The child died"},
        {"value": "the_child_was_harmed", "label": "The child was harmed"},
    ]
    assert fields[4]["fields"][0]["label"] == "Child's name"
    assert audit_actions(app).count("builder add question") == 4
    assert "builder create" in audit_actions(app)
    # Nothing is live until it is published.
    with app.app_context():
        assert registry.live("incident-log") is None


def test_condition_from_dropdowns_then_publish_and_fill_in(app: Flask, built: FlaskClient) -> None:
    url = f"{FORM}/conditions/describe_the_harm/show_if"
    step_two = built.get(url, query_string={"field": "what_happened"})
    assert "The child was harmed" in step_two.text  # the value is a dropdown of the options
    saved = post(built, url, {"step": "save", "field": "what_happened", "op": "equals",
                              "value": "the_child_was_harmed"}, page=f"{url}?field=what_happened")
    assert saved.status_code == 302, saved.text
    assert working(app)["pages"][1]["fields"][2]["show_if"] == {
        "field": "what_happened", "op": "equals", "value": "the_child_was_harmed"}
    overview = built.get(FORM).text
    assert "Shown only if What happened? is &#34;The child was harmed&#34;" in overview or \
        "Shown only if What happened? is &quot;The child was harmed&quot;" in overview
    published = post(built, f"{FORM}/publish", {})
    assert published.status_code == 302
    with app.app_context():
        live = registry.live("incident-log")
        assert live is not None and live.version == 1
    assert "builder publish" in audit_actions(app)


def test_invalid_change_is_refused_and_the_form_kept(app: Flask, built: FlaskClient) -> None:
    before = working(app)
    response = post(built, f"{FORM}/fields/how_many_agencies_were_involved", {
        "label": "How many?", "name": "Bad Name!", "page": "the-incident", "min": "5",
        "max": "2"})
    assert response.status_code == 200
    assert "Smallest allowed must not be more than largest allowed" in response.text
    bad_json = post(built, f"{FORM}/json", {"definition": json.dumps({
        **before, "pages": [{"id": "x", "title": "", "fields": []}]})})
    assert bad_json.status_code == 200
    assert "$.pages[0].title" in bad_json.text and "$.pages[0].fields" in bad_json.text
    not_json = post(built, f"{FORM}/json", {"definition": "{\"id\": "})
    assert "This is not valid JSON" in not_json.text
    assert working(app) == before


def test_stale_revision_is_refused(app: Flask, built: FlaskClient) -> None:
    token, revision = revision_of(built, f"{FORM}/pages/the-incident")
    post(built, f"{FORM}/pages/the-incident", {"title": "Changed first", "description": ""})
    late = built.post(f"{FORM}/pages/the-incident", data={
        "csrf_token": token, "revision": revision, "title": "Changed second", "description": ""})
    assert "Someone else changed this form" in late.text
    assert working(app)["pages"][1]["title"] == "Changed first"


def test_reorder_buttons_options_and_remove(app: Flask, built: FlaskClient) -> None:
    moved = post(built, f"{FORM}/fields/describe_the_harm/move", {"direction": "up"})
    assert moved.status_code == 302
    names = [f["name"] for f in working(app)["pages"][1]["fields"]]
    assert names.index("describe_the_harm") < names.index("what_happened")
    post(built, f"{FORM}/fields/what_happened/options", {"label": "Neither", "value": "",
                                                         "hint": ""})
    post(built, f"{FORM}/fields/what_happened/options/2/move", {"direction": "up"},
         page=f"{FORM}/fields/what_happened/options")
    options = working(app)["pages"][1]["fields"][2]["options"]
    assert [o["label"] for o in options] == ["The child died", "Neither", "The child was harmed"]
    confirm = built.get(f"{FORM}/fields/describe_the_harm/remove")
    assert "Remove the question" in confirm.text
    post(built, f"{FORM}/fields/describe_the_harm/remove", {})
    assert "describe_the_harm" not in {f["name"] for f in working(app)["pages"][1]["fields"]}
    page_up = post(built, f"{FORM}/pages/the-incident/move", {"direction": "up"})
    assert page_up.status_code == 302
    assert working(app)["pages"][0]["id"] == "the-incident"


def test_field_used_by_a_condition_cannot_be_removed(app: Flask, built: FlaskClient) -> None:
    url = f"{FORM}/conditions/describe_the_harm/show_if"
    post(built, url, {"step": "save", "field": "what_happened", "op": "answered"},
         page=f"{url}?field=what_happened")
    refused = post(built, f"{FORM}/fields/what_happened/remove", {})
    follow = built.get(refused.headers["Location"])
    assert "Other parts of the form use the answer to this question" in follow.text
    assert "what_happened" in {f["name"] for f in working(app)["pages"][1]["fields"]}


def test_versions_label_change_keeps_old_submissions(app: Flask, built: FlaskClient) -> None:
    post(built, f"{FORM}/publish", {})
    agent = make_user(app, "agency@testshire.example.org", "agency_user", name="Agnes Agency")
    with app.app_context():
        from cspr.formengine import operations as forms

        sent, errors = forms.submit_answers(agent, "incident-log", {
            "date_of_the_incident": "2026-11-01", "what_happened": "the_child_died"})
        assert errors == {} and sent is not None
    post(built, f"{FORM}/fields/what_happened", {
        "label": "What happened to the child?", "name": "what_happened",
        "page": "the-incident"})
    compare = built.get(f"{FORM}/compare", query_string={"from": "1", "to": "working"})
    assert "Label changed from" in compare.text and "What happened to the child?" in compare.text
    post(built, f"{FORM}/publish", {})
    history = built.get(f"{FORM}/versions").text
    assert "Version history" in history and "Go back to this version" in history
    with app.app_context():
        assert registry.definition("incident-log", 1).field("what_happened")["label"] == (
            "What happened?")
        assert registry.live("incident-log").field("what_happened")["label"] == (
            "What happened to the child?")
    reverted = post(built, f"{FORM}/versions/1/revert", {})
    assert reverted.status_code == 302
    with app.app_context():
        live = registry.live("incident-log")
        assert live.version == 3 and live.field("what_happened")["label"] == "What happened?"
    assert "builder revert" in audit_actions(app)


def test_export_import_round_trip(app: Flask, built: FlaskClient) -> None:
    exported = built.get(f"{FORM}/export.json")
    assert exported.headers["Content-Disposition"].endswith('incident-log-working.json"')
    doc = json.loads(exported.text)
    doc["id"] = "incident-log-copy"
    page = built.get("/admin/forms/import")
    imported = built.post("/admin/forms/import", data={
        "csrf_token": csrf_token(page.text), "definition": json.dumps(doc)})
    assert imported.status_code == 302
    with app.app_context():
        assert operations.working_copy("incident-log-copy").definition == doc
    again = built.post("/admin/forms/import", data={
        "csrf_token": csrf_token(page.text), "definition": json.dumps(doc)})
    assert "There is already a form with the id" in again.text


def test_preview_follows_conditions_and_sends_nothing(app: Flask, built: FlaskClient) -> None:
    url = f"{FORM}/conditions/describe_the_harm/show_if"
    post(built, url, {"step": "save", "field": "what_happened", "op": "equals",
                      "value": "the_child_was_harmed"}, page=f"{url}?field=what_happened")
    start = built.get(f"{FORM}/preview")
    first = built.get(start.headers["Location"])
    assert "This is a preview" in first.text
    token = csrf_token(first.text)
    nxt = built.post(start.headers["Location"], data={"csrf_token": token})
    page = built.get(nxt.headers["Location"])
    assert "Describe the harm" in page.text  # shown on the page, revealed by its answer
    missing = built.post(nxt.headers["Location"], data={
        "csrf_token": token, "date_of_the_incident-day": "40",
        "date_of_the_incident-month": "1", "date_of_the_incident-year": "2026",
        "what_happened": "the_child_died"})
    assert "There is a problem" in missing.text
    done = built.post(nxt.headers["Location"], data={
        "csrf_token": token, "date_of_the_incident-day": "4",
        "date_of_the_incident-month": "1", "date_of_the_incident-year": "2026",
        "what_happened": "the_child_died", "describe_the_harm": "should be dropped"})
    check = built.get(done.headers["Location"])
    assert "4 January 2026" in check.text and "should be dropped" not in check.text
    with app.app_context():
        assert get_store().count("submissions") == 0


def test_archive_with_submissions_and_delete_without(app: Flask, built: FlaskClient) -> None:
    assert "Delete this form?" in built.get(f"{FORM}/retire").text
    post(built, f"{FORM}/publish", {})
    with app.app_context():
        admin = {"id": "x", "email": "a@example.org", "role": "business_unit"}
        from cspr.formengine import operations as forms

        forms.submit_answers(admin, "incident-log", {
            "date_of_the_incident": "2026-11-01", "what_happened": "the_child_died"})
    confirm = built.get(f"{FORM}/retire")
    assert "Archive this form?" in confirm.text and "1 sent form stays" in confirm.text
    post(built, f"{FORM}/retire", {})
    with app.app_context():
        assert registry.live("incident-log") is None
        assert get_store().count("submissions") == 1
    post(built, f"{FORM}/restore", {}, page=FORM)
    with app.app_context():
        assert registry.live("incident-log") is not None


def test_never_published_form_is_deleted(app: Flask, built: FlaskClient) -> None:
    post(built, f"{FORM}/retire", {})
    assert built.get(FORM).status_code == 404
    assert "builder deleted" in audit_actions(app)


def test_flow_map_and_list(app: Flask, built: FlaskClient) -> None:
    flow = built.get(f"{FORM}/flow")
    assert flow.status_code == 200 and "<svg" in flow.text and "The incident" in flow.text
    listing = built.get("/admin/forms")
    assert "Incident log" in listing.text and "Draft" in listing.text


@pytest.mark.parametrize("role", ["agency_user", "business_unit", "partner", "chair"])
def test_only_admins_may_use_the_builder(app: Flask, client: FlaskClient, role: str) -> None:
    make_user(app, f"{role}@testshire.example.org", role, name="Someone")
    sign_in(client, f"{role}@testshire.example.org")
    assert client.get("/admin/forms").status_code == 403
    assert client.get("/admin/forms/referral/json").status_code == 403


def test_started_drafts_stay_on_their_version(app: Flask, built: FlaskClient) -> None:
    post(built, f"{FORM}/publish", {})
    agent = make_user(app, "agency@testshire.example.org", "agency_user", name="Agnes Agency")
    with app.app_context():
        from cspr.formengine import operations as forms

        draft = forms.start_draft(agent, "incident-log")
    post(built, f"{FORM}/fields/what_happened", {
        "label": "What happened to the child?", "name": "what_happened", "page": "the-incident"})
    post(built, f"{FORM}/publish", {})
    staff = built.application.test_client()
    sign_in(staff, "agency@testshire.example.org")
    page = staff.get(f"/drafts/{draft['id']}/the-incident")
    assert "What happened?" in page.text and "What happened to the child?" not in page.text


def test_deleted_form_id_can_be_used_again(app: Flask, built: FlaskClient) -> None:
    post(built, f"{FORM}/publish", {})
    post(built, f"{FORM}/retire", {})
    page = built.get("/admin/forms/new")
    built.post("/admin/forms/new", data={
        "csrf_token": csrf_token(page.text), "title": "Another log", "form_id": "incident-log"})
    post(built, f"{FORM}/publish", {})
    with app.app_context():
        live = registry.live("incident-log")
        assert live is not None and live.title == "Another log"


@pytest.mark.parametrize("reserved", ["new", "import"])
def test_ids_the_builder_uses_are_refused(app: Flask, admin_client: FlaskClient,
                                          reserved: str) -> None:
    page = admin_client.get("/admin/forms/new")
    refused = admin_client.post("/admin/forms/new", data={
        "csrf_token": csrf_token(page.text), "title": "Anything", "form_id": reserved})
    assert "the form builder uses that word" in refused.text


def test_position_puts_a_question_at_a_place(app: Flask, built: FlaskClient) -> None:
    moved = post(built, f"{FORM}/fields/how_many_agencies_were_involved/position",
                 {"position": "0"})
    assert moved.status_code == 302
    assert working(app)["pages"][1]["fields"][0]["name"] == "how_many_agencies_were_involved"
    too_far = post(built, f"{FORM}/fields/what_happened/position", {"position": "99"})
    assert "That question cannot move there" in built.get(too_far.headers["Location"]).text
    assert post(built, f"{FORM}/fields/what_happened/position", {"position": "x"}).status_code \
        == 400
