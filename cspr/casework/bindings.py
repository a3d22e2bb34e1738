"""Forms and case facts: which questions a form binds to which facts, declared in the form.

A field carries "case_fact": "<fact name>" and, optionally, "case_fact_use": "read" (filled
from the case but never changes it), "write" (changes the case but starts empty) or the
default "read_write". A repeating group bound to "children" maps its rows to the children,
its sub-fields bound to child facts; one bound to "agencies.involved" takes each row's
sub-field bound to "agency.name".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cspr.casework import casefacts
from cspr.casework.casefacts import Proposal
from cspr.casework.catalog import CHILDREN, FACTS, MAX_CHILDREN
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type

AGENCIES = "agencies.involved"
AGENCY_NAME = "agency.name"
ACTIONS = "actions.statuses"
ACTION_STATUS = "action.status"
# Facts held as a list, each item taken from one question of a repeating group's rows.
LISTS = {AGENCIES: AGENCY_NAME, ACTIONS: ACTION_STATUS}
GROUP_FACTS = (CHILDREN, *LISTS)
KIND_WORDS = {"text": "a text answer", "date": "a date", "time": "a time of day",
              "number": "a number", "choice": "one choice from a list",
              "choices": "choices from a list", "boolean": "a yes or no answer",
              "person": "a person's name", "address": "an address",
              "rows": "a repeating group"}  # fmt: skip


@dataclass(frozen=True)
class Binding:
    """One question bound to a fact."""

    field: dict[str, Any]
    fact: str
    group: dict[str, Any] | None = None  # the repeating group it sits in, if any

    @property
    def reads(self) -> bool:
        """Say whether the question is filled from the case."""
        return self.field.get("case_fact_use", "read_write") in ("read", "read_write")

    @property
    def writes(self) -> bool:
        """Say whether sending the form changes the case fact."""
        return self.field.get("case_fact_use", "read_write") in ("write", "read_write")


def bindings(definition: FormDefinition) -> Iterator[Binding]:
    """Yield every bound question of a form, group rows' questions included."""
    for field in definition.all_fields():
        name = field.get("case_fact")
        if name:
            yield Binding(field, name)
        if field_type(field).is_group and name in GROUP_FACTS:
            for sub in field.get("fields", []):
                if sub.get("case_fact"):
                    yield Binding(sub, sub["case_fact"], field)


def bound_facts(definition: FormDefinition) -> dict[str, str]:
    """Return fact name -> the question bound to it (group questions as "group.question")."""
    found: dict[str, str] = {}
    for binding in bindings(definition):
        where = binding.field["name"]
        if binding.group is not None:
            where = f"{binding.group['name']}.{where}"
        found.setdefault(binding.fact, where)
    return found


def prefill(definition: FormDefinition, case: dict[str, Any]) -> dict[str, Any]:
    """Return answers for a new draft of the form, taken from the case's facts."""
    answers: dict[str, Any] = {}
    for binding in bindings(definition):
        if binding.group is not None or not binding.reads:
            continue
        field, name = binding.field, binding.fact
        if name == CHILDREN:
            rows = [_child_row(field, n, case) for n in range(len(casefacts.children(case)))]
            rows = [row for row in rows if row]
            if rows:
                answers[field["name"]] = rows
        elif name == AGENCIES:
            value = _agencies_answer(field, casefacts.get(case, AGENCIES) or [])
            if casefacts.is_set(value):
                answers[field["name"]] = value
        elif name in FACTS:
            value = casefacts.get(case, name)
            value = _to_answer(field, value)
            if casefacts.is_set(value):
                answers[field["name"]] = value
    return answers


def _to_answer(field: dict[str, Any], value: Any) -> Any:
    """Turn a fact's value into an answer the question takes (yes/no questions hold true)."""
    if field_type(field).answer_kind == "boolean":
        return {"yes": True, "no": False}.get(str(value)) if not isinstance(value, bool) else value
    spec = FACTS.get(str(field.get("case_fact")))
    if spec is not None and spec.aliases and field.get("options"):
        offered = {str(o.get("value")) for o in field["options"]}
        back = {fact: option for option, fact in spec.aliases if option in offered}
        if isinstance(value, list):
            return [back.get(v, v) for v in value]
        return back.get(value, value)
    return value


def _to_fact(field: dict[str, Any], value: Any) -> Any:
    """Turn an answer into the fact's value (yes/no becomes "yes" or "no"; aliases resolved)."""
    if field_type(field).answer_kind == "boolean" and isinstance(value, bool):
        return "yes" if value else "no"
    spec = FACTS.get(str(field.get("case_fact")))
    if spec is not None and spec.aliases:
        names = dict(spec.aliases)
        if isinstance(value, list):
            return [names.get(v, v) for v in value]
        return names.get(value, value)
    return value


def _child_row(group: dict[str, Any], number: int, case: dict[str, Any]) -> dict[str, Any]:
    row = {}
    for sub in group.get("fields", []):
        name = sub.get("case_fact")
        use = sub.get("case_fact_use", "read_write")
        if name in FACTS and FACTS[name].per_child and use != "write":
            value = _to_answer(sub, casefacts.get(case, name, number))
            if casefacts.is_set(value):
                row[sub["name"]] = value
    return row


def _agencies_answer(field: dict[str, Any], names: list[str]) -> Any:
    if not names:
        return None
    kind = field_type(field)
    if kind.is_group:
        sub = next((s["name"] for s in field.get("fields", [])
                    if s.get("case_fact") == AGENCY_NAME), None)  # fmt: skip
        return [{sub: name} for name in names] if sub else None
    if kind.answer_kind == "choices":
        return list(names)
    return "\n".join(names)


def proposals(definition: FormDefinition, answers: dict[str, Any]) -> list[Proposal]:
    """Return the facts a sent form states, to be taken into the case."""
    found: list[Proposal] = []
    for binding in bindings(definition):
        if binding.group is not None or not binding.writes:
            continue
        field, name = binding.field, binding.fact
        value = answers.get(field["name"])
        if not casefacts.is_set(value):
            continue
        if name == CHILDREN and isinstance(value, list):
            for number, row in enumerate(value[:MAX_CHILDREN]):
                for sub in field.get("fields", []):
                    fact = sub.get("case_fact")
                    use = sub.get("case_fact_use", "read_write")
                    if fact in FACTS and FACTS[fact].per_child and use != "read":
                        found.append((fact, number, _to_fact(sub, row.get(sub["name"]))))
        elif name in LISTS:
            items = _list_items(field, value, LISTS[name], distinct=name == AGENCIES)
            if items:
                found.append((name, None, items))
        elif name in FACTS:
            found.append((name, 0 if FACTS[name].per_child else None, _to_fact(field, value)))
    return found


def _list_items(field: dict[str, Any], value: Any, item_fact: str, distinct: bool) -> list[str]:
    """Return a list fact's items: one question of each row, a list's choices, or lines."""
    if isinstance(value, list) and field_type(field).is_group:
        sub = next((s["name"] for s in field.get("fields", [])
                    if s.get("case_fact") == item_fact), None)  # fmt: skip
        raw = [str(row.get(sub) or "") for row in value] if sub else []
    elif isinstance(value, list):
        raw = [str(item) for item in value]
    else:
        raw = re.split(r"[\n,;]", str(value))
    items: list[str] = []
    for item in (" ".join(part.split()).strip(" .") for part in raw):
        if item and not (distinct and item.lower() in {i.lower() for i in items}):
            items.append(item)
    return items


def problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Say, in plain English, what is wrong with a definition's bindings, with where."""
    found: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for page_number, page in enumerate(doc.get("pages", [])):
        for number, field in enumerate(page.get("fields", [])):
            path = f"$.pages[{page_number}].fields[{number}]"
            found += _field_problems(field, None, path, seen)
            for sub_number, sub in enumerate(field.get("fields", [])):
                found += _field_problems(sub, field, f"{path}.fields[{sub_number}]", seen)
    return found


def _field_problems(field: dict[str, Any], group: dict[str, Any] | None, path: str,
                    seen: dict[str, str]) -> list[tuple[str, str]]:  # fmt: skip
    name = field.get("case_fact")
    if not name:
        return []
    where = f"{path}.case_fact"
    label = field.get("label") or field.get("name")
    use = field.get("case_fact_use", "read_write")
    if group is None and name == CHILDREN:
        if not field_type(field).is_group:
            return [(where, f"Only a repeating group can be bound to '{name}': '{label}' is "
                            "not one")]  # fmt: skip
        return []
    if group is not None and group.get("case_fact") in LISTS:
        item = LISTS[group["case_fact"]]
        return [] if name == item else [(where, f"A question in this group can only be bound "
                                         f"to '{item}'")]  # fmt: skip
    spec = FACTS.get(name)
    if spec is None:
        nearest = difflib.get_close_matches(name, list(FACTS), n=1)
        hint = f" Did you mean '{nearest[0]}'?" if nearest else ""
        return [(where, f"'{name}' is not a case fact.{hint}")]
    if group is not None and group.get("case_fact") == CHILDREN and not spec.per_child:
        return [(where, f"'{label}' is in the children's group but '{name}' is not about a "
                        "child")]  # fmt: skip
    kind = field_type(field)
    if kind.answer_kind not in spec.answer_kinds:
        return [(where, f"'{label}' is a {kind.words} question, but '{spec.label}' needs "
                        f"{' or '.join(KIND_WORDS[k] for k in spec.answer_kinds)}")]  # fmt: skip
    if group is None and use != "read":
        if name in seen:
            return [(where, f"Two questions change '{spec.label}': '{seen[name]}' and "
                            f"'{label}'")]  # fmt: skip
        seen[name] = str(label)
    return []
