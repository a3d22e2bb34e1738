"""Who is told what: referral, decision, sign-off and Panel emails reach the right people."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask

from cspr.casework import cases, signoff
from cspr.mail import notify, outbox, sender
from cspr.storage import get_store
from tests.casework.test_cases import give_views, send, sign_all
from tests.casework.test_cases import notify as record_notification
from tests.mail.conftest import BASE_URL, SmtpServer, assert_no_personal_data

BUSINESS_UNIT = ["bu2@testshire.example.org", "bu@testshire.example.org"]
PARTNERS = [
    "icb@testshire.example.org",
    "la@testshire.example.org",
    "police@testshire.example.org",
]


def _deliver(app: Flask) -> sender.PassResult:
    with app.app_context():
        return sender.deliver_due()


def _case(app: Flask) -> dict[str, Any]:
    with app.app_context():
        (case,) = get_store().find("cases")
    return case


def _move(app: Flask, user: dict, case_id: str, to: str) -> None:
    with app.app_context():
        cases.move(user, case_id, to)


def _subjects(smtp: SmtpServer, starting: str) -> list[tuple[str, str]]:
    return sorted((m.to, m.subject) for m in smtp.messages if m.subject.startswith(starting))


def test_the_whole_path_tells_the_right_people(app: Flask, smtp: SmtpServer, people: dict) -> None:
    send(app, people["agency"], "referral")
    case = _case(app)
    ref, case_id = case["reference"], case["id"]
    assert _deliver(app).sent and len(smtp.messages) == 2
    assert _subjects(smtp, "New referral") == [
        (to, f"New referral: case {ref}") for to in BUSINESS_UNIT
    ]
    first = smtp.to("bu@testshire.example.org")[0]
    assert "Dear Bea Unit" in first.body
    assert f"{BASE_URL}/cases/{case_id}" in first.body
    assert "at the Referral stage" in first.body
    assert first.mail_from == "cspr@testshire.example.org"
    assert first.parsed["Message-ID"].startswith("<m-")

    bu = people["bu"]
    _move(app, bu, case_id, "consideration")
    _deliver(app)
    assert _subjects(smtp, "Decision needed") == [
        (to, f"Decision needed: case {ref}") for to in PARTNERS
    ]
    give_views(app, people, case_id, {"la": True, "police": True})
    record_notification(app, people, case_id, date(2026, 11, 20))
    send(app, bu, "notification", case_id=case_id)
    _move(app, bu, case_id, "notified")
    _move(app, bu, case_id, "rapid_review")
    _deliver(app)
    assert _subjects(smtp, "Sign-off") == []  # no rapid review form yet: nothing to sign

    drop = ("other_learning_route",)
    send(app, bu, "rapid_review", {"recommendation": "local_cspr"}, case_id, drop=drop)
    _deliver(app)
    assert _subjects(smtp, "Sign-off") == [
        (to, f"Sign-off needed: rapid review for case {ref}") for to in PARTNERS
    ]
    sign_all(app, people, case_id)
    _move(app, bu, case_id, "decided")
    send(app, bu, "panel_response", {"local_decision": "local_cspr"}, case_id)
    _deliver(app)
    assert _subjects(smtp, "Panel response") == [
        (to, f"Panel response recorded: case {ref}") for to in PARTNERS
    ]

    everyone = smtp.messages
    assert len(everyone) == 2 + 3 + 3 + 3
    never = {"bu-gone@testshire.example.org", "icb-gone@testshire.example.org"}
    assert not never & {m.to for m in everyone}
    assert "chair@testshire.example.org" not in {m.to for m in everyone}
    assert_no_personal_data(everyone)
    with app.app_context():
        assert outbox.counts()[outbox.SENT] == len(everyone)


def test_rapid_review_sent_before_the_stage_asks_on_the_move(
    app: Flask, smtp: SmtpServer, people: dict
) -> None:
    send(app, people["agency"], "referral")
    case_id = _case(app)["id"]
    with app.app_context():
        get_store().update("cases", case_id, {"stage": "notified"})
    drop = ("other_learning_route",)
    send(app, people["bu"], "rapid_review", {"recommendation": "local_cspr"}, case_id, drop=drop)
    with app.app_context():
        review = signoff.current_review(case_id)
        version = signoff.version(review)
        get_store().update("cases", case_id,
                           {"signoffs": {"local_authority": {"version": version}}})  # fmt: skip
    _deliver(app)
    assert _subjects(smtp, "Sign-off") == []
    _move(app, people["bu"], case_id, "rapid_review")
    _deliver(app)
    # The local authority has signed off already, so only the other two are asked.
    asked = _subjects(smtp, "Sign-off")
    assert [to for to, _ in asked] == [PARTNERS[0], PARTNERS[2]]


def test_each_event_is_told_once_however_often_the_hook_runs(
    app: Flask, smtp: SmtpServer, people: dict
) -> None:
    send(app, people["agency"], "referral")
    case = _case(app)
    with app.app_context():
        for _ in range(3):
            notify.on_case_change(case, case["events"])
        assert get_store().count(outbox.OUTBOX) == 2
    _deliver(app)
    assert len(smtp.messages) == 2


def test_a_failing_hook_never_breaks_the_case_change(
    app: Flask, people: dict, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[str]:
        raise RuntimeError("the outbox is unavailable")

    monkeypatch.setattr(notify, "notify_case", broken)
    send(app, people["agency"], "referral")
    assert _case(app)["stage"] == "referral"
