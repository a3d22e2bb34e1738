"""Builder page for a condition, chosen from dropdowns: a question, a comparison, a value."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from cspr.builder import conditions, edits, operations
from cspr.builder.forms import ConditionForm
from cspr.builder.routes import actor, bp, conditions_text, overview_url, revision, working
from cspr.builder.routes_parts import posted_change
from cspr.exceptions import Refused
from cspr.forms_support import attach_error


@bp.route("/<form_id>/conditions/<target>/<kind>", methods=["GET", "POST"])
def condition(form_id: str, target: str, kind: str) -> ResponseReturnValue:
    """Build a condition from dropdowns: pick a question, then a comparison and a value."""
    current = working(form_id)
    doc = current.definition
    if kind not in ("show_if", "required_if") or (target.startswith("page:") and
                                                  kind != "show_if"):
        abort(404)
    try:
        existing = conditions.current(doc, target, kind)
        choices = conditions.candidates(doc, target)
    except Refused:
        abort(404)
    picked = request.values.get("field") or (
        existing.get("field") if conditions.is_simple(existing) else "")
    chosen = next((f for f in choices if f["name"] == picked), None)
    form = ConditionForm(data={"revision": current.revision, "field": picked,
                               "op": (existing or {}).get("op", ""),
                               "value": _value_text(existing) if chosen else ""})
    form.field.choices = [("", "Choose a question")] + [(f["name"], f["label"]) for f in choices]
    form.op.choices = conditions.ops_for(chosen) if chosen else []
    if request.method == "POST" and request.form.get("step") == "save" and chosen:
        if form.validate_on_submit():
            try:
                built = conditions.build(chosen, form.op.data or "",
                                         request.form.getlist("value"))
                operations.change(actor(), form_id, revision(), "set condition",
                                  lambda d: edits.set_condition(d, target, kind, built),
                                  {"target": target, "kind": kind, "condition": built})
            except Refused as refused:
                attach_error(form, refused, "value")
            else:
                flash("The condition has been saved.", "success")
                return redirect(overview_url(form_id))
    elif request.method == "POST" and request.form.get("step") == "clear":
        return posted_change(form_id, "clear condition",
                       lambda d: edits.set_condition(d, target, kind, None),
                       {"target": target, "kind": kind}, "pages", "The condition has been removed.")
    return render_template(
        "builder/condition.html", title="Set a condition", current=current, form=form,
        target=target, kind=kind, chosen=chosen, existing=existing,
        simple=existing is None or conditions.is_simple(existing),
        value_choices=conditions.value_choices(chosen) if chosen else [],
        value_style=conditions.value_style(chosen) if chosen else "typed",
        value_items=_value_items(chosen, existing),
        target_label=_target_label(doc, target), describe=conditions_text(doc),
    )


def _value_items(chosen: dict[str, Any] | None, existing: Any) -> list[dict[str, Any]]:
    """Return the options a value may take, ticked where the condition has them now."""
    if chosen is None:
        return []
    picked = _picked(existing)
    return [{"value": value, "text": text, "checked": value in picked}
            for value, text in conditions.value_choices(chosen)]


def _value_text(existing: Any) -> str:
    """Return a simple condition's value as the text box shows it."""
    if not conditions.is_simple(existing):
        return ""
    value = existing.get("value")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _picked(existing: Any) -> list[str]:
    """Return the values ticked or chosen in a simple condition."""
    text = _value_text(existing)
    return [part.strip() for part in text.split(",")] if text else []


def _target_label(doc: dict[str, Any], target: str) -> str:
    """Name what a condition belongs to."""
    if target.startswith("page:"):
        return f"the page '{edits.find_page(doc, target[5:])[1]['title']}'"
    return f"the question '{edits.find_field(doc, target)[2]['label']}'"
