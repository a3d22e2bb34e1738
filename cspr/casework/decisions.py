"""Partner decisions: each partner's view, the partnership's rule, dissent and sign-off."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cspr import audit
from cspr.auth.roles import ADMIN, PARTNERS
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store, transactional

RULE_SETTING = "casework.decision_rule"
SIGNOFF_SETTING = "casework.signoffs_required"
RULES = {
    "majority": "Majority: two of the three partners must agree",
    "unanimous": "Unanimous: all three partners must agree",
}
DEFAULT_RULE = "majority"
DECISION_FORM = "consideration_decision"


@dataclass
class Outcome:
    """Where the partners' decision on notifiability stands."""

    result: str  # "notifiable", "not_notifiable" or "pending"
    rule: str
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    dissent: list[str] = field(default_factory=list)  # partners who disagreed with the outcome

    @property
    def explanation(self) -> str:
        """Say in words why the outcome is what it is."""
        agree = sum(1 for v in self.views.values() if v["view"] == "agree")
        told = len(self.views)
        if self.result == "pending":
            return f"{told} of 3 partners have given a view; {agree} agree. {RULES[self.rule]}."
        verdict = "notifiable" if self.result == "notifiable" else "not notifiable"
        return f"{agree} of {told} partners agree, so under the {self.rule} rule it is {verdict}."


def decision_rule() -> str:
    """Return the partnership's rule for deciding notifiability."""
    rule = get_store().get_setting(RULE_SETTING, DEFAULT_RULE)
    return str(rule) if rule in RULES else DEFAULT_RULE


def signoffs_required() -> int:
    """Return how many partners must sign off a rapid review (all three unless changed)."""
    value = get_store().get_setting(SIGNOFF_SETTING, 3)
    return int(value) if value in (1, 2, 3) else 3


@transactional
def set_rules(actor: dict[str, Any], rule: str, signoffs: int) -> None:
    """Change the decision rule and the number of sign-offs a rapid review needs."""
    if actor.get("role") != ADMIN:
        raise Forbidden("Only administrators can change the decision rules")
    if rule not in RULES:
        raise Refused("Select how the partners' decision is made", field="rule")
    if signoffs not in (1, 2, 3):
        raise Refused("Select how many partners must sign off a rapid review", field="signoffs")
    store = get_store()
    store.set_setting(RULE_SETTING, rule)
    store.set_setting(SIGNOFF_SETTING, signoffs)
    audit.record("update", "settings", "decision_rules", {"rule": rule, "signoffs": signoffs})


def partner_views(submissions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return each partner's latest view from the case's decision forms."""
    views: dict[str, dict[str, Any]] = {}
    decisions = [s for s in submissions if s["form_id"] == DECISION_FORM]
    for sent in sorted(decisions, key=lambda s: s.get("submitted_at") or ""):
        answers = sent["answers"]
        partner = answers.get("partner_organisation")
        if partner in PARTNERS and answers.get("notifiable_decision") in ("agree", "disagree"):
            views[partner] = {
                "partner": partner,
                "view": answers["notifiable_decision"],
                "rationale": answers.get("rationale", ""),
                "submission_id": sent["id"],
                "at": sent.get("submitted_at"),
            }
    return views


def outcome(views: dict[str, dict[str, Any]], rule: str) -> Outcome:
    """Apply the rule: majority needs two agreeing; unanimous needs all three."""
    agree = [p for p, v in views.items() if v["view"] == "agree"]
    disagree = [p for p, v in views.items() if v["view"] == "disagree"]
    if rule == "unanimous":
        if len(agree) == 3:
            return Outcome("notifiable", rule, views)
        if len(views) == 3:
            return Outcome("not_notifiable", rule, views, dissent=agree)
        return Outcome("pending", rule, views)
    if len(agree) >= 2:
        return Outcome("notifiable", rule, views, dissent=disagree)
    if len(disagree) >= 2:
        return Outcome("not_notifiable", rule, views, dissent=agree)
    return Outcome("pending", rule, views)
