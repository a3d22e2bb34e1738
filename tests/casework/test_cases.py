"""Cases: opened by a referral, moved only by allowed transitions, decided under the rule."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from flask import Flask

from cspr.casework import cases, clock, decisions, facts
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.storage import NotFound, get_store
from tests.conftest import csrf_token, make_user, sign_in
from tests.test_shipped_forms import COMPLETE


def send(
    app: Flask,
    user: dict,
    form_id: str,
    changes: dict | None = None,
    case_id: str | None = None,
    drop: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Send a complete shipped form as the user, for a case or on its own."""
    answers = {k: v for k, v in copy.deepcopy(COMPLETE[form_id]).items() if k not in drop}
    answers.update(changes or {})
    with app.app_context():
        if case_id:
            draft = cases.start_case_form(user, case_id, form_id)
        else:
            draft = form_ops.start_draft(user, form_id)
        form_ops.save_answers(user, draft["id"], answers)
        sent, errors = form_ops.submit_draft(user, draft["id"], declared=True)
    assert errors == {}, errors
    assert sent is not None
    return sent


@pytest.fixture
def people(app: Flask) -> dict[str, dict[str, Any]]:
    """Make one user for each part in the process."""
    return {
        "agency": make_user(app, "hv@testshire.example.org", "agency_user"),
        "other_agency": make_user(
            app, "pc@testshire.example.org", "agency_user", agency="Testshire Police"
        ),
        "bu": make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit"),
        "la": make_user(app, "la@testshire.example.org", "partner", partner="local_authority"),
        "police": make_user(app, "police@testshire.example.org", "partner", partner="police"),
        "icb": make_user(app, "icb@testshire.example.org", "partner", partner="icb"),
        "chair": make_user(app, "chair@testshire.example.org", "chair"),
        "admin": make_user(app, "admin@testshire.example.org", "admin"),
    }


def _case(app: Flask) -> dict[str, Any]:
    with app.app_context():
        (case,) = get_store().find("cases")
    return case


def _move(app: Flask, user: dict, case_id: str, to: str) -> dict[str, Any]:
    with app.app_context():
        return cases.move(user, case_id, to)


def _decide(app: Flask, people: dict, case_id: str, views: dict[str, str]) -> None:
    for partner, view in views.items():
        send(
            app,
            people[partner],
            "consideration_decision",
            {
                "partner_organisation": {"la": "local_authority", "police": "police", "icb": "icb"}[
                    partner
                ],
                "notifiable_decision": view,
            },
            case_id,
        )


def test_referral_opens_a_case_with_a_reference(app: Flask, people: dict) -> None:
    referral = send(app, people["agency"], "referral")
    case = _case(app)
    assert case["reference"] == f"CSPR-{date.today().year}-0001"
    assert case["stage"] == "referral" and case["referral_id"] == referral["id"]
    send(app, people["agency"], "referral")
    with app.app_context():
        refs = sorted(c["reference"] for c in get_store().find("cases"))
    assert refs[1] == f"CSPR-{date.today().year}-0002"


def test_the_whole_path_with_refusals_that_say_why(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    bu = people["bu"]
    with pytest.raises(Refused, match="cannot go from Referral to Closed"):
        _move(app, bu, case_id, "closed")
    with pytest.raises(Forbidden):
        _move(app, people["la"], case_id, "consideration")
    _move(app, bu, case_id, "consideration")
    with pytest.raises(Refused, match="have not decided that the case is notifiable"):
        _move(app, bu, case_id, "notified")

    _decide(app, people, case_id, {"la": "agree", "police": "agree"})
    with pytest.raises(Refused, match="Send the serious incident notification"):
        _move(app, bu, case_id, "notified")
    send(app, bu, "notification", case_id=case_id)
    case = _move(app, bu, case_id, "notified")
    assert case["key_dates"]["aware"] == COMPLETE["notification"]["la_aware_date"]
    assert case["key_dates"]["notified"] == date.today().isoformat()

    _move(app, bu, case_id, "rapid_review")
    with pytest.raises(Refused, match="Send the rapid review form first"):
        _move(app, bu, case_id, "decided")
    send(
        app,
        bu,
        "rapid_review",
        {"recommendation": "local_cspr"},
        case_id,
        drop=("other_learning_route",),
    )
    with pytest.raises(Refused, match="needs 3 partner sign-offs; it has 0"):
        _move(app, bu, case_id, "decided")
    with app.app_context():
        for partner in ("la", "police"):
            cases.sign_off(people[partner], case_id)
        with pytest.raises(Refused, match="already signed off"):
            cases.sign_off(people["la"], case_id)
        with pytest.raises(Forbidden):
            cases.sign_off(bu, case_id)
    with pytest.raises(Refused, match="it has 2"):
        _move(app, bu, case_id, "decided")
    with app.app_context():
        cases.sign_off(people["icb"], case_id)
    assert _move(app, bu, case_id, "decided")["decision"] == "local_cspr"

    # The Panel challenges; the partners must reconvene before the case moves on.
    send(
        app,
        bu,
        "panel_response",
        {"local_decision": "local_cspr"},
        case_id,
        drop=(
            "reconvened_date",
            "challenge_outcome",
            "revised_decision",
            "challenge_justification",
        ),
    )
    _move(app, bu, case_id, "panel_response")
    with pytest.raises(Refused, match="outcome of reconvening"):
        _move(app, bu, case_id, "review_in_progress")
    with app.app_context():
        with pytest.raises(Refused, match="justification"):
            cases.record_reconvene(bu, case_id, "keep", "", "")
        cases.record_reconvene(bu, case_id, "keep", "", "The learning needs a full local review.")
    _move(app, bu, case_id, "review_in_progress")
    with pytest.raises(Refused, match="published"):
        _move(app, bu, case_id, "published")
    with app.app_context():
        cases.set_key_date(bu, case_id, "published", date.today())
    _move(app, bu, case_id, "published")
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    keep = clock.keep_published_until(date.today())
    assert f"{keep:%A} {keep.day} {keep:%B %Y} at least" in client.get(f"/cases/{case_id}").text
    _move(app, bu, case_id, "action_plan")
    with pytest.raises(Refused, match="Every action"):
        _move(app, bu, case_id, "closed")
    actions = [
        dict(
            a,
            rag_status="complete",
            completed_date="2026-11-20",
            evidence_of_impact="An audit in November showed the change is working.",
        )
        for a in COMPLETE["action_plan"]["actions"]
    ]
    send(app, bu, "action_plan", {"actions": actions}, case_id)
    assert _move(app, bu, case_id, "closed")["stage"] == "closed"
    timeline = [e["text"] for e in _case(app)["events"]]
    assert timeline[0] == "Referral received; case opened"
    assert "Partners reconvened and kept the decision" in timeline


def test_panel_changing_the_decision_closes_by_other_route(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    with app.app_context():
        store = get_store()
        store.update("cases", case_id, {"stage": "decided", "decision": "local_cspr"})
    send(app, people["bu"], "panel_response", {"revised_decision": "other_learning"}, case_id)
    case = _move(app, people["bu"], case_id, "panel_response")
    assert case["decision"] == "other_learning"
    with pytest.raises(Refused, match="another learning route"):
        _move(app, people["bu"], case_id, "review_in_progress")
    assert _move(app, people["bu"], case_id, "other_learning_route")["stage"] == (
        "other_learning_route"
    )


@pytest.mark.parametrize(
    ("rule", "views", "expected", "dissent"),
    [
        ("majority", {"local_authority": "agree", "police": "agree"}, "notifiable", []),
        (
            "majority",
            {"local_authority": "agree", "police": "agree", "icb": "disagree"},
            "notifiable",
            ["icb"],
        ),
        ("majority", {"local_authority": "agree", "police": "disagree"}, "pending", []),
        (
            "majority",
            {"local_authority": "disagree", "police": "disagree", "icb": "agree"},
            "not_notifiable",
            ["icb"],
        ),
        ("unanimous", {"local_authority": "agree", "police": "agree"}, "pending", []),
        (
            "unanimous",
            {"local_authority": "agree", "police": "agree", "icb": "agree"},
            "notifiable",
            [],
        ),
        (
            "unanimous",
            {"local_authority": "agree", "police": "agree", "icb": "disagree"},
            "not_notifiable",
            ["local_authority", "police"],
        ),
    ],
)
def test_decision_rules(rule: str, views: dict, expected: str, dissent: list[str]) -> None:
    table = {p: {"view": v, "rationale": ""} for p, v in views.items()}
    result = decisions.outcome(table, rule)
    assert (result.result, sorted(result.dissent)) == (expected, sorted(dissent))


def test_rule_setting_changes_the_outcome(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    _decide(app, people, case_id, {"la": "agree", "police": "agree", "icb": "disagree"})
    with app.app_context():
        assert cases.decision_outcome(case_id).result == "notifiable"
        decisions.set_rules(people["admin"], "unanimous", 3)
        outcome = cases.decision_outcome(case_id)
        assert outcome.result == "not_notifiable"
        assert "under the unanimous rule" in outcome.explanation
        with pytest.raises(Forbidden):
            decisions.set_rules(people["bu"], "majority", 3)


def test_a_later_view_replaces_the_partners_earlier_one(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    _decide(app, people, case_id, {"la": "disagree", "police": "agree"})
    _decide(app, people, case_id, {"la": "agree"})
    with app.app_context():
        assert cases.decision_outcome(case_id).result == "notifiable"


def test_deadlines_follow_the_clock(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    with app.app_context():
        cases.set_key_date(people["bu"], case_id, "aware", date(2026, 11, 19))
        case = get_store().get("cases", case_id)
        (notification,) = facts.deadlines(case, date(2026, 11, 22))
    assert notification.name == "Serious incident notification"
    assert notification.status.due == date(2026, 11, 26)
    assert notification.status.due == clock.notification_due(date(2026, 11, 19))
    with app.app_context(), pytest.raises(Refused, match="today or in the past"):
        cases.set_key_date(people["bu"], case_id, "aware", date(2999, 1, 1))


def test_access_and_audit(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    with app.app_context():
        for who in ("bu", "la", "chair", "agency"):
            cases.get_case(people[who], case_id)
        for who in ("other_agency", "admin"):
            with pytest.raises(NotFound):
                cases.get_case(people[who], case_id)
        viewers = {e["user"] for e in get_store().audit.entries(action="view", object_type="case")}
    assert viewers == {
        "bu@testshire.example.org",
        "la@testshire.example.org",
        "chair@testshire.example.org",
        "hv@testshire.example.org",
    }


def test_case_pages_by_role(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    pages = {}
    for who, email in [
        ("bu", "bu@testshire.example.org"),
        ("agency", "hv@testshire.example.org"),
        ("other", "pc@testshire.example.org"),
        ("la", "la@testshire.example.org"),
    ]:
        client = app.test_client()
        sign_in(client, email)
        pages[who] = client.get(f"/cases/{case_id}")
    assert pages["other"].status_code == 404
    assert "Priya" not in pages["agency"].text and "Move the case on" not in pages["agency"].text
    child = COMPLETE["referral"]["child_name"]["given_names"]
    assert child in pages["bu"].text and "Start the partners" in pages["bu"].text
    assert "Start the partners" not in pages["la"].text  # only the business unit moves cases

    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    page = client.get(f"/cases/{case_id}")
    moved = client.post(
        f"/cases/{case_id}/move", data={"to": "notified", "csrf_token": csrf_token(page.text)}
    )
    assert "cannot go from Referral to Notified" in client.get(moved.headers["Location"]).text
    client.post(
        f"/cases/{case_id}/key-date",
        data={
            "key": "aware",
            "when-day": "31",
            "when-month": "2",
            "when-year": "2026",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert "must be a real date" in client.get(f"/cases/{case_id}").text
    dashboard = client.get("/dashboard?sort=case")
    assert dashboard.status_code == 200


def test_admin_sets_the_decision_rules_on_a_page(app: Flask, people: dict) -> None:
    client = app.test_client()
    sign_in(client, "admin@testshire.example.org")
    page = client.get("/admin/decision-rules")
    assert "Majority: two of the three partners must agree" in page.text
    response = client.post(
        "/admin/decision-rules",
        data={"rule": "unanimous", "signoffs": "2", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert (decisions.decision_rule(), decisions.signoffs_required()) == ("unanimous", 2)
        entries = get_store().audit.entries(object_type="settings")
    assert entries and entries[0]["details"] == {"rule": "unanimous", "signoffs": 2}
    bad = client.post("/admin/decision-rules", data={"csrf_token": csrf_token(page.text)})
    assert "Select how the partners" in bad.text
    other = app.test_client()
    sign_in(other, "bu@testshire.example.org")
    assert other.get("/admin/decision-rules").status_code == 403
