"""Admin pages for document templates: the list, upload with checks, versions and samples."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.admin.forms import ConfirmForm
from cspr.auth.roles import ADMIN, current_user, roles_required
from cspr.documents import library, manage, upload
from cspr.documents.forms import UploadForm
from cspr.documents.routes import attachment
from cspr.exceptions import Refused
from cspr.forms_support import attach_error
from cspr.storage import NotFound

bp = Blueprint("doc_templates", __name__, url_prefix="/admin/templates")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _admin() -> dict[str, Any]:
    """Return the signed-in administrator (roles_required has checked)."""
    user = current_user()
    assert user is not None
    return user


@bp.route("")
@roles_required(ADMIN)
def index() -> ResponseReturnValue:
    """List the templates and the version of each in use."""
    return render_template(
        "documents/admin_index.html", title="Document templates", templates=library.list_templates()
    )


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(ADMIN)
def upload_page() -> ResponseReturnValue:
    """Check an uploaded template and, if it passes, put it into use."""
    form = UploadForm()
    templates = library.list_templates()
    form.template_id.choices = [("", "A new template")] + [(t["id"], t["title"]) for t in templates]
    if request.method == "GET" and request.args.get("template"):
        form.template_id.data = request.args["template"]
        chosen = library.get_template(request.args["template"])
        if chosen is not None and library.is_live(chosen):
            to_family, _ = library.rules(library.active(chosen["id"])[1])
            form.to_family.data = "yes" if to_family else "no"
    report = None
    if form.validate_on_submit():
        chosen = form.template_id.data or None
        file = form.file.data
        content = file.stream.read(upload.MAX_BYTES + 1) if file else b""
        try:
            if not file or not file.filename:
                raise Refused("Select a Word template to upload", "file")
            record, _ = manage.upload_template(
                _admin(), chosen, form.title.data or "", file.filename, content,
                form.to_family.data == "yes",
            )
        except NotFound:
            attach_error(form, Refused("Select a template from the list"), "template_id")
        except manage.UploadRefused as refused:
            report = refused.report
            attach_error(form, refused, "file")
        except Refused as refused:
            attach_error(form, refused, "file")
        else:
            flash(
                f"Version {record['version']} has passed the checks. It is not in use yet: look "
                "at the samples, then make it live.",
                "success",
            )
            return redirect(
                url_for(
                    "doc_templates.version",
                    template_id=record["template_id"],
                    number=record["version"],
                )
            )
    return render_template(
        "documents/admin_upload.html", title="Upload a template", form=form, report=report
    )


@bp.route("/<template_id>")
@roles_required(ADMIN)
def template(template_id: str) -> ResponseReturnValue:
    """Show a template's versions, the one in use, and the values it reads."""
    try:
        page = manage.template_page(_admin(), template_id)
    except NotFound:
        abort(404)
    return render_template(
        "documents/admin_template.html",
        title=page["template"]["title"],
        confirm=ConfirmForm(),
        **page,
    )


@bp.route("/<template_id>/versions/<int:number>")
@roles_required(ADMIN)
def version(template_id: str, number: int) -> ResponseReturnValue:
    """Show one version with its samples, to look over before making it live."""
    try:
        page = manage.version_page(_admin(), template_id, number)
    except NotFound:
        abort(404)
    return render_template(
        "documents/admin_version.html",
        title=f"Version {number} of {page['template']['title']}",
        confirm=ConfirmForm(),
        **page,
    )


@bp.route("/<template_id>/versions/<int:number>/use", methods=["POST"])
@roles_required(ADMIN)
def use(template_id: str, number: int) -> ResponseReturnValue:
    """Make a version of a template live: a new one, or an earlier one again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        manage.make_live(_admin(), template_id, number)
    except NotFound:
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(f"Version {number} is now in use: new documents are made from it.", "success")
    return redirect(url_for("doc_templates.template", template_id=template_id))


@bp.route("/<template_id>/versions/<int:number>/sample")
@roles_required(ADMIN)
def sample(template_id: str, number: int) -> ResponseReturnValue:
    """Download one version filled in with the demo's invented case."""
    anonymised = request.args.get("version") == "anonymised"
    try:
        data, filename = manage.sample_document(_admin(), template_id, number, anonymised)
    except NotFound:
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("doc_templates.template", template_id=template_id))
    return attachment(data, filename, DOCX)


@bp.route("/<template_id>/versions/<int:number>/file")
@roles_required(ADMIN)
def file(template_id: str, number: int) -> ResponseReturnValue:
    """Download one version of the template itself, to change it in Word."""
    try:
        data, filename = manage.template_file(_admin(), template_id, number)
    except NotFound:
        abort(404)
    return attachment(data, filename, DOCX)
