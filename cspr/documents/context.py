"""What a template reads: the case, its forms, the partnership and the document being made.

Everything here is plain data (text, numbers, yes/no, lists and dictionaries), so a template
can only read values, never reach code. The anonymised version is the same context with
every string passed through the case's redactor, and identifying details withheld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER, PARTNERS
from cspr.casework import casefacts, deadlines, decisions, signoff, stages
from cspr.casework.catalog import DECISIONS, choice_label
from cspr.documents.pseudonyms import KINDS, Redactor
from cspr.documents.sandbox import map_strings
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.summary import display
from cspr.timeutil import UK

WITHHELD = "[withheld]"
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
    "la_lead_name": "Local authority lead",
    "police_lead_name": "Police lead",
    "icb_lead_name": "ICB lead",
    "chair_name": "Independent chair",
}
# The names templates use for the case's key dates, and the facts they come from.
KEY_DATES = {
    "aware": "dates.la_aware",
    "notified": "dates.notified",
    "rapid_review_done": "dates.rapid_review_sent",
    "commissioned": "dates.commissioned",
    "planned_publication": "dates.planned_publication",
    "panel_notice_sent": "dates.final_report_sent",
    "published": "dates.published",
}
KEY_DATE_KEYS = tuple(KEY_DATES)


@dataclass(frozen=True)
class Settings:
    """The partnership's settings that documents use."""

    partnership_name: str
    decision_rule: str
    signoffs_required: int
    closures: frozenset[date]
    start_is_day_zero: bool


def uk_day(moment: str | None) -> str:
    """Return the UK calendar day (ISO) of a stored UTC time, or "" for none."""
    if not moment:
        return ""
    return datetime.fromisoformat(moment).astimezone(UK).date().isoformat()


def person(value: Any) -> str:
    """Return a person's name answer as one string."""
    if not isinstance(value, dict):
        return ""
    return " ".join(str(value.get(p) or "").strip() for p in ("given_names", "family_name")).strip()


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


def _child(case: dict[str, Any]) -> dict[str, Any]:
    """Describe the child from the case's facts."""
    name = casefacts.get(case, "child.name") or {}
    address = casefacts.get(case, "child.address") or {}
    lines = [
        str(address[p]) for p in ("line1", "line2", "town", "county", "postcode") if address.get(p)
    ]

    def shown(fact: str) -> str:
        value = casefacts.get(case, fact)
        return casefacts.display(fact, value) if casefacts.is_set(value) else ""

    return {
        "name": person(name),
        "given_names": str(name.get("given_names") or ""),
        "family_name": str(name.get("family_name") or ""),
        "date_of_birth": str(casefacts.get(case, "child.date_of_birth") or ""),
        "gender": shown("child.gender"),
        "ethnicity": shown("child.ethnicity"),
        "address": lines,
        "address_text": ", ".join(lines),
    }


def _case(case: dict[str, Any], settings: Settings, today: date) -> dict[str, Any]:
    """Describe the case from its facts: stage, decision, dates, deadlines, views and timeline."""
    key_dates = {k: str(casefacts.get(case, fact) or "") for k, fact in KEY_DATES.items()}
    found = {d.key: d for d in deadlines.deadlines(case, today)}
    due = {key: found[key].status.due.isoformat() if key in found else ""
           for key in ("notification", "rapid_review", "publication", "panel_notice")}  # fmt: skip
    views = decisions.partner_views(case)
    outcome = decisions.outcome(views, settings.decision_rule)
    delays = [
        {
            "reason": d.get("reason", ""),
            "approved_by": d.get("approved_by", ""),
            "new_date": d.get("new_date", ""),
            "recorded_on": uk_day(d.get("recorded_at")),
        }
        for d in case.get("delays") or []
    ]
    done = [t for t in case.get("tasks") or [] if t.get("kind") == "reconvene" and t.get("outcome")]
    last = done[-1] if done else {}
    decision = str(casefacts.get(case, "decision.outcome") or "")
    panel_view = str(casefacts.get(case, "panel.response") or "")
    review = signoff.current_review(case["id"])
    return {
        "reference": case["reference"],
        "stage": case["stage"],
        "stage_label": stages.label(case["stage"]),
        "opened_on": uk_day(case.get("opened_at")),
        "decision": decision,
        "decision_text": choice_label("decision.outcome", decision),
        "decision_on": str(casefacts.get(case, "dates.decision") or ""),
        "decision_rationale": str(casefacts.get(case, "decision.rationale") or ""),
        "panel_view": panel_view,
        "panel_view_text": {"agree": "The Panel agreed", "challenge": "The Panel challenged"}.get(
            panel_view, ""
        ),
        "key_dates": key_dates,
        "due": due,
        "deadlines": [
            {"name": d.name, "due": d.status.due.isoformat(), "status": d.status.phrase}
            for d in found.values()
        ],
        "notifiability": {"result": outcome.result, "explanation": outcome.explanation},
        "partner_views": [
            {
                "partner": PARTNERS[k],
                "view": v["view"],
                "view_text": "Notifiable" if v["view"] == "notifiable" else "Not notifiable",
                "rationale": v.get("rationale", ""),
                "on": uk_day(v.get("at")),
            }
            for k, v in views.items()
        ],
        "signoffs": [
            {"partner": PARTNERS.get(k, k), "by": s.get("by", ""), "on": uk_day(s.get("at"))}
            for k, s in signoff.valid(case, review).items()
        ],
        "delays": delays,
        "latest_delay": delays[-1]
        if delays
        else dict.fromkeys(("reason", "approved_by", "new_date", "recorded_on"), ""),
        "reconvened": {
            "outcome": last.get("outcome", ""),
            "justification": last.get("justification", ""),
            "revised_text": dict(DECISIONS).get(last.get("revised") or "", ""),
        },
        "timeline": [
            {"on": uk_day(e.get("at")), "text": e.get("text", ""), "by": e.get("by", "")}
            for e in case.get("events") or []
        ],
    }


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
    child = _child(case)
    child["pseudonym"] = next((e["pseudonym"] for e in register if e["kind"] == "child"), "")
    members = [e for e in register if e["kind"] == "family"]
    if anonymised:
        child.update(date_of_birth="", address=[WITHHELD], address_text=WITHHELD)
    context = {
        "partnership": {
            "name": settings.partnership_name,
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
        "case": _case(case, settings, today),
        "child": child,
        "family": {
            "addressee": " and ".join(e["real"] for e in members)
            or f"The family of {child['name']}".strip(),
            "salutation": " and ".join(e["real"] for e in members)
            or (f"{child['given_names']}'s family" if child["given_names"] else "family"),
            "members": [{"name": e["real"], "pseudonym": e["pseudonym"]} for e in members],
            "address": list(child["address"]),
        },
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
