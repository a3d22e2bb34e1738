"""Each case's anonymisation decisions, and what the detector must know about the case.

A candidate the business unit judges "not identifying for this case" is kept here with who
decided and when, so that it is not raised again for this case (and only this case); a
candidate that does identify someone goes into the pseudonym register instead.
"""

from __future__ import annotations

import re
from typing import Any

from cspr import audit
from cspr.auth.roles import BUSINESS_UNIT
from cspr.casework import casefacts, cases
from cspr.documents.anonymise.detect import KIND_WORDS, CaseWords, key_of
from cspr.documents.case_values import person
from cspr.documents.context import found_names
from cspr.documents.filters import uk_date
from cspr.documents.pseudonyms import MAX_LENGTH
from cspr.exceptions import Forbidden, Refused
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.storage import get_store, transactional

TABLE = "anonymisation_decisions"
# Answers to questions with these words in their name are the case's schools and surgeries.
_PLACE_FIELD = re.compile(r"(?:^|_)(?:school|nursery|college|gp|surgery|setting|street)(?:_|$)")


def decisions(case_id: str) -> list[dict[str, Any]]:
    """Return a case's "not identifying" decisions, oldest first."""
    found = get_store().get(TABLE, case_id)
    return list((found or {}).get("decisions", []))


@transactional
def dismiss(user: dict[str, Any], case_id: str, text: str, kind: str) -> dict[str, Any]:
    """Record that a candidate does not identify anyone in this case (business unit only)."""
    if user["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit decides what identifies someone")
    text = " ".join(text.split())
    if not text or len(text) > MAX_LENGTH or kind not in KIND_WORDS:
        raise Refused("That is not something found in the document: check it again")
    store = get_store()
    decision = {"key": key_of(text), "text": text, "kind": kind, "by": user["id"],
                "by_name": user["name"], "at": cases.now_iso()}  # fmt: skip
    held = store.get(TABLE, case_id)
    if held is None:
        store.insert(TABLE, {"id": case_id, "decisions": [decision]})
    elif all(d["key"] != decision["key"] for d in held["decisions"]):
        store.update(TABLE, case_id, {"decisions": [*held["decisions"], decision]})
    audit.record("not identifying", "pseudonym_register", case_id, {"kind": kind}, user=user)
    return decision


def _answers(sent: dict[str, Any], definition: FormDefinition) -> list[tuple[Any, Any]]:
    """Return every (field, answer) of a sent form, repeating groups' items included."""
    pairs = []
    for field in definition.all_fields():
        value = sent["answers"].get(field["name"])
        if field_type(field).is_group and isinstance(value, list):
            pairs += [(s, item.get(s["name"])) for item in value for s in field.get("fields", [])]
        else:
            pairs.append((field, value))
    return pairs


def _address_details(value: dict[str, Any]) -> list[str]:
    """Return the parts of an address that identify a home: its street and postcode."""
    return [str(value[p]) for p in ("line1", "line2", "postcode") if value.get(p)]


def held_details(case: dict[str, Any],
                 sent_forms: list[tuple[dict[str, Any], FormDefinition]]) -> list[str]:  # fmt: skip
    """Return the schools, surgeries, streets, numbers and birth dates the case holds."""
    found: list[str] = []
    for sent, definition in sent_forms:
        for field, value in _answers(sent, definition):
            if isinstance(value, dict) and "postcode" in value:
                found += _address_details(value)
            elif isinstance(value, str) and field_type(field).withheld:
                found.append(value)
            elif (isinstance(value, str) and len(value.split()) <= 8
                  and _PLACE_FIELD.search(field["name"])):  # a name, not a sentence about one
                found.append(value)
    address = casefacts.get(case, "child.address")
    if isinstance(address, dict):
        found += _address_details(address)
    nhs = casefacts.get(case, "child.nhs_number")
    if nhs:
        found.append(str(nhs))
    born = casefacts.get_date(case, "child.date_of_birth")
    if born:
        found += [uk_date(born), born.strftime("%d/%m/%Y"), born.isoformat()]
    return [d for d in found if d.strip()]


def case_words(
    case: dict[str, Any],
    sent_forms: list[tuple[dict[str, Any], FormDefinition]],
    register: list[dict[str, str]],
    safe: list[str],
) -> CaseWords:
    """Gather what the detector needs for a case: held names and details, and what is safe."""
    automatic = found_names(case, sent_forms, register)
    names = [e["real"] for e in automatic] + [person(casefacts.get(case, "child.name"))]
    pseudonyms = [e["pseudonym"] for e in [*register, *automatic]]
    return CaseWords(
        names=names,
        details=held_details(case, sent_forms),
        safe=[*pseudonyms, *safe],
        dismissed={d["key"] for d in decisions(case["id"])},
    )
