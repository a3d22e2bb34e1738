"""Cases: opened by a referral, fed by their forms' facts, moved only as their track allows."""

from __future__ import annotations

import copy
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage

from cspr.casework import casefacts, cases, clock, decisions, signoff
from cspr.casework import operations as verbs
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.learning import operations as learning
from cspr.storage import NotFound, get_store
from cspr.timeutil import uk_today
from tests.conftest import csrf_token, make_user, sign_in
from tests.test_shipped_forms import COMPLETE

PARTNER_OF = {"la": "local_authority", "police": "police", "icb": "icb"}


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


def only_case(app: Flask) -> dict[str, Any]:
    """Return the one case in the store."""
    with app.app_context():
        (case,) = get_store().find("cases")
    return case


def move(app: Flask, user: dict, case_id: str, to: str, reason: str = "") -> dict[str, Any]:
    """Move a case as the user."""
    with app.app_context():
        return cases.move(user, case_id, to, reason)


def give_views(app: Flask, people: dict, case_id: str, views: dict[str, bool]) -> None:
    """Each named partner gives their own view on notifying."""
    with app.app_context():
        for partner, notify in views.items():
            verbs.give_view(people[partner], case_id,
                            "notifiable" if notify else "not_notifiable",
                            f"The {partner} view, with reasons given at the meeting.")  # fmt: skip


def notify(app: Flask, people: dict, case_id: str, on: date, reason: str = "") -> dict:
    """The local authority records that it notified the Panel."""
    with app.app_context():
        return verbs.record_notification(people["la"], case_id, on, "NSI-2026-0001", reason)


def sign_all(app: Flask, people: dict, case_id: str) -> None:
    """Each partner signs off the current rapid review."""
    with app.app_context():
        review = signoff.current_review(case_id)
        for partner in PARTNER_OF:
            signoff.sign_off(people[partner], case_id, review["id"])


def fact(app: Flask, case_id: str, name: str) -> Any:
    """Read one fact of a case."""
    with app.app_context():
        return casefacts.get(get_store().get("cases", case_id), name)


def test_referral_opens_a_case_holding_its_facts(app: Flask, people: dict) -> None:
    referral = send(app, people["agency"], "referral")
    case = only_case(app)
    assert case["reference"] == f"CSPR-{uk_today().year}-0001"
    assert case["stage"] == "referral" and case["referral_id"] == referral["id"]
    assert casefacts.get(case, "child.name") == COMPLETE["referral"]["child_name"]
    assert casefacts.get(case, "incident.type") == "serious_harm"
    assert casefacts.get(case, "agencies.involved") == [
        "Health visiting team", "Children's social care"]
    assert casefacts.get(case, "family.contact_hold") == "yes"
    history = case["fact_history"]
    assert {h["source"] for h in history} == {f"form:{referral['reference']}"}
    send(app, people["agency"], "referral")
    with app.app_context():
        refs = sorted(c["reference"] for c in get_store().find("cases"))
    assert refs[1] == f"CSPR-{uk_today().year}-0002"


def test_the_whole_path_with_refusals_that_say_why(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id, bu = only_case(app)["id"], people["bu"]
    with pytest.raises(Refused, match="cannot go from Referral to Closed"):
        move(app, bu, case_id, "closed")
    with pytest.raises(Forbidden):
        move(app, people["la"], case_id, "consideration")
    move(app, bu, case_id, "consideration")
    with pytest.raises(Refused, match="Record the date the notification was made"):
        move(app, bu, case_id, "notified")
    give_views(app, people, case_id, {"la": True, "police": True})
    notify(app, people, case_id, date(2026, 11, 4))
    send(app, bu, "notification", case_id=case_id)
    case = move(app, bu, case_id, "notified")
    assert casefacts.get(case, "dates.notified") == "2026-11-04"
    move(app, bu, case_id, "rapid_review")
    with pytest.raises(Refused, match="Send the rapid review form first"):
        move(app, bu, case_id, "decided")
    send(app, bu, "rapid_review", {"recommendation": "local_cspr"}, case_id,
         drop=("other_learning_route",))  # fmt: skip
    with pytest.raises(Refused, match="0 of 3 partners have signed off the rapid review"):
        move(app, bu, case_id, "decided")
    with app.app_context():
        review = signoff.current_review(case_id)
        for partner in ("la", "police"):
            signoff.sign_off(people[partner], case_id, review["id"])
        with pytest.raises(Refused, match="already signed off this version"):
            signoff.sign_off(people["la"], case_id, review["id"])
        with pytest.raises(Forbidden):
            signoff.sign_off(bu, case_id, review["id"])
    with pytest.raises(Refused, match="2 of 3 partners have signed off"):
        move(app, bu, case_id, "decided")
    with app.app_context():
        signoff.sign_off(people["icb"], case_id, review["id"])
    case = move(app, bu, case_id, "decided")
    assert casefacts.get(case, "decision.outcome") == "local_cspr"

    # The Panel challenges; the partners must reconvene before the case moves on.
    send(app, bu, "panel_response", {"local_decision": "local_cspr"}, case_id)
    move(app, bu, case_id, "panel_response")
    with pytest.raises(Refused, match="reconvened meeting"):
        move(app, bu, case_id, "review_in_progress")
    with app.app_context():
        with pytest.raises(Refused, match="justification"):
            verbs.record_reconvene(bu, case_id, "keep", "", "")
        verbs.record_reconvene(bu, case_id, "keep", "", "The learning needs a full local review.")
    with pytest.raises(Refused, match="decision to commission"):
        move(app, bu, case_id, "review_in_progress")
    with app.app_context():
        verbs.set_fact(bu, case_id, "dates.commissioned", date(2026, 11, 25))
    move(app, bu, case_id, "review_in_progress")
    with pytest.raises(Refused, match="published"):
        move(app, bu, case_id, "published")
    with app.app_context():
        verbs.set_fact(bu, case_id, "dates.published", uk_today())
    move(app, bu, case_id, "published")
    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    keep = clock.keep_published_until(uk_today())
    assert f"{clock.short_date(keep)} at least" in client.get(f"/cases/{case_id}").text
    move(app, bu, case_id, "action_plan")
    with pytest.raises(Refused, match="Record the action plan first"):
        move(app, bu, case_id, "closed")
    # The action plan is learning's: an action the agency completes with evidence, accepted.
    with app.app_context():
        reference = get_store().get("cases", case_id)["reference"]
        review = learning.record_review(bu, "local", "Child A", reference, None)
        review = learning.add_recommendation(bu, review["id"], "Escalate missed appointments.")
        action = learning.add_action(
            bu, review["id"], review["recommendations"][0]["id"], "Update the policy",
            people["agency"]["agency_id"], "Sam Lead", "Named nurse", date(2027, 3, 31), "amber")
    with pytest.raises(Refused, match="Every action in the action plan must be complete"):
        move(app, bu, case_id, "closed")
    with app.app_context():
        upload = FileStorage(BytesIO(b"%PDF-1.4 audit"), filename="audit.pdf")
        learning.add_evidence(people["agency"], action["id"], upload, "The audit")
        learning.submit_complete(people["agency"], action["id"], "The policy is in use.")
        learning.decide(bu, action["id"], True, "")
    assert move(app, bu, case_id, "closed")["stage"] == "closed"
    timeline = [e["text"] for e in only_case(app)["events"]]
    assert timeline[0] == "Referral received; case opened"
    assert "Partners reconvened and kept the decision" in timeline


def test_a_mistaken_move_is_taken_back_with_a_reason(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id, bu = only_case(app)["id"], people["bu"]
    move(app, bu, case_id, "consideration")
    with app.app_context():
        with pytest.raises(Refused, match="Enter why"):
            cases.undo_move(bu, case_id, "oops")
        case = cases.undo_move(bu, case_id, "Moved by mistake before the referral was read.")
        assert case["stage"] == "referral"
        with pytest.raises(Refused, match="itself taken back"):
            cases.undo_move(bu, case_id, "Trying to take back the taking back.")
        with pytest.raises(Forbidden):
            cases.undo_move(people["la"], case_id, "A partner cannot do this at all.")
        entries = get_store().audit.entries(object_id=case_id, action="update", limit=None)
    assert {"stage": "referral", "undo": True} in [e["details"] for e in entries]


@pytest.mark.parametrize(
    ("rule", "views", "expected", "dissent"),
    [
        ("majority", {"local_authority": True, "police": True}, "notifiable", []),
        ("majority", {"local_authority": True, "police": True, "icb": False}, "notifiable",
         ["icb"]),
        ("majority", {"local_authority": True, "police": False}, "pending", []),
        ("majority", {"local_authority": False, "police": False, "icb": True}, "not_notifiable",
         ["icb"]),
        ("unanimous", {"local_authority": True, "police": True}, "pending", []),
        ("unanimous", {"local_authority": True, "police": True, "icb": True}, "notifiable", []),
        ("unanimous", {"local_authority": True, "police": True, "icb": False}, "not_notifiable",
         ["local_authority", "police"]),
    ],
)  # fmt: skip
def test_decision_rules(rule: str, views: dict, expected: str, dissent: list[str]) -> None:
    table = {p: {"view": "notifiable" if v else "not_notifiable"} for p, v in views.items()}
    result = decisions.outcome(table, rule)
    assert (result.result, sorted(result.dissent)) == (expected, sorted(dissent))


def test_the_position_says_how_many_have_answered() -> None:
    views = {"local_authority": {"view": "notifiable"}, "police": {"view": "notifiable"}}
    text = decisions.outcome(views, "unanimous").explanation
    assert text.startswith("2 of 3 partners have given a view; both agree")
    assert "0 of 3" not in decisions.outcome({}, "majority").explanation


def test_rule_setting_changes_the_position(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    move(app, people["bu"], case_id, "consideration")
    give_views(app, people, case_id, {"la": True, "police": True, "icb": False})
    with app.app_context():
        case = get_store().get("cases", case_id)
        assert decisions.position(case).result == "notifiable"
        decisions.set_rules(people["admin"], "unanimous", 3)
        position = decisions.position(case)
        assert position.result == "not_notifiable"
        assert "Under the unanimous rule" in position.explanation
        with pytest.raises(Forbidden):
            decisions.set_rules(people["bu"], "majority", 3)


def test_access_and_audit(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    with app.app_context():
        for who in ("bu", "la", "chair", "agency"):
            cases.get_case(people[who], case_id)
        for who in ("other_agency", "admin"):
            with pytest.raises(NotFound):
                cases.get_case(people[who], case_id)
        viewers = {e["user"] for e in get_store().audit.entries(action="view", object_type="case")}
    assert viewers == {"bu@testshire.example.org", "la@testshire.example.org",
                       "chair@testshire.example.org", "hv@testshire.example.org"}  # fmt: skip


def test_case_pages_by_role(app: Flask, people: dict) -> None:
    send(app, people["agency"], "referral")
    case_id = only_case(app)["id"]
    pages = {}
    for who, email in [("bu", "bu@testshire.example.org"), ("agency", "hv@testshire.example.org"),
                       ("other", "pc@testshire.example.org"), ("la", "la@testshire.example.org")]:
        client = app.test_client()
        sign_in(client, email)
        pages[who] = client.get(f"/cases/{case_id}")
    assert pages["other"].status_code == 404
    assert "Amelia" not in pages["agency"].text and "Move the case on" not in pages["agency"].text
    assert "Amelia" in pages["bu"].text and "Start the partners" in pages["bu"].text
    assert "Start the partners" not in pages["la"].text  # only the business unit moves cases
    assert "Hold on contacting the family" in pages["bu"].text

    client = app.test_client()
    sign_in(client, "bu@testshire.example.org")
    # A move that is not allowed from here is not offered at all.
    assert client.get(f"/cases/{case_id}/move/notified").status_code == 404
    confirm = client.get(f"/cases/{case_id}/move/consideration")
    assert "consideration?</h1>" in confirm.text
    moved = client.post(f"/cases/{case_id}/move/consideration",
                        data={"csrf_token": csrf_token(confirm.text)})  # fmt: skip
    assert moved.status_code == 302
    assert client.get("/dashboard?sort=case").status_code == 200


def test_admin_sets_the_decision_rules_on_a_page(app: Flask, people: dict) -> None:
    client = app.test_client()
    sign_in(client, "admin@testshire.example.org")
    page = client.get("/admin/decision-rules")
    assert "Majority: two of the three partners must agree" in page.text
    response = client.post("/admin/decision-rules",
                           data={"rule": "unanimous", "signoffs": "2",
                                 "csrf_token": csrf_token(page.text)})  # fmt: skip
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
