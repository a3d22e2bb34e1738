"""Form pages: start, fill page by page, save a draft, check answers, send, view, download."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.auth.roles import current_user, login_required
from cspr.casework import cases
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import (
    attachments,
    journey,
    operations,
    pagepost,
    registry,
    sentlists,
    summary,
)
from cspr.formengine.conditions import visible_pages
from cspr.formengine.schema import submission_schema
from cspr.formengine.validation import validate_page
from cspr.formengine.visibility import who_can_see
from cspr.pagination import govuk_pagination, page_count, page_number
from cspr.storage import NotFound

bp = Blueprint("forms", __name__)
SENT_PER_PAGE = 25


def _user() -> dict[str, Any]:
    """Return the signed-in user (login_required has checked)."""
    user = current_user()
    assert user is not None
    return user


def _draft(draft_id: str, owner_only: bool = False) -> dict[str, Any]:
    """Return an unsent draft the user may change (owner_only: their own), or 404."""
    try:
        draft = operations.get_submission(_user(), draft_id, action="")
    except (NotFound, Forbidden):
        abort(404)
    mine = draft["owner_id"] == _user()["id"]
    if not mine and (owner_only or not operations.may_edit_draft(_user(), draft)):
        abort(404)
    if draft["status"] != "draft":
        abort(redirect(url_for("forms.view", submission_id=draft_id)))
    return draft


@bp.route("/forms")
@login_required
def index() -> ResponseReturnValue:
    """List the forms the user may start, their drafts and what they can see."""
    user = _user()
    return render_template(
        "formengine/index.html",
        title="Forms",
        forms=operations.startable_forms(user),
        drafts=operations.drafts_of(user),
        sent=sentlists.sent_by_form(user),
    )


@bp.route("/forms/<form_id>/sent")
@login_required
def sent_list(form_id: str) -> ResponseReturnValue:
    """List one form's sent copies that the user may see, a page at a time, newest first."""
    user = _user()
    counted = next((f for f in sentlists.sent_by_form(user) if f.form_id == form_id), None)
    if counted is None:
        abort(404)
    pages = page_count(counted.count, SENT_PER_PAGE)
    page = page_number(request.args.get("page"), pages)
    return render_template(
        "formengine/sent.html",
        title=f"Sent: {counted.title}" + (f" (page {page} of {pages})" if pages > 1 else ""),
        counted=counted,
        rows=sentlists.sent_page(user, form_id, page, SENT_PER_PAGE),
        page=page,
        pages=pages,
        first=(page - 1) * SENT_PER_PAGE + 1,
        pagination=govuk_pagination(
            page,
            pages,
            lambda number: url_for("forms.sent_list", form_id=form_id, page=number),
            f"Pages of {counted.title}",
        ),
    )


@bp.route("/forms/<form_id>/start", methods=["POST"])
@login_required
def start(form_id: str) -> ResponseReturnValue:
    """Begin a new draft of a form."""
    try:
        draft = operations.start_draft(_user(), form_id, request.form.get("from") or None)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("forms.index"))
    definition = operations.definition_of(draft)
    first = journey.first_page(definition, {})
    if first is None:
        return redirect(url_for("forms.check", draft_id=draft["id"]))
    return redirect(url_for("forms.page", draft_id=draft["id"], page_id=first))


@bp.route("/drafts/<draft_id>/<page_id>", methods=["GET", "POST"])
@login_required
def page(draft_id: str, page_id: str) -> ResponseReturnValue:
    """Show one page of a draft and take its answers."""
    user = _user()
    draft = _draft(draft_id)
    definition = operations.definition_of(draft)
    if page_id not in {p["id"] for p in definition.pages}:
        abort(404)
    page_def = definition.page(page_id)
    answers = draft["answers"]
    if not journey.page_is_shown(definition, page_id, answers):
        following = journey.next_page(definition, page_id, answers)
        target = following and url_for("forms.page", draft_id=draft_id, page_id=following)
        return redirect(target or url_for("forms.check", draft_id=draft_id))
    fields = journey.fields_to_render(definition, page_def, answers)
    action = request.form.get("action", "continue")
    errors: dict[str, str] = {}
    if request.method == "GET":
        form = pagepost.blank_form(fields, answers)
    else:
        form, values, errors = pagepost.read_posted(fields, answers, action)
        for field, upload, content in pagepost.checked_uploads(fields, errors):
            values[field["name"]] = attachments.save(user, draft["id"], upload, content)
        for path in errors:
            values.pop(path.split(".")[0], None)  # keep the last good answer, not a bad one
        draft = operations.save_answers(user, draft_id, values)
        if action == "save":
            flash(
                "Your answers have been saved. Your draft is listed on your home page.", "success"
            )
            return redirect(url_for("main.home"))
        if action.startswith(("add:", "remove:")):
            if action.startswith("remove:"):
                form = pagepost.blank_form(fields, draft["answers"])
            errors = {}
        else:
            page_errors = validate_page(definition, page_id, draft["answers"], operations.today())
            errors = {**page_errors, **errors}
            if not errors:
                if request.args.get("return") == "check":
                    return redirect(url_for("forms.check", draft_id=draft_id))
                following = journey.next_page(definition, page_id, draft["answers"])
                if following:
                    return redirect(url_for("forms.page", draft_id=draft_id, page_id=following))
                return redirect(url_for("forms.check", draft_id=draft_id))
    return render_template(
        "formengine/page.html",
        title=page_def["title"],
        draft=draft,
        form=form,
        **pagepost.page_context(definition, page_def, fields, answers, errors),
    )


@bp.route("/drafts/<draft_id>/check", methods=["GET", "POST"])
@login_required
def check(draft_id: str) -> ResponseReturnValue:
    """Show every answer with change links, take the declaration and send the form."""
    user = _user()
    draft = _draft(draft_id)
    definition = operations.definition_of(draft)
    clean = operations.preview_clean(definition, draft["answers"])
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            sent, errors = operations.submit_draft(
                user, draft_id, declared=request.form.get("declaration") == "yes"
            )
        except Refused as refused:
            if refused.message == operations.ALREADY_SENT:
                # A second press of "Send" while the first was sending it: show what was sent.
                return redirect(url_for("forms.confirmation", submission_id=draft_id))
            flash(refused.message, "error")
            return redirect(url_for("main.home"))
        if sent is not None:
            return redirect(url_for("forms.confirmation", submission_id=draft_id))
    pages = visible_pages(definition, clean)
    return render_template(
        "formengine/check.html",
        title="Check your answers before sending",
        definition=definition,
        draft=draft,
        rows=summary.rows(definition, clean, pages),
        errors=errors,
        error_links=journey.error_links(definition, errors),
    )


@bp.route("/drafts/<draft_id>/delete", methods=["GET", "POST"])
@login_required
def delete(draft_id: str) -> ResponseReturnValue:
    """Ask before deleting a draft, then delete it."""
    draft = _draft(draft_id, owner_only=True)
    if request.method == "POST":
        operations.discard_draft(_user(), draft_id)
        flash(f"Your draft of {draft['form_title']} has been deleted.", "success")
        return redirect(url_for("main.home"))
    return render_template("formengine/delete.html", title="Delete this draft", draft=draft)


@bp.route("/submissions/<submission_id>/confirmation")
@login_required
def confirmation(submission_id: str) -> ResponseReturnValue:
    """Confirm a sent form with its reference."""
    try:
        sent = operations.get_submission(_user(), submission_id, action="")
    except (NotFound, Forbidden):
        abort(404)
    if sent["status"] != "submitted":
        abort(404)
    case = None
    if sent.get("case_id"):  # casework opened the case, or the form was started on one
        try:
            case = cases.get_case(_user(), sent["case_id"], action="")
        except NotFound:
            pass  # not theirs to see, so not even its reference
    return render_template(
        "formengine/confirmation.html",
        title="Form sent",
        sent=sent,
        case=case,
        opened_case=bool(case and case.get("referral_id") == sent["id"]),
        case_link=bool(case and _user()["role"] in cases.CASE_ROLES),
        seen_by=who_can_see(_user(), sent, cases.CASE_ROLES if sent.get("case_id") else ()),
    )


@bp.route("/submissions/<submission_id>")
@login_required
def view(submission_id: str) -> ResponseReturnValue:
    """Show a sent form as it was given, on its own form version."""
    try:
        sent = operations.get_submission(_user(), submission_id)
    except (NotFound, Forbidden):
        abort(404)
    definition = operations.definition_of(sent)
    return render_template(
        "formengine/view.html",
        title=f"{sent['form_title']} {sent.get('reference') or ''}".strip(),
        sent=sent,
        definition=definition,
        rows=summary.rows(definition, sent["answers"], visible_pages(definition, sent["answers"])),
        follow_ups=operations.forms_prefilled_from(_user(), sent["form_id"]),
    )


@bp.route("/files/<file_id>")
@login_required
def download(file_id: str) -> ResponseReturnValue:
    """Send an attached file to someone who may see its form, and audit the download."""
    record = attachments.record_of(file_id)
    if record is None:
        abort(404)
    try:
        operations.get_submission(_user(), record["submission_id"], action="")
    except (NotFound, Forbidden):
        abort(404)
    audit.record("download", "attachment", file_id, details={"submission": record["submission_id"]})
    response = Response(attachments.read(file_id), mimetype=record["content_type"])
    response.headers["Content-Disposition"] = f'attachment; filename="{record["filename"]}"'
    return response


@bp.route("/forms/<form_id>/v<int:version>/schema.json")
@login_required
def schema(form_id: str, version: int) -> ResponseReturnValue:
    """Download the JSON Schema of one form version's submission data."""
    definition = registry.definition(form_id, version)
    if definition is None:
        abort(404)
    response = Response(
        json.dumps(submission_schema(definition), indent=2), mimetype="application/schema+json"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{form_id}-v{version}.schema.json"'
    )
    return response


@bp.route("/drafts/<draft_id>")
@login_required
def resume(draft_id: str) -> ResponseReturnValue:
    """Go back into a draft at the first page that still needs an answer (or the check page)."""
    draft = _draft(draft_id)
    definition = operations.definition_of(draft)
    if not draft["answers"]:
        target = journey.first_page(definition, {})
    else:
        target = journey.resume_page(definition, draft["answers"], operations.today())
    if target is None:
        return redirect(url_for("forms.check", draft_id=draft_id))
    return redirect(url_for("forms.page", draft_id=draft_id, page_id=target))
