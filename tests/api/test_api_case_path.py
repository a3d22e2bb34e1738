"""The whole path from a referral to the Panel's response, driven through the API alone."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from cspr.api.openapi import openapi_document
from cspr.casework import clock
from cspr.storage import close_store
from cspr.timeutil import uk_today
from tests.api.case_support import World, build_world, deadlines_by_key, tasks_by_key
from tests.api.test_api_openapi import conforms
from tests.test_shipped_forms import CHILD, COMPLETE

# The notification's questions that no case fact answers; the rest come from the case.
NOTIFICATION_OWN = ("notifier_role", "notifier_organisation", "notifier_phone",
                    "local_authority", "other_children_known", "other_children_details",
                    "perpetrator_relationship", "perpetrator_details", "looked_after_child",
                    "care_leaver_involved")  # fmt: skip
# The rapid review's questions read from the case: left out, they are filled from its facts.
# (Its table of agencies is sent: the case knows the agencies' names, not their involvement.)
REVIEW_READS = ("child_name", "incident_type", "incident_date", "la_aware_date",
                "notification_date", "notification_reference", "case_summary")  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A fresh app on the shipped forms with a token for each person."""
    built = build_world(tmp_path)
    yield built
    close_store(built.app)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    """Insist on a status and return the JSON body."""
    assert response.status_code == status, response.json
    body: dict[str, Any] = response.json
    return body


def test_referral_to_the_panels_response_through_the_api_alone(world: World) -> None:
    today = uk_today()
    aware, notified = today - timedelta(days=25), today - timedelta(days=23)
    sent_to_panel = today - timedelta(days=6)

    # An agency refers; the case opens at referral with no clock running yet.
    ref = world.refer("agency")
    url = f"/api/cases/{ref}"
    case = world.case("bu", ref)
    assert case["stage"] == "referral" and case["deadlines"] == []
    assert tasks_by_key(case)["la_aware"]["status"] == "not_started"
    assert world.case("agency", ref) == {"reference": ref, "stage": "referral",
                                         "stage_label": "Referral"}  # fmt: skip

    # The business unit records when the local authority became aware: the 5-day clock starts.
    ok(world.post("bu", f"{url}/dates", {"name": "dates.la_aware", "date": aware.isoformat()}))
    case = world.case("bu", ref)
    assert case["facts"]["dates.la_aware"] == aware.isoformat()
    assert tasks_by_key(case)["la_aware"]["status"] == "completed"
    notification = deadlines_by_key(case)["notification"]
    assert notification["due"] == clock.notification_due(aware).isoformat()
    assert notification["statutory"] is True and notification["state"] == "overdue"
    assert tasks_by_key(case)["notification"]["due"] == notification["due"]

    # Consideration: each partner gives their own view with their own token.
    ok(world.post("bu", f"{url}/moves", {"to": "consideration"}))
    for partner in ("la", "police", "icb"):
        ok(world.post(partner, f"{url}/views", {
            "view": "notifiable", "rationale": f"The {partner} lead: neglect is suspected."}))
    case = world.case("police", ref)
    assert set(case["views"]) == {"local_authority", "police", "icb"}
    assert case["position"]["result"] == "notifiable" and case["position"]["dissent"] == []
    assert tasks_by_key(case)["views"]["status"] == "completed"

    # The local authority records its notification; the 15-day rapid review clock starts.
    ok(world.post("la", f"{url}/notification",
                  {"date": notified.isoformat(), "reference": "NSI-2026-0451"}))  # fmt: skip
    case = world.case("bu", ref)
    assert case["facts"]["dates.notified"] == notified.isoformat()
    assert case["facts"]["notification.reference"] == "NSI-2026-0451"
    assert case["notification"]["without_agreement"] is False
    deadlines = deadlines_by_key(case)
    assert deadlines["notification"]["state"] == "met"
    assert deadlines["rapid_review"]["due"] == clock.rapid_review_due(notified).isoformat()
    assert tasks_by_key(case)["notification"]["status"] == "completed"

    # The notification form: only what the case cannot answer is sent.
    own = {k: v for k, v in COMPLETE["notification"].items() if k in NOTIFICATION_OWN}
    sent = ok(world.post("bu", f"{url}/submissions", {
        "form_id": "notification", "declaration": True,
        "answers": {**own, "children": [copy.deepcopy(CHILD)]}}), 201)  # fmt: skip
    assert sent["case"] == ref
    answers = ok(world.get("bu", f"/api/submissions/{sent['id']}"))["answers"]
    assert answers["la_aware_date"] == aware.isoformat()
    assert answers["incident_type"] == "serious_harm"
    assert answers["incident_date"] == "2026-10-30"
    assert answers["agencies_involved"] == "Health visiting team\nChildren's social care"
    assert answers["notifier_name"] == {"given_names": "Bea", "family_name": "Unit"}
    assert tasks_by_key(world.case("bu", ref))["notification_form"]["status"] == "completed"

    ok(world.post("bu", f"{url}/moves", {"to": "notified"}))
    ok(world.post("bu", f"{url}/moves", {"to": "rapid_review"}))

    # The rapid review form, its case details filled from the facts.
    review_answers = {k: v for k, v in COMPLETE["rapid_review"].items()
                      if k not in (*REVIEW_READS, "other_learning_route")}  # fmt: skip
    meeting = (notified + timedelta(days=8)).isoformat()
    review_answers.update(recommendation="local_cspr", meeting_date=meeting,
                          decision_date=meeting)  # fmt: skip
    review = ok(world.post("la", f"{url}/submissions", {
        "form_id": "rapid_review", "answers": review_answers}), 201)  # fmt: skip
    answers = ok(world.get("la", f"/api/submissions/{review['id']}"))["answers"]
    assert answers["notification_reference"] == "NSI-2026-0451"
    assert answers["notification_date"] == notified.isoformat()
    assert answers["child_name"] == {"given_names": "Amelia", "family_name": "Jones"}
    case = world.case("bu", ref)
    assert case["signoffs"]["rapid_review"]["reference"] == review["reference"]
    assert tasks_by_key(case)["signoff"]["status"] == "not_started"
    assert case["facts"]["decision.outcome"] == "local_cspr"

    # Three sign-offs, each by the partner's own token; the review is named by its reference.
    for partner in ("la", "police", "icb"):
        signed = ok(world.post(partner, f"{url}/sign-offs", {"rapid_review": review["reference"],
                                                             "comment": "Agreed."}))  # fmt: skip
        wanted = f"You have signed off rapid review {review['reference']} for "
        assert signed["message"].startswith(wanted)
    again = world.post("la", f"{url}/sign-offs", {"rapid_review": review["id"]})
    assert again.status_code == 422
    assert again.json["error"] == ("Local authority has already signed off this version of the "
                                   "rapid review")  # fmt: skip
    case = world.case("icb", ref)
    assert tasks_by_key(case)["signoff"]["status"] == "completed"
    assert {s["partner"] for s in case["signoffs"]["given"] if s["current"]} == {
        "local_authority", "police", "icb"}

    # Sent to the Panel on time; the partners' decision stands.
    ok(world.post("bu", f"{url}/dates", {"name": "dates.rapid_review_sent",
                                         "date": sent_to_panel.isoformat()}))  # fmt: skip
    case = world.case("bu", ref)
    deadlines = deadlines_by_key(case)
    assert deadlines["rapid_review"]["state"] == "met"
    assert deadlines["panel_reply"]["statutory"] is False
    assert deadlines["panel_reply"]["due"] == clock.add_working_days(sent_to_panel, 10).isoformat()
    assert tasks_by_key(case)["sent"]["status"] == "completed"
    moved = ok(world.post("bu", f"{url}/moves", {"to": "decided"}))
    assert moved["stage"] == "decided" and moved["message"] == "The case is now at: Decided."

    # The Panel's response: the local decision it answers comes from the case.
    ok(world.post("bu", f"{url}/submissions", {"form_id": "panel_response", "answers": {
        "response_received_date": today.isoformat(), "panel_view": "agree",
        "panel_comments": "The Panel agrees that a local review is right."}}), 201)  # fmt: skip
    ok(world.post("bu", f"{url}/moves", {"to": "panel_response"}))
    case = world.case("bu", ref)
    assert case["stage"] == "panel_response"
    assert case["facts"]["panel.response"] == "agree"
    assert deadlines_by_key(case)["panel_reply"]["state"] == "met"
    assert tasks_by_key(case)["panel_response"]["status"] == "completed"
    assert [m["to"] for m in case["moves"]] == ["review_in_progress", "national_review",
                                                "other_learning_route", "no_further_action"]
    assert world.case("agency", ref)["stage_label"] == "Panel response"
    conforms(openapi_document(), "CaseRecord", case)
    kinds = [entry["kind"] for entry in case["timeline"]]
    assert kinds.count("signoff") == 3 and kinds.count("view") == 3
