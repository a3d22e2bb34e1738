"""Which statutory track a case is on, worked out from its facts each time they are read.

Sources: Working Together 2023 ch. 5 and the Panel's guidance on notifications. The death of
a looked-after child is always notified (to the Secretary of State and Ofsted), but only
where abuse or neglect is known or suspected is it a serious incident with a rapid review.
The death of a care leaver up to and including the age of 24 is notified to the Secretary of
State and Ofsted and needs no rapid review or local review.
"""

from __future__ import annotations

from typing import Any

from cspr.casework import casefacts
from cspr.casework.stages import CARE_LEAVER, LOOKED_AFTER, SERIOUS, TRACKS

CARE_LEAVER_MAX_AGE = 24
ABUSE_OR_NEGLECT = ("known", "suspected", "yes")


def _yes(value: Any) -> bool:
    return value in ("yes", True)


def abuse_or_neglect(case: dict[str, Any]) -> bool | None:
    """Say whether abuse or neglect is known or suspected (None while nobody has said)."""
    value = casefacts.get(case, "incident.abuse_or_neglect")
    if not casefacts.is_set(value):
        return None
    return value in ABUSE_OR_NEGLECT


def _status(case: dict[str, Any], fact: str, legal: str) -> bool:
    """Say whether the case says so directly, or through the child's legal status."""
    statuses = casefacts.get(case, "child.legal_status") or []
    return _yes(casefacts.get(case, fact)) or legal in statuses


def care_leaver_rule_applies(case: dict[str, Any]) -> bool:
    """Say whether the care-leaver rule covers the case: a death at 24 or under."""
    if not _status(case, "incident.care_leaver", "care_leaver"):
        return False
    if casefacts.get(case, "incident.type") != "death":
        return False
    age = casefacts.age_at(case, casefacts.get_date(case, "incident.date"))
    if age is not None and age > CARE_LEAVER_MAX_AGE:
        return False  # at 25 or over the rule does not apply
    # A care leaver still under 18 is a child: abuse or neglect makes it a serious incident.
    return not (age is not None and age < 18 and abuse_or_neglect(case))


def track(case: dict[str, Any]) -> str:
    """Return the case's track: serious incident, looked-after child's death or care leaver's."""
    if care_leaver_rule_applies(case):
        return CARE_LEAVER
    died = casefacts.get(case, "incident.type") == "death"
    if died and _status(case, "incident.looked_after", "looked_after"):
        if abuse_or_neglect(case) is False:
            return LOOKED_AFTER
    return SERIOUS


def label(case: dict[str, Any]) -> str:
    """Describe the case's track in words."""
    return TRACKS[track(case)]
