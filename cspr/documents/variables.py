"""Every value a template can read, with what it means, and the check of a template's paths."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from cspr.casework.catalog import FACTS
from cspr.documents.context import KEY_DATES
from cspr.documents.sandbox import SAFE_METHODS
from cspr.documents.year_context import YEAR_VARIABLES
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type

LIST = "[]"
FORM_PARTS = {
    "form_id": "The form's id",
    "title": "The form's title",
    "reference": "The form's reference, like SUB-2026-0042",
    "sent_on": "The date it was sent",
}
_ITEM = "each item: "
# (path, meaning); "[]" marks each item of a list, used inside {% for %} or {%tr for %}.
STATIC: list[tuple[str, str]] = [
    ("partnership.name", "The partnership's name"),
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
    ("case.reference", "The case reference"),
    ("case.stage", "The case's stage, as a code"),
    ("case.stage_label", "The case's stage, in words"),
    ("case.opened_on", "The date the case was opened"),
    ("case.decision", "The partners' decision, as a code (for example local_cspr)"),
    ("case.decision_text", "The partners' decision, in words"),
    ("case.decision_on", "The date of the partners' decision after the rapid review"),
    ("case.panel_view", "The National Panel's view: agree or challenge"),
    ("case.panel_view_text", "The National Panel's view, in words"),
    *[(f"case.key_dates.{k}", FACTS[fact].label) for k, fact in KEY_DATES.items()],
    ("case.due.notification", "When the notification is due: 5 working days after aware"),
    ("case.due.rapid_review", "When the rapid review is due: 15 working days after notifying"),
    ("case.due.publication", "When the review must be published: 6 months after commissioning"),
    ("case.due.panel_notice", "Last day to send the report to the Panel: 7 working days before"),
    ("case.deadlines", "The case's deadlines, as a list"),
    ("case.deadlines.[].name", _ITEM + "the deadline's name"),
    ("case.deadlines.[].due", _ITEM + "the date it is due"),
    ("case.deadlines.[].status", _ITEM + "where it stands, in words"),
    ("case.notifiability.result", "notifiable, not_notifiable or pending"),
    ("case.notifiability.explanation", "The partners' decision on notification, explained"),
    ("case.partner_views", "Each statutory partner's view on notification, as a list"),
    ("case.partner_views.[].partner", _ITEM + "the partner"),
    ("case.partner_views.[].view", _ITEM + "agree or disagree"),
    ("case.partner_views.[].view_text", _ITEM + "Notifiable or Not notifiable"),
    ("case.partner_views.[].rationale", _ITEM + "the partner's reasons"),
    ("case.partner_views.[].on", _ITEM + "the date the view was given"),
    ("case.signoffs", "The rapid review sign-offs recorded in the toolkit, as a list"),
    ("case.signoffs.[].partner", _ITEM + "the partner"),
    ("case.signoffs.[].by", _ITEM + "who signed off"),
    ("case.signoffs.[].on", _ITEM + "the date"),
    ("case.delays", "Approved delays to publication, as a list"),
    *[
        (f"case.{where}.{part}", f"{prefix}{meaning}")
        for where, prefix in (("delays.[]", _ITEM), ("latest_delay", "The latest delay: "))
        for part, meaning in (
            ("reason", "the reason"),
            ("approved_by", "who approved it"),
            ("new_date", "the new publication date"),
            ("recorded_on", "the date it was recorded"),
        )
    ],
    ("case.reconvened.outcome", "After a Panel challenge: keep or change"),
    ("case.reconvened.justification", "After a Panel challenge: the partners' justification"),
    ("case.reconvened.revised_text", "After a Panel challenge: the new decision, in words"),
    ("case.timeline", "The case's timeline, as a list"),
    ("case.timeline.[].on", _ITEM + "the date"),
    ("case.timeline.[].text", _ITEM + "what happened"),
    ("case.timeline.[].by", _ITEM + "who did it"),
    ("child.name", "The child's full name (a pseudonym in the anonymised version)"),
    ("child.given_names", "The child's given names"),
    ("child.family_name", "The child's family name"),
    ("child.pseudonym", "The child's pseudonym from the register, like Child A"),
    ("child.date_of_birth", "The child's date of birth (withheld when anonymised)"),
    ("child.gender", "The child's gender"),
    ("child.ethnicity", "The child's ethnic group"),
    ("child.address", "The child's address, as a list of lines (withheld when anonymised)"),
    ("child.address_text", "The child's address on one line"),
    ("family.addressee", "Who a letter to the family is addressed to"),
    ("family.salutation", "The name after Dear in a letter to the family"),
    ("family.members", "Family members in the pseudonym register, as a list"),
    ("family.members.[].name", _ITEM + "their name"),
    ("family.members.[].pseudonym", _ITEM + "their pseudonym"),
    ("family.address", "The family's address, as a list of lines"),
    ("people", "Everyone in the pseudonym register, as a list"),
    ("people.[].name", _ITEM + "the real name (the pseudonym when anonymised)"),
    ("people.[].pseudonym", _ITEM + "the pseudonym"),
    ("people.[].kind", _ITEM + "child, family, professional or other"),
    ("people.[].kind_text", _ITEM + "who they are, in words"),
    *YEAR_VARIABLES,  # read by yearly report templates (year_context.py)
]


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
            if not field_type(field).answered:
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


def unknown(path: tuple[str, ...], tree: dict[str, Any]) -> str:
    """Explain why a path is not one templates can read, or return "" when it is."""
    found = unknown_parts(path, tree)
    if found is None:
        return ""
    written, near, leaf = found
    hint = f" Did you mean “{near}”?" if near else ""
    if leaf:
        return f"“{written}” is not something templates can read: it has no parts.{hint}"
    return f"“{written}” is not something templates can read.{hint}"


def unknown_sentence(paths: list[tuple[str, ...]], tree: dict[str, Any]) -> str:
    """Name every unknown path in one sentence, each with the nearest known name."""
    found = [f for f in (unknown_parts(p, tree) for p in paths) if f is not None]
    if len(found) < 2:
        return next((unknown(p, tree) for p in paths if unknown(p, tree)), "")
    names = [f"“{w}” (did you mean “{near}”?)" if near else f"“{w}”" for w, near, _ in found]
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


def reference_rows(sample: dict[str, Any]) -> list[dict[str, str]]:
    """Return the fixed variables with their meaning and an example from the demo case."""
    return [
        {
            "path": path.replace(".[]", "[]"),
            "meaning": meaning,
            "example": example(value_at(sample, path)),
        }
        for path, meaning in STATIC
    ]


def form_rows(definition: FormDefinition, sample: dict[str, Any]) -> list[dict[str, str]]:
    """Return one form's variables (answers and text) with the question and an example."""
    rows = [
        {"path": f"forms.{definition.id}.{part}", "meaning": meaning,
         "example": example(value_at(sample, f"forms.{definition.id}.{part}"))}
        for part, meaning in FORM_PARTS.items()
    ]  # fmt: skip
    for field in definition.all_fields():
        if not field_type(field).answered:
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
