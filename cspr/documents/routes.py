"""Document pages for cases: generate, download (Word or PDF), and the pseudonym register."""

from __future__ import annotations

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

from cspr.admin.forms import ConfirmForm
from cspr.auth.roles import ADMIN, BUSINESS_UNIT, CHAIR, PARTNER, current_user, roles_required
from cspr.documents import library, manage, operations
from cspr.documents.anonymise.pipeline import NeedsReview
from cspr.documents.filters import FILTER_DOCS
from cspr.documents.forms import PseudonymForm
from cspr.documents.pseudonyms import KINDS
from cspr.exceptions import Forbidden, Refused
from cspr.forms_support import attach_error
from cspr.storage import NotFound, get_store

bp = Blueprint("documents", __name__)
CASE_ROLES = (BUSINESS_UNIT, PARTNER, CHAIR)


def _user() -> dict[str, Any]:
    """Return the signed-in user (roles_required has checked)."""
    user = current_user()
    assert user is not None
    return user


def _back(case_id: str, message: str, category: str) -> ResponseReturnValue:
    """Return to the case's documents with a message."""
    flash(message, category)
    return redirect(url_for("cases.case_page", case_id=case_id, _anchor="documents"))


def attachment(data: bytes, filename: str, mimetype: str) -> Response:
    """Send bytes as a download that no cache keeps."""
    response = Response(data, mimetype=mimetype)
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "'")
    response.headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cases/<case_id>/documents", methods=["POST"])
@roles_required(*CASE_ROLES)
def generate(case_id: str) -> ResponseReturnValue:
    """Make a document for the case from the chosen template."""
    template_id = request.form.get("template_id", "")
    version = request.form.get("version", "")
    template = library.get_template(template_id) if template_id else None
    if template is None or not library.is_live(template):
        return _back(case_id, "Select the document to generate", "error")
    if version not in ("full", "anonymised"):
        return _back(case_id, "Select whether to make the full or the anonymised version", "error")
    try:
        record = operations.generate_document(
            _user(), case_id, template_id, version == "anonymised"
        )
    except (NotFound, Forbidden):
        abort(404)
    except NeedsReview:
        # Nothing saved: the user sees what may identify someone, in its sentence, and decides.
        return redirect(url_for("documents.review", case_id=case_id, template_id=template_id))
    except Refused as refused:
        return _back(case_id, refused.message, "error")
    kind = " (anonymised)" if record["anonymised"] else ""
    return _back(
        case_id,
        f"{record['template_title']} v{record['version']}{kind} has been generated. "
        "Download it from the list of documents.",
        "success",
    )


@bp.route("/documents/<document_id>/<kind>")
@roles_required(*CASE_ROLES)
def download(document_id: str, kind: str) -> ResponseReturnValue:
    """Send a case document as Word or PDF, writing the download to the audit trail."""
    try:
        record, data, filename, mimetype = operations.read_document(_user(), document_id, kind)
    except (NotFound, Forbidden):
        abort(404)
    except Refused as refused:
        found = get_store().get(operations.DOCUMENTS, document_id)
        return _back(found["case_id"] if found else "", refused.message, "error")
    return attachment(data, filename, mimetype)


@bp.route("/cases/<case_id>/pseudonyms", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def pseudonyms(case_id: str) -> ResponseReturnValue:
    """Show the case's pseudonym register; the business unit adds names to it."""
    user = _user()
    form = PseudonymForm()
    if request.method == "POST":
        if user["role"] != BUSINESS_UNIT:
            abort(403)
        if form.validate_on_submit():
            try:
                operations.change_register(
                    user, case_id, "add", real=form.real.data or "",
                    pseudonym=form.pseudonym.data or "", kind=form.kind.data or "",
                )  # fmt: skip
            except (NotFound, Forbidden):
                abort(404)
            except Refused as refused:
                attach_error(form, refused, "real")
            else:
                flash(f"{form.real.data} has been added to the register.", "success")
                return redirect(url_for("documents.pseudonyms", case_id=case_id))
    try:
        page = operations.register_page(user, case_id)
    except (NotFound, Forbidden):
        abort(404)
    return render_template(
        "documents/pseudonyms.html",
        title=f"Pseudonym register for {page['case']['reference']}",
        form=form,
        confirm=ConfirmForm(),
        edits=user["role"] == BUSINESS_UNIT,
        kinds=KINDS,
        **page,
    )


@bp.route("/cases/<case_id>/pseudonyms/remove", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def remove_pseudonym(case_id: str) -> ResponseReturnValue:
    """Take a name out of the case's register."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    real = request.form.get("real", "")
    try:
        operations.change_register(_user(), case_id, "remove", real=real)
    except (NotFound, Forbidden):
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(f"{real} has been taken out of the register.", "success")
    return redirect(url_for("documents.pseudonyms", case_id=case_id))


@bp.route("/documents/variables")
@roles_required(ADMIN, BUSINESS_UNIT)
def variables() -> ResponseReturnValue:
    """List every value a template can use, with an example from the demo case."""
    return render_template(
        "documents/variables.html",
        title="Template variables",
        filters=FILTER_DOCS,
        **manage.reference(_user()),
    )


def case_documents(case: dict[str, Any], user: dict[str, Any]) -> dict[str, Any] | None:
    """Give the case page its documents section, as the viewer may see it (a signal receiver)."""
    panel = operations.case_panel(user, case)
    if not panel["shown"]:
        return None
    panel["template_items"] = [{"value": "", "text": "Choose a document"}] + [
        {"value": t["id"], "text": t["title"]} for t in panel["templates"]
    ]
    return {"template": "documents/_case_documents.html", "data": panel}
