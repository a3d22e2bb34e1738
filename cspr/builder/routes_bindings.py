"""Builder page for a question's case fact binding: bind it, choose its use, move or remove it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from cspr.builder import edits, fact_bindings, operations
from cspr.builder.fact_bindings import USES
from cspr.builder.forms import BindingForm, MoveBindingForm, RevisionForm
from cspr.builder.routes import actor, bp, flash_refusal, overview_url, revision, working
from cspr.exceptions import Refused
from cspr.forms_support import attach_error


def _question(doc: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return a question of the working copy and the group it sits in, or 404."""
    try:
        field = edits.find_field(doc, path)[2]
        group = edits.find_field(doc, path.split(".")[0])[2] if "." in path else None
    except Refused:
        abort(404)
    return field, group


@bp.route("/<form_id>/fields/<path>/binding", methods=["GET", "POST"])
def binding(form_id: str, path: str) -> ResponseReturnValue:
    """Show a question's binding and let the admin bind it to a fact, with a use."""
    current = working(form_id)
    doc = current.definition
    field, group = _question(doc, path)
    facts = fact_bindings.fact_choices(doc, path)
    bound = bool(field.get("case_fact"))
    form = BindingForm(data={"revision": current.revision, "fact": field.get("case_fact", ""),
                             "use": field.get("case_fact_use", fact_bindings.BOTH) if bound
                             else ""})  # fmt: skip
    form.fact.choices = [("", "Choose a case fact")] + facts
    form.use.choices = [(value, text) for value, (text, _) in USES.items()]
    if form.validate_on_submit():
        fact, use = form.fact.data or "", form.use.data or ""
        try:
            now_read_only = operations.change(
                actor(), form_id, revision(), "bind question",
                lambda d: fact_bindings.set_binding(d, path, fact, use),
                {"question": path, "fact": fact, "use": use},
            )
        except Refused as refused:
            attach_error(form, refused, "fact")
        else:
            chosen = {"case_fact": fact, "case_fact_use": use}
            message = f"Saved. {fact_bindings.summary(chosen, group)}."
            if now_read_only:
                message += (" " + ", ".join(f"'{label}'" for label in now_read_only) +
                            " is now filled in from the case but no longer changes it.")
            flash(message, "success")
            return redirect(overview_url(form_id, f"field-{path}"))
    move = MoveBindingForm(data={"revision": current.revision})
    places = fact_bindings.move_choices(doc, path) if field.get("case_fact") else []
    move.to.choices = [("", "Choose a question")] + places if places else []
    return render_template(
        "builder/binding.html", title="Case fact", current=current, field=field, path=path,
        form=form, move=move, facts=facts, group=group, uses=USES,
        summary=fact_bindings.summary(field, group), button=RevisionForm(),
        group_unbound=group is not None and not facts,
    )


@bp.route("/<form_id>/fields/<path>/binding/move", methods=["POST"])
def move_binding(form_id: str, path: str) -> ResponseReturnValue:
    """Move a question's binding to another question of the form."""
    current = working(form_id)
    _question(current.definition, path)
    move = MoveBindingForm()
    move.to.choices = fact_bindings.move_choices(current.definition, path)
    if move.validate_on_submit():
        to = move.to.data or ""
        try:
            label = operations.change(actor(), form_id, revision(), "move binding",
                                      lambda d: fact_bindings.move_binding(d, path, to),
                                      {"question": path, "to": to})  # fmt: skip
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash(f"The binding has moved to the question '{label}'.", "success")
            return redirect(overview_url(form_id, f"field-{to}"))
    else:
        flash("Select a question to move the binding to.", "error")
    return redirect(url_for("builder.binding", form_id=form_id, path=path))


@bp.route("/<form_id>/fields/<path>/binding/remove", methods=["POST"])
def remove_binding(form_id: str, path: str) -> ResponseReturnValue:
    """Take a question's binding away (refused while the process needs it)."""
    current = working(form_id)
    _question(current.definition, path)
    if RevisionForm().validate_on_submit():
        try:
            operations.change(actor(), form_id, revision(), "unbind question",
                              lambda d: fact_bindings.remove_binding(d, path),
                              {"question": path})  # fmt: skip
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash("The question is no longer bound to a case fact.", "success")
            return redirect(overview_url(form_id, f"field-{path}"))
    return redirect(url_for("builder.binding", form_id=form_id, path=path))
