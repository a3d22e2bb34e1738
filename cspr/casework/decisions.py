"""The partners' views on notifying, the partnership's rule, and the partnership's position.

The duty to notify is the local authority's (Children Act 2004, s16C): the rule decides only
the partnership's position, shown with any dissent; it never stops the local authority from
recording that it notified (see notify.py).
"""

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
VIEWS = {"notifiable": "Notify the Panel", "not_notifiable": "Do not notify the Panel"}
_NUMBERS = {0: "none", 1: "one", 2: "both", 3: "all three"}


@dataclass
class Outcome:
    """Where the partnership's position on notifying stands."""

    result: str  # "notifiable", "not_notifiable" or "pending"
    rule: str
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    dissent: list[str] = field(default_factory=list)  # partners who disagree with the result

    @property
    def explanation(self) -> str:
        """Say in words how many partners have given a view and what it means."""
        given = len(self.views)
        agree = sum(1 for v in self.views.values() if v["view"] == "notifiable")
        if given == 0:
            return f"No partner has given a view yet. {RULES[self.rule]}."
        tally = (
            f"{given} of 3 partners {'has' if given == 1 else 'have'} given a view; "
            + self._agreeing(given, agree)
        )
        if self.result == "pending":
            return f"{tally}. {RULES[self.rule]}."
        verdict = "to notify" if self.result == "notifiable" else "not to notify"
        position = f"{tally}. Under the {self.rule} rule the partnership's position is {verdict}"
        if self.dissent:
            names = " and ".join(PARTNERS[p] for p in self.dissent)
            position += f", with {names} disagreeing"
        return position + "."

    @staticmethod
    def _agreeing(given: int, agree: int) -> str:
        if agree in (0, given):
            who = "it says" if given == 1 else f"{_NUMBERS[given]} {'agree' if agree else 'say'}"
            return f"{who} the incident should {'be' if agree else 'not be'} notified"
        against = given - agree
        return (f"{agree} {'says' if agree == 1 else 'say'} notify and {against} "
                f"{'says' if against == 1 else 'say'} do not")  # fmt: skip


def decision_rule() -> str:
    """Return the partnership's rule for its position on notifying (a local setting)."""
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


def partner_views(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return each partner's current view on notifying, as the case holds it."""
    return {p: v for p, v in (case.get("views") or {}).items() if p in PARTNERS}


def outcome(views: dict[str, dict[str, Any]], rule: str) -> Outcome:
    """Apply the rule: majority needs two agreeing; unanimous needs all three."""
    agree = [p for p, v in views.items() if v["view"] == "notifiable"]
    disagree = [p for p, v in views.items() if v["view"] == "not_notifiable"]
    if rule == "unanimous":
        if len(agree) == 3:
            return Outcome("notifiable", rule, views)
        if disagree:
            # One dissent settles it under this rule: the partnership will not agree to notify.
            return Outcome("not_notifiable", rule, views, dissent=agree)
        return Outcome("pending", rule, views)
    if len(agree) >= 2:
        return Outcome("notifiable", rule, views, dissent=disagree)
    if len(disagree) >= 2:
        return Outcome("not_notifiable", rule, views, dissent=agree)
    return Outcome("pending", rule, views)


def position(case: dict[str, Any]) -> Outcome:
    """Return the partnership's position on notifying a case under its rule."""
    return outcome(partner_views(case), decision_rule())
