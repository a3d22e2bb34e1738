"""Many people changing one case at the same moment, in threads and in processes: nothing lost."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr import create_app
from cspr.casework import cases, signoff
from cspr.casework import operations as verbs
from cspr.exceptions import Refused
from cspr.formengine import operations as form_ops
from cspr.storage import Store, close_store, get_store
from tests.casework.test_cases import people, send  # noqa: F401 - people is a fixture
from tests.test_shipped_forms import COMPLETE

PARTNERS = ("la", "police", "icb")


def _at_once(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run the actions in threads released together; return each result or exception."""
    start = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(number: int) -> None:
        start.wait()
        try:
            results[number] = actions[number]()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each one got
            results[number] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _in_context(app: Flask, action: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with app.app_context():
            return action()

    return run


def _case_at_rapid_review(app: Flask, people: dict[str, Any]) -> str:  # noqa: F811
    send(app, people["agency"], "referral")
    with app.app_context():
        (case,) = get_store().find("cases")
        get_store().update("cases", case["id"], {"stage": "rapid_review"})
    send(app, people["bu"], "rapid_review", {"recommendation": "local_cspr"}, case["id"],
         drop=("other_learning_route",))  # fmt: skip
    return str(case["id"])


def _audit(app: Flask, action: str, object_id: str) -> list[dict[str, Any]]:
    with app.app_context():
        return get_store().audit.entries(action=action, object_id=object_id, limit=None)


def test_three_partners_signing_off_at_once_all_count(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case_at_rapid_review(app, people)
    with app.app_context():
        review = signoff.current_review(case_id)
    results = _at_once([
        _in_context(app, lambda p=p: signoff.sign_off(people[p], case_id, review["id"]))
        for p in PARTNERS
    ])  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        case = get_store().get("cases", case_id)
    assert sorted(case["signoffs"]) == ["icb", "local_authority", "police"]
    assert len(_audit(app, "sign_off", case_id)) == 3
    # The case can now move on: nothing refuses it for want of a sign-off.
    with app.app_context():
        assert cases.move(people["bu"], case_id, "decided")["stage"] == "decided"


def test_key_dates_from_two_tabs_are_both_kept(app: Flask, people: dict) -> None:  # noqa: F811
    send(app, people["agency"], "referral")
    with app.app_context():
        (case,) = get_store().find("cases")
    today = date.today()
    names = ["dates.la_aware", "dates.rapid_review_meeting", "dates.rapid_review_sent",
             "dates.commissioned", "dates.published"]  # fmt: skip
    results = _at_once([
        _in_context(app, lambda n=n, d=d: verbs.set_fact(people["bu"], case["id"], n,
                                                         today - timedelta(days=d)))
        for d, n in enumerate(names)
    ])  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        stored = get_store().get("cases", case["id"])["facts"]
    assert {n: stored[n] for n in names} == {
        n: (today - timedelta(days=d)).isoformat() for d, n in enumerate(names)}


def test_one_referral_sent_many_times_at_once_opens_one_case(app: Flask, people: dict) -> None:  # noqa: F811
    agency = people["agency"]
    with app.app_context():
        draft = form_ops.start_draft(agency, "referral")
        form_ops.save_answers(agency, draft["id"], dict(COMPLETE["referral"]))
    results = _at_once(
        [_in_context(app, lambda: form_ops.submit_draft(agency, draft["id"], True))] * 6
    )
    sent = [r for r in results if isinstance(r, tuple) and r[0] is not None]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(sent) == 1 and len(refused) == 5, results
    assert all("already been sent" in str(r) for r in refused)
    with app.app_context():
        store = get_store()
        assert store.count("cases") == 1
        # One reference of each kind was used, not six.
        assert store.next_reference("SUB", date.today().year).endswith("-0002")
        assert store.next_reference("CSPR", date.today().year).endswith("-0002")
        new_referral_emails = store.find("mail_outbox", where={"kind": "new_referral"})
    assert len(new_referral_emails) == 1  # one business unit user, told once
    assert len(_audit(app, "submit", draft["id"])) == 1


def test_a_failed_write_leaves_none_of_a_change(app: Flask, people: dict, monkeypatch) -> None:  # noqa: F811
    """A full disk while sending a referral: no case, no link, no reference used, no audit."""
    import os

    from cspr.storage import StoreError

    agency = people["agency"]
    with app.app_context():
        draft = form_ops.start_draft(agency, "referral")
        form_ops.save_answers(agency, draft["id"], dict(COMPLETE["referral"]))
        entries_before = get_store().audit.count()
    real_write = os.write

    def full_disk(fd: int, data: Any) -> int:
        if b'"cases"' in bytes(data):
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with app.app_context(), pytest.raises(StoreError, match="No space left"):
        form_ops.submit_draft(agency, draft["id"], True)
    monkeypatch.setattr(os, "write", real_write)
    with app.app_context():
        store = get_store()
        assert store.count("cases") == 0
        assert store.get("submissions", draft["id"])["status"] == "draft"
        assert store.audit.count() == entries_before
        assert store.count("mail_outbox") == 0
        sent, _ = form_ops.submit_draft(agency, draft["id"], True)  # tried again: all of it
        assert sent is not None and sent["reference"].endswith("-0001")
        (case,) = store.find("cases")
        assert store.get("submissions", draft["id"])["case_id"] == case["id"]
    # Reopened from disk, the store holds exactly the same.
    data_dir = Path(app.config["DATA_DIR"])
    close_store(app)
    with Store.open(data_dir) as store:
        assert store.get("submissions", draft["id"])["case_id"] == case["id"]
        assert store.audit.verify(head=store.core.stored_audit_head()).ok


def test_a_change_and_its_audit_entry_are_one_journal_record(app: Flask, people: dict) -> None:  # noqa: F811
    case_id = _case_at_rapid_review(app, people)
    with app.app_context():
        review = signoff.current_review(case_id)
        signoff.sign_off(people["police"], case_id, review["id"])
        journal = Path(app.config["DATA_DIR"]) / "store" / "journal.jsonl"
    records = [json.loads(line[17:]) for line in journal.read_bytes().splitlines()[1:]]
    (record,) = [r for r in records if any(e["action"] == "sign_off" for e in r.get("audit", []))]
    assert any(op[1] == "cases" and op[2] == case_id for op in record["ops"])
    assert [e["action"] for e in record["audit"]] == ["sign_off"]


# --- Several processes -------------------------------------------------------------------


def _worker(data_dir: str, go: str, job: dict[str, Any], out: Any) -> None:
    """In a process of its own: wait for the go file, then do one case operation."""
    app = create_app({"TESTING": True, "DATA_DIR": data_dir, "MAIL_BACKGROUND": False})
    with app.app_context():
        store = get_store()
        user = store.find_one("users", {"email": job["email"]})
        while not Path(go).exists():
            time.sleep(0.001)
        try:
            if job["kind"] == "sign_off":
                review = signoff.current_review(job["case_id"])
                signoff.sign_off(user, job["case_id"], review["id"])
            elif job["kind"] == "key_date":
                verbs.set_fact(user, job["case_id"], job["name"], date.fromisoformat(job["date"]))
            else:
                form_ops.submit_draft(user, job["draft_id"], True)
            out.put((job["kind"], "ok"))
        except Exception as exc:  # noqa: BLE001 - the parent looks at what each one got
            out.put((job["kind"], f"{type(exc).__name__}: {exc}"))
    close_store(app)


@pytest.mark.slow
def test_processes_changing_cases_at_once_lose_nothing(
    app: Flask, people: dict, tmp_path: Path  # noqa: F811
) -> None:
    case_id = _case_at_rapid_review(app, people)
    agency = people["agency"]
    with app.app_context():
        draft = form_ops.start_draft(agency, "referral")
        form_ops.save_answers(agency, draft["id"], dict(COMPLETE["referral"]))
        other = form_ops.start_draft(agency, "referral")
        form_ops.save_answers(agency, other["id"], dict(COMPLETE["referral"]))
    today = date.today()
    jobs = [
        *({"kind": "sign_off", "email": people[p]["email"], "case_id": case_id} for p in PARTNERS),
        *({"kind": "key_date", "email": people["bu"]["email"], "case_id": case_id, "name": n,
           "date": (today - timedelta(days=d)).isoformat()}
          for d, n in enumerate(["dates.la_aware", "dates.rapid_review_meeting",
                                 "dates.commissioned"])),
        *({"kind": "send", "email": agency["email"], "draft_id": draft["id"]} for _ in range(3)),
        {"kind": "send", "email": agency["email"], "draft_id": other["id"]},
    ]  # fmt: skip
    close_store(app)
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    go = tmp_path / "go"
    workers = [
        context.Process(target=_worker, args=(app.config["DATA_DIR"], str(go), job, out))
        for job in jobs
    ]
    for worker in workers:
        worker.start()
    time.sleep(3)  # let them all start and wait
    go.touch()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(1 for kind, r in results if kind == "send" and r == "ok") == 2, results
    assert all(r == "ok" for kind, r in results if kind != "send"), results
    with Store.open(app.config["DATA_DIR"]) as store:
        case = store.get("cases", case_id)
        assert sorted(case["signoffs"]) == ["icb", "local_authority", "police"]
        assert set(case["facts"]) >= {"dates.la_aware", "dates.rapid_review_meeting",
                                      "dates.commissioned"}
        assert store.count("cases") == 3  # the first case and one for each sent referral
        assert len(store.audit.entries(action="sign_off", limit=None)) == 3
        assert len(store.audit.entries(action="submit", object_id=draft["id"], limit=None)) == 1
        assert store.audit.verify(head=store.core.stored_audit_head()).ok
