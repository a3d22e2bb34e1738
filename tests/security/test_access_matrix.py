"""Access matrix: every route in the URL map, tried by every role, against an explicit table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

from cspr import create_app
from cspr.admin import partnership
from cspr.api import tokens
from cspr.casework import calendar_settings
from cspr.casework import operations as verbs
from cspr.demo.answers import PARTNERSHIP_DETAILS
from cspr.documents import operations as documents
from cspr.exports import jobs as export_jobs
from cspr.formengine import attachments
from cspr.formengine import operations as form_ops
from cspr.learning import operations as learning
from cspr.requests import plan as rr_plan
from cspr.storage import close_store, get_store
from tests.casework.test_cases import send
from tests.conftest import make_user, sign_in

OWNER, COLLEAGUE, OTHER = "agency_owner", "agency_colleague", "agency_other"
PARTNER, BU, CHAIR, ADMIN, ANON = "partner", "business_unit", "chair", "admin", "anonymous"
SIGNED_IN = {OWNER, COLLEAGUE, OTHER, PARTNER, BU, CHAIR, ADMIN}
EVERYONE = SIGNED_IN | {ANON}
CASE_ROLES = {PARTNER, BU, CHAIR}
SEES_SUBMISSION = {OWNER, COLLEAGUE} | CASE_ROLES

# Who may GET each endpoint (with the objects below filled into its URL).
GET_ALLOWED: dict[str, set[str]] = {
    "main.home": SIGNED_IN,
    "main.accessibility": EVERYONE,
    "main.privacy": EVERYONE,
    "auth.sign_in": EVERYONE,
    "auth.change_password": SIGNED_IN,
    "admin.agencies": {ADMIN},
    "admin.users": {ADMIN},
    "admin.new_user": {ADMIN},
    "admin.edit_user": {ADMIN},
    "admin.decision_rules": {ADMIN},
    "admin.partnership_details": {ADMIN},
    "clock.closure_days": {ADMIN},
    "clock.calculator": SIGNED_IN,
    "audit_trail.trail": {ADMIN, CHAIR},
    "cases.register": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,
    "cases.case_page": {OWNER, COLLEAGUE} | CASE_ROLES,
    "cases.dashboard": CASE_ROLES,
    "cases.move": {BU},
    "cases.undo_move": {BU},
    "cases.facts": CASE_ROLES,
    "cases.view": {PARTNER, BU},
    "cases.notification": {BU},  # and the local authority's partner; this one is the police
    "cases.sign_off_page": {PARTNER},
    "cases.reconvene_page": {BU, PARTNER},
    "cases.delay": {BU},
    "cases.hold": {BU},
    "cases.local_review": CASE_ROLES,
    "cases.publication": CASE_ROLES,
    "forms.index": SIGNED_IN,
    "forms.schema": SIGNED_IN,
    "forms.resume": {OWNER},
    "forms.page": {OWNER},
    "forms.check": {OWNER},
    "forms.delete": {OWNER},
    "forms.view": SEES_SUBMISSION,
    "forms.confirmation": SEES_SUBMISSION,
    "forms.sent_list": SEES_SUBMISSION,  # a form with none the user may see is 404
    "forms.download": SEES_SUBMISSION,
    "api.forms": SIGNED_IN,
    "api.form_schema": SIGNED_IN,
    "api.openapi": EVERYONE,
    "api.submission": SEES_SUBMISSION,
    "api.working_days": SIGNED_IN,
    "api.case_list": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,  # others see an empty list
    "api.case": {OWNER, COLLEAGUE} | CASE_ROLES,
    "exports.index": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,
    "exports.form": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,
    "exports.audit_workbook": {BU, CHAIR},
    "exports.yearly_figures": CASE_ROLES,
    "exports.job": {BU},  # a background export is its requester's alone
    "exports.job_download": {BU},
    "mail_admin.email": {ADMIN},
    "mail_admin.email_templates": {ADMIN},
    "mail_admin.email_template": {ADMIN},
    "mail_admin.settings": {ADMIN},
    "password_reset.request_reset": EVERYONE,
    "password_reset.sent": EVERYONE,
    "password_reset.use_link": EVERYONE,  # a made-up token gets 404, like any bad link
    "password_reset.choose": EVERYONE,
    "documents.download": CASE_ROLES,
    "documents.pseudonyms": CASE_ROLES,
    "documents.review": CASE_ROLES,  # partners and the chair see it; only the business unit decides
    "documents.final_report_upload": {BU},
    "documents.variables": {ADMIN, BU},
    "doc_templates.index": {ADMIN},
    "doc_templates.upload_page": {ADMIN},
    "doc_templates.template": {ADMIN},
    "doc_templates.version": {ADMIN},
    "doc_templates.sample": {ADMIN},
    "doc_templates.file": {ADMIN},
    "learning.reviews": CASE_ROLES,
    "learning.new_review": {BU},
    "learning.review": CASE_ROLES,
    "learning.new_recommendation": {BU},
    "learning.new_action": {BU},
    "learning.new_activity": {BU},
    "learning.actions": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,  # each sees their own
    "learning.action": {OWNER, COLLEAGUE} | CASE_ROLES,  # agency A's action
    "learning.edit_action": {BU},
    "learning.evidence_file": {OWNER, COLLEAGUE} | CASE_ROLES,
    "builder.index": {ADMIN},
    "builder.new": {ADMIN},
    "builder.import_form": {ADMIN},
    "builder.overview": {ADMIN},
    "builder.details": {ADMIN},
    "builder.publish": {ADMIN},
    "builder.history": {ADMIN},
    "builder.compare": {ADMIN},
    "builder.revert": {ADMIN},
    "builder.export": {ADMIN},
    "builder.edit_json": {ADMIN},
    "builder.flow": {ADMIN},
    "builder.retire": {ADMIN},
    "builder.discard": {ADMIN},
    "builder.new_page": {ADMIN},
    "builder.edit_page": {ADMIN},
    "builder.remove_page": {ADMIN},
    "builder.new_field": {ADMIN},
    "builder.edit_field": {ADMIN},
    "builder.remove_field": {ADMIN},
    "builder.options": {ADMIN},
    "builder.edit_option": {ADMIN},
    "builder.condition": {ADMIN},
    "builder.binding": {ADMIN},
    "builder.preview": {ADMIN},
    "builder.preview_page": {ADMIN},
    "builder.preview_check": {ADMIN},
    "requests.case_requests": CASE_ROLES,
    "requests.new_requests": {BU},
    "requests.request_page": CASE_ROLES,
    "requests.extend": {BU},
    "requests.close": {BU},
    "requests.contacts": {BU},
    "requests.invite": {BU},
    "requests.milestone": {BU},
    "requests.panel_questions": CASE_ROLES,
    "requests.panel_reply": {BU},
    "requests.plan_settings": {ADMIN},
    "requests.agency_requests": {OWNER, COLLEAGUE, OTHER},
    "requests.respond": {OWNER, COLLEAGUE},  # the request is to their agency, not to OTHER's
    "requests.use_invitation": EVERYONE,  # a made-up token gets 404, like any bad link
    "requests.choose_password": EVERYONE,
}
# Pages reached only through a secret link: with the made-up one here, 404 is the right answer.
TOKEN_PAGES = {"password_reset.use_link", "password_reset.choose", "requests.use_invitation",
               "requests.choose_password"}
# Who may POST to each endpoint. Denials are tried for everyone else; allowed posts change
# state, so the feature tests cover them.
POST_ALLOWED: dict[str, set[str]] = {
    "auth.sign_in": EVERYONE,
    "auth.sign_out": EVERYONE,
    "auth.change_password": SIGNED_IN,
    "admin.agencies": {ADMIN},
    "admin.agency_action": {ADMIN},
    "admin.new_user": {ADMIN},
    "admin.edit_user": {ADMIN},
    "admin.user_action": {ADMIN},
    "admin.decision_rules": {ADMIN},
    "clock.closure_days": {ADMIN},
    "clock.remove_closure_day": {ADMIN},
    "clock.counting_rule": {ADMIN},
    "cases.move": {BU},
    "cases.undo_move": {BU},
    "cases.facts": {BU},
    "cases.conflict": {BU},
    "cases.view": {PARTNER, BU},
    "cases.notification": {BU},
    "cases.sign_off_page": {PARTNER},
    "cases.reconvene_page": {BU, PARTNER},
    "cases.delay": {BU},
    "cases.hold": {BU},
    "cases.local_review": {BU},
    "cases.publication": {BU},
    "cases.start_form": CASE_ROLES,
    "forms.start": SIGNED_IN,
    "forms.page": {OWNER},
    "forms.check": {OWNER},
    "forms.delete": {OWNER},
    "api.submit": SIGNED_IN,
    "api.case_submission": CASE_ROLES,
    "api.case_date": {BU},
    "api.case_move": {BU},
    "api.case_view": {PARTNER, BU},
    "api.case_notification": {BU},  # and the local authority's partner; this one is the police
    "api.case_sign_off": {PARTNER},
    "exports.form": {OWNER, COLLEAGUE, OTHER} | CASE_ROLES,
    "exports.register": CASE_ROLES,
    "exports.tracker": CASE_ROLES,
    "exports.audit_workbook": {BU, CHAIR},
    "exports.yearly_download": CASE_ROLES,
    "exports.yearly_section": CASE_ROLES,
    "learning.new_review": {BU},
    "learning.new_recommendation": {BU},
    "learning.new_action": {BU},
    "learning.new_activity": {BU},
    "learning.edit_action": {BU},
    "learning.post_update": {OWNER, COLLEAGUE, BU},
    "learning.add_evidence": {OWNER, COLLEAGUE, BU},
    "learning.submit": {OWNER, COLLEAGUE, BU},
    "learning.decision": {BU, CHAIR},
    "mail_admin.email_retry": {ADMIN},
    "mail_admin.email_template": {ADMIN},
    "mail_admin.email_template_default": {ADMIN},
    "mail_admin.settings": {ADMIN},
    "mail_admin.settings_test_email": {ADMIN},
    "admin.partnership_details": {ADMIN},
    "password_reset.request_reset": EVERYONE,
    "password_reset.choose": EVERYONE,
    "documents.generate": CASE_ROLES,
    "documents.pseudonyms": {BU},
    "documents.remove_pseudonym": {BU},
    "documents.review": {BU},
    "documents.save_reviewed": CASE_ROLES,
    "documents.final_report_upload": {BU},
    "doc_templates.upload_page": {ADMIN},
    "doc_templates.use": {ADMIN},
    "builder.new": {ADMIN},
    "builder.import_form": {ADMIN},
    "builder.details": {ADMIN},
    "builder.publish": {ADMIN},
    "builder.revert": {ADMIN},
    "builder.edit_json": {ADMIN},
    "builder.retire": {ADMIN},
    "builder.restore": {ADMIN},
    "builder.discard": {ADMIN},
    "builder.new_page": {ADMIN},
    "builder.edit_page": {ADMIN},
    "builder.move_page": {ADMIN},
    "builder.remove_page": {ADMIN},
    "builder.new_field": {ADMIN},
    "builder.edit_field": {ADMIN},
    "builder.move_field": {ADMIN},
    "builder.position_field": {ADMIN},
    "builder.remove_field": {ADMIN},
    "builder.options": {ADMIN},
    "builder.edit_option": {ADMIN},
    "builder.change_option": {ADMIN},
    "builder.condition": {ADMIN},
    "builder.binding": {ADMIN},
    "builder.move_binding": {ADMIN},
    "builder.remove_binding": {ADMIN},
    "builder.preview_page": {ADMIN},
    "audit_trail.export": {ADMIN, CHAIR},
    "requests.new_requests": {BU},
    "requests.chase": {BU},
    "requests.extend": {BU},
    "requests.close": {BU},
    "requests.contacts": {BU},
    "requests.invite": {BU},
    "requests.milestone": {BU},
    "requests.panel_questions": {BU},
    "requests.panel_reply": {BU},
    "requests.plan_settings": {ADMIN},
    "requests.start_summary": {OWNER, COLLEAGUE},
    "requests.choose_password": EVERYONE,
}
DENIED = {401, 403, 404}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Build one partnership with a case, a sent referral, a draft and an attachment."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("matrix") / "data"),
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    users = {
        OWNER: make_user(app, "owner@a.example.org", "agency_user", agency="Agency A"),
        COLLEAGUE: make_user(app, "colleague@a.example.org", "agency_user", agency="Agency A"),
        OTHER: make_user(app, "other@b.example.org", "agency_user", agency="Agency B"),
        PARTNER: make_user(app, "partner@p.example.org", "partner", partner="police"),
        BU: make_user(app, "bu@p.example.org", "business_unit"),
        CHAIR: make_user(app, "chair@p.example.org", "chair"),
        ADMIN: make_user(app, "admin@p.example.org", "admin"),
    }
    referral = send(app, users[OWNER], "referral")
    with app.app_context():
        store = get_store()
        case = store.find("cases")[0]
        draft = form_ops.start_draft(users[OWNER], "referral")
        upload = FileStorage(filename="note.pdf", content_type="application/pdf")
        attachment = attachments.save(users[OWNER], referral["id"], upload, b"%PDF-1.4\n")
        closure = calendar_settings.add_closure_day(None, _next_weekday(), "Training day")
        agency = store.find("agencies")[0]
        job = store.insert("export_jobs", {
            "user_id": users[BU]["id"], "status": "done", "filename": "register.xlsx",
            "title": "Case register",
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "kind": "form", "rows_total": 1, "rows_done": 1,
        })
        export_jobs.result_path(job).write_bytes(b"PK\x03\x04 finished")
        keys = {role: tokens.create_token(user["email"])[0] for role, user in users.items()}
        # A letter to the family needs only the partnership's contact for families, once the
        # referral's hold on contacting the family is lifted.
        partnership.save(None, PARTNERSHIP_DETAILS)
        verbs.set_family_hold(users[BU], case["id"], False, "The police have seen the family")
        document = documents.generate_document(users[BU], case["id"], "family_invitation_letter",
                                               False)  # fmt: skip
        # An information request to Agency A, a milestone the business unit marks done and a
        # question from the Panel (written directly: the case itself stays at referral).
        with store.transaction():
            info = store.insert("information_requests", {
                "case_id": case["id"], "reference": case["reference"], "agency_id": agency["id"],
                "agency_name": agency["name"], "due": "2026-12-31", "message": "Please",
                "status": "open", "sent_at": "2026-12-01T09:00:00+00:00", "sent_by": "BU",
                "contacts": [], "returns": [], "history": []})  # fmt: skip
            question = store.insert("panel_questions", {
                "case_id": case["id"], "received_on": "2026-12-01", "questions": "Why?",
                "reply": None})  # fmt: skip
        rr_plan.save_plan(users[ADMIN], [*rr_plan.DEFAULT_PLAN,
                                         rr_plan.Milestone("brief", "Briefing", 5, "recorded")],
                          10)  # fmt: skip
        review = learning.record_review(users[BU], "thematic", "A Panel report", "", None)
        review = learning.add_recommendation(users[BU], review["id"], "Share concerns sooner.")
        action = learning.add_action(
            users[BU], review["id"], review["recommendations"][0]["id"], "Train staff",
            users[OWNER]["agency_id"], "Sam Lead", "Named lead", _next_weekday(), "green")
        evidence = FileStorage(BytesIO(b"%PDF-1.4\n"), filename="audit.pdf")
        action = learning.add_evidence(users[OWNER], action["id"], evidence, "An audit")
    clients: dict[str, FlaskClient] = {ANON: app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert sign_in(clients[role], user["email"]).status_code == 302, role
    params = {
        "case_id": case["id"],
        "reference": case["reference"],
        "submission_id": referral["id"],
        "draft_id": draft["id"],
        "file_id": attachment["file_id"],
        "form_id": "referral",
        "version": 2,  # the shipped referral's version
        "page_id": "about-you",
        "user_id": users[OTHER]["id"],
        "agency_id": agency["id"],
        "closure_id": closure["id"], "job_id": job["id"],
        "message_id": "no-such-message", "kind": "new_referral", "token": "made-up-token",
        "document_id": document["id"], "template_id": "delay_notice", "number": 1,
        "path": "child_gender", "group": "agencies_involved", "target": "child_gender",
        "index": 0, "verb": "move", "to": "consideration", "conflict_id": "no-such-conflict",
        "request_id": info["id"], "how": "withdraw", "milestone_id": "brief",
        "question_id": question["id"],
        "review_id": review["id"], "action_id": action["id"],
        "evidence_id": action["evidence"][0]["id"],
    }
    yield {"app": app, "clients": clients, "params": params, "tokens": keys}
    close_store(app)


def _next_weekday() -> Any:
    from datetime import date, timedelta

    from cspr.casework import clock

    day = date.today() + timedelta(days=30)
    while not clock.is_working_day(day):
        day += timedelta(days=1)
    return day


# Where two routes use one URL part for different things.
PARAM_OVERRIDES: dict[str, dict[str, Any]] = {
    "documents.download": {"kind": "docx"},
    "learning.evidence_file": {"file_id": "{evidence_id}"},
    "builder.condition": {"kind": "show_if"},
}


def _url(app: Flask, rule: Any, params: dict[str, Any], action: str | None = None) -> str:
    params = {**params, **{k: v.format(**params) if isinstance(v, str) else v
                           for k, v in PARAM_OVERRIDES.get(rule.endpoint, {}).items()}}
    values = {name: params[name] for name in rule.arguments if name != "action"}
    if "action" in rule.arguments:
        values["action"] = action or "disable"
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **values)
    if rule.endpoint == "api.working_days":
        url += "?from=2026-12-24&days=5"
    return url


def _request(world: dict[str, Any], role: str, method: str, url: str) -> Any:
    client = world["clients"][role]
    headers = {}
    if url.startswith("/api/") and role != ANON:
        headers["Authorization"] = f"Bearer {world['tokens'][role]}"
    if method == "GET":
        return client.get(url, headers=headers)
    page = world["clients"][role].get("/sign-in" if role == ANON else "/privacy")
    data = {"csrf_token": csrf_token_or_none(page.text)}
    if url.startswith("/api/"):
        return client.post(url, json={"answers": {}}, headers=headers)
    return client.post(url, data=data, headers=headers)


def csrf_token_or_none(html: str) -> str:
    """Return the page's CSRF token (every page with a sign-out form has one), or ''."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def _denied(response: Any) -> bool:
    """Say whether a response refused access (or sent an anonymous visitor to sign in)."""
    if response.status_code in DENIED:
        return True
    return response.status_code == 302 and "/sign-in" in response.headers.get("Location", "")


def test_every_route_is_in_the_table(world: dict[str, Any]) -> None:
    app = world["app"]
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    gets = {r.endpoint for r in rules if "GET" in (r.methods or set())}
    posts = {r.endpoint for r in rules if "POST" in (r.methods or set())}
    assert gets == set(GET_ALLOWED), f"add these to GET_ALLOWED: {gets ^ set(GET_ALLOWED)}"
    assert posts == set(POST_ALLOWED), f"add these to POST_ALLOWED: {posts ^ set(POST_ALLOWED)}"


def test_get_matrix(world: dict[str, Any]) -> None:
    app = world["app"]
    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or "GET" not in (rule.methods or set()):
            continue
        url = _url(app, rule, world["params"])
        for role in sorted(EVERYONE):
            response = _request(world, role, "GET", url)
            allowed = role in GET_ALLOWED[rule.endpoint]
            if rule.endpoint in TOKEN_PAGES and response.status_code in (200, 302, 404):
                continue
            if allowed and (_denied(response) or response.status_code >= 500):
                problems.append(f"{role} refused {url}: {response.status_code}")
            if not allowed and not _denied(response):
                problems.append(f"{role} ALLOWED {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_post_denials(world: dict[str, Any]) -> None:
    app = world["app"]
    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or "POST" not in (rule.methods or set()):
            continue
        url = _url(app, rule, world["params"])
        for role in sorted(EVERYONE - POST_ALLOWED[rule.endpoint]):
            response = _request(world, role, "POST", url)
            if not _denied(response):
                problems.append(f"{role} ALLOWED POST {url}: {response.status_code}")
    assert not problems, "\n".join(problems)
    with app.app_context():
        store = get_store()
        assert store.get("cases", world["params"]["case_id"])["stage"] == "referral"
        assert store.get("submissions", world["params"]["draft_id"]) is not None
        assert not store.get("users", world["params"]["user_id"])["disabled"]
        info = store.get("information_requests", world["params"]["request_id"])
        assert info["status"] == "open" and info["contacts"] == []


def test_guessed_ids_are_not_found(world: dict[str, Any]) -> None:
    guesses = [
        "/cases/01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/submissions/01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/drafts/01ZZZZZZZZZZZZZZZZZZZZZZZZ/check",
        "/files/" + "0" * 32,
        "/api/submissions/01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "/actions/01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        f"/actions/{world['params']['action_id']}/evidence/" + "0" * 32,
    ]
    for role in (OWNER, BU, CHAIR):
        for url in guesses:
            assert _request(world, role, "GET", url).status_code == 404, (role, url)


def test_csrf_is_refused_on_every_post_route(world: dict[str, Any]) -> None:
    app = world["app"]
    client = world["clients"][ADMIN]
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()) or rule.endpoint.startswith("api."):
            continue
        url = _url(app, rule, world["params"])
        response = client.post(url, data={})
        assert response.status_code == 400, (url, response.status_code)
        assert "security token" in response.text, url
