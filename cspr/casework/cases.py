"""The case's life: opened by a referral, fed by its forms' facts, moved between stages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cspr import audit
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import bindings, casefacts, moves, stages, tracks
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as forms
from cspr.signals import case_changed
from cspr.storage import NotFound, get_store, transactional, within_transaction

CASES = "cases"
REFERENCE_PREFIX = "CSPR"
REFERRAL_FORM = "referral"
CASE_ROLES = {BUSINESS_UNIT, PARTNER, CHAIR}
RUNS_CASES = {BUSINESS_UNIT}


def now_iso() -> str:
    """Return the time now as UTC ISO text, as case records store it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def event(kind: str, text: str, user: dict[str, Any] | None, **more: Any) -> dict[str, Any]:
    """Make one timeline entry."""
    return {"at": now_iso(), "kind": kind, "text": text,
            "by": user["name"] if user else "system", **more}  # fmt: skip


@within_transaction
def change(case_id: str, *events: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Append timeline entries and apply changes to a case, in the caller's transaction."""

    def apply(case: dict[str, Any]) -> dict[str, Any]:
        case["events"] = [*case.get("events", []), *events]
        case.update(changes)
        return case

    updated = get_store().update(CASES, case_id, apply)
    case_changed.send(updated, events=list(events))
    return updated


@transactional
def add_timeline_entry(case_id: str, kind: str, text: str, user: dict[str, Any]) -> dict[str, Any]:
    """Add one line to a case's timeline, for other capabilities (documents, for example)."""
    return change(case_id, event(kind, text, user))


# --- Access ---------------------------------------------------------------------------------


def can_see(user: dict[str, Any], case: dict[str, Any]) -> bool:
    """Need-to-know: case roles see cases; agency staff only their agency's referral status."""
    if user["role"] in CASE_ROLES:
        return True
    return (
        user["role"] == AGENCY_USER
        and bool(user.get("agency_id"))
        and (case.get("agency_id") == user["agency_id"])
    )


def get_case(user: dict[str, Any], case_id: str, action: str = "view") -> dict[str, Any]:
    """Return a case the user may see, writing the view to the audit trail."""
    case = get_store().get(CASES, case_id)
    if case is None or not can_see(user, case):
        raise NotFound(case_id)  # the same answer whether it is missing or not theirs
    if action:
        audit.record(action, "case", case_id, user=user)
    return case


def find_by_reference(user: dict[str, Any], reference: str) -> dict[str, Any]:
    """Return the case with this reference if the user may see it (audited as a view)."""
    case = get_store().find_one(CASES, {"reference": reference.strip().upper()})
    if case is None:
        raise NotFound(reference)
    return get_case(user, case["id"])


def list_cases(user: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the cases the user may see, newest first."""
    return get_store().find(
        CASES, predicate=lambda c: can_see(user, c), order_by="opened_at", reverse=True
    )


def require(user: dict[str, Any], roles: set[str], what: str) -> None:
    """Refuse a user without one of the roles."""
    if user["role"] not in roles:
        raise Forbidden(what)


# --- Forms and cases -----------------------------------------------------------------------


def case_submissions(case_id: str) -> list[dict[str, Any]]:
    """Return the sent forms linked to a case, oldest first."""
    return get_store().find(
        forms.SUBMISSIONS,
        where={"case_id": case_id, "status": "submitted"},
        order_by="submitted_at",
    )


def case_drafts(case_id: str) -> list[dict[str, Any]]:
    """Return the drafts started for a case (by anyone), for task statuses only."""
    return get_store().find(forms.SUBMISSIONS, where={"case_id": case_id, "status": "draft"})


def latest(case_id: str, form_id: str) -> dict[str, Any] | None:
    """Return the case's most recently sent form of one kind."""
    sent = [s for s in case_submissions(case_id) if s["form_id"] == form_id]
    return sent[-1] if sent else None


@within_transaction
def open_case(user: dict[str, Any], referral: dict[str, Any]) -> dict[str, Any]:
    """Open a case for a sent referral, with the next CSPR reference, holding its facts."""
    store = get_store()
    definition = forms.definition_of(referral)
    empty: dict[str, Any] = {"facts": {}}
    proposals = bindings.proposals(definition, referral["answers"])
    facts, history, _ = casefacts.apply(empty, proposals, user["name"],
                                        f"form:{referral['reference']}", True)  # fmt: skip
    case = store.insert(
        CASES,
        {
            "reference": store.next_reference(REFERENCE_PREFIX, datetime.now(UTC).year),
            "stage": "referral",
            "opened_at": now_iso(),
            "referral_id": referral["id"],
            "agency_id": referral.get("agency_id"),
            "referred_by": user["id"],
            "facts": facts,
            "fact_history": history,
            "fact_conflicts": [],
            "views": {},
            "view_history": [],
            "signoffs": {},
            "tasks": [],
            "events": [event("opened", "Referral received; case opened", user)],
        },
    )
    forms.link_to_case(referral["id"], case["id"])
    audit.record("create", "case", case["id"], {"reference": case["reference"]}, user=user)
    case_changed.send(case, events=list(case["events"]))
    return case


def on_form_sent(user: dict[str, Any], submission: dict[str, Any]) -> None:
    """Open a case for a new referral, or take a case's form into its facts (same transaction)."""
    sent = submission
    if sent["form_id"] == REFERRAL_FORM and not sent.get("case_id"):
        open_case(user, sent)
        return
    case_id = sent.get("case_id")
    if not case_id:
        return
    case = get_store().get(CASES, case_id)
    if case is None:
        return
    definition = forms.definition_of(sent)
    proposals = bindings.proposals(definition, sent["answers"])
    source = f"form:{sent['reference']}"
    facts, history, held = casefacts.apply(case, proposals, user["name"], source, False)
    text = f"{sent['form_title']} sent ({sent['reference']})"
    events = [event("form", text, user, form_id=sent["form_id"], submission=sent["id"])]
    if held:
        events.append(event("conflict", f"{len(held)} {'answer' if len(held) == 1 else 'answers'}"
                            " from the form differ from the case: waiting for the business unit"
                            " to confirm", user))  # fmt: skip
    change(case_id, *events, facts=facts,
           fact_history=[*case.get("fact_history", []), *history],
           fact_conflicts=[*casefacts.conflicts(case), *held])  # fmt: skip


@transactional
def start_case_form(user: dict[str, Any], case_id: str, form_id: str) -> dict[str, Any]:
    """Start a form for a case, its bound questions filled from the case's facts."""
    case = get_case(user, case_id, action="")
    if user["role"] not in CASE_ROLES:
        raise Forbidden(case_id)
    if forms.registry.live(form_id) is None:
        raise NotFound(form_id)
    return forms.start_draft(
        user, form_id, case_id=case["id"], prefill=lambda d: bindings.prefill(d, case)
    )


# --- Stages --------------------------------------------------------------------------------


@transactional
def move(user: dict[str, Any], case_id: str, to: str, reason: str = "") -> dict[str, Any]:
    """Move a case to another stage, if the move is allowed on its track and its needs met."""
    require(user, RUNS_CASES, "Only the business unit moves cases between stages")
    case = get_case(user, case_id, action="")
    track = tracks.track(case)
    allowed = stages.find_move(case["stage"], to, track)
    if allowed is None:
        options = ", ".join(stages.label(m.to) for m in stages.moves_from(case["stage"], track))
        raise Refused(
            f"A case cannot go from {stages.label(case['stage'])} to {stages.label(to)}. "
            f"From {stages.label(case['stage'])} it can go to: {options or 'nowhere'}"
        )
    unmet = moves.unmet(allowed.needs, case)
    if unmet:
        raise Refused(unmet)
    if allowed.needs_reason and len(reason.strip()) < 10:
        raise Refused("Enter the reason for closing the case", "reason")
    text = f"Moved from {stages.label(case['stage'])} to {stages.label(to)}"
    if reason.strip():
        text += f": {reason.strip()}"
    moved = {**event("stage", text, user), "from": case["stage"], "to": to}
    updated = change(case_id, moved, stage=to)
    audit.record("update", "case", case_id, {"stage": to, "from": case["stage"]}, user=user)
    return updated


@transactional
def undo_move(user: dict[str, Any], case_id: str, reason: str) -> dict[str, Any]:
    """Take back the case's last stage move, with the business unit's reason."""
    require(user, RUNS_CASES, "Only the business unit takes back a stage move")
    case = get_case(user, case_id, action="")
    last = next((e for e in reversed(case.get("events", [])) if e.get("kind") == "stage"), None)
    if last is None or last.get("to") != case["stage"] or not last.get("from"):
        raise Refused("There is no stage move to take back on this case")
    if last.get("undo"):
        raise Refused("The last move was itself taken back: move the case on instead")
    if len(reason.strip()) < 10:
        raise Refused("Enter why the move is being taken back", "reason")
    back = last["from"]
    text = (f"Move to {stages.label(case['stage'])} taken back; the case is at "
            f"{stages.label(back)} again: {reason.strip()}")  # fmt: skip
    undone = {**event("stage", text, user), "from": case["stage"], "to": back, "undo": True}
    updated = change(case_id, undone, stage=back)
    audit.record("update", "case", case_id, {"stage": back, "undo": True}, user=user)
    return updated
