"""Builder pages for whole forms: list, create, import, overview, publish, history, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import ADMIN, current_user
from cspr.builder import diff, edits, fact_bindings, flowmap, json_text, operations
from cspr.builder.forms import (
    DetailsForm,
    ImportForm,
    JsonForm,
    NewFormForm,
    RevisionForm,
)
from cspr.exceptions import Refused
from cspr.forms_support import attach_error
from cspr.storage import NotFound

bp = Blueprint("builder", __name__, url_prefix="/admin/forms")


@bp.before_request
def admins_only() -> ResponseReturnValue | None:
    """Let only administrators use the builder."""
    user = current_user()
    if user is None:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if user["role"] != ADMIN:
        abort(403)
    return None


def actor() -> dict[str, Any]:
    """Return the signed-in admin."""
    user = current_user()
    assert user is not None
    return user


def working(form_id: str) -> operations.WorkingCopy:
    """Return a form's working copy, or 404."""
    try:
        return operations.working_copy(form_id)
    except NotFound:
        abort(404)


def revision() -> int | None:
    """Return the revision the page was showing when it was posted."""
    value = request.form.get("revision", "")
    return int(value) if value.isdecimal() and len(value) < 12 else None


def overview_url(form_id: str, anchor: str = "") -> str:
    """Return the address of a form's overview page."""
    return url_for("builder.overview", form_id=form_id) + (f"#{anchor}" if anchor else "")


def conditions_text(doc: dict[str, Any]) -> Callable[[Any], str]:
    """Return a function describing a condition of this form in words."""
    return lambda condition: diff.describe_condition(condition, doc)


def flash_refusal(refused: Refused) -> None:
    """Show a refused change at the top of the next page."""
    flash(refused.message, "error")


@bp.route("")
def index() -> ResponseReturnValue:
    """List every form with its status, live version and sent forms."""
    return render_template("builder/index.html", title="Forms", forms=operations.list_forms())


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Start a new form."""
    form = NewFormForm()
    if form.validate_on_submit():
        title = form.title.data or ""
        form_id = (form.form_id.data or "").strip() or edits.slug(title, "-", "form")[:64]
        try:
            operations.create_form(actor(), form_id, title, form.description.data or "")
        except Refused as refused:
            attach_error(form, refused, "form_id" if refused.field == "id" else "title")
        else:
            flash("The form has been created. Nobody can fill it in until you publish it.",
                  "success")
            return redirect(overview_url(form_id))
    return render_template("builder/new.html", title="Create a form", form=form)


@bp.route("/import", methods=["GET", "POST"])
def import_form() -> ResponseReturnValue:
    """Make a new form from an exported JSON definition."""
    form = ImportForm()
    problems: list[Any] = []
    if form.validate_on_submit():
        upload = request.files.get("upload")
        text = form.definition.data or ""
        if upload is not None and upload.filename:
            raw = upload.read(json_text.MAX_IMPORT_BYTES + 1)
            text = raw.decode("utf-8-sig", "replace")  # Notepad starts UTF-8 with a BOM
        try:
            if not text.strip():
                raise Refused("Choose a JSON file or paste the JSON", "definition")
            form_id = operations.import_form(actor(), text)
        except operations.InvalidChange as invalid:
            problems = invalid.errors
            attach_error(form, Refused(invalid.message.replace(
                "The change was not saved", "The form was not imported")), "definition")
        except Refused as refused:
            attach_error(form, refused, "definition")
        else:
            flash("The form has been imported. Nobody can fill it in until you publish it.",
                  "success")
            return redirect(overview_url(form_id))
    return render_template("builder/import.html", title="Import a form", form=form,
                           problems=problems)


@bp.route("/<form_id>")
def overview(form_id: str) -> ResponseReturnValue:
    """Show a form's working copy: its details, pages and questions, and what to do next."""
    current = working(form_id)
    return render_template(
        "builder/overview.html",
        title=current.title,
        current=current,
        doc=current.definition,
        describe=conditions_text(current.definition),
        binding_of=fact_bindings.summary,
    )


@bp.route("/<form_id>/details", methods=["GET", "POST"])
def details(form_id: str) -> ResponseReturnValue:
    """Change a form's title, description, audience and declaration."""
    current = working(form_id)
    doc = current.definition
    form = DetailsForm(data={
        "title": doc["title"], "description": doc.get("description", ""),
        "audience": doc.get("audience", []),
        "declaration_text": doc.get("declaration", {}).get("text", ""),
        "declaration_label": doc.get("declaration", {}).get("label", ""),
        "revision": current.revision,
    })
    if form.validate_on_submit():
        try:
            operations.change(
                actor(), form_id, revision(), "edit details",
                lambda d: edits.set_details(
                    d, form.title.data or "", form.description.data or "",
                    list(form.audience.data or []), form.declaration_text.data or "",
                    form.declaration_label.data or ""),
                {"title": form.title.data},
            )
        except Refused as refused:
            attach_error(form, refused, "title")
        else:
            flash("The form's details have been saved.", "success")
            return redirect(overview_url(form_id))
    return render_template("builder/details.html", title="Form details", current=current,
                           form=form)


@bp.route("/<form_id>/publish", methods=["GET", "POST"])
def publish(form_id: str) -> ResponseReturnValue:
    """Show what will change, then publish the working copy as a new version."""
    current = working(form_id)
    newest = operations.versions(form_id)
    live_doc = newest[-1]["definition"] if newest else None
    if request.method == "POST" and RevisionForm().validate_on_submit():
        try:
            number = operations.publish(actor(), form_id, revision())
        except Refused as refused:
            flash_refusal(refused)
            return redirect(url_for("builder.publish", form_id=form_id))
        flash(f"Version {number} is now live. Drafts already started stay on the version "
              "they began on.", "success")
        return redirect(overview_url(form_id))
    changes = diff.diff_definitions(live_doc, current.definition) if live_doc else []
    return render_template("builder/publish.html", title="Publish the form", current=current,
                           changes=changes, first=live_doc is None, form=RevisionForm())


@bp.route("/<form_id>/versions")
def history(form_id: str) -> ResponseReturnValue:
    """List the published versions with who published them and how many used each."""
    current = working(form_id)
    return render_template(
        "builder/versions.html", title="Version history", current=current,
        versions=list(reversed(operations.versions(form_id))),
        counts=operations.submission_counts(form_id),
    )


def _side(form_id: str, value: str | None) -> tuple[str, dict[str, Any]]:
    """Return a label and definition for "working" or a version number, or 404."""
    if value in (None, "", "working"):
        return "the working copy", working(form_id).definition
    if not value.isdecimal() or len(value) > 9:
        abort(404)
    try:
        return f"version {value}", operations.version_definition(form_id, int(value))
    except NotFound:
        abort(404)


def _choices(numbers: list[int], selected: str) -> list[dict[str, Any]]:
    """Offer the working copy and every version, newest first, in a drop-down."""
    values = [("working", "Working copy")] + [(str(n), f"Version {n}") for n in reversed(numbers)]
    return [{"value": v, "text": t, "selected": v == selected} for v, t in values]


@bp.route("/<form_id>/compare")
def compare(form_id: str) -> ResponseReturnValue:
    """Show a readable difference between any two versions (or the working copy)."""
    current = working(form_id)
    numbers = [int(v["version"]) for v in operations.versions(form_id)]
    before = request.args.get("from") or (str(numbers[-1]) if numbers else "working")
    after = request.args.get("to") or "working"
    before_label, before_doc = _side(form_id, before)
    after_label, after_doc = _side(form_id, after)
    return render_template(
        "builder/compare.html", title="Compare versions", current=current,
        from_items=_choices(numbers, before), to_items=_choices(numbers, after),
        before_label=before_label,
        after_label=after_label, changes=diff.diff_definitions(before_doc, after_doc),
    )


@bp.route("/<form_id>/versions/<int:version>/revert", methods=["GET", "POST"])
def revert(form_id: str, version: int) -> ResponseReturnValue:
    """Ask, then publish a copy of an old version as the newest version."""
    current = working(form_id)
    try:
        old = operations.version_definition(form_id, version)
    except NotFound:
        abort(404)
    if request.method == "POST" and RevisionForm().validate_on_submit():
        try:
            number = operations.revert(actor(), form_id, version)
        except Refused as refused:
            flash_refusal(refused)
            return redirect(url_for("builder.history", form_id=form_id))
        flash(f"Version {number} is now live: a copy of version {version}.", "success")
        return redirect(url_for("builder.history", form_id=form_id))
    return render_template(
        "builder/revert.html", title=f"Go back to version {version}", current=current,
        version=version, changes=diff.diff_definitions(current.definition, old),
        form=RevisionForm(),
    )


@bp.route("/<form_id>/export.json")
def export(form_id: str) -> ResponseReturnValue:
    """Download the working copy, or one version, as JSON."""
    working(form_id)
    value = request.args.get("version", "")
    if value and (not value.isdecimal() or len(value) > 9):
        abort(404)
    try:
        text = operations.export_json(actor(), form_id, int(value) if value else None)
    except NotFound:
        abort(404)
    suffix = f"-v{int(value)}" if value else "-working"  # "-v1" even for other scripts' 1
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{form_id}{suffix}.json"'
    return response


@bp.route("/<form_id>/json", methods=["GET", "POST"])
def edit_json(form_id: str) -> ResponseReturnValue:
    """Edit the whole definition as JSON, with meta-schema problems listed by path."""
    current = working(form_id)
    form = JsonForm(data={
        "definition": json.dumps(current.definition, indent=2, ensure_ascii=False),
        "revision": current.revision,
    })
    problems: list[Any] = []
    if form.validate_on_submit():
        try:
            operations.save_json(actor(), form_id, revision(), form.definition.data or "")
        except operations.InvalidChange as invalid:
            problems = invalid.errors
            attach_error(form, Refused(
                f"The JSON was not saved: it has {len(problems)} "
                f"problem{'s' if len(problems) != 1 else ''}, listed above. "
                "The form is as it was before."), "definition")
        except Refused as refused:
            attach_error(form, refused, "definition")
        else:
            flash("The JSON has been saved to the working copy.", "success")
            return redirect(overview_url(form_id))
    return render_template("builder/json.html", title="Edit the JSON", current=current,
                           form=form, problems=problems)


@bp.route("/<form_id>/flow")
def flow(form_id: str) -> ResponseReturnValue:
    """Show a diagram of the pages and the conditions between them."""
    current = working(form_id)
    return render_template("builder/flow.html", title="Flow map", current=current,
                           flow=flowmap.flow_map(current.definition))


@bp.route("/<form_id>/retire", methods=["GET", "POST"])
def retire(form_id: str) -> ResponseReturnValue:
    """Ask, then archive a form that has been used or delete one that has not."""
    current = working(form_id)
    counts = operations.submission_counts(form_id)
    if request.method == "POST" and RevisionForm().validate_on_submit():
        try:
            outcome = operations.retire(actor(), form_id)
        except Refused as refused:
            flash_refusal(refused)
            return redirect(url_for("builder.retire", form_id=form_id))
        flash(f"{current.title} has been {outcome}.", "success")
        if outcome == "archived":
            return redirect(overview_url(form_id))
        return redirect(url_for("builder.index"))
    blockers = operations.retire_blockers(form_id)
    return render_template("builder/retire.html", title="Archive or delete the form",
                           current=current, counts=counts, form=RevisionForm(),
                           shipped=any(v.get("source") == "shipped"
                                       for v in operations.versions(form_id)),
                           blocked=fact_bindings.retire_refusal(blockers) if blockers else "")


@bp.route("/<form_id>/restore", methods=["POST"])
def restore(form_id: str) -> ResponseReturnValue:
    """Bring an archived form back."""
    working(form_id)
    if RevisionForm().validate_on_submit():
        try:
            operations.restore(actor(), form_id)
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash("The form has been restored. Staff can fill it in again.", "success")
    return redirect(overview_url(form_id))


@bp.route("/<form_id>/discard", methods=["GET", "POST"])
def discard(form_id: str) -> ResponseReturnValue:
    """Ask, then throw away the changes not yet published."""
    current = working(form_id)
    if request.method == "POST" and RevisionForm().validate_on_submit():
        try:
            operations.discard_changes(actor(), form_id)
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash("Your unpublished changes have been thrown away.", "success")
        return redirect(overview_url(form_id))
    return render_template("builder/discard.html", title="Throw away unpublished changes",
                           current=current, form=RevisionForm())
