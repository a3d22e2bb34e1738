"""The verbs of a case's decisions: partners' views, the notification, reconvening, delays,
the hold on family contact, and the business unit's changes to the case's facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr import audit
from cspr.auth.roles import BUSINESS_UNIT, PARTNER, PARTNERS
from cspr.casework import casefacts, cases, decisions, moves, publication, tracks
from cspr.casework.catalog import DECISIONS, FACTS, choice_label
from cspr.casework.clock import short_date as long_date
from cspr.casework.stages import NO_REVIEW
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound, get_store, transactional, within_transaction
from cspr.timeutil import uk_today

MIN_REASON = 10
LOCAL_AUTHORITY = "local_authority"


def _reason(text: str, message: str, field: str) -> str:
    """Return a reason of some substance, or refuse with the message."""
    if len(text.strip()) < MIN_REASON:
        raise Refused(message, field)
    return text.strip()


def _not_future(when: date, what: str, field: str) -> date:
    if when > uk_today():
        raise Refused(f"{what} must be today or in the past", field)
    return when


def _acting_partner(user: dict[str, Any], on_behalf_of: str | None, what: str) -> str:
    """Return whose view or act this is: the partner's own account, never a form answer."""
    if user["role"] == PARTNER:
        partner = user.get("partner")
        if partner not in PARTNERS:
            raise Refused("Your account does not say which statutory partner you represent")
        if on_behalf_of and on_behalf_of != partner:
            raise Forbidden(f"A partner can only {what} for their own organisation")
        return str(partner)
    if user["role"] == BUSINESS_UNIT:
        if on_behalf_of not in PARTNERS:
            raise Refused("Select which statutory partner this is for", "partner")
        return str(on_behalf_of)
    raise Forbidden(f"Only statutory partners, or the business unit for them, {what}")


@transactional
def give_view(
    user: dict[str, Any], case_id: str, view: str, rationale: str,
    on_behalf_of: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Record a partner's view on notifying; a changed view keeps the earlier one in history."""
    partner = _acting_partner(user, on_behalf_of, "give a view")
    case = cases.get_case(user, case_id, action="")
    if case["stage"] not in ("referral", "consideration"):
        raise Refused("Views on notifying are given while the case is at consideration")
    if view not in decisions.VIEWS:
        raise Refused("Select whether the incident should be notified to the Panel", "view")
    why = _reason(rationale, "Explain the reasons for the view", "rationale")
    record = {"partner": partner, "view": view, "rationale": why, "at": cases.now_iso(),
              "by": user["name"], "by_id": user["id"],
              "recorded_for": user["role"] == BUSINESS_UNIT}  # fmt: skip
    views = dict(case.get("views") or {})
    history = list(case.get("view_history") or [])
    if partner in views:
        history.append({**views[partner], "replaced_at": record["at"]})
    views[partner] = record
    text = f"{PARTNERS[partner]}: {decisions.VIEWS[view].lower()}"
    if record["recorded_for"]:
        text += f" (recorded by {user['name']} for {PARTNERS[partner]})"
    updated = cases.change(case_id, cases.event("view", text, user),
                           views=views, view_history=history)  # fmt: skip
    audit.record("view_given", "case", case_id, {"partner": partner, "view": view}, user=user)
    return updated


@transactional
def record_notification(
    user: dict[str, Any], case_id: str, notified_on: date, reference: str, reason: str = ""
) -> dict[str, Any]:
    """Record that the local authority notified the Panel, with the national system's reference.

    The duty is the local authority's (Children Act 2004, s16C): it can always record that it
    notified. Without the partnership's agreement the case says so, with its reason.
    """
    _acting_partner(user, LOCAL_AUTHORITY if user["role"] == BUSINESS_UNIT else None,
                    "record the notification")  # fmt: skip
    if user["role"] == PARTNER and user.get("partner") != LOCAL_AUTHORITY:
        raise Forbidden("Only the local authority, or the business unit for it, records this")
    case = cases.get_case(user, case_id, action="")
    _not_future(notified_on, "The date of the notification", "notified_on")
    aware = casefacts.get_date(case, "dates.la_aware")
    if aware is not None and notified_on < aware:
        raise Refused("The notification cannot be before the local authority became aware "
                      f"({long_date(aware)})", "notified_on")  # fmt: skip
    reference = " ".join(reference.split())
    if not reference:
        raise Refused("Enter the reference the national online system gave", "reference")
    position = decisions.position(case)
    # The deaths of looked-after children and care leavers that need no rapid review are
    # notified to the Secretary of State and Ofsted whatever the partners think.
    without = position.result != "notifiable" and tracks.track(case) not in NO_REVIEW
    if without:
        reason = _reason(reason, "Explain why the local authority notified without the "
                         "partnership's agreement", "reason")  # fmt: skip
    proposals = [("dates.notified", None, notified_on.isoformat()),
                 ("notification.reference", None, reference)]  # fmt: skip
    facts, history, _ = casefacts.apply(case, proposals, user["name"], "page:notification", True)
    record = {"on": notified_on.isoformat(), "reference": reference, "by": user["name"],
              "at": cases.now_iso(), "without_agreement": without,
              "position": position.result, "reason": reason.strip()}  # fmt: skip
    text = f"The local authority notified the Panel on {long_date(notified_on)} ({reference})"
    if without:
        text += ", without the partnership's agreement: " + reason.strip()
    updated = cases.change(case_id, cases.event("notified", text, user), facts=facts,
                           fact_history=[*case.get("fact_history", []), *history],
                           notification=record)  # fmt: skip
    audit.record("notify", "case", case_id, {"without_agreement": without}, user=user)
    return updated


@transactional
def set_fact(
    user: dict[str, Any], case_id: str, name: str, value: Any, child: int | None = None
) -> dict[str, Any]:
    """Change one case fact on purpose (the business unit), keeping the old value in history."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit changes a case's facts")
    case = cases.get_case(user, case_id, action="")
    spec = FACTS.get(name)
    if spec is None:
        raise Refused("Select which fact to record", "name")
    if name == "dates.published" and publication.hold(case):
        raise Refused(publication.ON_HOLD, "when")
    if spec.shape == "date" and isinstance(value, date):
        if name != "dates.planned_publication":
            _not_future(value, spec.label, "when")
        value = value.isoformat()
    facts, history, _ = casefacts.apply(case, [(name, child, value)], user["name"],
                                        "page:facts", True)  # fmt: skip
    if not history:
        return case
    shown = long_date(date.fromisoformat(value)) if spec.shape == "date" else str(value)
    updated = cases.change(case_id, cases.event("fact", f"{spec.label}: {shown}", user),
                           facts=facts, fact_history=[*case.get("fact_history", []), *history])
    audit.record("update", "case", case_id, {"fact": name}, user=user)
    return updated


@within_transaction
def record_facts(case_id: str, proposals: list[casefacts.Proposal], by: str, source: str,
                 text: str = "") -> dict[str, Any]:  # fmt: skip
    """Take facts another capability keeps (action statuses, say) into a case (its transaction)."""
    case = get_store().get(cases.CASES, case_id)
    if case is None:
        raise NotFound(case_id)
    facts, history, _ = casefacts.apply(case, proposals, by, source, True)
    if not history:
        return case
    events = [cases.event("fact", text, None)] if text else []
    return cases.change(case_id, *events, facts=facts,
                        fact_history=[*case.get("fact_history", []), *history])  # fmt: skip


@transactional
def resolve_conflict(
    user: dict[str, Any], case_id: str, conflict_id: str, accept: bool
) -> dict[str, Any]:
    """Take, or keep the case's value instead of, an answer from a form that disagreed."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit confirms a case's facts")
    case = cases.get_case(user, case_id, action="")
    facts, history, conflict = casefacts.resolve(case, conflict_id, accept, user["name"])
    if conflict is None:
        raise Refused("That difference has already been dealt with")
    label = FACTS[conflict["fact"]].label
    text = (f"{label}: changed to the value from the form" if accept
            else f"{label}: the case's value kept")  # fmt: skip
    waiting = [c for c in casefacts.conflicts(case) if c["id"] != conflict_id]
    updated = cases.change(case_id, cases.event("fact", text, user), facts=facts,
                           fact_history=[*case.get("fact_history", []), *history],
                           fact_conflicts=waiting)  # fmt: skip
    audit.record("update", "case", case_id, {"fact": conflict["fact"], "accepted": accept},
                 user=user)  # fmt: skip
    return updated


@transactional
def record_reconvene(
    user: dict[str, Any], case_id: str, outcome: str, revised: str, justification: str,
    met_on: date | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Record the outcome of the partners' reconvened meeting after a Panel challenge."""
    cases.require(user, cases.RUNS_CASES | {PARTNER}, "Only the business unit or a partner "
                  "records this")  # fmt: skip
    case = cases.get_case(user, case_id, action="")
    if not moves.reconvening(case):
        raise Refused("There is nothing to reconvene about: the Panel has not challenged the "
                      "decision, or the outcome is already recorded")  # fmt: skip
    if outcome not in ("keep", "change"):
        raise Refused("Select whether the partners kept or changed the decision", "outcome")
    if outcome == "change" and revised not in dict(DECISIONS):
        raise Refused("Select the new decision", "revised")
    why = _reason(justification, "Enter the justification for the outcome", "justification")
    met = _not_future(met_on or uk_today(), "The date the partners met", "met_on")
    task = {"kind": "reconvene", "status": "done", "outcome": outcome, "justification": why,
            "revised": revised if outcome == "change" else None, "done_at": cases.now_iso(),
            "met_on": met.isoformat()}  # fmt: skip
    proposals: list[casefacts.Proposal] = []
    if outcome == "change":
        proposals.append(("decision.outcome", None, revised))
        if revised == "local_cspr":
            # The six-month clock runs from the decision to commission: this one.
            proposals.append(("dates.commissioned", None, met.isoformat()))
    facts, history, _ = casefacts.apply(case, proposals, user["name"], "page:reconvene", True)
    text = "Partners reconvened and " + (
        "kept the decision" if outcome == "keep"
        else f"changed it to {choice_label('decision.outcome', revised)}")  # fmt: skip
    updated = cases.change(case_id, cases.event("reconvene", text, user),
                           tasks=[*case.get("tasks", []), task], facts=facts,
                           fact_history=[*case.get("fact_history", []), *history])  # fmt: skip
    audit.record("update", "case", case_id, {"reconvene": outcome}, user=user)
    return updated


@transactional
def record_delay(
    user: dict[str, Any], case_id: str, reason: str, approved_by: str, new_date: date,
    panel_told: date, sos_told: date,
) -> dict[str, Any]:  # fmt: skip
    """Record an approved delay: the only way the six-month publication date moves."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit records delays")
    case = cases.get_case(user, case_id, action="")
    if casefacts.get_date(case, "dates.commissioned") is None:
        raise Refused("Record the date of the decision to commission the review first")
    why = _reason(reason, "Enter the reason for the delay, for example a criminal trial or an "
                  "inquest", "reason")  # fmt: skip
    if not approved_by.strip():
        raise Refused("Enter who approved the delay, with their role", "approved_by")
    if new_date <= uk_today():
        raise Refused("The new completion date must be in the future", "new_date")
    _not_future(panel_told, "The date the Panel was told", "panel_told")
    _not_future(sos_told, "The date the Secretary of State was told", "sos_told")
    delay = {"reason": why, "approved_by": approved_by.strip(), "new_date": new_date.isoformat(),
             "panel_told": panel_told.isoformat(), "sos_told": sos_told.isoformat(),
             "recorded_by": user["name"], "recorded_at": cases.now_iso(),
             "status": "approved"}  # fmt: skip
    updated = cases.change(
        case_id, cases.event("delay", f"Delay approved: completion by {long_date(new_date)}", user),
        delays=[*case.get("delays", []), delay])  # fmt: skip
    audit.record("update", "case", case_id, {"delay": new_date.isoformat()}, user=user)
    return updated


@transactional
def set_family_hold(user: dict[str, Any], case_id: str, on: bool, reason: str) -> dict[str, Any]:
    """Put on, or lift, the hold on contacting the family, always with a reason."""
    cases.require(user, cases.RUNS_CASES, "Only the business unit changes the hold on contact")
    case = cases.get_case(user, case_id, action="")
    held = casefacts.get(case, "family.contact_hold") == "yes"
    if held == on:
        raise Refused("The hold is already on" if on else "There is no hold to lift")
    why = _reason(reason, "Explain why the hold is being put on" if on
                  else "Explain why the hold can be lifted", "reason")  # fmt: skip
    proposals = [("family.contact_hold", None, "yes" if on else "no")]
    if on:
        proposals.append(("family.contact_hold_reason", None, why))
    facts, history, _ = casefacts.apply(case, proposals, user["name"], "page:hold", True)
    text = ("Hold on contacting the family put on: " if on else
            "Hold on contacting the family lifted: ") + why  # fmt: skip
    updated = cases.change(case_id, cases.event("hold", text, user), facts=facts,
                           fact_history=[*case.get("fact_history", []), *history])  # fmt: skip
    audit.record("update", "case", case_id, {"family_hold": on}, user=user)
    return updated
