"""Every value a template can read, with what it means, and the check of a template's paths."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from cspr.casework.catalog import FACTS, Fact
from cspr.documents.case_values import fact_path, read_as_fact, worded
from cspr.documents.sandbox import SAFE_METHODS
from cspr.documents.year_context import YEAR_VARIABLES
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.requests.documents import VARIABLES as REQUEST_VARIABLES

LIST = "[]"
FORM_PARTS = {
    "form_id": "The form's id",
    "title": "The form's title",
    "reference": "The form's reference, like SUB-2026-0042",
    "sent_on": "The date it was sent",
}
_ITEM = "each item: "
_WORDS = ", in words"
# (path, meaning); "[]" marks each item of a list, used inside {% for %} or {%tr for %}.
PARTNERSHIP: list[tuple[str, str]] = [
    ("partnership.name", "The partnership's name"),
    ("partnership.address", "The partnership's postal address, as a list of lines"),
    ("partnership.address_text", "The partnership's postal address on one line"),
    ("partnership.email", "The partnership's contact email address"),
    ("partnership.phone", "The partnership's contact telephone number"),
    ("partnership.family_contact.name", "The contact for families: their name"),
    ("partnership.family_contact.role", "The contact for families: their job title"),
    ("partnership.family_contact.email", "The contact for families: their email address"),
    ("partnership.family_contact.phone", "The contact for families: their telephone number"),
    ("partnership.family_contact.how", "How to reach the contact for families, in words, like "
     "“by telephone on 01632 960 109 or by email at families@example.org”"),
    ("partnership.decision_rule", "How the partners decide that a case is notifiable"),
    ("partnership.signoffs_required", "How many partners must sign off a rapid review"),
    ("today", "The date the document is made (write it with uk_date)"),
    ("document.title", "The template's title"),
    ("document.template_id", "The template's id"),
    ("document.anonymised", "True for the anonymised version, False for the full one"),
    ("document.label", "Which version this is, in words"),
    ("document.date", "The date the document is made"),
    ("document.prepared_by.name", "The name of the person making the document"),
    ("document.prepared_by.role", "Their role"),
]  # fmt: skip
_DELAY_PARTS = (
    ("reason", "the reason"),
    ("approved_by", "who approved it"),
    ("new_date", "the new completion date"),
    ("panel_told", "the date the Panel was told"),
    ("sos_told", "the date the Secretary of State was told"),
    ("recorded_on", "the date it was recorded"),
)
CASE: list[tuple[str, str]] = [
    ("case.reference", "The case reference"),
    ("case.stage", "The case's stage, as a code"),
    ("case.stage_label", "The case's stage, in words"),
    ("case.track_text", "The case's statutory track, in words"),
    ("case.opened_on", "The date the case was opened"),
    *[(fact_path(name), spec.label) for name, spec in FACTS.items()
      if name.startswith("dates.")],
    ("case.due.notification", "When the notification is due: 5 working days after aware"),
    ("case.due.rapid_review", "When the rapid review is due: 15 working days after notifying"),
    ("case.due.publication", "When the review must be published: 6 months after commissioning, "
     "moved only by an approved delay"),
    ("case.due.panel_notice", "Last day to send the report to the Panel: 7 working days before"),
    ("case.deadlines", "The case's deadlines, as a list"),
    ("case.deadlines.[].name", _ITEM + "the deadline's name"),
    ("case.deadlines.[].due", _ITEM + "the date it is due"),
    ("case.deadlines.[].status", _ITEM + "where it stands, in words"),
    ("case.deadlines.[].kind", _ITEM + "Statutory or Local expectation"),
    ("case.notifiability.result", "notifiable, not_notifiable or pending"),
    ("case.notifiability.explanation", "The partnership's position on notifying, explained"),
    ("case.partner_views", "Each statutory partner's view on notification, as a list"),
    ("case.partner_views.[].partner", _ITEM + "the partner"),
    ("case.partner_views.[].view", _ITEM + "notifiable or not_notifiable"),
    ("case.partner_views.[].view_text", _ITEM + "Notifiable or Not notifiable"),
    ("case.partner_views.[].rationale", _ITEM + "the partner's reasons"),
    ("case.partner_views.[].on", _ITEM + "the date the view was given"),
    ("case.partner_views.[].by", _ITEM + "who gave or recorded it"),
    ("case.notification.on", "The date the local authority notified, as it recorded it"),
    ("case.notification.reference", "The national online system's reference for it"),
    ("case.notification.by", "Who recorded the notification"),
    ("case.notification.without_agreement", "True if the local authority notified without the "
     "partnership's agreement"),
    ("case.notification.reason", "The local authority's reason for notifying without it"),
    ("case.rapid_review.reference", "The reference of the rapid review the partners sign now"),
    ("case.rapid_review.sent_on", "The date that version of the rapid review form was sent"),
    ("case.signoffs", "The partners' sign-offs of that version of the rapid review, as a list"),
    ("case.signoffs.[].partner", _ITEM + "the partner"),
    ("case.signoffs.[].by", _ITEM + "who signed off"),
    ("case.signoffs.[].on", _ITEM + "the date"),
    ("case.signoffs.[].comment", _ITEM + "their comment, if any"),
    ("case.signoffs.[].version", _ITEM + "the reference of the version they signed"),
    ("case.signed_off", "True when enough partners have signed off that version"),
    ("case.delays", "Approved delays to the local review, as a list"),
    *[(f"case.{where}.{part}", f"{prefix}{meaning}")
      for where, prefix in (("delays.[]", _ITEM), ("latest_delay", "The latest delay: "))
      for part, meaning in _DELAY_PARTS],
    ("case.reconvened.outcome", "After a Panel challenge: keep or change"),
    ("case.reconvened.justification", "After a Panel challenge: the partners' justification"),
    ("case.reconvened.revised_text", "After a Panel challenge: the new decision, in words"),
    ("case.reconvened.met_on", "After a Panel challenge: the date the partners met again"),
    ("case.timeline", "The case's timeline, as a list"),
    ("case.timeline.[].on", _ITEM + "the date"),
    ("case.timeline.[].text", _ITEM + "what happened"),
    ("case.timeline.[].by", _ITEM + "who did it"),
]  # fmt: skip
_CHILD_EXTRA = (
    ("name", "The child's full name (a pseudonym in the anonymised version)"),
    ("given_names", "The child's given names"),
    ("family_name", "The child's family name"),
    ("address_text", "The child's home address on one line (withheld when anonymised)"),
)


def _fact_rows(name: str, spec: Fact, path: str) -> list[tuple[str, str]]:
    """Return a fact's row, and its row in words where it has one."""
    rows = [(path, spec.label)]
    if worded(spec):
        rows.append((f"{path}_text", spec.label + _WORDS))
    return rows


def _child_rows(prefix: str, item: str) -> list[tuple[str, str]]:
    """Return the rows about a child, under "child." or each item of "children"."""
    rows = [(f"{prefix}.{key}", item + meaning) for key, meaning in _CHILD_EXTRA]
    for name, spec in FACTS.items():
        if spec.per_child and spec.key != "name":
            rows += [(p, item + m) for p, m in _fact_rows(name, spec, f"{prefix}.{spec.key}")]
    return rows


PEOPLE: list[tuple[str, str]] = [
    ("child.pseudonym", "The child's pseudonym from the register, like Child A"),
    *_child_rows("child", ""),
    ("children", "Every child in the notification, as a list (the first is “child”)"),
    *_child_rows("children.[]", _ITEM),
    ("family.addressee", "Who a letter to the family is addressed to"),
    ("family.salutation", "The name after Dear in a letter to the family"),
    ("family.members", "Family members in the pseudonym register, as a list"),
    ("family.members.[].name", _ITEM + "their name"),
    ("family.members.[].pseudonym", _ITEM + "their pseudonym"),
    ("family.address", "The family's address, as a list of lines (withheld when anonymised)"),
    ("people", "Everyone in the pseudonym register, as a list"),
    ("people.[].name", _ITEM + "the real name (the pseudonym when anonymised)"),
    ("people.[].pseudonym", _ITEM + "the pseudonym"),
    ("people.[].kind", _ITEM + "child, family, professional or other"),
    ("people.[].kind_text", _ITEM + "who they are, in words"),
    *REQUEST_VARIABLES,  # the agency summaries, from the information requests
    *YEAR_VARIABLES,  # read by yearly report templates (year_context.py)
]
# Every case fact not about a child or a date, under its own name.
FACT_ROWS: list[tuple[str, str]] = [
    row for name, spec in FACTS.items()
    if not spec.per_child and not name.startswith("dates.")
    for row in _fact_rows(name, spec, fact_path(name))
]  # fmt: skip
STATIC: list[tuple[str, str]] = [*PARTNERSHIP, *CASE, *PEOPLE, *FACT_ROWS]
SECTIONS = (("partnership", "The partnership and the document", PARTNERSHIP),
            ("case", "The case: its dates, deadlines, views, notification, sign-offs and delays",
             CASE),
            ("people", "The child, the family and the people in the register", PEOPLE),
            ("facts", "The case's other facts, each under its own name", FACT_ROWS))  # fmt: skip


def _node() -> dict[str, Any]:
    """Return a new, empty node of the tree of paths."""
    return {}


def _add(tree: dict[str, Any], path: Iterable[str]) -> dict[str, Any]:
    """Add a path to the tree and return its last node."""
    node = tree
    for part in path:
        node = node.setdefault(part, _node())
    return node


def _add_form_fields(node: dict[str, Any], definition: FormDefinition) -> None:
    """Add a form's answers and text, field by field, under a node."""
    for part in ("answers", "text"):
        holder = _add(node, [part])
        for field in definition.all_fields():
            if not field_type(field).answered or read_as_fact(field):
                continue
            target = _add(holder, [field["name"]])
            for sub in field.get("fields", []):
                _add(target, [LIST, sub["name"]])
            if part == "answers":
                for piece in field_type(field).parts:
                    _add(target, [piece])


def known_tree(definitions: Iterable[FormDefinition]) -> dict[str, Any]:
    """Return every path a template may read, as a tree of names."""
    tree: dict[str, Any] = {}
    for path, _ in STATIC:
        _add(tree, path.split("."))
    item = _add(tree, ["submissions", LIST])
    for part in FORM_PARTS:
        _add(item, [part])
    for definition in definitions:
        node = _add(tree, ["forms", definition.id])
        for part in FORM_PARTS:
            _add(node, [part])
        _add_form_fields(node, definition)
        _add_form_fields(item, definition)
    return tree


def unknown_parts(path: tuple[str, ...], tree: dict[str, Any]) -> tuple[str, str, bool] | None:
    """Return (the path as written, the nearest known name, is its parent a leaf), or None."""
    node = tree
    for index, part in enumerate(path):
        if part in node:
            node = node[part]
            continue
        if part in SAFE_METHODS and index == len(path) - 1:
            return None
        written = ".".join(path[: index + 1]).replace(".[]", "[0]")
        near = difflib.get_close_matches(part, [k for k in node if k != LIST], n=1)
        return written, ".".join([*path[:index], near[0]]) if near else "", not node
    return None


def fact_hints(definitions: Iterable[FormDefinition]) -> dict[str, str]:
    """Map each form answer bound to a case fact ("forms.<id>.answers.<name>") to the fact."""
    hints = {}
    for definition in definitions:
        for field in definition.all_fields():
            name = read_as_fact(field)
            if name:
                base = f"forms.{definition.id}"
                words = "_text" if worded(FACTS[name]) else ""
                hints[f"{base}.answers.{field['name']}"] = fact_path(name)
                hints[f"{base}.text.{field['name']}"] = fact_path(name) + words
    return hints


def unknown(path: tuple[str, ...], tree: dict[str, Any], hints: dict[str, str] | None = None
            ) -> str:  # fmt: skip
    """Explain why a path is not one templates can read, or return "" when it is."""
    found = unknown_parts(path, tree)
    if found is None:
        return ""
    fact = (hints or {}).get(".".join(path[:4]))
    if fact:
        return (f"“{'.'.join(path[:4])}” is a case fact, and templates read case facts by their "
                f"own name: use “{fact}”.")  # fmt: skip
    written, near, leaf = found
    hint = f" Did you mean “{near}”?" if near else ""
    if leaf:
        return f"“{written}” is not something templates can read: it has no parts.{hint}"
    return f"“{written}” is not something templates can read.{hint}"


def unknown_sentence(paths: list[tuple[str, ...]], tree: dict[str, Any],
                     hints: dict[str, str] | None = None) -> str:  # fmt: skip
    """Name every unknown path in one sentence, each with the nearest known name."""
    hints = hints or {}
    found = []
    for path in paths:
        parts = unknown_parts(path, tree)
        if parts is not None:
            fact = hints.get(".".join(path[:4]))
            found.append((".".join(path[:4]), fact) if fact else parts[:2])
    if len(found) < 2:
        return next((unknown(p, tree, hints) for p in paths if unknown(p, tree, hints)), "")
    names = [f"“{w}” (a case fact: use “{hints[w]}”)" if w in hints
             else f"“{w}” (did you mean “{near}”?)" if near else f"“{w}”"
             for w, near in found]  # fmt: skip
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return f"The template uses {len(found)} values that templates cannot read: {listed}."


def value_at(context: dict[str, Any], path: str) -> Any:
    """Return the value at a dotted path in a context, taking the first item of lists."""
    value: Any = context
    for part in path.split("."):
        if part == LIST:
            value = value[0] if isinstance(value, list) and value else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
        if value is None:
            return None
    return value


def example(value: Any) -> str:
    """Write a context value briefly, for the reference page."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return (
            f"a list of {len(value)}"
            if value and isinstance(value[0], dict)
            else "; ".join(str(v) for v in value)
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, dict | list))
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "..."


def reference_sections(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the fixed variables by section, with meanings and examples from the demo case."""
    return [
        {"id": key, "title": title, "rows": [
            {"path": path.replace(".[]", "[]"), "meaning": meaning,
             "example": example(value_at(sample, path))}
            for path, meaning in rows]}
        for key, title, rows in SECTIONS
    ]  # fmt: skip


def form_rows(definition: FormDefinition, sample: dict[str, Any]) -> list[dict[str, str]]:
    """Return one form's variables (answers and text) with the question and an example."""
    rows = [
        {"path": f"forms.{definition.id}.{part}", "meaning": meaning,
         "example": example(value_at(sample, f"forms.{definition.id}.{part}"))}
        for part, meaning in FORM_PARTS.items()
    ]  # fmt: skip
    for field in definition.all_fields():
        if not field_type(field).answered or read_as_fact(field):
            continue
        base = f"forms.{definition.id}"
        rows.append(
            {
                "path": f"{base}.answers.{field['name']}",
                "meaning": f"{field['label']} (as stored)",
                "example": example(value_at(sample, f"{base}.answers.{field['name']}")),
            }
        )
        rows.append(
            {
                "path": f"{base}.text.{field['name']}",
                "meaning": f"{field['label']} (in words)",
                "example": example(value_at(sample, f"{base}.text.{field['name']}")),
            }
        )
    return rows


def fact_questions(definition: FormDefinition) -> list[dict[str, str]]:
    """Return the form's questions that templates read as case facts, each with the fact."""
    return [
        {"label": str(field["label"]), "path": fact_path(read_as_fact(field))}
        for field in definition.all_fields()
        if read_as_fact(field)
    ]


def unreadable(paths: Iterable[tuple[str, ...]], definitions: list[FormDefinition]) -> str:
    """Name, in a sentence, every path a template reads that templates cannot read, or ""."""
    tree, hints = known_tree(definitions), fact_hints(definitions)
    safe = [p for p in sorted(paths) if not any(part.startswith("_") for part in p)]
    found = [p for p in safe if unknown(p, tree, hints)]
    return unknown_sentence(found, tree, hints)
