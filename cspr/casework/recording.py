"""Where each case fact is recorded, in words: for messages that ask someone to record one.

Read-only: it changes nothing. A fact is recorded on one of the case's own pages (its key
dates, the notification, the hold on contacting the family) or by the forms whose questions
are bound to it.
"""

from __future__ import annotations

from cspr.casework import bindings
from cspr.casework.catalog import FACTS
from cspr.formengine import registry
from cspr.formengine.fieldtypes import field_type, known
from cspr.formengine.fieldtypes.booleans import BooleanType

# The facts the business unit records on the case's Key dates page, in order.
PAGE_DATES = ["dates.la_aware", "dates.rapid_review_meeting", "dates.rapid_review_sent",
                  "dates.decision", "dates.panel_response", "dates.family_told",
                  "dates.commissioned", "dates.planned_publication", "dates.final_report_sent",
                  "dates.published"]  # fmt: skip
_PAGES = {
    "dates.notified": "with “Record the notification” on the case page",
    "notification.reference": "with “Record the notification” on the case page",
    "family.contact_hold": "with the hold on contacting the family, on the case page",
    "family.contact_hold_reason": "with the hold on contacting the family, on the case page",
}


def what(name: str) -> str:
    """Name a fact as the object of "Record ...": "the date the rapid review was sent"."""
    spec = FACTS[name]
    label = spec.label[:1].lower() + spec.label[1:]
    if any(isinstance(field_type(t), BooleanType) for t in spec.field_types if known({"type": t})):
        return f"whether {label}"  # a yes or no
    return label if spec.label.startswith("The ") else f"the {label}"


def forms_writing(name: str) -> list[str]:
    """Return the titles of the live forms whose answers record a fact."""
    titles = []
    for definition in registry.live_forms():
        if any(b.fact == name and b.writes for b in bindings.bindings(definition)):
            titles.append(definition.title)
    return titles


def where(name: str) -> str:
    """Say where a fact is recorded: "on the case's Key dates page", "in the Rapid review form"."""
    if name in PAGE_DATES:
        return "on the case's Key dates page"
    if name in _PAGES:
        return _PAGES[name]
    titles = forms_writing(name)
    if titles:
        listed = " or the ".join(f"“{t}”" for t in titles)
        return f"in the {listed} form for this case"
    return "on the case page"


def ask(name: str) -> str:
    """Ask, in one sentence, for a fact to be recorded, saying where."""
    return f"Record {what(name)} {where(name)}."
