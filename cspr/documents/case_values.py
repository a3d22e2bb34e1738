"""What templates read about a case: its facts and casework's records, never form field names.

Every case fact is a template value under its own name ("decision.rationale",
"review.lead_reviewer_independent"), with three exceptions: the key dates are under
"case.dates" ("dates.notified" is "case.dates.notified"); the facts about a child are under
"child" for the first child and in the list "children" for each; and the family's facts sit
beside the letter's addressee under "family". A fact held as a code or a yes or no has a
companion "<name>_text" in words ("decision.outcome_text"). A fact the case does not hold is
empty (""), so a template can leave out what is missing with {%p if ... %}.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cspr.auth.roles import PARTNERS
from cspr.casework import casefacts, deadlines, decisions, signoff, stages, tracks
from cspr.casework.bindings import bindings
from cspr.casework.catalog import DECISIONS, FACTS, Fact, choice_label
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import FieldType, field_type, known
from cspr.formengine.fieldtypes.booleans import BooleanType
from cspr.formengine.summary import display
from cspr.timeutil import UK

WITHHELD = "[withheld]"
DATES = "dates"
DUE = ("notification", "rapid_review", "publication", "panel_notice")
Fields = dict[str, dict[str, Any]]  # fact name -> the question bound to it, for its words


def _types(spec: Fact) -> list[FieldType]:
    """Return the field types a question bound to the fact may have."""
    return [field_type(t) for t in spec.field_types if known({"type": t})]


def worded(spec: Fact) -> bool:
    """Say whether a fact also has "<name>_text": it is held as option codes or a yes or no."""
    return spec.choices != () or any(t.has_options for t in _types(spec))


def _withheld(spec: Fact, fields: Fields) -> bool:
    """Say whether a child's fact identifies them: a date of birth, or a withheld answer type."""
    field = fields.get(spec.name)
    return spec.key == "date_of_birth" or (
        field is not None and known(field) and field_type(field).withheld)  # fmt: skip


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


def bound_fields(sent_forms: list[tuple[dict[str, Any], FormDefinition]]) -> Fields:
    """Return, for each fact, a question bound to it in the case's forms (the latest wins)."""
    found: Fields = {}
    for _, definition in sent_forms:
        for binding in bindings(definition):
            found[binding.fact] = binding.field
    return found


def words(name: str, value: Any, fields: Fields) -> str:
    """Write a fact's value in words for a sentence or a table; "" when it is not held."""
    spec = FACTS[name]
    if not casefacts.is_set(value):
        return ""
    if spec.choices:
        return choice_label(name, value) or str(value)
    kind = field_type(fields[name]) if name in fields and known(fields[name]) else None
    if kind is not None and not kind.is_group and not isinstance(kind, BooleanType):
        return display(fields[name], value)  # the question's own words for its options
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return casefacts.display(name, value)  # a yes or no as Yes or No


def _address_lines(value: Any) -> list[str]:
    """Return an address fact a line each."""
    if not isinstance(value, dict):
        return []
    return [str(value[p]) for p in ("line1", "line2", "town", "county", "postcode") if value.get(p)]


def plain(value: Any) -> Any:
    """Return a fact's value as templates hold it: names whole, addresses as lines, "" unset."""
    if isinstance(value, dict):
        return person(value) if {"given_names", "family_name"} & set(value) else (
            _address_lines(value))  # fmt: skip
    if isinstance(value, list):
        return list(value)
    return value if casefacts.is_set(value) else ""


def _put(holder: dict[str, Any], key: str, name: str, value: Any, fields: Fields) -> None:
    """Put one fact, and its words where it has them, into a group of template values."""
    holder[key] = plain(value)
    if worded(FACTS[name]):
        holder[f"{key}_text"] = words(name, value, fields)


def fact_groups(case: dict[str, Any], fields: Fields) -> dict[str, dict[str, Any]]:
    """Return every fact not about a child, grouped by the first part of its name."""
    groups: dict[str, dict[str, Any]] = {}
    for name, spec in FACTS.items():
        group, key = name.split(".", 1)
        if spec.per_child or group == DATES:
            continue
        _put(groups.setdefault(group, {}), key, name, casefacts.get(case, name), fields)
    return groups


def child_values(
    case: dict[str, Any], number: int, fields: Fields, anonymised: bool
) -> dict[str, Any]:
    """Describe one child from the case's facts (the first child is number 0)."""
    values: dict[str, Any] = {}
    for name, spec in FACTS.items():
        if spec.per_child:
            _put(values, spec.key, name, casefacts.get(case, name, number), fields)
    held = casefacts.get(case, "child.name", number) or {}
    values["name"] = person(held)
    values["given_names"] = str(held.get("given_names") or "")
    values["family_name"] = str(held.get("family_name") or "")
    age = casefacts.age_at(case, casefacts.get_date(case, "incident.date"), number)
    values["age"] = "" if age is None else age
    values["address"] = values["address"] or []
    values["address_text"] = ", ".join(values["address"])
    if anonymised:
        values.update({s.key: WITHHELD for s in FACTS.values()
                       if s.per_child and _withheld(s, fields)})  # fmt: skip
        values.update(address=[WITHHELD], address_text=WITHHELD)
    return values


def _delay(delay: dict[str, Any]) -> dict[str, str]:
    """Describe one approved delay to the local review."""
    return {
        "reason": delay.get("reason", ""),
        "approved_by": delay.get("approved_by", ""),
        "new_date": delay.get("new_date", ""),
        "panel_told": delay.get("panel_told", ""),
        "sos_told": delay.get("sos_told", ""),
        "recorded_on": uk_day(delay.get("recorded_at")),
    }


def _notification(case: dict[str, Any]) -> dict[str, Any]:
    """Describe the local authority's record that it notified, or empty values if none."""
    record = case.get("notification") or {}
    return {
        "on": str(record.get("on") or ""),
        "reference": str(record.get("reference") or ""),
        "by": str(record.get("by") or ""),
        "without_agreement": bool(record.get("without_agreement")),
        "reason": str(record.get("reason") or ""),
    }


def _signoffs(case: dict[str, Any], review: dict[str, Any] | None) -> list[dict[str, str]]:
    """List the sign-offs of the rapid review version sent last (earlier versions' do not count)."""
    return [
        {"partner": PARTNERS.get(k, k), "by": s.get("by", ""), "on": uk_day(s.get("at")),
         "comment": s.get("comment", ""), "version": s.get("version", {}).get("reference", "")}
        for k, s in signoff.valid(case, review).items()
    ]  # fmt: skip


def case_values(
    case: dict[str, Any],
    review: dict[str, Any] | None,
    rule: str,
    signoffs_required: int,
    today: date,
) -> dict[str, Any]:
    """Describe the case: stage, dates, deadlines, views, notification, sign-offs, delays."""
    found = {d.key: d for d in deadlines.deadlines(case, today)}
    views = decisions.partner_views(case)
    outcome = decisions.outcome(views, rule)
    delays = [_delay(d) for d in case.get("delays") or []]
    done = [t for t in case.get("tasks") or [] if t.get("kind") == "reconvene" and t.get("outcome")]
    last = done[-1] if done else {}
    given = _signoffs(case, review)
    return {
        "reference": case["reference"],
        "stage": case["stage"],
        "stage_label": stages.label(case["stage"]),
        "track_text": tracks.label(case),
        "opened_on": uk_day(case.get("opened_at")),
        "dates": {name.split(".", 1)[1]: str(casefacts.get(case, name) or "")
                  for name in FACTS if name.startswith(f"{DATES}.")},  # fmt: skip
        "due": {key: found[key].status.due.isoformat() if key in found else "" for key in DUE},
        "deadlines": [
            {"name": d.name, "due": d.status.due.isoformat(), "status": d.status.phrase,
             "kind": d.kind}
            for d in found.values()
        ],  # fmt: skip
        "notifiability": {"result": outcome.result, "explanation": outcome.explanation},
        "partner_views": [
            {"partner": PARTNERS[k], "view": v["view"],
             "view_text": "Notifiable" if v["view"] == "notifiable" else "Not notifiable",
             "rationale": v.get("rationale", ""), "on": uk_day(v.get("at")),
             "by": v.get("by", "")}
            for k, v in views.items()
        ],  # fmt: skip
        "notification": _notification(case),
        "rapid_review": {"reference": str((review or {}).get("reference") or ""),
                         "sent_on": uk_day((review or {}).get("submitted_at"))},  # fmt: skip
        "signoffs": given,
        "signed_off": review is not None and len(given) >= signoffs_required,
        "delays": delays,
        "latest_delay": delays[-1] if delays else dict.fromkeys(_delay({}), ""),
        "reconvened": {
            "outcome": last.get("outcome", ""),
            "justification": last.get("justification", ""),
            "revised_text": dict(DECISIONS).get(last.get("revised") or "", ""),
            "met_on": last.get("met_on", ""),
        },
        "timeline": [
            {"on": uk_day(e.get("at")), "text": e.get("text", ""), "by": e.get("by", "")}
            for e in case.get("events") or []
        ],
    }


def fact_path(name: str) -> str:
    """Return where templates read a fact: "case.dates.notified" for "dates.notified"."""
    return f"case.{name}" if name.startswith(f"{DATES}.") else name


def read_as_fact(field: dict[str, Any]) -> str:
    """Return the fact a form question is read as in templates, or "" for narrative answers.

    A question bound to a case fact is read as that fact, never as a form answer, so a letter
    says what the case holds. Repeating groups stay form answers: their rows hold narrative.
    """
    name = field.get("case_fact")
    if name in FACTS and known(field) and not field_type(field).is_group:
        return str(name)
    return ""
