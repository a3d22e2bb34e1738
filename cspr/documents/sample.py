"""A fictional case from the demo's stories, for sample renders and the variables page.

Nothing is written to storage: the demo's planned forms are laid out as sent submissions of
an invented case, and the case's dates and decision come from the same rules as real ones.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from cspr.admin.partnership import Details
from cspr.auth.roles import BUSINESS_UNIT
from cspr.casework import bindings, casefacts, signoff
from cspr.demo import answers
from cspr.demo import plans as demo
from cspr.documents.context import Settings, build_context, current_review, partnership_values
from cspr.documents.pseudonyms import Redactor, seed_entries
from cspr.documents.year_context import sample_year
from cspr.formengine import registry
from cspr.formengine.definitions import FormDefinition
from cspr.timeutil import uk_today

STORY = "I"  # a local review delayed by a criminal trial: almost every value has something
EXTRA_FORMS = {"family_contact": "H"}
AUTHOR = {"name": "Bea Example", "role": BUSINESS_UNIT}
PARTNER_KEYS = {"la": "local_authority", "police": "police", "icb": "icb"}


def _staff_name(key: str) -> str:
    """Return the full name of one of the demo's staff."""
    return " ".join(answers.PEOPLE[key][:2])


def _sends(plans: dict[str, demo.CasePlan]) -> list[demo.Send]:
    """Return the demo's planned forms for the sample case, plus two from other stories."""
    plan = plans[STORY]
    sends = [plan.referral, *(s for s in plan.steps if isinstance(s, demo.Send))]
    for form_id, letter in EXTRA_FORMS.items():
        sends += [
            s for s in plans[letter].steps if isinstance(s, demo.Send) and s.form_id == form_id
        ]
    return sends


def sample_case(today: date) -> tuple[dict[str, Any], list[tuple[dict[str, Any], FormDefinition]]]:
    """Return the invented case, its facts taken from its forms as a real case's are."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    plans = {p.letter: p for p in demo.build_plans(today)[0]}
    plan = plans[STORY]
    case: dict[str, Any] = {
        "id": "sample",
        "reference": f"CSPR-{today.year}-0009",
        "stage": plan.stage,
        "opened_at": now,
        "referral_id": "sample-1",
        "facts": {},
        "views": {},
        "signoffs": {},
        "tasks": [],
        "delays": [],
        "events": [{"at": now, "kind": "opened", "text": "Referral received; case opened",
                    "by": "Percy Example"}],
    }  # fmt: skip
    sent_forms = []
    for number, send in enumerate(_sends(plans), start=1):
        definition = registry.live(send.form_id)
        if definition is None:
            continue
        sent = {
            "id": f"sample-{number}",
            "form_id": send.form_id,
            "form_version": definition.version,
            "form_title": definition.title,
            "status": "submitted",
            "answers": send.answers,
            "reference": f"SUB-{today.year}-{number:04d}",
            "submitted_at": now,
            "case_id": "sample",
        }
        proposals = bindings.proposals(definition, send.answers)
        case["facts"], _, _ = casefacts.apply(case, proposals, "Bea Example", "sample", True)
        case["events"].append(
            {"at": now, "kind": "form", "text": f"{sent['form_title']} sent ({sent['reference']})",
             "by": "Bea Example"}
        )  # fmt: skip
        sent_forms.append((sent, definition))
    # The agency summaries sent for the rapid review, from the information requests.
    from cspr.requests.demo import sample_summaries

    sent_forms += sample_summaries(case, today)
    review = current_review(sent_forms)
    for step in plan.steps:
        if isinstance(step, demo.KeyDate):
            case["facts"][step.fact] = step.when.isoformat()
        elif isinstance(step, demo.Notify):
            case["facts"].update({"dates.notified": step.when.isoformat(),
                                  "notification.reference": step.reference})  # fmt: skip
            case["notification"] = {"on": step.when.isoformat(), "reference": step.reference,
                                    "by": _staff_name("la"), "at": now,
                                    "without_agreement": bool(step.reason),
                                    "reason": step.reason}  # fmt: skip
        elif isinstance(step, demo.View):
            partner = PARTNER_KEYS[step.who]
            case["views"][partner] = {"partner": partner, "by": _staff_name(step.who), "at": now,
                "rationale": step.reason,
                "view": "notifiable" if step.notifiable else "not_notifiable"}  # fmt: skip
        elif isinstance(step, demo.SignOff) and review is not None:
            partner = PARTNER_KEYS[step.who]
            case["signoffs"][partner] = {"partner": partner, "by": _staff_name(step.who),
                                         "at": now, "version": signoff.version(review),
                                         "comment": ""}  # fmt: skip
        elif isinstance(step, demo.Delay):
            case["delays"].append(
                {"reason": step.reason, "approved_by": step.approved_by,
                 "new_date": step.new_date.isoformat(), "recorded_at": now,
                 "panel_told": step.told.isoformat(), "sos_told": step.told.isoformat()}
            )  # fmt: skip
    return case, sent_forms


def sample_register(case: dict[str, Any], referral: dict[str, Any] | None) -> list[dict[str, str]]:
    """Return the sample case's pseudonym register: the child, and one invented parent."""
    family = (casefacts.get(case, "child.name") or {}).get("family_name", "")
    entries = seed_entries(case, referral)
    entries.append({"real": f"Sam {family}".strip(), "pseudonym": "Parent", "kind": "family"})
    return entries


def _invented_details() -> dict[str, Any]:
    """Return the demo partnership's details as templates read them."""
    values = answers.PARTNERSHIP_DETAILS
    return partnership_values(Details(
        name=values["name"],
        address={p: values[f"address_{p}"] for p in ("line1", "line2", "town", "county",
                                                      "postcode")},
        email=values["email"], phone=values["phone"],
        family_contact={p: values[f"contact_{p}"] for p in ("name", "role", "email", "phone")},
    ))  # fmt: skip


def sample_settings(settings: Settings) -> Settings:
    """Fill what the partnership has not set yet with the demo's invented details."""
    invented = _invented_details()
    partnership = {k: v or invented[k] for k, v in settings.partnership.items()}
    if not settings.partnership["family_contact"]["name"]:
        partnership["family_contact"] = invented["family_contact"]
    return replace(settings, partnership=partnership)


def sample_context(
    settings: Settings, template: dict[str, str], anonymised: bool = False
) -> tuple[dict[str, Any], Redactor | None]:
    """Return a template's context for the invented case (the partnership's own details)."""
    settings = sample_settings(settings)
    today = uk_today()
    case, sent_forms = sample_case(today)
    referral = sent_forms[0][0] if sent_forms else None
    context, redactor = build_context(
        case,
        sent_forms,
        settings,
        template=template,
        author=AUTHOR,
        register=sample_register(case, referral),
        anonymised=anonymised,
        today=today,
    )
    # Invented yearly figures too, for yearly report templates (year_context.py).
    return {**context, "year": sample_year(today)}, redactor
