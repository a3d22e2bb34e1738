"""What needs each person's action on the cases: the home page's list, from the case record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr.auth.roles import BUSINESS_UNIT, CHAIR, PARTNER, PARTNERS
from cspr.casework import casefacts, cases, clock, deadlines, decisions, signoff, stages
from cspr.storage import get_store

SOON_WORKING_DAYS = 5
AUDIT_FORM = "rapid_review_audit"
AUDIT_MONTHS = 6


@dataclass
class Item:
    """One thing waiting for someone, with where to do it."""

    text: str
    endpoint: str
    values: dict[str, str] = field(default_factory=dict)
    reference: str = ""  # the case it belongs to, if any
    due: date | None = None
    status: clock.DeadlineStatus | None = None
    note: str = ""

    def sort_key(self) -> tuple[int, date, str]:
        """Order by deadline, soonest first; undated last."""
        return (0 if self.due else 1, self.due or date.max, self.reference)


def _due(case: dict[str, Any], key: str, today: date) -> tuple[date | None, Any]:
    found = {d.key: d for d in deadlines.deadlines(case, today)}
    deadline = found.get(key)
    return (deadline.status.due, deadline.status) if deadline else (None, None)


def _case_item(case: dict[str, Any], text: str, endpoint: str, today: date, key: str = "",
               note: str = "") -> Item:  # fmt: skip
    due, status = _due(case, key, today) if key else (None, None)
    return Item(text, endpoint, {"case_id": case["id"]}, case["reference"], due, status, note)


def for_partner(user: dict[str, Any], open_cases: list[dict[str, Any]], today: date) -> list[Item]:
    """Views to give, sign-offs waiting and (for the local authority) notifications to record."""
    partner = str(user.get("partner"))
    found = []
    for case in open_cases:
        stage = case["stage"]
        if stage == "consideration" and partner not in decisions.partner_views(case):
            found.append(_case_item(case, "Give your view on notifying the Panel", "cases.view",
                                    today, "notification"))  # fmt: skip
        if (partner == "local_authority" and stage == "consideration"
                and not casefacts.get(case, "dates.notified")):  # fmt: skip
            found.append(_case_item(case, "Record the local authority's notification",
                                    "cases.notification", today, "notification"))  # fmt: skip
        if stage == "rapid_review":
            review = signoff.current_review(case["id"])
            if review is not None and partner not in signoff.valid(case, review):
                found.append(_case_item(case, f"Sign off rapid review {review['reference']}",
                                        "cases.sign_off_page", today, "rapid_review"))
    return found


def for_business_unit(open_cases: list[dict[str, Any]], today: date) -> list[Item]:
    """New referrals, deadlines soon or overdue, answers to confirm, Panel replies awaited."""
    found = []
    for case in open_cases:
        if case["stage"] == "referral":
            found.append(_case_item(case, "New referral: read it and start the partners' "
                                    "consideration", "cases.case_page", today, "notification"))
        if casefacts.conflicts(case):
            found.append(_case_item(case, "Confirm answers from a form that differ from the case",
                                    "cases.case_page", today))  # fmt: skip
        for deadline in deadlines.deadlines(case, today):
            state = deadline.status
            soon = state.state == "due_soon" and state.working_days <= SOON_WORKING_DAYS
            if state.state == "overdue" or soon:
                what = ("Chase the Panel's reply" if deadline.key == "panel_reply"
                        else deadline.name)  # fmt: skip
                found.append(Item(what, "cases.case_page", {"case_id": case["id"]},
                                  case["reference"], state.due, state, deadline.kind))
    return found


def for_chair(today: date) -> list[Item]:
    """The six-monthly audit of rapid reviews, when it falls due."""
    from cspr.formengine.operations import SUBMISSIONS

    audits = get_store().find(SUBMISSIONS, where={"form_id": AUDIT_FORM, "status": "submitted"},
                              order_by="submitted_at", reverse=True, limit=1)  # fmt: skip
    if audits:
        last = date.fromisoformat(str(audits[0]["submitted_at"])[:10])
        due = clock.add_months(last, AUDIT_MONTHS)
    else:
        due = today
    if (due - today).days > 31:
        return []
    status = clock.deadline_status(due, today)
    return [Item("Audit the rapid reviews of the last six months", "forms.index", {}, "", due,
                 status, "Every six months")]  # fmt: skip


def for_user(user: dict[str, Any], today: date) -> list[Item]:
    """Return what needs this person's action on cases, soonest deadline first."""
    role = user["role"]
    if role not in (PARTNER, BUSINESS_UNIT, CHAIR):
        return []
    open_cases: list[dict[str, Any]] = []

    def note(case: dict[str, Any]) -> bool:
        if case["stage"] not in stages.ENDED and cases.can_see(user, case):
            open_cases.append(case)
        return False

    # Stored cases are replaced on change, never changed in place, so each one kept here is a
    # snapshot that this read-only pass uses without copying (copying every case, timeline and
    # all, took most of a home page's time with 1,000 cases). Nothing below changes them.
    get_store().find(cases.CASES, predicate=note)
    open_cases.sort(key=lambda c: str(c.get("opened_at") or ""), reverse=True)
    if role == PARTNER and user.get("partner") in PARTNERS:
        found = for_partner(user, open_cases, today)
    elif role == BUSINESS_UNIT:
        found = for_business_unit(open_cases, today)
    else:
        found = for_chair(today)
    return sorted(found, key=Item.sort_key)


def waiting(sender: dict[str, Any], today: date) -> list[Item]:
    """Answer the home page's question for casework (a receiver of signals.waiting_for)."""
    return for_user(sender, today)
