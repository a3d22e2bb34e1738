"""The agency summaries as documents read them: each agency's involvement and chronology.

documents/context.py adds agency_summaries() to every template's context, and
documents/variables.py lists VARIABLES; both import this module when they need it. The
anonymised version passes these strings through the case's redactor with the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.summary import display
from cspr.timeutil import UK

SUMMARY_FORM = "agency_summary"
# The shipped form's questions each value is read from (the builder may rename them: a
# renamed question then reads as empty here, as in any template that names it).
PARTS = {"completed_by_role": "the role of the person who completed it",
         "involvement": "the agency's involvement with the child and family",
         "went_well": "what went well", "could_be_better": "what could have been better",
         "immediate_actions": "the actions the agency has taken since"}  # fmt: skip
CHRONOLOGY = "chronology"
ENTRY = {"entry_date": "the date", "contact": "the contact",
         "what_happened": "what happened"}  # fmt: skip
_EACH = "each agency summary: "
VARIABLES: list[tuple[str, str]] = [
    ("agency_summaries", "The agency summaries sent for the rapid review, as a list"),
    ("agency_summaries.[].agency", _EACH + "the agency"),
    ("agency_summaries.[].reference", _EACH + "its reference, like SUB-2026-0042"),
    ("agency_summaries.[].sent_on", _EACH + "the date it was sent"),
    *[(f"agency_summaries.[].{name}", _EACH + meaning) for name, meaning in PARTS.items()],
    ("agency_summaries.[].chronology", _EACH + "its chronology, as a list"),
    *[(f"agency_summaries.[].chronology.[].{name}", f"each entry of a chronology: {meaning}")
      for name, meaning in ENTRY.items()],
    ("agency_summaries.[].attachments", _EACH + "the names of the files attached"),
]  # fmt: skip


def _uk_day(moment: str | None) -> str:
    """Return the UK calendar day (ISO) of a stored UTC time, or "" for none."""
    return datetime.fromisoformat(moment).astimezone(UK).date().isoformat() if moment else ""


def _text(definition: FormDefinition, answers: dict[str, Any], name: str) -> str:
    """Return one answer in words, or "" when the form has no such question or no answer."""
    field = next((f for f in definition.all_fields() if f["name"] == name), None)
    value = answers.get(name)
    if field is None or value in (None, "", [], {}):
        return ""
    return display(field, value)


def _chronology(definition: FormDefinition, answers: dict[str, Any]) -> list[dict[str, str]]:
    """Return the chronology's entries in words."""
    group = next((f for f in definition.all_fields() if f["name"] == CHRONOLOGY), None)
    rows = answers.get(CHRONOLOGY)
    if group is None or not isinstance(rows, list):
        return []
    subs = {s["name"]: s for s in group.get("fields", [])}
    return [{name: display(subs[name], row.get(name)) if name in subs and row.get(name) else ""
             for name in ENTRY} for row in rows]  # fmt: skip


def agency_summaries(
    sent_forms: list[tuple[dict[str, Any], FormDefinition]], agency_names: dict[str, str]
) -> list[dict[str, Any]]:
    """Return each agency's latest summary sent for the case, in the order they arrived."""
    latest: dict[str, tuple[dict[str, Any], FormDefinition]] = {}
    for sent, definition in sent_forms:
        if sent.get("form_id") != SUMMARY_FORM:
            continue
        agency = agency_names.get(str(sent.get("agency_id") or "")) or str(
            sent["answers"].get("agency_name") or "An agency")  # fmt: skip
        latest.pop(agency, None)  # a later summary from the same agency replaces the earlier
        latest[agency] = (sent, definition)
    found = []
    for agency, (sent, definition) in latest.items():
        answers = sent.get("answers") or {}
        files = [str(value.get("filename") or "") for f in definition.all_fields()
                 if field_type(f).is_upload and isinstance(value := answers.get(f["name"]), dict)]
        found.append({
            "agency": agency, "reference": sent.get("reference") or "",
            "sent_on": _uk_day(sent.get("submitted_at")),
            **{name: _text(definition, answers, name) for name in PARTS},
            "chronology": _chronology(definition, answers), "attachments": files,
        })  # fmt: skip
    return found


def for_context(sent_forms: list[tuple[dict[str, Any], FormDefinition]]) -> list[dict[str, Any]]:
    """Return the case's agency summaries for a template, agencies named from their list."""
    from flask import has_app_context

    from cspr.auth.agencies import agency_names

    return agency_summaries(sent_forms, agency_names() if has_app_context() else {})
