"""Preview a working copy exactly as staff will see it; answers are kept apart and never sent."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.builder import previews
from cspr.builder.routes import actor, bp, working
from cspr.formengine import attachments, journey, pagepost, summary
from cspr.formengine.conditions import visible_pages
from cspr.formengine.definitions import FormDefinition, load_definition
from cspr.formengine.operations import preview_clean, today
from cspr.formengine.validation import validate_page


def _definition(form_id: str) -> FormDefinition:
    """Load the working copy as the engine would load a published version."""
    return load_definition(working(form_id).definition)


@bp.route("/<form_id>/preview")
def preview(form_id: str) -> ResponseReturnValue:
    """Start the preview afresh at the first page."""
    definition = _definition(form_id)
    previews.clear_preview(actor(), form_id)
    first = journey.first_page(definition, {})
    if first is None:
        return redirect(url_for("builder.preview_check", form_id=form_id))
    return redirect(url_for("builder.preview_page", form_id=form_id, page_id=first))


@bp.route("/<form_id>/preview/pages/<page_id>", methods=["GET", "POST"])
def preview_page(form_id: str, page_id: str) -> ResponseReturnValue:
    """Show one page of the preview and check its answers as the real form would."""
    definition = _definition(form_id)
    if page_id not in {p["id"] for p in definition.pages}:
        abort(404)
    user = actor()
    answers = previews.preview_answers(user, form_id)
    page = definition.page(page_id)
    if not journey.page_is_shown(definition, page_id, answers):
        following = journey.next_page(definition, page_id, answers)
        return redirect(_page_url(form_id, following))
    fields = journey.fields_to_render(definition, page, answers)
    action = request.form.get("action", "continue")
    errors: dict[str, str] = {}
    if request.method == "GET":
        form = pagepost.blank_form(fields, answers)
    else:
        form, values, errors = pagepost.read_posted(fields, answers, action)
        for field, upload, content in pagepost.checked_uploads(fields, errors):
            values[field["name"]] = {  # checked as the real form would, but never kept
                "file_id": "preview", "filename": attachments.safe_filename(upload.filename or ""),
                "size": len(content), "content_type": "application/octet-stream",
            }
        for path in errors:
            values.pop(path.split(".")[0], None)
        answers = {**answers, **values}
        previews.save_preview_answers(user, form_id, answers)
        if action.startswith(("add:", "remove:")):
            if action.startswith("remove:"):
                form = pagepost.blank_form(fields, answers)
            errors = {}
        else:
            errors = {**validate_page(definition, page_id, answers, today()), **errors}
            if not errors:
                return redirect(_page_url(form_id, journey.next_page(definition, page_id,
                                                                     answers)))
    return render_template(
        "formengine/page.html",
        title=page["title"],
        draft={"id": "preview", "answers": answers},
        form=form,
        preview=True,
        **pagepost.page_context(definition, page, fields, answers, errors),
    )


def _page_url(form_id: str, page_id: str | None) -> str:
    """Return the preview page to show next, or the check page at the end."""
    if page_id is None:
        return url_for("builder.preview_check", form_id=form_id)
    return url_for("builder.preview_page", form_id=form_id, page_id=page_id)


@bp.route("/<form_id>/preview/check")
def preview_check(form_id: str) -> ResponseReturnValue:
    """Show the preview's answers as the check page would, without a way to send them."""
    definition = _definition(form_id)
    clean = preview_clean(definition, previews.preview_answers(actor(), form_id))
    return render_template(
        "formengine/check.html",
        title="Check your answers before sending",
        definition=definition,
        preview=True,
        draft={"id": "preview", "answers": clean},
        rows=summary.rows(definition, clean, visible_pages(definition, clean)),
        errors={},
        error_links=[],
    )
