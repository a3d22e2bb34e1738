"""Whether a document can be made for a case now, and if not, what to do first.

A letter says only what the case record holds. Each template declares what it cannot be
written truthfully without (its "needs": case facts such as "decision.rationale", a sent form
such as "forms.rapid_review", or "case.delays"); anything else it leaves out when the case
does not hold it. A letter addressed to the family is refused while the case holds a hold on
contacting the family, and while the partnership's contact for families is not set, because
every family letter says who the family can contact and how.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cspr.casework import casefacts, recording
from cspr.casework.catalog import FACTS
from cspr.formengine import registry

FORMS = "forms."
DELAYS = "case.delays"
LIFT_HOLD = "Lift the hold on the case first, then make the letter."
NO_CONTACT = (
    "Letters to the family say who the family can contact and how, and the partnership's "
    "contact for families has not been set. Ask an administrator to set it in Settings, under "
    "Partnership details."
)


def known_need(need: str) -> bool:
    """Say whether a template may declare this need: a case fact, a form, or the delays."""
    if need.startswith(FORMS):
        return registry.live(need.removeprefix(FORMS)) is not None
    return need == DELAYS or need in FACTS


def describe(need: str) -> str:
    """Name a need in words, for the template's page: "the reasons for the decision"."""
    if need.startswith(FORMS):
        definition = registry.live(need.removeprefix(FORMS))
        return f"the “{definition.title if definition else need}” form, sent"
    if need == DELAYS:
        return "an approved delay to the local review"
    return recording.what(need) if need in FACTS else need


def _ask(need: str) -> str:
    """Ask for one missing need in a sentence that says where to record it."""
    if need.startswith(FORMS):
        definition = registry.live(need.removeprefix(FORMS))
        title = definition.title if definition else need.removeprefix(FORMS)
        return f"Send the “{title}” form for this case."
    if need == DELAYS:
        return ("Record the approved delay with “Record an approved delay to the local review” "
                "on the case page.")  # fmt: skip
    return recording.ask(need)


def missing(case: dict[str, Any], sent_form_ids: Iterable[str], needs: Iterable[str]) -> list[str]:
    """Return the needs the case does not meet yet, in the order the template gives them."""
    sent = set(sent_form_ids)
    gaps = []
    for need in needs:
        if need.startswith(FORMS):
            met = need.removeprefix(FORMS) in sent
        elif need == DELAYS:
            met = bool(case.get("delays"))
        elif need in FACTS:
            met = casefacts.is_set(casefacts.get(case, need))
        else:
            met = True  # a need this version of the toolkit does not know cannot be asked for
        if not met:
            gaps.append(need)
    return gaps


def hold_message(case: dict[str, Any]) -> str:
    """Say that the family must not be contacted yet, and why, or return "" if they may be."""
    if casefacts.get(case, "family.contact_hold") != "yes":
        return ""
    reason = str(casefacts.get(case, "family.contact_hold_reason") or "").strip().rstrip(".")
    return f"The family must not be contacted yet: {reason}." if reason else (
        "The family must not be contacted yet.")  # fmt: skip


def refusal(
    case: dict[str, Any],
    sent_form_ids: Iterable[str],
    title: str,
    needs: Iterable[str],
    to_family: bool,
    family_contact_set: bool,
) -> str:
    """Say why a document cannot be made for the case now, or return "" when it can."""
    if to_family:
        held = hold_message(case)
        if held:
            return f"{held} {LIFT_HOLD}"
    sentences = [NO_CONTACT] if to_family and not family_contact_set else []
    gaps = missing(case, sent_form_ids, needs)
    if gaps:
        sentences.append(f"“{title}” cannot be made yet, because the case does not record "
                         "everything it must say.")  # fmt: skip
        sentences += [_ask(need) for need in gaps]
    return " ".join(sentences)
