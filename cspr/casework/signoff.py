"""The partners' sign-off of a rapid review: each partner's own act, for one exact version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cspr import audit
from cspr.auth.roles import PARTNER, PARTNERS
from cspr.casework import cases, decisions
from cspr.exceptions import Refused
from cspr.storage import transactional

RAPID_REVIEW_FORM = "rapid_review"
MAX_COMMENT = 2000


def current_review(case_id: str) -> dict[str, Any] | None:
    """Return the rapid review the partners sign now: the latest one sent for the case."""
    return cases.latest(case_id, RAPID_REVIEW_FORM)


def version(review: dict[str, Any]) -> dict[str, str]:
    """Identify one version of a rapid review: its reference, when it was sent, a digest."""
    body = json.dumps(review.get("answers") or {}, sort_keys=True, ensure_ascii=False)
    return {
        "submission_id": review["id"],
        "reference": str(review.get("reference") or ""),
        "sent_at": str(review.get("submitted_at") or ""),
        "digest": hashlib.sha256(body.encode()).hexdigest()[:12],
    }


def valid(case: dict[str, Any], review: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return the sign-offs given for this version (earlier versions' do not count)."""
    if review is None:
        return {}
    return {p: s for p, s in (case.get("signoffs") or {}).items()
            if s.get("version", {}).get("submission_id") == review["id"]}  # fmt: skip


def unmet(case: dict[str, Any]) -> str:
    """Explain why the rapid review is not yet signed off, or return ""."""
    review = current_review(case["id"])
    if review is None:
        return "Send the rapid review form first"
    needed, given = decisions.signoffs_required(), len(valid(case, review))
    if given < needed:
        return f"{given} of 3 partners have signed off the rapid review; it needs {needed}"
    return ""


@transactional
def sign_off(
    user: dict[str, Any], case_id: str, submission_id: str, comment: str = ""
) -> dict[str, Any]:
    """Record the signed-in partner's sign-off of one exact version of the rapid review."""
    cases.require(user, {PARTNER}, "Only statutory partners sign off rapid reviews")
    case = cases.get_case(user, case_id, action="")
    if case["stage"] != "rapid_review":
        raise Refused("A rapid review can be signed off only while the case is at rapid review")
    partner = user.get("partner")
    if partner not in PARTNERS:
        raise Refused("Your account does not say which statutory partner you represent")
    review = current_review(case_id)
    if review is None:
        raise Refused("Send the rapid review form before it is signed off")
    if review["id"] != submission_id:
        raise Refused("The rapid review has changed since you opened it: read the new version, "
                      "then sign it off")  # fmt: skip
    if partner in valid(case, review):
        raise Refused(f"{PARTNERS[partner]} has already signed off this version of the rapid "
                      "review")  # fmt: skip
    if len(comment) > MAX_COMMENT:
        raise Refused(f"The comment must be {MAX_COMMENT} characters or fewer", "comment")
    record = {"partner": partner, "by": user["name"], "by_id": user["id"], "at": cases.now_iso(),
              "version": version(review), "comment": comment.strip()}  # fmt: skip
    signoffs = {**(case.get("signoffs") or {}), partner: record}
    text = f"Rapid review {review.get('reference')} signed off for {PARTNERS[partner]}"
    updated = cases.change(case_id, cases.event("signoff", text, user), signoffs=signoffs)
    details = {"partner": partner, "rapid_review": review["id"]}
    audit.record("sign_off", "case", case_id, details, user=user)
    return updated
