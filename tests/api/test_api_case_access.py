"""Cases through the API: who may read and change which case, as on the website, all audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cspr.storage import close_store
from tests.api.case_support import NO_SUCH_CASE, World, build_world
from tests.api.conftest import create_token

STATUS_ONLY = {"reference", "stage", "stage_label"}
CASE_ROLES = ("bu", "la", "police", "icb", "chair")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One case at consideration, referred by the health agency; tests here change nothing."""
    built = build_world(tmp_path_factory.mktemp("case-access"))
    built.reference = built.refer("agency")
    moved = built.post("bu", f"/api/cases/{built.reference}/moves", {"to": "consideration"})
    assert moved.status_code == 200, moved.json
    # The chair's first token is revoked; a second one still works.
    revoked = built.app.test_cli_runner().invoke(args=["tokens", "revoke", built.tokens["chair"]])
    assert revoked.exit_code == 0
    built.tokens["revoked"] = built.tokens["chair"]
    built.tokens["chair"] = create_token(built.app, "chair@testshire.example.org")
    yield built
    close_store(built.app)


@pytest.mark.parametrize("who", CASE_ROLES)
def test_case_roles_read_the_whole_case(world: World, who: str) -> None:
    case = world.case(who, world.reference)
    assert case["reference"] == world.reference and case["stage"] == "consideration"
    assert case["facts"]["children"][0]["child.name"] == {"given_names": "Amelia",
                                                          "family_name": "Jones"}  # fmt: skip
    assert case["facts"]["incident.type"] == "serious_harm"
    assert case["track"] == "serious_incident"
    assert {section["stage"] for section in case["tasks"]} >= {"referral", "consideration"}
    assert case["position"]["result"] == "pending"
    assert case["signoffs"]["given"] == [] and case["signoffs"]["required"] == 3
    assert ("moves" in case) == (who == "bu")


@pytest.mark.parametrize("who", ["agency", "colleague"])
def test_the_referring_agency_sees_only_where_the_case_has_reached(world: World, who: str) -> None:
    case = world.case(who, world.reference)
    assert case == {"reference": world.reference, "stage": "consideration",
                    "stage_label": "Consideration"}  # fmt: skip


@pytest.mark.parametrize("who", ["other_agency", "admin"])
def test_others_are_told_there_is_no_such_case(world: World, who: str) -> None:
    response = world.get(who, f"/api/cases/{world.reference}")
    assert (response.status_code, response.json) == (404, NO_SUCH_CASE)


@pytest.mark.parametrize("missing", ["CSPR-2026-9999", "x" * 300, "%20"])
def test_an_unknown_reference_looks_like_one_you_may_not_see(world: World, missing: str) -> None:
    response = world.get("bu", f"/api/cases/{missing}")
    assert (response.status_code, response.json) == (404, NO_SUCH_CASE)


def test_a_revoked_token_reads_nothing(world: World) -> None:
    for url in ("/api/cases", f"/api/cases/{world.reference}"):
        assert world.get("revoked", url).status_code == 401
    moved = world.post("revoked", f"/api/cases/{world.reference}/moves", {"to": "consideration"})
    assert moved.status_code == 401


def test_a_reference_is_found_whatever_its_case(world: World) -> None:
    assert world.case("bu", world.reference.lower())["reference"] == world.reference


def test_each_read_is_audited_and_a_refused_one_is_not(world: World) -> None:
    before = len(world.audit(action="view", object_type="case", user=world.emails["police"]))
    world.case("police", world.reference)
    after = world.audit(action="view", object_type="case", user=world.emails["police"])
    assert len(after) == before + 1
    world.get("other_agency", f"/api/cases/{world.reference}")
    assert world.audit(action="view", object_type="case", user=world.emails["other_agency"]) == []


@pytest.mark.parametrize(
    ("who", "listed"),
    [("bu", 1), ("la", 1), ("chair", 1), ("agency", 1), ("colleague", 1), ("other_agency", 0)],
)
def test_the_case_list_shows_what_each_person_may_see(world: World, who: str, listed: int) -> None:
    response = world.get(who, "/api/cases")
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["pages"]) == (listed, 1, 1)
    if listed and who in ("agency", "colleague"):
        assert set(body["cases"][0]) == STATUS_ONLY
    elif listed:
        row = body["cases"][0]
        assert row["child"] == "Amelia Jones" and row["stage"] == "consideration"
    entries = world.audit(action="list", object_type="case", user=world.emails[who])
    assert entries and entries[0]["details"]["references"] == [world.reference] * listed


def test_administrators_do_not_list_cases(world: World) -> None:
    response = world.get("admin", "/api/cases")
    assert response.status_code == 403
    assert response.json["error"] == "Your role does not allow you to see cases"


@pytest.mark.parametrize(
    ("query", "total"),
    [("stage=consideration", 1), ("stage=rapid_review", 0), ("q=amelia", 1), ("q=nobody", 0),
     ("deadline=on_track", 1), ("deadline=overdue", 0), ("year=2001", 0), ("page=3", 1)],
)
def test_the_case_list_filters_as_the_web_does(world: World, query: str, total: int) -> None:
    response = world.get("bu", f"/api/cases?{query}")
    assert response.status_code == 200, response.json
    assert response.json["total"] == total


@pytest.mark.parametrize(
    ("who", "query", "status", "message"),
    [
        ("bu", "stage=nowhere", 400, "'stage' must be one of: referral, consideration"),
        ("bu", "deadline=late", 400, "'deadline' must be one of: overdue, due_soon"),
        ("bu", "year=26", 400, "'year' must be a year written like 2026"),
        ("bu", "page=0", 400, "'page' must be a whole number from 1 to 100,000"),
        # Seven digits once passed, read as their first six (100000).
        ("bu", "page=1000000", 400, "'page' must be a whole number from 1 to 100,000"),
        ("bu", "sort=stage", 400, "'sort' is not a filter"),
        ("agency", "deadline=overdue", 403, "Agency staff see where their referrals have"),
    ],
)
def test_a_filter_that_makes_no_sense_is_refused(
    world: World, who: str, query: str, status: int, message: str
) -> None:
    response = world.get(who, f"/api/cases?{query}")
    assert response.status_code == status
    assert response.json["error"].startswith(message)


# Changes: every request below passes the access checks and then is refused for its content
# (422), or is refused for who is asking (403, 404), so the case is the same afterwards.
CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "dates": ("dates", {"name": "dates.la_aware", "date": "2099-01-01"}),
    "moves": ("moves", {"to": "closed"}),
    "views": ("views", {"view": "notifiable", "rationale": "Too short"}),
    "notification": ("notification", {"date": "2026-01-01", "reference": ""}),
    "sign-offs": ("sign-offs", {"rapid_review": "SUB-2026-0001"}),
    "submissions": ("submissions", {"form_id": "notification", "answers": {}}),
}
ACCESS = {
    # who: the status for dates, moves, views, notification, sign-offs, submissions
    "bu": (422, 422, 422, 422, 403, 422),
    "la": (403, 403, 422, 422, 422, 422),
    "police": (403, 403, 422, 403, 422, 422),
    "chair": (403, 403, 403, 403, 403, 403),
    "agency": (403, 403, 403, 403, 403, 403),
    "other_agency": (404, 404, 404, 404, 404, 404),
    "admin": (404, 404, 404, 404, 404, 404),
}


@pytest.mark.parametrize("who", list(ACCESS))
def test_who_may_change_a_case(world: World, who: str) -> None:
    before = world.case("bu", world.reference)
    got = {}
    for name, (path, body) in CHANGES.items():
        response = world.post(who, f"/api/cases/{world.reference}/{path}", body)
        got[name] = response.status_code
        if response.status_code == 404:
            assert response.json == NO_SUCH_CASE
        else:
            assert response.json["status"] == response.status_code
            assert response.json["error"]
    assert tuple(got.values()) == ACCESS[who], got
    after = world.case("bu", world.reference)
    assert after == before
