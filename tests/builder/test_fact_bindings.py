"""Case-fact bindings in the builder: kept through renames, guarded while the process needs them.

The referral's question bound to "dates.la_aware" starts the notification clock. These tests
rename and relabel it through the builder's pages, publish, send a referral and read the case's
deadline; then try to remove it, and move its binding so that it can go.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.builder import edits, fact_bindings, operations, settings
from cspr.casework import casefacts, deadlines
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.storage import get_store
from cspr.timeutil import uk_today
from tests.builder.test_builder_routes import post
from tests.conftest import csrf_token, make_user
from tests.test_shipped_forms import COMPLETE

REFERRAL = "/admin/forms/referral"
AWARE = "Date the local authority became aware"
WHY = (f"fills '{AWARE}', which the statutory clocks use. Bind another question to it first, "
       "or move the binding.")  # fmt: skip
NOTICE = re.compile(r'govuk-notification-banner__content">(.*?)</div>', re.S)


def text_of(html: str) -> str:
    """Return a page's words, without tags, with HTML entities for quotes undone."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&#34;", '"')
    return " ".join(words.replace("&quot;", '"').split())


def working(app: Flask, form_id: str = "referral") -> dict[str, Any]:
    """Return a form's working copy."""
    with app.app_context():
        return copy.deepcopy(operations.working_copy(form_id).definition)


def field(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return a top-level question of a definition, or None."""
    return next((f for p in doc["pages"] for f in p["fields"] if f["name"] == name), None)


def save_settings(client: FlaskClient, app: Flask, path: str, **changes: str) -> Any:
    """Post a question's settings page as it stands, with some values changed."""
    doc = working(app)
    question = field(doc, path)
    assert question is not None
    values = settings.initial(question)
    page = next(p["id"] for p in doc["pages"] if question in p["fields"])
    data = {k: ("y" if v is True else v) for k, v in values.items() if v not in (False, None)}
    data.update(page=page, **changes)
    return post(client, f"{REFERRAL}/fields/{path}", data)


def banner(page: str) -> str:
    """Return the words of the notification banners on a page."""
    return " ".join(text_of(found) for found in NOTICE.findall(page))


def send_referral(app: Flask, user: dict[str, Any], changes: dict[str, Any]) -> Any:
    """Send a complete referral with some answers changed; return its case, or its errors."""
    answers = {**copy.deepcopy(COMPLETE["referral"]), **changes}
    with app.app_context():
        draft = form_ops.start_draft(user, "referral")
        form_ops.save_answers(user, draft["id"], answers)
        sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
        return dict(get_store().get("cases", sent["case_id"])) if sent else errors


def notification_due(app: Flask, case: dict[str, Any]) -> date:
    """Return the case's notification deadline."""
    with app.app_context():
        found = {d.key: d for d in deadlines.deadlines(case, uk_today())}
    return found["notification"].status.due


@pytest.fixture
def agency(app: Flask) -> dict[str, Any]:
    """An agency user who sends referrals."""
    return make_user(app, "hv@testshire.example.org", "agency_user", name="Hana Visitor")


def test_renamed_and_relabelled_question_keeps_its_binding_and_the_clock(
    app: Flask, admin_client: FlaskClient, agency: dict[str, Any]
) -> None:
    overview = text_of(admin_client.get(REFERRAL).text)
    assert f"Fills and updates the case fact: {AWARE}" in overview
    saved = save_settings(admin_client, app, "la_aware_date", name="council_heard_on",
                          label="When did children's social care first hear of it?")
    assert saved.status_code == 302, text_of(saved.text)[:600]
    doc = working(app)
    assert field(doc, "la_aware_date") is None
    renamed = field(doc, "council_heard_on")
    assert renamed is not None
    assert renamed["label"] == "When did children's social care first hear of it?"
    assert (renamed["case_fact"], renamed["case_fact_use"]) == ("dates.la_aware", "write")
    assert renamed["validation"] == {"not_in_future": True, "on_or_after": "incident_date"}
    overview = text_of(admin_client.get(REFERRAL).text)
    assert (f"When did children's social care first hear of it? Date · name council_heard_on "
            f"Fills and updates the case fact: {AWARE}") in overview  # fmt: skip

    published = post(admin_client, f"{REFERRAL}/publish", {})
    assert published.status_code == 302
    with app.app_context():
        live = registry.live("referral")
        assert live is not None and live.has_field("council_heard_on")

    # The renamed question's own date rule still works...
    errors = send_referral(app, agency, {"council_heard_on": "2026-10-01"})
    assert "council_heard_on" in errors
    # ...and the date given in it starts the notification clock.
    case = send_referral(app, agency, {"council_heard_on": "2026-11-05"})
    assert casefacts.get(case, "dates.la_aware") == "2026-11-05"
    assert notification_due(app, case) == date(2026, 11, 12)  # 5 working days on


def test_renaming_keeps_the_rules_that_name_the_question(
    app: Flask, admin_client: FlaskClient
) -> None:
    """The rapid review's other dates must be on or after the aware date, named by the rule."""
    with app.app_context():
        before = operations.working_copy("rapid_review").definition
        users = [f["name"] for p in before["pages"] for f in p["fields"]
                 if f.get("validation", {}).get("on_or_after") == "la_aware_date"]  # fmt: skip
        question = field(before, "la_aware_date")
        assert question is not None and len(users) >= 2
        operations.change(
            {"email": "admin@testshire.example.org"}, "rapid_review", None, "edit question",
            lambda d: edits.rename_field(d, "la_aware_date", "council_aware"))
    after = working(app, "rapid_review")
    assert field(after, "council_aware")["case_fact"] == "dates.la_aware"  # type: ignore[index]
    for name in users:
        assert field(after, name)["validation"]["on_or_after"] == "council_aware"  # type: ignore[index]


def test_removing_the_bound_question_is_refused_until_its_binding_moves(
    app: Flask, admin_client: FlaskClient, agency: dict[str, Any]
) -> None:
    confirm = admin_client.get(f"{REFERRAL}/fields/la_aware_date/remove").text
    assert f"This question {WHY}" in text_of(confirm)
    assert "govuk-button--warning" not in confirm  # no Remove button
    assert "Move this question's case fact binding" in confirm

    refused = post(admin_client, f"{REFERRAL}/fields/la_aware_date/remove", {},
                   page=f"{REFERRAL}/fields/la_aware_date")  # fmt: skip
    assert refused.status_code == 302
    shown = banner(admin_client.get(refused.headers["Location"]).text)
    assert ("The question 'If you know it, when did the local authority's children's social "
            f"care first hear about the incident?' cannot be removed: it {WHY}") in shown
    assert field(working(app), "la_aware_date") is not None
    # Removing the whole page is refused for the same reason, naming the question.
    page_refused = post(admin_client, f"{REFERRAL}/pages/the-incident/remove", {},
                        page=f"{REFERRAL}/pages/the-incident")  # fmt: skip
    shown = banner(admin_client.get(page_refused.headers["Location"]).text)
    assert f"fills '{AWARE}', which the statutory clocks use." in shown
    assert shown.endswith("Bind other questions to these facts first, or move the bindings.")

    added = post(admin_client, f"{REFERRAL}/pages/the-incident/fields/new",
                 {"field_type": "date", "label": "When did the council hear of it?"})
    assert added.status_code == 302
    binding_page = admin_client.get(f"{REFERRAL}/fields/la_aware_date/binding").text
    assert "When did the council hear of it?" in binding_page  # offered as a place to move to
    moved = post(admin_client, f"{REFERRAL}/fields/la_aware_date/binding/move",
                 {"to": "when_did_the_council_hear_of_it"},
                 page=f"{REFERRAL}/fields/la_aware_date/binding")  # fmt: skip
    assert moved.status_code == 302
    assert "The binding has moved to the question 'When did the council hear of it?'" in banner(
        admin_client.get(moved.headers["Location"]).text)
    doc = working(app)
    assert "case_fact" not in field(doc, "la_aware_date")  # type: ignore[operator]
    new = field(doc, "when_did_the_council_hear_of_it")
    assert new is not None and new["case_fact"] == "dates.la_aware"
    assert new["case_fact_use"] == "write"  # the use moves with it

    removed = post(admin_client, f"{REFERRAL}/fields/la_aware_date/remove", {},
                   page=f"{REFERRAL}/fields/la_aware_date")  # fmt: skip
    assert "has been removed" in banner(admin_client.get(removed.headers["Location"]).text)
    assert field(working(app), "la_aware_date") is None
    post(admin_client, f"{REFERRAL}/publish", {})
    case = send_referral(app, agency, {"when_did_the_council_hear_of_it": "2026-11-05"})
    assert notification_due(app, case) == date(2026, 11, 12)


def test_binding_another_question_takes_the_writing_over(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"{REFERRAL}/fields/aware_date/binding"
    page = admin_client.get(url).text
    offered = re.findall(r'<option value="([^"]*)"', page)
    assert "dates.la_aware" in offered and "dates.commissioned" in offered
    assert "child.name" not in offered and "incident.type" not in offered  # not dates
    assert offered[0] == ""  # "Choose a case fact" first, nothing chosen for an unbound one

    missing = post(admin_client, url, {"fact": "dates.la_aware"})
    assert missing.status_code == 200
    assert "Select what the question does with the case fact" in text_of(missing.text)
    wrong = post(admin_client, url, {"fact": "child.name", "use": "write"})
    assert wrong.status_code == 200

    bound = post(admin_client, url, {"fact": "dates.la_aware", "use": "read_write"})
    assert bound.status_code == 302
    shown = banner(admin_client.get(bound.headers["Location"]).text)
    assert f"Filled in from and updates the case fact: {AWARE}" in shown
    assert "is now filled in from the case but no longer changes it" in shown
    doc = working(app)
    assert field(doc, "aware_date")["case_fact"] == "dates.la_aware"  # type: ignore[index]
    assert field(doc, "la_aware_date")["case_fact_use"] == "read"  # type: ignore[index]
    # The old question no longer fills the fact, so it may go.
    assert "govuk-button--warning" in admin_client.get(
        f"{REFERRAL}/fields/la_aware_date/remove").text
    removed = post(admin_client, f"{REFERRAL}/fields/la_aware_date/remove", {},
                   page=f"{REFERRAL}/fields/la_aware_date")  # fmt: skip
    assert "has been removed" in banner(admin_client.get(removed.headers["Location"]).text)


def test_removing_a_binding_is_refused_only_while_the_process_needs_it(
    app: Flask, admin_client: FlaskClient
) -> None:
    needed = post(admin_client, f"{REFERRAL}/fields/la_aware_date/binding/remove", {},
                  page=f"{REFERRAL}/fields/la_aware_date/binding")  # fmt: skip
    assert "The binding of the question" in banner(
        admin_client.get(needed.headers["Location"]).text)
    assert field(working(app), "la_aware_date")["case_fact"] == "dates.la_aware"  # type: ignore[index]
    # Making the only writer read only drops the writing too.
    read_only = post(admin_client, f"{REFERRAL}/fields/la_aware_date/binding",
                     {"fact": "dates.la_aware", "use": "read"})
    assert read_only.status_code == 200 and WHY in text_of(read_only.text)

    # The place of the incident is not needed by the process: its binding may go.
    gone = post(admin_client, f"{REFERRAL}/fields/incident_location/binding/remove", {},
                page=f"{REFERRAL}/fields/incident_location/binding")  # fmt: skip
    assert "no longer bound" in banner(admin_client.get(gone.headers["Location"]).text)
    assert "case_fact" not in field(working(app), "incident_location")  # type: ignore[operator]
    with app.app_context():
        actions = [e["action"] for e in get_store().audit.entries(object_id="referral")]
    assert "builder unbind question" in actions


def test_json_editor_refuses_dropping_or_retyping_a_needed_binding(
    app: Flask, admin_client: FlaskClient
) -> None:
    before = working(app)
    unbound = copy.deepcopy(before)
    question = field(unbound, "la_aware_date")
    assert question is not None
    del question["case_fact"], question["case_fact_use"]
    saved = post(admin_client, f"{REFERRAL}/json", {"definition": json.dumps(unbound)})
    assert saved.status_code == 200
    assert f"The binding of the question '{question['label']}' cannot be removed: it {WHY}" in (
        text_of(saved.text))
    assert working(app) == before

    removed = copy.deepcopy(before)
    for page in removed["pages"]:
        page["fields"] = [f for f in page["fields"] if f["name"] != "la_aware_date"]
    saved = post(admin_client, f"{REFERRAL}/json", {"definition": json.dumps(removed)})
    assert f"cannot be removed: it {WHY}" in text_of(saved.text)

    # A radios question may become a drop-down list and still fit its fact, but the
    # incident's type decides the statutory duties, so its type stays while it alone fills it.
    retyped = copy.deepcopy(before)
    incident_type = field(retyped, "incident_type")
    assert incident_type is not None
    incident_type["type"] = "select"
    saved = post(admin_client, f"{REFERRAL}/json", {"definition": json.dumps(retyped)})
    assert "The type of the question 'What happened to the child?' cannot change: it fills " \
        "'What happened to the child', which the statutory process depends on." in text_of(
            saved.text)  # fmt: skip
    assert working(app) == before


def test_publishing_a_version_without_a_needed_binding_is_refused(
    app: Flask, admin_client: FlaskClient
) -> None:
    """Going back to a version from before the binding was added would drop it."""
    admin = {"email": "admin@testshire.example.org"}
    with app.app_context():
        doc = copy.deepcopy(registry.live("referral").raw)  # type: ignore[union-attr]
        question = field(doc, "la_aware_date")
        assert question is not None
        del question["case_fact"], question["case_fact_use"]
        doc["id"] = "local-referral"
        operations.import_form(admin, json.dumps(doc))  # a new form: nothing to drop
        operations.publish(admin, "local-referral", None)
        operations.change(admin, "local-referral", None, "bind question",
                          lambda d: fact_bindings.set_binding(
                              d, "la_aware_date", "dates.la_aware", "write"))
        assert operations.publish(admin, "local-referral", None) == 2
    page = admin_client.get("/admin/forms/local-referral/versions/1/revert")
    reverted = admin_client.post("/admin/forms/local-referral/versions/1/revert",
                                 data={"csrf_token": csrf_token(page.text)})  # fmt: skip
    shown = banner(admin_client.get(reverted.headers["Location"]).text)
    assert f"The binding of the question '{question['label']}' cannot be removed: it {WHY}" in (
        shown)
    with app.app_context():
        assert len(operations.versions("local-referral")) == 2


def test_archiving_a_form_that_alone_fills_needed_facts_is_refused(
    app: Flask, admin_client: FlaskClient
) -> None:
    page = text_of(admin_client.get(f"{REFERRAL}/retire").text)
    assert "This form cannot be archived or deleted" in page
    assert "'Family must not be contacted yet' (the question" in page
    assert "Archive form" not in page
    token = csrf_token(admin_client.get(f"{REFERRAL}/publish").text)
    refused = admin_client.post(f"{REFERRAL}/retire", data={"csrf_token": token})
    assert "is the only live form that fills case facts" in banner(
        admin_client.get(refused.headers["Location"]).text)
    with app.app_context():
        assert registry.live("referral") is not None

    # A form whose needed facts other live forms also fill may go.
    admin = {"email": "admin@testshire.example.org"}
    with app.app_context():
        local = {"id": "local-note", "title": "Local note", "version": 1, "pages": [
            {"id": "child", "title": "The child", "fields": [
                {"name": "child_name", "type": "person_name", "label": "Child's name",
                 "case_fact": "child.name"}]}]}  # fmt: skip
        operations.import_form(admin, json.dumps(local))
        operations.publish(admin, "local-note", None)
        assert operations.retire_blockers("local-note") == []
        assert operations.retire(admin, "local-note") == "deleted"


def test_group_questions_are_offered_the_facts_their_group_allows(
    app: Flask, admin_client: FlaskClient
) -> None:
    page = text_of(admin_client.get(f"{REFERRAL}/fields/agencies_involved.agency_name/binding")
                   .text)  # fmt: skip
    assert "Filled in from and updates the case fact: The agency's name" in page
    admin = {"email": "admin@testshire.example.org"}
    group = {"type": "repeating_group", "label": "Children", "item_label": "Child",
             "fields": [{"name": "name", "type": "person_name", "label": "Name"},
                        {"name": "born", "type": "date", "label": "Date of birth"}]}
    doc = {"id": "siblings", "title": "Siblings", "version": 1, "pages": [
        {"id": "children", "title": "Children", "fields": [{"name": "kids", **group}]}]}
    with app.app_context():
        operations.import_form(admin, json.dumps(doc))
    url = "/admin/forms/siblings/fields"
    assert "can only be bound once the group itself is bound" in text_of(
        admin_client.get(f"{url}/kids.born/binding").text)
    offered = re.findall(r'<option value="([^"]*)"', admin_client.get(f"{url}/kids/binding").text)
    assert offered == ["", "children", "agencies.involved", "actions.statuses"]
    post(admin_client, f"{url}/kids/binding", {"fact": "children", "use": "read_write"})
    offered = re.findall(r'<option value="([^"]*)"',
                         admin_client.get(f"{url}/kids.born/binding").text)  # fmt: skip
    assert offered == ["", "child.date_of_birth"]  # the children's own dates only
    post(admin_client, f"{url}/kids.born/binding", {"fact": "child.date_of_birth",
                                                     "use": "read_write"})
    overview = text_of(admin_client.get("/admin/forms/siblings").text)
    assert "Filled in from and updates the case fact: Child's date of birth" in overview
    assert "(the first child)" not in overview
    # Binding the group to something else takes its questions' child bindings away.
    rebound = post(admin_client, f"{url}/kids/binding", {"fact": "agencies.involved",
                                                          "use": "read"})
    assert rebound.status_code == 302, text_of(rebound.text)[-1500:]
    assert "case_fact" not in working(app, "siblings")["pages"][0]["fields"][0]["fields"][1]
