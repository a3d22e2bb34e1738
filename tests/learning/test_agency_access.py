"""Need-to-know: agency staff see and update only their own agency's actions, everywhere."""

from __future__ import annotations

import pytest

from cspr.exceptions import Forbidden
from cspr.learning import operations as learning
from cspr.learning import records
from cspr.storage import NotFound, get_store
from tests.learning.conftest import World, post, upload


def _with_evidence(world: World, action_id: str, who: str) -> str:
    """Upload a file of evidence to an action as someone; return the file's id."""
    with world.app.app_context():
        action = learning.add_evidence(world.people[who], action_id, upload(), "The audit")
    return str(action["evidence"][-1]["id"])


def test_an_agency_sees_only_its_own_actions_on_its_pages(world: World) -> None:
    nurse = world.client("nurse")
    home = nurse.get("/").text
    assert "Train health visitors on bruising" in home and world.mine["reference"] in home
    assert "Brief school staff" not in home and world.theirs["reference"] not in home
    listed = nurse.get("/actions?show=all").text
    assert world.mine["reference"] in listed and world.theirs["reference"] not in listed
    assert nurse.get(f"/actions/{world.mine['id']}").status_code == 200
    # A colleague in the same agency sees it too; the other agency sees only its own.
    assert world.client("colleague").get(f"/actions/{world.mine['id']}").status_code == 200
    teacher = world.client("teacher")
    assert world.theirs["reference"] in teacher.get("/").text
    assert world.mine["reference"] not in teacher.get("/actions?show=all").text
    # The review page shows every agency's actions: agency staff never see it.
    assert nurse.get(f"/reviews/{world.review['id']}").status_code == 403
    assert nurse.get("/reviews").status_code == 403


def test_another_agencys_action_is_not_found_everywhere(world: World) -> None:
    file_id = _with_evidence(world, world.theirs["id"], "teacher")
    nurse = world.client("nurse")
    action = f"/actions/{world.theirs['id']}"
    for url in (action, f"{action}/edit", f"{action}/evidence/{file_id}"):
        assert nurse.get(url).status_code == 404, url
    posts = {"updates": {"status": "red", "update": "Trying to change another agency's."},
             "evidence": {"description": "not mine"}, "submit": {"summary": "Done, I say."},
             "decision": {"decision": "accept"}, "edit": {"text": "Changed"}}  # fmt: skip
    for where, data in posts.items():
        files = {"evidence": (upload().stream, "audit.pdf")} if where == "evidence" else None
        assert post(nurse, f"{action}/{where}", files, **data).status_code == 404, where
    # Nothing changed, and the verbs say the same as the pages.
    stored = world.action(world.theirs["id"])
    assert stored["updates"] == [] and len(stored["evidence"]) == 1 and stored["state"] == "open"
    with world.app.app_context():
        for attempt in (
            lambda: learning.post_update(world.people["nurse"], world.theirs["id"], "red", "x"),
            lambda: learning.submit_complete(world.people["nurse"], world.theirs["id"], "x"),
            lambda: learning.read_evidence(world.people["nurse"], world.theirs["id"], file_id),
            lambda: records.get_action(world.people["admin"], world.theirs["id"]),
        ):
            with pytest.raises(NotFound):
                attempt()


def test_an_agency_updates_its_own_action_and_every_step_is_audited(world: World) -> None:
    nurse = world.client("nurse")
    action = f"/actions/{world.mine['id']}"
    done = post(nurse, f"{action}/updates", status="amber",
                update="Two of the three sessions are booked.")  # fmt: skip
    assert done.status_code == 302
    page = nurse.get(action).text
    assert "Two of the three sessions are booked." in page and "Amber" in page
    file_id = _with_evidence(world, world.mine["id"], "colleague")
    download = nurse.get(f"{action}/evidence/{file_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Cache-Control"] == "no-store"
    # Those who oversee see it; only the owning agency and the business unit change it.
    assert world.client("partner").get(action).status_code == 200
    partner_post = post(world.client("partner"), f"{action}/updates", status="red", update="No")
    assert partner_post.status_code == 403
    with world.app.app_context():
        with pytest.raises(Forbidden):
            learning.post_update(world.people["chair"], world.mine["id"], "red", "Not mine to do")
        entries = get_store().audit.entries(object_id=world.mine["id"], limit=None)
        uploads = get_store().audit.entries(object_id=file_id, limit=None)
    actions = {(e["action"], e["user"]) for e in entries}
    assert ("view", "nurse@testshire.example.org") in actions
    assert ("update", "nurse@testshire.example.org") in actions
    world.client("chair").get("/reviews")
    with world.app.app_context():
        lists = get_store().audit.entries(action="view", object_type="review_list", limit=None)
        listed = get_store().audit.entries(action="view", object_type="action_list", limit=None)
    assert [e["user"] for e in lists] == ["chair@testshire.example.org"]
    assert listed == []  # nobody opened the list of actions in this test
    assert {e["action"] for e in uploads} == {"upload", "download"}
