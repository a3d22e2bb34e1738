"""What a template reads: the case's facts and records, the partnership, the document being
made, and the narrative answers of the case's forms.

Everything here is plain data (text, numbers, yes/no, lists and dictionaries), so a template
can only read values, never reach code. Case facts come from casework (case_values.py), never
from form field names; "forms.<id>" keeps each form's answers for its free text. The
anonymised version is the same context with every string passed through the case's redactor,
and identifying details withheld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import casefacts, decisions, signoff
from cspr.documents.case_values import (
    WITHHELD,
    bound_fields,
    case_values,
    child_values,
    fact_groups,
    person,
    uk_day,
)
from cspr.documents.pseudonyms import KINDS, Redactor
from cspr.documents.sandbox import map_strings
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.summary import display

if TYPE_CHECKING:
    from cspr.admin.partnership import Details

_BIRTH_DATE = re.compile(r"(^|_)(date_of_birth|dob)$")
ROLE_TITLES = {
    BUSINESS_UNIT: "Partnership business unit",
    PARTNER: "Safeguarding partner lead",
    CHAIR: "Independent chair",
    ADMIN: "Administrator",
    AGENCY_USER: "Agency staff",
}
# Pseudonyms for names found in forms and not yet in the register, by the field they are in.
AUTO_LABELS = {
    "referrer_name": "Referrer",
    "notifier_name": "Notifier",
    "partner_lead_name": "Partner lead",
    "lead_reviewer_name": "Lead reviewer",
    "chair_name": "Independent chair",
}


@dataclass(frozen=True)
class Settings:
    """The partnership's settings that documents use."""

    partnership: dict[str, Any]  # as partnership_values gives it
    decision_rule: str
    signoffs_required: int
    closures: frozenset[date]
    start_is_day_zero: bool


def how_to_reach(contact: dict[str, str]) -> str:
    """Say how to reach someone: "by telephone on 01632 960 109 or by email at a@b.org"."""
    ways = [f"by telephone on {contact['phone']}" if contact.get("phone") else "",
            f"by email at {contact['email']}" if contact.get("email") else ""]  # fmt: skip
    return " or ".join(w for w in ways if w)


def partnership_values(details: Details) -> dict[str, Any]:
    """Return the partnership's details as templates read them."""
    contact = {p: details.family_contact.get(p, "") for p in ("name", "role", "email", "phone")}
    return {
        "name": details.name,
        "address": details.address_lines,
        "address_text": ", ".join(details.address_lines),
        "email": details.email,
        "phone": details.phone,
        "family_contact": {**contact, "how": how_to_reach(contact)},
    }


def _answered(value: Any) -> bool:
    """Say whether an answer holds anything."""
    return value not in (None, "", [], {})


def _withheld(field: dict[str, Any]) -> bool:
    """Say whether a field identifies someone and is withheld when anonymising."""
    return field_type(field).withheld or bool(_BIRTH_DATE.search(field["name"]))


def _name_whole(field: dict[str, Any], value: Any, anonymised: bool) -> Any:
    """Keep a name answer in one piece when anonymising, so the redactor sees the full name."""
    if anonymised and field_type(field).names_person and isinstance(value, dict):
        return {"given_names": person(value), "family_name": ""}
    return value


def form_view(sent: dict[str, Any], definition: FormDefinition, anonymised: bool) -> dict[str, Any]:
    """Return one sent form as templates see it: raw answers and readable text."""
    answers: dict[str, Any] = {}
    text: dict[str, Any] = {}
    for field in definition.all_fields():
        name, value = field["name"], sent["answers"].get(field["name"])
        if not field_type(field).answered or not _answered(value):
            continue
        if field_type(field).is_group and isinstance(value, list):
            subs = [s for s in field.get("fields", []) if field_type(s).answered]
            answers[name], text[name] = [], []
            for item in value:
                raw, shown = {}, {}
                for sub in subs:
                    part = item.get(sub["name"])
                    if not _answered(part):
                        continue
                    hide = anonymised and _withheld(sub)
                    raw[sub["name"]] = WITHHELD if hide else _name_whole(sub, part, anonymised)
                    shown[sub["name"]] = WITHHELD if hide else display(sub, part)
                answers[name].append(raw)
                text[name].append(shown)
            continue
        hide = anonymised and _withheld(field)
        answers[name] = WITHHELD if hide else _name_whole(field, value, anonymised)
        text[name] = WITHHELD if hide else display(field, value)
    return {
        "form_id": sent["form_id"],
        "title": sent["form_title"],
        "reference": sent.get("reference") or "",
        "sent_on": uk_day(sent.get("submitted_at")),
        "answers": answers,
        "text": text,
    }


def found_names(
    case: dict[str, Any],
    sent_forms: list[tuple[dict[str, Any], FormDefinition]],
    register: list[dict[str, str]],
    author: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    """List the names in a case's forms and records that the register does not cover yet."""
    child = person(casefacts.get(case, "child.name")).lower()
    found: dict[str, tuple[str, str]] = {}  # lower-case name -> (name as written, label)

    def note(name: str, label: str) -> None:
        """Remember a name found, with the label its pseudonym is made from."""
        name = " ".join(name.split())
        if name and name.lower() != child and name.lower() not in found and name != "system":
            found[name.lower()] = (name, label)

    for sent, definition in sent_forms:
        for field in definition.all_fields():
            value = sent["answers"].get(field["name"])
            pairs = [(field, value)]
            if field_type(field).is_group and isinstance(value, list):
                pairs = [
                    (s, item.get(s["name"])) for item in value for s in field.get("fields", [])
                ]
            for one, answer in pairs:
                if field_type(one).names_person:
                    label = "Another child" if "child" in one["name"] else "Professional"
                    note(person(answer), AUTO_LABELS.get(one["name"], label))
    for given in (case.get("signoffs") or {}).values():
        note(str(given.get("by") or ""), "Partner lead")
    for view in [*(case.get("views") or {}).values(), *(case.get("view_history") or [])]:
        note(str(view.get("by") or ""), "Partner lead")
    for event in case.get("events") or []:
        note(str(event.get("by") or ""), "Professional")
    if author:
        note(str(author.get("name") or ""), ROLE_TITLES.get(author.get("role", ""), "Professional"))
    known = {e["real"].lower() for e in register}
    names = [(n, label) for key, (n, label) in found.items() if key not in known]
    counts: dict[str, int] = {}
    for _, label in names:
        counts[label] = counts.get(label, 0) + 1
    numbered: dict[str, int] = {}
    result = []
    for name, label in names:
        numbered[label] = numbered.get(label, 0) + 1
        pseudonym = f"{label} {numbered[label]}" if counts[label] > 1 else label
        kind = "child" if label == "Another child" else "professional"
        result.append({"real": name, "pseudonym": pseudonym, "kind": kind, "source": label})
    return result


def redactor_for(register: list[dict[str, str]], automatic: list[dict[str, str]]) -> Redactor:
    """Build the redactor for a case: the register first, then names found automatically."""
    pairs = [(e["real"], e["pseudonym"]) for e in register + automatic]
    titled = [
        (e["real"].split()[-1], e["pseudonym"])
        for e in register + automatic
        if e["kind"] in ("family", "professional") and len(e["real"].split()) > 1
    ]
    return Redactor(pairs, titled)


def _family(
    case_facts: dict[str, Any], child: dict[str, Any], register: list[dict[str, str]]
) -> dict[str, Any]:
    """Describe the family: who a letter is addressed to, its members, and its facts."""
    members = [e for e in register if e["kind"] == "family"]
    names = " and ".join(e["real"] for e in members)
    return {
        **case_facts,
        "addressee": names or (f"The family of {child['name']}" if child["name"] else "The family"),
        "salutation": names
        or (f"{child['given_names']}'s family" if child["given_names"] else "family"),
        "members": [{"name": e["real"], "pseudonym": e["pseudonym"]} for e in members],
        "address": list(child["address"]),
    }


def current_review(
    sent_forms: list[tuple[dict[str, Any], FormDefinition]],
) -> dict[str, Any] | None:
    """Return the rapid review the partners sign now: the case's latest one (forms are in order)."""
    found = [s for s, _ in sent_forms if s["form_id"] == signoff.RAPID_REVIEW_FORM]
    return found[-1] if found else None


def _requests_documents() -> Any:
    """Return the information requests' part of the context (imported when first needed)."""
    from cspr.requests import documents

    return documents


def build_context(
    case: dict[str, Any],
    sent_forms: list[tuple[dict[str, Any], FormDefinition]],
    settings: Settings,
    *,
    template: dict[str, str],
    author: dict[str, Any],
    register: list[dict[str, str]],
    anonymised: bool,
    today: date,
) -> tuple[dict[str, Any], Redactor | None]:
    """Build a template's context for a case; anonymised, also return the redactor used."""
    views = [form_view(s, d, anonymised) for s, d in sent_forms]
    fields = bound_fields(sent_forms)
    count = len(casefacts.children(case))
    children = [child_values(case, n, fields, anonymised) for n in range(count)]
    child = children[0] if children else child_values(case, 0, fields, anonymised)
    child["pseudonym"] = next((e["pseudonym"] for e in register if e["kind"] == "child"), "")
    groups = fact_groups(case, fields)
    family = _family(groups.pop("family", {}), child, register)
    context: dict[str, Any] = {
        **groups,  # incident, notification, agencies, decision, panel, review, actions
        "partnership": {
            **settings.partnership,
            "decision_rule": decisions.RULES.get(settings.decision_rule, ""),
            "signoffs_required": settings.signoffs_required,
        },
        "today": today.isoformat(),
        "document": {
            "title": template["title"],
            "template_id": template["id"],
            "anonymised": anonymised,
            "label": "Anonymised version" if anonymised else "Full version: contains names",
            "date": today.isoformat(),
            "prepared_by": {
                "name": author.get("name", ""),
                "role": ROLE_TITLES.get(author.get("role", ""), ""),
            },
        },
        "case": case_values(case, current_review(sent_forms), settings.decision_rule,
                            settings.signoffs_required, today),  # fmt: skip
        "child": child,
        "children": children,
        "family": family,
        "people": [
            {
                "name": e["real"],
                "pseudonym": e["pseudonym"],
                "kind": e["kind"],
                "kind_text": KINDS.get(e["kind"], ""),
            }
            for e in register
        ],  # fmt: skip
        "forms": {view["form_id"]: view for view in views},  # later forms replace earlier
        "submissions": views,
        # Each agency's summary for the rapid review, from the information requests.
        "agency_summaries": _requests_documents().for_context(sent_forms),
    }
    redactor = None
    if anonymised:
        redactor = redactor_for(register, found_names(case, sent_forms, register, author))
        return map_strings(context, redactor.apply), redactor
    return context, None
