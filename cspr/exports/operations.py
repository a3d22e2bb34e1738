"""The verbs of exporting: each checks access, writes the audit entry and returns an Export."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import IO, Any

from flask import current_app

from cspr import audit
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import cases
from cspr.exceptions import Forbidden, Refused
from cspr.exports import auditbook, formexport, reports, yearly, yearly_book
from cspr.exports.columns import exportable_forms
from cspr.exports.jobs import Export, Progress, results_dir
from cspr.learning import records
from cspr.timeutil import uk_today

FORM_EXPORTERS = {BUSINESS_UNIT, PARTNER, CHAIR, AGENCY_USER}
CASE_EXPORTERS = {BUSINESS_UNIT, PARTNER, CHAIR}
AUDIT_EXPORTERS = {BUSINESS_UNIT, CHAIR}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8", "json": "application/json"}


def may_export_forms(user: dict[str, Any]) -> bool:
    """Say whether the user may export form answers (admins never: need-to-know)."""
    return user["role"] in FORM_EXPORTERS


def may_export_cases(user: dict[str, Any]) -> bool:
    """Say whether the user may export case reports."""
    return user["role"] in CASE_EXPORTERS


def may_export_audit(user: dict[str, Any]) -> bool:
    """Say whether the user may make the chair's rapid review audit workbook."""
    return user["role"] in AUDIT_EXPORTERS


def _require(allowed: bool, what: str) -> None:
    """Refuse an export the user may not have."""
    if not allowed:
        raise Forbidden(what)


def _record(
    user: dict[str, Any], what: str, object_id: str | None, details: dict[str, Any]
) -> None:
    """Write the export to the audit trail: what, in which format and how many rows."""
    audit.record("export", what, object_id, details=details, user=user)


def _stamp() -> str:
    """Return today's date for file names."""
    return uk_today().isoformat()


def form_choices(user: dict[str, Any]) -> list[dict[str, Any]]:
    """List every form with a stored version and how many sent ones the user may export."""
    _require(may_export_forms(user), "exports")
    return [
        {"columns": c, "rows": formexport.plan(user, c.form_id).rows} for c in exportable_forms()
    ]


def export_form(
    user: dict[str, Any], form_id: str, fmt: str, group: str | None = None
) -> Export:
    """Export one form's sent submissions the user may see, across all its versions."""
    _require(may_export_forms(user), form_id)
    if fmt not in FORMATS:
        raise Refused("Select a format", "format")
    plan = formexport.plan(user, form_id)
    cols = plan.columns
    if group and (fmt != "csv" or group not in {g.name for g in cols.groups}):
        raise Refused("Select a format", "format")
    name = f"{form_id}{'-' + group if group else ''}-{_stamp()}.{fmt}"
    details = {"format": fmt, "rows": plan.rows, "versions": sorted(cols.versions)}
    if group:
        details["group"] = group
    _record(user, "form", form_id, details)
    title = f"{cols.title} ({fmt.upper()})"
    if fmt == "csv":
        chunks = partial(formexport.csv_chunks, plan, group)
        return Export("form", title, name, FORMATS[fmt], plan.rows, chunks=chunks, details=details)
    if fmt == "json":
        chunks = partial(formexport.json_chunks, plan)
        return Export("form", title, name, FORMATS[fmt], plan.rows, chunks=chunks, details=details)
    creator = str(current_app.config.get("PARTNERSHIP_NAME", ""))
    spool = results_dir()

    def write(out: IO[bytes], progress: Progress) -> int:
        return formexport.write_xlsx(plan, out, spool, creator, progress)

    return Export("form", title, name, XLSX, plan.rows, write=write, details=details)


def export_register(user: dict[str, Any]) -> Export:
    """Export every case the user may see, with stage, key dates and deadlines met or missed."""
    _require(may_export_cases(user), "case register")
    case_list = sorted(cases.list_cases(user), key=lambda c: c["reference"])
    today = uk_today()
    _record(user, "case_register", None, {"format": "xlsx", "rows": len(case_list)})

    def write(out: IO[bytes], progress: Progress) -> int:
        return reports.write_register(case_list, today, out)

    return Export("case_register", "Case register", f"case-register-{_stamp()}.xlsx", XLSX,
                  len(case_list), write=write)  # fmt: skip


def export_tracker(user: dict[str, Any]) -> Export:
    """Export every action from the reviews' action plans, with status, owner and due date."""
    _require(may_export_cases(user), "action plan tracker")
    rows = reports.tracker_rows(records.visible_actions(user), uk_today())
    _record(user, "action_plan_tracker", None, {"format": "xlsx", "rows": len(rows)})

    def write(out: IO[bytes], progress: Progress) -> int:
        return reports.write_tracker(rows, out)

    return Export("action_plan_tracker", "Action plan tracker",
                  f"action-plan-tracker-{_stamp()}.xlsx", XLSX, len(rows), write=write)  # fmt: skip


def export_audit(user: dict[str, Any], start: date, end: date) -> Export:
    """Make the chair's rapid review audit workbook for a period."""
    _require(may_export_audit(user), "rapid review audit")
    if end < start:
        raise Refused("The end of the period must be the same as or after the start", "end")
    rows = auditbook.audit_rows(cases.list_cases(user), start, end, uk_today())
    period = {"start": start.isoformat(), "end": end.isoformat()}
    _record(user, "rapid_review_audit", None, {"format": "xlsx", "rows": len(rows), **period})

    def write(out: IO[bytes], progress: Progress) -> int:
        return auditbook.write_audit(rows, start, end, out)

    name = f"rapid-review-audit-{start.isoformat()}-to-{end.isoformat()}.xlsx"
    return Export("rapid_review_audit", "Rapid review audit", name, XLSX, len(rows), write=write)


def year_figures(user: dict[str, Any], first_year: int) -> yearly.YearFigures:
    """Work out the yearly report's figures for the user, writing the view to the audit trail."""
    _require(may_export_cases(user), "yearly figures")
    figures = yearly.figures_for(user, first_year, uk_today())
    audit.record("view", "yearly_figures", str(first_year), user=user)
    return figures


def export_yearly(user: dict[str, Any], first_year: int) -> Export:
    """Export the yearly report's figures as a workbook."""
    _require(may_export_cases(user), "yearly figures")
    figures = yearly.figures_for(user, first_year, uk_today())
    rows = len(figures.case_rows)
    _record(user, "yearly_figures", str(first_year), {"format": "xlsx", "rows": rows})

    def write(out: IO[bytes], progress: Progress) -> int:
        return yearly_book.write_yearly(figures, out)

    name = f"yearly-figures-{first_year}-{first_year + 1}.xlsx"
    return Export("yearly_figures", f"Yearly figures {figures.label}", name, XLSX, rows,
                  write=write)  # fmt: skip


def export_yearly_section(user: dict[str, Any], first_year: int) -> Export:
    """Make the yearly report's Word section from the same figures as the page and workbook."""
    from cspr.documents.year_context import make_section

    _require(may_export_cases(user), "yearly report section")
    figures = yearly.figures_for(user, first_year, uk_today())
    data, title = make_section(figures, yearly.figure_rows(figures), user, uk_today())
    _record(user, "yearly_report_section", str(first_year), {"format": "docx"})

    def write(out: IO[bytes], progress: Progress) -> int:
        out.write(data)
        return 1

    name = f"yearly-report-section-{first_year}-{first_year + 1}.docx"
    return Export("yearly_report_section", f"{title}, {figures.label}", name, DOCX, 1,
                  write=write)  # fmt: skip


# Measured by bench/exports_bench.py on the 2-core reference machine: the widest shipped form
# (rapid review: 41 columns and two repeating groups) exports 6,000 to 8,000 rows a second and
# the referral 7,000 to 9,500, so 2 seconds is about 12,000 rows at worst. 8,000 rows (about
# 1.3 s for the widest form) leaves room for a slower or busier server.
DEFAULT_BACKGROUND_ROWS = 8000


def background_threshold() -> int:
    """Return the number of rows above which an XLSX export is made in the background."""
    return int(current_app.config.get("EXPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))
