"""Evidence is checked like a form's uploads; the business unit or the chair accepts an action
as complete, or sends it back with the reason; overdue actions are reminded once a step."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask

from cspr.casework import clock
from cspr.exceptions import Forbidden, Refused
from cspr.learning import operations as learning
from cspr.mail import reminders
from cspr.mail.outbox import OUTBOX
from cspr.storage import get_store
from tests.learning.conftest import PDF, World, make_world, post, upload

TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "empty.pdf", "The selected file is empty"),
        (b"MZ\x90\x00 a program", "audit.pdf", "The selected file must be a PDF, DOCX, XLSX"),
        (PDF, "audit.exe", "The selected file must be a PDF, DOCX, XLSX"),
        (b"%PDF" + b"0" * TEN_MB, "huge.pdf", "The selected file must be smaller than 10MB"),
        (b"\xff\xfe not utf-8 \xff", "notes.txt", "The selected file must be a PDF"),
    ],
)
def test_evidence_gets_the_checks_form_uploads_get(
    world: World, content: bytes, filename: str, message: str
) -> None:
    nurse = world.client("nurse")
    url = f"/actions/{world.mine['id']}/evidence"
    page = post(nurse, url, {"evidence": (upload(content, filename).stream, filename)},
                description="What the audit found")  # fmt: skip
    assert page.status_code == 200
    assert "<title>Error: Action" in page.text
    assert re.search(r'govuk-error-summary.*href="#evidence">' + re.escape(message), page.text,
                     re.S)  # fmt: skip
    assert 'value="What the audit found"' in page.text  # what was typed is kept
    assert world.action(world.mine["id"])["evidence"] == []


def test_evidence_is_needed_before_an_action_is_submitted(world: World) -> None:
    nurse = world.client("nurse")
    action = f"/actions/{world.mine['id']}"
    nothing = post(nurse, f"{action}/evidence", description="")
    assert "Select a file of evidence" in nothing.text
    early = post(nurse, f"{action}/submit", summary="All staff trained in November.")
    assert 'href="#evidence">Upload at least one file of evidence' in early.text
    assert "All staff trained in November." in early.text  # kept for the next try
    kept = post(nurse, f"{action}/evidence", {"evidence": (upload().stream, "audit 1/2.pdf")},
                description="Audit of 20 records")  # fmt: skip
    assert kept.status_code == 302
    (evidence,) = world.action(world.mine["id"])["evidence"]
    assert evidence["filename"] == "2.pdf" and evidence["content_type"] == "application/pdf"
    assert evidence["by"] == "Nia Nurse" and evidence["size"] == len(PDF)
    with world.app.app_context():
        assert (get_store().data_dir / "files" / evidence["id"]).read_bytes() == PDF
        # Kept in learning's own record, never as a form's attachment.
        assert get_store().get("attachments", evidence["id"]) is None
    assert post(nurse, f"{action}/submit", summary="").status_code == 200
    assert post(nurse, f"{action}/submit", summary="All trained.").status_code == 302
    assert world.action(world.mine["id"])["state"] == "submitted"


def test_accept_or_send_back_with_a_reason(world: World) -> None:
    people, action_id = world.people, world.mine["id"]
    with world.app.app_context():
        learning.add_evidence(people["nurse"], action_id, upload(), "Audit")
        learning.submit_complete(people["nurse"], action_id, "Training done.")
        with pytest.raises(Forbidden):
            learning.decide(people["partner"], action_id, True, "")
        with pytest.raises(Refused, match="Enter why the action is being sent back"):
            learning.decide(people["chair"], action_id, False, " ")
    chair = world.client("chair")
    assert "Review the evidence for action" in chair.get("/").text
    url = f"/actions/{action_id}/decision"
    unchosen = post(chair, url)
    assert 'href="#decision">Select whether to accept the action or send it back' in unchosen.text
    short = post(chair, url, decision="send_back", reason="No")
    assert "so the agency knows what to do" in short.text
    assert post(chair, url, decision="send_back",
                reason="The audit covers only one team: add the others.").status_code == 302
    sent_back = world.action(action_id)
    assert sent_back["state"] == "open" and sent_back["status"] == "green"
    home = world.client("nurse").get("/").text
    assert "Sent back: The audit covers only one team: add the others." in home
    with world.app.app_context():
        learning.add_evidence(people["colleague"], action_id, upload(), "All teams")
        learning.submit_complete(people["colleague"], action_id, "Every team now audited.")
    assert post(world.client("bu"), url, decision="accept").status_code == 302
    done = world.action(action_id)
    assert done["state"] == "complete" and done["status"] == "complete"
    assert [d["accepted"] for d in done["decisions"]] == [False, True]
    assert "Accepted as complete" in world.client("nurse").get(f"/actions/{action_id}").text
    with world.app.app_context():
        with pytest.raises(Refused, match="accepted as complete"):
            learning.post_update(people["nurse"], action_id, "red", "Changing it after all")
        kinds = [e["action"] for e in get_store().audit.entries(object_id=action_id, limit=None)]
    assert {"create", "submit", "send_back", "accept"} <= set(kinds)


def _working_day(day: date) -> date:
    while not clock.is_working_day(day):
        day += timedelta(days=1)
    return day


def test_overdue_actions_are_reminded_once_each_step(app: Flask) -> None:
    due = _working_day(date(2026, 3, 2))
    world = make_world(app, due)
    first = clock.add_working_days(due, 1)
    with app.app_context():
        assert reminders.run_reminders(due).queued == []  # due today: not yet overdue
        run = reminders.run_reminders(first)
        again = reminders.run_reminders(clock.add_working_days(due, 5))
        later = reminders.run_reminders(clock.add_working_days(due, 21))
        mail = get_store().find(OUTBOX, where={"kind": "action_overdue"})
    keys = sorted(run.queued)
    assert len(keys) == 2 and all(k.startswith("action_overdue:") for k in keys)
    assert again.queued == []  # the same step: never twice
    assert len(later.queued) == 2 and not set(later.queued) & set(keys)  # the next step
    to = {m["to"] for m in mail if m["key"] == f"action_overdue:{world.mine['id']}:"
          f"{due.isoformat()}:0"}  # fmt: skip
    assert to == {"bu@testshire.example.org", "nurse@testshire.example.org",
                  "hv@testshire.example.org"}  # the owning agency's staff, never the other's
    for message in mail:
        assert "bruising" not in message["body"].lower() and "Panel report" not in message["body"]
        assert message["reference"] in (world.mine["reference"], world.theirs["reference"])
        assert "/actions/" in message["body"] and "overdue by" in message["body"]
    # A new due date gets its own reminder once it passes; a finished action gets none.
    with app.app_context():
        bu = world.people["bu"]
        action = world.action(world.mine["id"])
        learning.change_action(bu, action["id"], action["text"], action["agency_id"],
                               action["owner_name"], action["owner_role"], first)
        learning.add_evidence(world.people["teacher"], world.theirs["id"], upload(), "")
        learning.submit_complete(world.people["teacher"], world.theirs["id"], "Done.")
        moved = reminders.run_reminders(clock.add_working_days(first, 1))
    assert moved.queued == [f"action_overdue:{world.mine['id']}:{first.isoformat()}:0"]
