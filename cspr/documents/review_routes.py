"""The anonymisation review pages: what an anonymised version still holds, and the decisions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.admin.forms import ConfirmForm
from cspr.auth.roles import BUSINESS_UNIT, roles_required
from cspr.documents import final_report, operations
from cspr.documents.anonymise import operations as review_ops
from cspr.documents.anonymise.pipeline import NeedsReview
from cspr.documents.forms import DecisionForm, FinalReportForm
from cspr.documents.routes import CASE_ROLES, _back, _user, bp
from cspr.exceptions import Forbidden, Refused
from cspr.forms_support import attach_error
from cspr.storage import NotFound


def _decision_forms(count: int) -> list[DecisionForm]:
    """Return one empty decision form per candidate, each with ids of its own."""
    return [DecisionForm(prefix=f"c{n}", formdata=None) for n in range(count)]


@bp.route("/cases/<case_id>/documents/<template_id>/review", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def review(case_id: str, template_id: str) -> ResponseReturnValue:
    """List what may identify someone in the anonymised version; the business unit decides."""
    user = _user()
    failed: DecisionForm | None = None
    which = request.form.get("which", "") if request.method == "POST" else ""
    if request.method == "POST":
        if user["role"] != BUSINESS_UNIT:
            abort(403)
        if not which.isdigit():
            abort(400)
        form = DecisionForm(prefix=f"c{which}")
        if form.validate_on_submit():
            try:
                done = review_ops.decide(
                    user, case_id, form.text.data or "", form.kind.data or "",
                    form.choice.data or "", form.pseudonym.data or "",
                )
            except (NotFound, Forbidden):
                abort(404)
            except Refused as refused:
                attach_error(form, refused, "choice")
                failed = form
            else:
                flash(done, "success")
                return redirect(url_for("documents.review", case_id=case_id,
                                        template_id=template_id))  # fmt: skip
        else:
            failed = form
    try:
        page = review_ops.review_page(user, case_id, template_id)
    except (NotFound, Forbidden):
        abort(404)
    except Refused as refused:
        return _back(case_id, refused.message, "error")
    forms = _decision_forms(len(page["candidates"]))
    for n, candidate in enumerate(page["candidates"]):
        if failed is not None and str(n) == which:
            forms[n] = failed
        forms[n].text.data, forms[n].kind.data = candidate.text, candidate.kind
        forms[n].choice.label.text = f"What should happen to “{candidate.text}”?"
    return render_template(
        "documents/review.html",
        title=f"Check the anonymised {page['template']['title']}",
        form=failed,
        forms=forms,
        confirm=ConfirmForm(),
        **page,
    )


@bp.route("/cases/<case_id>/documents/<template_id>/review/save", methods=["POST"])
@roles_required(*CASE_ROLES)
def save_reviewed(case_id: str, template_id: str) -> ResponseReturnValue:
    """Save the anonymised version once nothing in it is left to review."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        record = operations.generate_document(_user(), case_id, template_id, True, reviewed=True)
    except (NotFound, Forbidden):
        abort(404)
    except NeedsReview as waiting:
        flash(waiting.message, "error")
        return redirect(url_for("documents.review", case_id=case_id, template_id=template_id))
    except Refused as refused:
        return _back(case_id, refused.message, "error")
    return _back(
        case_id,
        f"{record['template_title']} v{record['version']} (anonymised) has been checked and "
        "saved. Download it from the list of documents.",
        "success",
    )


@bp.route("/cases/<case_id>/final-report", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def final_report_upload(case_id: str) -> ResponseReturnValue:
    """Upload the local review's final report: checked for names before it is kept."""
    user = _user()
    form = FinalReportForm()
    found: list[Any] = []
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        try:
            if upload is None or not upload.filename:
                raise Refused("Select the final report", "file")
            record, found = final_report.upload(user, case_id, upload, bool(form.confirmed.data))
        except (NotFound, Forbidden):
            abort(404)
        except Refused as refused:
            attach_error(form, refused, "file")
        else:
            if record is not None:
                return _back(case_id, f"The final report v{record['version']} has been checked "
                             "and kept with the case's documents.", "success")  # fmt: skip
    try:
        case = operations.case_for(user, case_id)
    except (NotFound, Forbidden):
        abort(404)
    return render_template("documents/final_report.html", title="Upload the final report",
                           form=form if form.errors else None, upload_form=form, case=case,
                           found=found)  # fmt: skip
