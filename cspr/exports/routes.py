"""Export pages (thin): choose what to export, then get the file now, streamed, or from a job."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.auth.roles import current_user, login_required
from cspr.casework import clock
from cspr.casework.calendar_settings import read_date
from cspr.casework.clock_routes import Answers
from cspr.exceptions import Forbidden, Refused
from cspr.exports import jobs, operations, yearly
from cspr.exports.columns import form_columns
from cspr.storage import NotFound
from cspr.timeutil import uk_today

bp = Blueprint("exports", __name__, url_prefix="/exports")
DEFAULT_KEEP_HOURS = 24
REFRESH_SECONDS = 3


def _user() -> dict[str, Any]:
    """Return the signed-in user, or refuse anyone who may not export at all."""
    user = current_user()
    assert user is not None  # nosec B101  # login_required runs first
    if not operations.may_export_forms(user):
        abort(403)
    return user


def _period_answers() -> Answers:
    """Read the two day/month/year inputs of the period form."""
    names = [f"{prefix}-{part}" for prefix in ("start", "end") for part in ("day", "month", "year")]
    return Answers({name: str(request.form.get(name, "")).strip() for name in names})


def _read_date(answers: Answers, prefix: str, name: str) -> date | None:
    """Read one date input, recording its error in GOV.UK words; None when it is wrong."""
    day, month, year = (answers.values[f"{prefix}-{part}"] for part in ("day", "month", "year"))
    try:
        return read_date(day, month, year, name=name, field=prefix)
    except Refused as refused:
        answers.refuse(refused)
        return None


def _keep() -> timedelta:
    """Return how long finished exports are kept."""
    return timedelta(hours=float(current_app.config.get("EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS)))


def deliver(
    user: dict[str, Any], export: jobs.Export, background: bool = True
) -> ResponseReturnValue:
    """Stream CSV and JSON; send a small workbook now; a big one in the background if allowed."""
    if export.chunks is not None:
        response = Response(stream_with_context(export.chunks()), mimetype=export.mimetype)
        response.headers.set("Content-Disposition", "attachment", filename=export.filename)
        return response
    if background and export.rows > operations.background_threshold():
        jobs.clean_up(_keep())
        job = jobs.runner().submit(user, export)
        return redirect(url_for("exports.job", job_id=job["id"]), 303)
    assert export.write is not None  # nosec B101  # every export streams or writes
    handle = tempfile.TemporaryFile(dir=jobs.results_dir())  # 0600 and never named on disk
    export.write(handle, lambda done: None)
    handle.seek(0)
    return send_file(
        handle, mimetype=export.mimetype, as_attachment=True, download_name=export.filename
    )


def _guarded(make: Any, *args: Any) -> jobs.Export:
    """Run an export verb, turning a refusal of access into 403 and a missing form into 404."""
    try:
        export: jobs.Export = make(*args)
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    return export


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """List what the user may export, and their recent background exports."""
    user = _user()
    jobs.clean_up(_keep())  # old results go even when nobody starts a new background export
    return render_template(
        "exports/index.html",
        title="Exports",
        forms=operations.form_choices(user),
        cases_allowed=operations.may_export_cases(user),
        audit_allowed=operations.may_export_audit(user),
        recent=jobs.jobs_of(user),
    )


def _format_items(form_id: str) -> list[dict[str, Any]]:
    """Return the format choices for a form: a workbook, CSV per table, or JSON."""
    cols = form_columns(form_id)
    if cols is None:
        abort(404)
    labels = [g.label.lower() for g in cols.groups]
    groups = " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
    items = [{"value": "xlsx", "text": "Excel workbook (XLSX)",
              "hint": "The answers on one sheet" + (f", and a sheet each for {groups}"
                                                    if groups else "")}]  # fmt: skip
    items.append({"value": "csv", "text": "CSV: the answers, one row per form"})
    items += [{"value": f"csv:{g.name}", "text": f"CSV: {g.label.lower()}, one row for each",
               "hint": "Each row starts with the reference of the form it belongs to"}
              for g in cols.groups]  # fmt: skip
    items.append({"value": "json", "text": "JSON: every answer as it is stored",
                  "hint": "For loading into another system"})  # fmt: skip
    return items


@bp.route("/forms/<form_id>", methods=["GET", "POST"])
@login_required
def form(form_id: str) -> ResponseReturnValue:
    """Choose a format for one form's export, then download it."""
    user = _user()
    cols = form_columns(form_id)
    if cols is None:
        abort(404)
    items = _format_items(form_id)
    error = ""
    chosen = request.form.get("format", "")
    if request.method == "POST":
        if chosen not in {i["value"] for i in items}:
            error = "Select a format"
        else:
            fmt, _, group = chosen.partition(":")
            try:
                return deliver(user, _guarded(operations.export_form, user, form_id, fmt, group))
            except Refused as refused:
                error = refused.message
    rows = operations.formexport.plan(user, form_id).rows
    return render_template("exports/form.html", title=f"Export {cols.title}", cols=cols,
                           items=items, chosen=chosen, error=error, rows=rows)  # fmt: skip


@bp.post("/case-register")
@login_required
def register() -> ResponseReturnValue:
    """Download the case register."""
    user = _user()
    return deliver(user, _guarded(operations.export_register, user))


@bp.post("/action-plan-tracker")
@login_required
def tracker() -> ResponseReturnValue:
    """Download the action plan tracker."""
    user = _user()
    return deliver(user, _guarded(operations.export_tracker, user))


@bp.route("/rapid-review-audit", methods=["GET", "POST"])
@login_required
def audit_workbook() -> ResponseReturnValue:
    """Choose the period for the chair's rapid review audit workbook, then download it."""
    user = _user()
    if not operations.may_export_audit(user):
        abort(403)
    answers = _period_answers()
    if request.method == "POST":
        start = _read_date(answers, "start", "start of the period")
        end = _read_date(answers, "end", "end of the period")
        if start and end:
            try:
                return deliver(user, _guarded(operations.export_audit, user, start, end))
            except Refused as refused:
                answers.refuse(refused)
    today = uk_today()
    example_end = today.replace(day=1) - timedelta(days=1)
    example_start = clock.add_months(example_end.replace(day=1), -5)
    return render_template("exports/audit.html", title="Rapid review audit workbook",
                           answers=answers, example_start=example_start,
                           example_end=example_end)  # fmt: skip


def _year_choice() -> int:
    """Read the chosen reporting year, defaulting to the one today falls in."""
    this_year = yearly.year_of(uk_today())
    chosen = request.values.get("year", type=int)
    return chosen if chosen is not None and this_year - 20 <= chosen <= this_year else this_year


@bp.get("/yearly-figures")
@login_required
def yearly_figures() -> ResponseReturnValue:
    """Show the yearly report's figures for a reporting year."""
    user = _user()
    if not operations.may_export_cases(user):
        abort(403)
    first_year = _year_choice()
    figures = operations.year_figures(user, first_year)
    this_year = yearly.year_of(uk_today())
    years = [(y, yearly.YearFigures(*yearly.year_bounds(y), {}, []).label)
             for y in range(this_year, this_year - 6, -1)]  # fmt: skip
    return render_template("exports/yearly.html", title="Yearly report figures", figures=figures,
                           first_year=first_year, years=years, rows=yearly.figure_rows(figures),
                           so_far=figures.end >= uk_today())  # fmt: skip


@bp.post("/yearly-figures")
@login_required
def yearly_download() -> ResponseReturnValue:
    """Download the yearly report's figures as a workbook."""
    user = _user()
    return deliver(user, _guarded(operations.export_yearly, user, _year_choice()))


@bp.post("/yearly-figures/word")
@login_required
def yearly_section() -> ResponseReturnValue:
    """Download the section for the partnership's yearly report, as a Word document."""
    user = _user()
    try:
        return deliver(user, _guarded(operations.export_yearly_section, user, _year_choice()))
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("exports.yearly_figures", year=_year_choice()))


@bp.get("/jobs/<job_id>")
@login_required
def job(job_id: str) -> ResponseReturnValue:
    """Show how a background export is getting on; the page reloads itself until it is ready."""
    user = _user()
    found = jobs.own_job(user, job_id)
    if found is None:
        abort(404)  # the same answer whether it is missing or someone else's
    waiting = found["status"] in ("queued", "running")
    automatic = waiting and request.args.get("auto") != "off"
    response = Response(render_template(
        "exports/job.html", title=f"Export: {found['title']}", job=found, waiting=waiting,
        automatic=automatic, refresh_seconds=REFRESH_SECONDS,
    ))  # fmt: skip
    if automatic:
        # The Refresh header reloads the page like <meta http-equiv="refresh"> does, with no
        # script; the page offers a link to stop it (WCAG 2.2.1, timing adjustable).
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/jobs/<job_id>/download")
@login_required
def job_download(job_id: str) -> ResponseReturnValue:
    """Download a finished background export; only the person who asked may have it."""
    user = _user()
    found = jobs.own_job(user, job_id)
    if found is None or found["status"] != "done":
        abort(404)
    path = jobs.result_path(found)
    if not path.is_file():
        abort(404)
    audit.record("download", "export_job", job_id, {"file": found["filename"]}, user=user)
    return send_file(path, mimetype=found["mimetype"], as_attachment=True,
                     download_name=found["filename"])  # fmt: skip
