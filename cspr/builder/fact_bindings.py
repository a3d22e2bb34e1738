"""Case-fact bindings in the builder: show them, set them, move them, and guard the needed ones.

A question bound to a case fact ("case_fact" in its definition) fills that fact when the form
is sent, or is filled in from it, or both. The binding is part of the question, so relabelling
or renaming the question keeps it. The shipped process reads some facts (the aware date starts
the notification clock): an edit, a publish or an archive that would leave no question writing
such a fact, where one wrote it before, is refused with the reason.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cspr.builder.edits import Doc, Field, find_field
from cspr.casework.bindings import GROUP_FACTS, LISTS
from cspr.casework.catalog import CHILDREN, FACTS, NEEDED
from cspr.exceptions import Refused
from cspr.formengine.fieldtypes import field_type, known

READ, WRITE, BOTH = "read", "write", "read_write"
USES = {
    BOTH: ("Both", "The question starts filled in from the case, and sending the form updates "
                   "the case."),  # fmt: skip
    READ: ("Read only", "The question starts filled in from the case. Sending the form does not "
                        "change the case."),  # fmt: skip
    WRITE: ("Write only", "The question starts empty, and sending the form fills in or updates "
                          "the case."),  # fmt: skip
}
SUMMARY = {
    BOTH: "Filled in from and updates the case fact",
    READ: "Filled in from the case fact",
    WRITE: "Fills and updates the case fact",
}
GROUP_LABELS = {CHILDREN: "The children (each item is one child)",
                "agency.name": "The agency's name", "action.status": "The action's status"}
MOVE_OR_BIND = "Bind another question to it first, or move the binding."


@dataclass(frozen=True)
class Bound:
    """One question of a definition bound to a fact, with whether sending it changes the case."""

    path: str  # "name", or "group.name" for a question in a repeating group
    label: str
    kind: str
    fact: str
    use: str
    writes: bool


def fact_label(name: str, top_level: bool = True) -> str:
    """Name a fact in plain English, as the builder offers it."""
    if name in GROUP_LABELS:
        return GROUP_LABELS[name]
    spec = FACTS.get(name)
    if spec is None:
        return name
    return f"{spec.label} (the first child)" if spec.per_child and top_level else spec.label


def _use(field: Field) -> str:
    use = field.get("case_fact_use", BOTH)
    return use if use in USES else BOTH


def _fields(doc: Any) -> Iterator[Field]:
    """Yield the top-level fields of a definition, skipping anything malformed."""
    pages = doc.get("pages") if isinstance(doc, dict) else None
    for page in pages if isinstance(pages, list) else []:
        fields = page.get("fields") if isinstance(page, dict) else None
        yield from (f for f in (fields if isinstance(fields, list) else []) if isinstance(f, dict))


def bound_questions(doc: Any) -> list[Bound]:
    """Return every bound question, with group questions as casework reads them."""
    found: list[Bound] = []
    for field in _fields(doc):
        name, fact = str(field.get("name")), field.get("case_fact")
        if isinstance(fact, str) and fact:
            found.append(Bound(name, str(field.get("label") or name), str(field.get("type")),
                               fact, _use(field), _use(field) != READ))  # fmt: skip
        if fact not in GROUP_FACTS or not isinstance(field.get("fields"), list):
            continue
        for sub in field["fields"]:
            if isinstance(sub, dict) and isinstance(sub.get("case_fact"), str):
                # A child's answer reaches the case only if the group's rows do too.
                writes = _use(field) != READ and _use(sub) != READ
                found.append(Bound(f"{name}.{sub.get('name')}",
                                   str(sub.get("label") or sub.get("name")), str(sub.get("type")),
                                   sub["case_fact"], _use(sub), writes))  # fmt: skip
    return found


def needed_writers(doc: Any) -> dict[str, list[Bound]]:
    """Return, for each fact the shipped process needs, the questions that write it."""
    found: dict[str, list[Bound]] = {}
    for bound in bound_questions(doc):
        if bound.writes and bound.fact in NEEDED:
            found.setdefault(bound.fact, []).append(bound)
    return found


def why_needed(fact: str) -> str:
    """Say in plain English what depends on a needed fact."""
    spec = FACTS[fact]
    if spec.statutory and fact.startswith("dates."):  # the key dates start and stop clocks
        return "the statutory clocks use"
    if spec.statutory:
        return "the statutory process depends on"
    return "the case's tasks, letters and records use"


def _types(doc: Any) -> dict[str, str]:
    """Map each question's path to its type."""
    types: dict[str, str] = {}
    for field in _fields(doc):
        types[str(field.get("name"))] = str(field.get("type"))
        for sub in field.get("fields", []) if isinstance(field.get("fields"), list) else []:
            if isinstance(sub, dict):
                types[f"{field.get('name')}.{sub.get('name')}"] = str(sub.get("type"))
    return types


def lost(before: Any, after: Any) -> list[tuple[Bound, str]]:
    """List the needed bindings an edit drops: (binding, "removed", "unbound" or "retyped")."""
    was, now, types = needed_writers(before), needed_writers(after), _types(after)
    found: list[tuple[Bound, str]] = []
    for fact, writers in was.items():
        for bound in writers:
            others = [b for b in now.get(fact, []) if b.path != bound.path]
            if others:
                continue
            if bound.path not in types:
                found.append((bound, "removed"))
            elif types[bound.path] != bound.kind:
                found.append((bound, "retyped"))
            elif not now.get(fact):
                found.append((bound, "unbound"))
            else:
                continue
            break  # one question named per fact is enough
    return found


def explain(bound: Bound, how: str, this: bool = False) -> str:
    """Say why a needed binding cannot go, naming the question and the fact."""
    label = fact_label(bound.fact, top_level="." not in bound.path)
    fills = f"fills '{label}', which {why_needed(bound.fact)}."
    if this:
        return f"This question {fills}"
    what = {"removed": f"The question '{bound.label}' cannot be removed",
            "retyped": f"The type of the question '{bound.label}' cannot change",
            "unbound": f"The binding of the question '{bound.label}' cannot be removed"}[how]
    return f"{what}: it {fills}"


def refusal(dropped: list[tuple[Bound, str]]) -> str:
    """Return the message refusing an edit that drops needed bindings."""
    text = " ".join(explain(bound, how) for bound, how in dropped)
    if len(dropped) == 1:
        return f"{text} {MOVE_OR_BIND}"
    return f"{text} Bind other questions to these facts first, or move the bindings."


def blocked(doc: Doc, edit: Callable[[Doc], Any], this: bool = False) -> str:
    """Say why an edit would be refused for dropping needed bindings, or return ""."""
    trial = copy.deepcopy(doc)
    try:
        edit(trial)
    except Refused:
        return ""  # refused for another reason, which the change itself will give
    dropped = lost(doc, trial)
    if this and len(dropped) == 1:
        return f"{explain(*dropped[0], this=True)} {MOVE_OR_BIND}"
    return refusal(dropped) if dropped else ""


def keep_needed(before: Any, after: Any) -> None:
    """Refuse an edit that leaves no question writing a needed fact the form used to write."""
    dropped = lost(before, after)
    if dropped:
        raise Refused(refusal(dropped))


# --- What the builder shows and offers ----------------------------------------------------


def _holder(doc: Doc, path: str) -> Field | None:
    """Return the repeating group a question sits in, or None for a top-level question."""
    return find_field(doc, path.split(".")[0])[2] if "." in path else None


def summary(field: Field, group: Field | None = None) -> str:
    """Describe a question's binding in a line ("Fills and updates the case fact: ...")."""
    fact = field.get("case_fact")
    if not isinstance(fact, str) or not fact:
        return ""
    text = f"{SUMMARY[_use(field)]}: {fact_label(fact, group is None)}"
    if group is not None and group.get("case_fact") not in GROUP_FACTS:
        text += " (no effect until the group is bound to a case fact)"
    return text


def fact_choices(doc: Doc, path: str) -> list[tuple[str, str]]:
    """Offer the facts this question may be bound to: those whose answers fit its type."""
    field = find_field(doc, path)[2]
    group = _holder(doc, path)
    if not known(field) or not field_type(field).answered:
        return []
    kind = field["type"]
    if group is not None:
        bound_to = group.get("case_fact")
        if bound_to == CHILDREN:
            return [(n, f.label) for n, f in FACTS.items() if f.per_child and kind in f.field_types]
        if bound_to in LISTS:
            return [(LISTS[bound_to], fact_label(LISTS[bound_to]))]
        return []
    found = [(CHILDREN, fact_label(CHILDREN))] if field_type(field).is_group else []
    return found + [(n, fact_label(n)) for n, f in FACTS.items() if kind in f.field_types]


def move_choices(doc: Doc, path: str) -> list[tuple[str, str]]:
    """Offer the questions a binding may move to: beside it, of a type that fits the fact."""
    fact = find_field(doc, path)[2].get("case_fact")
    group = _holder(doc, path)
    siblings = group.get("fields", []) if group is not None else list(_fields(doc))
    prefix = f"{group['name']}." if group is not None else ""
    found = []
    for other in siblings:
        other_path = prefix + str(other["name"])
        if other_path != path and fact in dict(fact_choices(doc, other_path)):
            label = str(other.get("label") or other["name"])
            if other.get("case_fact"):  # moving replaces its own binding
                label += f" (now bound to '{fact_label(other['case_fact'], group is None)}')"
            found.append((other_path, label))
    return found


def _unbind(field: Field) -> None:
    """Take a question's binding away (a group's questions lose theirs too)."""
    field.pop("case_fact", None)
    field.pop("case_fact_use", None)
    for sub in field.get("fields", []):
        sub.pop("case_fact", None)
        sub.pop("case_fact_use", None)


def _bind(field: Field, fact: str, use: str) -> None:
    """Bind a question to a fact with a use (both is the default, so it is left out)."""
    if field.get("case_fact") != fact:
        _unbind(field)
    field["case_fact"] = fact
    if use == BOTH:
        field.pop("case_fact_use", None)
    else:
        field["case_fact_use"] = use


def set_binding(doc: Doc, path: str, fact: str, use: str) -> list[str]:
    """Bind a question; another question writing the fact becomes read only (labels returned)."""
    field = find_field(doc, path)[2]
    if fact not in dict(fact_choices(doc, path)):
        raise Refused("Select a case fact that fits this question", "fact")
    if use not in USES:
        raise Refused("Select whether the question reads the case fact, writes it, or both",
                      "use")  # fmt: skip
    made_read_only = []
    if "." not in path and use != READ:
        # Only one question of a form may change a fact: binding this one takes the writing
        # over, and the other keeps showing the case's value.
        for other in _fields(doc):
            if other is not field and other.get("case_fact") == fact and _use(other) != READ:
                other["case_fact_use"] = READ
                made_read_only.append(str(other.get("label") or other.get("name")))
    _bind(field, fact, use)
    return made_read_only


def remove_binding(doc: Doc, path: str) -> None:
    """Take a question's binding away."""
    field = find_field(doc, path)[2]
    if not field.get("case_fact"):
        raise Refused("This question is not bound to a case fact.")
    _unbind(field)


def move_binding(doc: Doc, path: str, to: str) -> str:
    """Move a question's binding, with its use, to another question; return that one's label."""
    field = find_field(doc, path)[2]
    fact = field.get("case_fact")
    if not fact:
        raise Refused("This question is not bound to a case fact.")
    if to not in dict(move_choices(doc, path)):
        raise Refused("Select a question that fits the case fact", "to")
    target = find_field(doc, to)[2]
    use = _use(field)
    _unbind(field)
    _bind(target, str(fact), use)
    return str(target.get("label") or target.get("name"))


def sole_writers(doc: Any, others: list[Any]) -> list[Bound]:
    """Return a question for each needed fact this form writes and no other form does."""
    elsewhere = {fact for other in others for fact in needed_writers(other)}
    return [writers[0] for fact, writers in needed_writers(doc).items() if fact not in elsewhere]


def retire_refusal(blockers: list[Bound]) -> str:
    """Return the message refusing to archive or delete a form the process depends on."""
    named = "; ".join(f"'{fact_label(b.fact)}' (the question '{b.label}')" for b in blockers)
    return ("This form cannot be archived or deleted: it is the only live form that fills "
            f"case facts the shipped process depends on: {named}. Bind questions of another "
            "live form to them first.")
