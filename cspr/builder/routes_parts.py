"""Builder pages for the parts of a form: pages, questions, options and conditions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.builder import edits, fact_bindings, operations, option_edits, settings
from cspr.builder.forms import (
    FieldForm,
    NewFieldForm,
    NewPageForm,
    OptionForm,
    PageForm,
    RevisionForm,
)
from cspr.builder.routes import (
    actor,
    bp,
    conditions_text,
    flash_refusal,
    overview_url,
    revision,
    working,
)
from cspr.exceptions import Refused
from cspr.formengine.fieldtypes import DEFAULT_TYPE, field_type
from cspr.forms_support import attach_error

STEPS = {"up": -1, "down": 1}


def _page(doc: dict[str, Any], page_id: str) -> dict[str, Any]:
    """Return a page of the working copy, or 404."""
    try:
        return edits.find_page(doc, page_id)[1]
    except Refused:
        abort(404)


def _field(doc: dict[str, Any], path: str) -> dict[str, Any]:
    """Return a question of the working copy, or 404."""
    try:
        return edits.find_field(doc, path)[2]
    except Refused:
        abort(404)


def _step() -> int:
    """Return the direction a move button asked for."""
    step = STEPS.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    return step


def posted_change(form_id: str, action: str, edit: Any, details: dict[str, Any], anchor: str,
            done: str) -> ResponseReturnValue:
    """Run a change posted by a button, then go back to the overview."""
    if RevisionForm().validate_on_submit():
        try:
            operations.change(actor(), form_id, revision(), action, edit, details)
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash(done, "success")
    return redirect(overview_url(form_id, anchor))


def _new_field(form: NewFieldForm) -> dict[str, Any]:
    """Build the question an add-question page describes."""
    return edits.new_field(
        form.field_type.data or DEFAULT_TYPE, (form.label.data or "").strip(), {
            "options": form.options.data or "", "text": form.text.data or "",
            "first_question": form.first_question.data or "",
            "item_label": form.item_label.data or "",
        })


@bp.route("/<form_id>/pages/new", methods=["GET", "POST"])
def new_page(form_id: str) -> ResponseReturnValue:
    """Add a page with its first question."""
    current = working(form_id)
    form = NewPageForm(data={"revision": current.revision})
    if form.validate_on_submit():
        try:
            first = _new_field(form)
            page_id = operations.change(
                actor(), form_id, revision(), "add page",
                lambda d: edits.add_page(d, form.page_title.data or "", first),
                {"title": form.page_title.data, "first_question": first["name"]},
            )
        except Refused as refused:
            attach_error(form, refused, "page_title")
        else:
            flash("The page has been added.", "success")
            return redirect(overview_url(form_id, f"page-{page_id}"))
    return render_template("builder/new_page.html", title="Add a page", current=current,
                           form=form)


@bp.route("/<form_id>/pages/<page_id>", methods=["GET", "POST"])
def edit_page(form_id: str, page_id: str) -> ResponseReturnValue:
    """Change a page's title and description."""
    current = working(form_id)
    page = _page(current.definition, page_id)
    form = PageForm(data={"title": page["title"], "description": page.get("description", ""),
                          "revision": current.revision})
    if form.validate_on_submit():
        try:
            operations.change(
                actor(), form_id, revision(), "edit page",
                lambda d: edits.edit_page(d, page_id, form.title.data or "",
                                          form.description.data or ""),
                {"page": page_id},
            )
        except Refused as refused:
            attach_error(form, refused, "title")
        else:
            flash("The page has been saved.", "success")
            return redirect(overview_url(form_id, f"page-{page_id}"))
    return render_template("builder/page.html", title="Edit page", current=current, page=page,
                           form=form, describe=conditions_text(current.definition))


@bp.route("/<form_id>/pages/<page_id>/move", methods=["POST"])
def move_page(form_id: str, page_id: str) -> ResponseReturnValue:
    """Move a page up or down."""
    _page(working(form_id).definition, page_id)
    step = _step()
    return posted_change(form_id, "move page", lambda d: edits.move_page(d, page_id, step),
                   {"page": page_id, "step": step}, f"page-{page_id}", "The page has been moved.")


@bp.route("/<form_id>/pages/<page_id>/remove", methods=["GET", "POST"])
def remove_page(form_id: str, page_id: str) -> ResponseReturnValue:
    """Ask, then remove a page from the working copy."""
    current = working(form_id)
    page = _page(current.definition, page_id)
    if request.method == "POST":
        return posted_change(form_id, "remove page", lambda d: edits.remove_page(d, page_id),
                       {"page": page_id, "title": page["title"]}, "pages",
                       "The page has been removed from the working copy.")
    used = {f["name"]: operations.answered(form_id, f["name"]) for f in page["fields"]}
    return render_template("builder/remove.html", title="Remove this page", current=current,
                           what=f"the page '{page['title']}'", used=sum(used.values()),
                           form=RevisionForm(), blocked=operations.blocked(
                               current, lambda d: edits.remove_page(d, page_id)))


@bp.route("/<form_id>/pages/<page_id>/fields/new", methods=["GET", "POST"])
@bp.route("/<form_id>/groups/<group>/fields/new", methods=["GET", "POST"])
def new_field(form_id: str, page_id: str = "", group: str = "") -> ResponseReturnValue:
    """Add a question to a page, or to a repeating group."""
    current = working(form_id)
    holder = _field(current.definition, group) if group else _page(current.definition, page_id)
    if group and not field_type(holder).is_group:
        abort(404)
    form = NewFieldForm(data={"revision": current.revision})
    if group:
        form.field_type.choices = [c for c in form.field_type.choices if field_type(c[0]).in_groups]
    if form.validate_on_submit():
        try:
            field = _new_field(form)
            path = operations.change(
                actor(), form_id, revision(), "add question",
                lambda d: edits.add_field(d, page_id, field, group or None),
                {"page": page_id, "group": group, "type": field["type"]},
            )
        except Refused as refused:
            attach_error(form, refused, "label")
        else:
            flash("The question has been added. Check its settings below.", "success")
            return redirect(url_for("builder.edit_field", form_id=form_id, path=path))
    return render_template("builder/new_field.html", title="Add a question", current=current,
                           holder=holder, group=group, form=form)


@bp.route("/<form_id>/fields/<path>", methods=["GET", "POST"])
def edit_field(form_id: str, path: str) -> ResponseReturnValue:
    """Change a question's label, hint, name, page, rules and limits."""
    current = working(form_id)
    doc = current.definition
    field = _field(doc, path)
    form = FieldForm(data={**settings.initial(field), "revision": current.revision,
                           "page": "" if "." in path else edits.page_of_field(doc, path)["id"]})
    form.page.choices = [(p["id"], p["title"]) for p in doc["pages"]]
    # A question in a repeating group stays in its group: the page has no page dropdown.
    form.page.validate_choice = "." not in path
    rules = settings.date_rule_choices(doc, path)
    for key in ("on_or_after", "on_or_before"):
        chosen = field.get("validation", {}).get(key)
        getattr(form, key).choices = rules + ([(chosen, chosen)] if chosen and chosen not in
                                              dict(rules) else [])
    if form.validate_on_submit():
        try:
            path = _save_field(form_id, path, field, form)
        except Refused as refused:
            attach_error(form, refused, "label")
        else:
            flash("The question has been saved.", "success")
            return redirect(overview_url(form_id, f"field-{path}"))
    return render_template(
        "builder/field.html", title="Edit question", current=current, field=field, path=path,
        form=form, shown=settings.shown_settings(field["type"]),
        type_label=field_type(field).label, options=field_type(field).has_options,
        describe=conditions_text(doc), in_group="." in path,
        binding=fact_bindings.summary(field, edits.find_field(doc, path.split(".")[0])[2]
                                      if "." in path else None),
    )


def _save_field(form_id: str, path: str, field: dict[str, Any], form: FieldForm) -> str:
    """Apply a question's settings page and return its (possibly renamed) path."""
    data = {name: getattr(form, name).data for name in form._fields if name != "csrf_token"}
    values = settings.read(field, {k: ("" if v is None else v) for k, v in data.items()})
    new_name = (form.name.data or "").strip()

    def edit(doc: dict[str, Any]) -> str:
        """Rename, apply the settings and move to the chosen page."""
        renamed = edits.rename_field(doc, path, new_name)
        edits.update_field(doc, renamed, values)
        if "." not in renamed and form.page.data:
            edits.move_field_to_page(doc, renamed, form.page.data)
        return renamed

    try:
        renamed: str = operations.change(actor(), form_id, revision(), "edit question", edit,
                                         {"question": path, "label": values.get("label")})
    except operations.InvalidChange as invalid:
        if any(e.path.endswith(".name") for e in invalid.errors):
            raise Refused(f"The name must {_NAME_RULE}", "name") from None
        raise
    return renamed


_NAME_RULE = ("start with a lower-case letter and use only lower-case letters, digits and "
              "underscores, up to 64 characters")


@bp.route("/<form_id>/fields/<path>/move", methods=["POST"])
def move_field(form_id: str, path: str) -> ResponseReturnValue:
    """Move a question up or down within its page or group."""
    _field(working(form_id).definition, path)
    step = _step()
    return posted_change(form_id, "move question", lambda d: edits.move_field(d, path, step),
                   {"question": path, "step": step}, f"field-{path}",
                   "The question has been moved.")


@bp.route("/<form_id>/fields/<path>/position", methods=["POST"])
def position_field(form_id: str, path: str) -> ResponseReturnValue:
    """Put a question at a position in its page or group (drag and drop uses this)."""
    _field(working(form_id).definition, path)
    value = request.form.get("position", "")
    if not value.isdecimal() or len(value) > 6:
        abort(400)
    position = int(value)
    return posted_change(form_id, "move question", lambda d: edits.move_field_to(d, path, position),
                   {"question": path, "position": position}, f"field-{path}",
                   "The question has been moved.")


@bp.route("/<form_id>/fields/<path>/remove", methods=["GET", "POST"])
def remove_field(form_id: str, path: str) -> ResponseReturnValue:
    """Ask, then remove a question from the working copy (old versions keep it)."""
    current = working(form_id)
    field = _field(current.definition, path)
    if request.method == "POST":
        return posted_change(form_id, "remove question", lambda d: edits.remove_field(d, path),
                       {"question": path, "label": field["label"]}, "pages",
                       "The question has been removed from the working copy.")
    return render_template("builder/remove.html", title="Remove this question", current=current,
                           what=f"the question '{field['label']}'",
                           used=operations.answered(form_id, path), form=RevisionForm(),
                           blocked=operations.blocked(
                               current, lambda d: edits.remove_field(d, path), True),
                           binding_path=path)


@bp.route("/<form_id>/fields/<path>/options", methods=["GET", "POST"])
def options(form_id: str, path: str) -> ResponseReturnValue:
    """List a question's options, with buttons to reorder or remove them, and add one."""
    current = working(form_id)
    field = _field(current.definition, path)
    if not field_type(field).has_options:
        abort(404)
    form = OptionForm(data={"revision": current.revision})
    if form.validate_on_submit():
        try:
            operations.change(
                actor(), form_id, revision(), "add option",
                lambda d: option_edits.add_option(d, path, form.label.data or "",
                                           form.value.data or "", form.hint.data or "",
                                           bool(form.exclusive.data)),
                {"question": path, "label": form.label.data},
            )
        except Refused as refused:
            attach_error(form, refused, "label")
        else:
            flash("The option has been added.", "success")
            return redirect(url_for("builder.options", form_id=form_id, path=path))
    return render_template("builder/options.html", title="Options", current=current,
                           field=field, path=path, form=form, button=RevisionForm())


@bp.route("/<form_id>/fields/<path>/options/<int:index>", methods=["GET", "POST"])
def edit_option(form_id: str, path: str, index: int) -> ResponseReturnValue:
    """Change one option's text and hint."""
    current = working(form_id)
    field = _field(current.definition, path)
    if not field_type(field).has_options or index >= len(field["options"]):
        abort(404)
    option = field["options"][index]
    form = OptionForm(data={**option, "revision": current.revision})
    if form.validate_on_submit():
        try:
            operations.change(
                actor(), form_id, revision(), "edit option",
                lambda d: option_edits.edit_option(d, path, index, form.label.data or "",
                                            form.hint.data or "", bool(form.exclusive.data)),
                {"question": path, "option": option["value"]},
            )
        except Refused as refused:
            attach_error(form, refused, "label")
        else:
            flash("The option has been saved.", "success")
            return redirect(url_for("builder.options", form_id=form_id, path=path))
    return render_template("builder/option.html", title="Edit option", current=current,
                           field=field, path=path, option=option, form=form)


@bp.route("/<form_id>/fields/<path>/options/<int:index>/<verb>", methods=["POST"])
def change_option(form_id: str, path: str, index: int, verb: str) -> ResponseReturnValue:
    """Move an option up or down, or remove it."""
    _field(working(form_id).definition, path)
    if verb == "move":
        step = _step()
        edit = lambda d: option_edits.move_option(d, path, index, step)  # noqa: E731
        done = "The option has been moved."
    elif verb == "remove":
        edit = lambda d: option_edits.remove_option(d, path, index)  # noqa: E731
        done = "The option has been removed."
    else:
        abort(404)
    if RevisionForm().validate_on_submit():
        try:
            operations.change(actor(), form_id, revision(), f"{verb} option", edit,
                              {"question": path, "index": index})
        except Refused as refused:
            flash_refusal(refused)
        else:
            flash(done, "success")
    return redirect(url_for("builder.options", form_id=form_id, path=path))
