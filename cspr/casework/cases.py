"""The verbs of casework: open a case from a referral, link forms, move stages, sign off."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from cspr import audit
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER, PARTNERS
from cspr.casework import decisions, facts, stages
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as forms
from cspr.signals import case_changed
from cspr.storage import NotFound, get_store, within_transaction

CASES = "cases"
REFERENCE_PREFIX = "CSPR"
CASE_ROLES = {BUSINESS_UNIT, PARTNER, CHAIR}
RUNS_CASES = {BUSINESS_UNIT}


def _now() -> str:
    """Return the time now as UTC ISO text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _event(kind: str, text: str, user: dict[str, Any] | None) -> dict[str, Any]:
    """Make one timeline entry."""
    return {"at": _now(), "kind": kind, "text": text, "by": user["name"] if user else "system"}


def add_timeline_entry(case_id: str, kind: str, text: str, user: dict[str, Any]) -> dict[str, Any]:
    """Add one line to a case's timeline, for other capabilities (documents, for example)."""
    with get_store().transaction():
        return _add_events(case_id, _event(kind, text, user))


def now_iso() -> str:
    """Return the time now as UTC ISO text, as case records store it."""
    return _now()


@within_transaction
def _add_events(case_id: str, *events: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Append timeline entries and apply changes to a case, inside the caller's transaction."""
    store = get_store()
    if not store.in_transaction():
        raise RuntimeError("A case changes only inside a storage transaction")

    def apply(case: dict[str, Any]) -> dict[str, Any]:
        case["events"] = [*case.get("events", []), *events]
        case.update(changes)
        return case

    updated = store.update(CASES, case_id, apply)
    case_changed.send(updated, events=list(events))
    return updated


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


def list_cases(user: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the cases the user may see, newest first."""
    return get_store().find(
        CASES, predicate=lambda c: can_see(user, c), order_by="opened_at", reverse=True
    )


def _require(user: dict[str, Any], roles: set[str], what: str) -> None:
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


@within_transaction
def open_case(user: dict[str, Any], referral: dict[str, Any]) -> dict[str, Any]:
    """Open a case for a sent referral, with the next CSPR reference (in its transaction)."""
    store = get_store()
    year = datetime.now(UTC).year
    case = store.insert(
        CASES,
        {
            "reference": store.next_reference(REFERENCE_PREFIX, year),
            "stage": "referral",
            "opened_at": _now(),
            "referral_id": referral["id"],
            "agency_id": referral.get("agency_id"),
            "referred_by": user["id"],
            "key_dates": {},
            "signoffs": {},
            "tasks": [],
            "events": [_event("opened", "Referral received; case opened", user)],
        },
    )
    forms.link_to_case(referral["id"], case["id"])
    audit.record("create", "case", case["id"], {"reference": case["reference"]}, user=user)
    case_changed.send(case, events=list(case["events"]))
    return case


def on_form_sent(user: dict[str, Any], submission: dict[str, Any]) -> None:
    """Open a case for a new referral, or record what a case's form says (same transaction)."""
    sent = submission
    if sent["form_id"] == "referral" and not sent.get("case_id"):
        open_case(user, sent)
        return
    case_id = sent.get("case_id")
    if not case_id:
        return
    case = get_store().get(CASES, case_id)
    assert case is not None
    changes, notes = facts.from_form(case, sent)
    text = f"{sent['form_title']} sent ({sent['reference']})"
    events = [{**_event("form", text, user), "form_id": sent["form_id"], "submission": sent["id"]}]
    events += [_event(kind, text, user) for kind, text in notes]
    _add_events(case_id, *events, **changes)


def start_case_form(user: dict[str, Any], case_id: str, form_id: str) -> dict[str, Any]:
    """Start a form for a case, prefilled from the case's latest form that it draws on."""
    case = get_case(user, case_id, action="")
    if user["role"] not in CASE_ROLES:
        raise Forbidden(case_id)
    definition = forms.registry.live(form_id)
    if definition is None:
        raise NotFound(form_id)
    sources = {(f.get("prefill") or {}).get("form") for f in definition.all_fields()}
    linked = [s for s in case_submissions(case["id"]) if s["form_id"] in sources]
    return forms.start_draft(user, form_id, linked[-1]["id"] if linked else None, case["id"])


# --- Stages --------------------------------------------------------------------------------


def move(user: dict[str, Any], case_id: str, to: str) -> dict[str, Any]:
    """Move a case to another stage, if the move is allowed and its conditions are met."""
    with get_store().transaction():
        _require(user, RUNS_CASES, "Only the business unit moves cases between stages")
        case = get_case(user, case_id, action="")
        allowed = stages.find_move(case["stage"], to)
        if allowed is None:
            raise Refused(
                f"A case cannot go from {stages.label(case['stage'])} to {stages.label(to)}. "
                f"From {stages.label(case['stage'])} it can go to: "
                + (", ".join(stages.label(m.to) for m in stages.moves_from(case["stage"]))
                   or "nowhere")
            )
        reason = facts.unmet(allowed.needs, case, case_submissions(case_id))
        if reason:
            raise Refused(reason)
        changes: dict[str, Any] = {"stage": to}
        if to == "notified" and not case["key_dates"].get("notified"):
            changes["key_dates"] = {**case["key_dates"], "notified": date.today().isoformat()}
        text = f"Moved from {stages.label(case['stage'])} to {stages.label(to)}"
        updated = _add_events(case_id, {**_event("stage", text, user), "to": to}, **changes)
        audit.record("update", "case", case_id, {"stage": to}, user=user)
        return updated


def sign_off(user: dict[str, Any], case_id: str) -> dict[str, Any]:
    """Record a statutory partner's sign-off of the case's rapid review."""
    with get_store().transaction():
        _require(user, {PARTNER}, "Only statutory partners sign off rapid reviews")
        case = get_case(user, case_id, action="")
        if case["stage"] != "rapid_review":
            raise Refused("A rapid review can be signed off only while the case is at rapid review")
        if not any(s["form_id"] == "rapid_review" for s in case_submissions(case_id)):
            raise Refused("Send the rapid review form before it is signed off")
        partner = user.get("partner")
        if partner not in PARTNERS:
            raise Refused("Your account does not say which statutory partner you represent")
        if partner in case.get("signoffs", {}):
            raise Refused(f"{PARTNERS[partner]} has already signed off this rapid review")
        signoffs = {**case.get("signoffs", {}), partner: {"by": user["name"], "at": _now()}}
        text = f"Rapid review signed off for {PARTNERS[partner]}"
        updated = _add_events(case_id, _event("signoff", text, user), signoffs=signoffs)
        audit.record("sign_off", "case", case_id, {"partner": partner}, user=user)
        return updated


def record_reconvene(
    user: dict[str, Any], case_id: str, outcome: str, revised: str, justification: str
) -> dict[str, Any]:
    """Record the outcome of the partners' reconvened discussion after a Panel challenge."""
    with get_store().transaction():
        _require(user, RUNS_CASES | {PARTNER}, "Only the business unit or a partner records this")
        case = get_case(user, case_id, action="")
        tasks = case.get("tasks", [])
        if not any(t["kind"] == "reconvene" and t["status"] == "open" for t in tasks):
            raise Refused(
                "There is no open reconvene task: the Panel has not challenged the decision"
            )
        if outcome not in ("keep", "change"):
            raise Refused("Select whether the partners kept or changed the decision", "outcome")
        if outcome == "change" and revised not in facts.DECISIONS:
            raise Refused("Select the new decision", "revised")
        if len(justification.strip()) < 10:
            raise Refused("Enter the justification for the outcome", "justification")
        tasks = [
            {
                **t,
                "status": "done",
                "outcome": outcome,
                "justification": justification.strip(),
                "revised": revised if outcome == "change" else None,
                "done_at": _now(),
            }
            if t["kind"] == "reconvene" and t["status"] == "open"
            else t
            for t in case["tasks"]
        ]
        changes: dict[str, Any] = {"tasks": tasks}
        if outcome == "change":
            changes["decision"] = revised
        text = "Partners reconvened and " + (
            "kept the decision"
            if outcome == "keep"
            else f"changed it to {facts.DECISIONS[revised]}"
        )
        updated = _add_events(case_id, _event("reconvene", text, user), **changes)
        audit.record("update", "case", case_id, {"reconvene": outcome}, user=user)
        return updated


def set_key_date(user: dict[str, Any], case_id: str, key: str, when: date) -> dict[str, Any]:
    """Record one of the case's key dates, such as when the local authority became aware."""
    with get_store().transaction():
        _require(user, RUNS_CASES, "Only the business unit records key dates")
        case = get_case(user, case_id, action="")
        if key not in facts.KEY_DATES:
            raise Refused("Select which date to record", "key")
        if when > date.today() and key not in facts.FUTURE_ALLOWED:
            raise Refused(f"{facts.KEY_DATES[key]} must be today or in the past", "when")
        key_dates = {**case["key_dates"], key: when.isoformat()}
        text = f"{facts.KEY_DATES[key]}: {when.isoformat()}"
        updated = _add_events(case_id, _event("date", text, user), key_dates=key_dates)
        audit.record("update", "case", case_id, {"key_date": key}, user=user)
        return updated


def record_delay(
    user: dict[str, Any], case_id: str, reason: str, approved_by: str, new_date: date
) -> dict[str, Any]:
    """Record an approved delay to publication, with its reason and who approved it."""
    with get_store().transaction():
        _require(user, RUNS_CASES, "Only the business unit records delays")
        case = get_case(user, case_id, action="")
        if len(reason.strip()) < 10:
            raise Refused("Enter the reason for the delay", "reason")
        if not approved_by.strip():
            raise Refused("Enter who approved the delay", "approved_by")
        if new_date <= date.today():
            raise Refused("The new publication date must be in the future", "new_date")
        delay = {
            "reason": reason.strip(),
            "approved_by": approved_by.strip(),
            "new_date": new_date.isoformat(),
            "recorded_at": _now(),
        }
        updated = _add_events(
            case_id,
            _event("delay", f"Publication delayed to {new_date.isoformat()}", user),
            delays=[*case.get("delays", []), delay],
        )
        audit.record("update", "case", case_id, {"delay": new_date.isoformat()}, user=user)
        return updated


def decision_outcome(case_id: str) -> decisions.Outcome:
    """Return where the partners' notifiability decision stands for a case."""
    views = decisions.partner_views(case_submissions(case_id))
    return decisions.outcome(views, decisions.decision_rule())
