"""The verbs of the template library, for administrators: check, upload, roll back, sample.

Unknown variables are refused, not just warned about: a misspelt placeholder would print
nothing, and a letter to a bereaved family with a silent gap is worse than an upload that
has to be corrected. The refusal names each one and suggests the nearest known name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cspr import audit
from cspr.auth.roles import ADMIN, BUSINESS_UNIT
from cspr.documents import library, sample, upload, variables
from cspr.documents.filters import FILTER_NAMES
from cspr.documents.operations import filters_now, settings
from cspr.documents.render import render_docx
from cspr.documents.sandbox import Problem
from cspr.documents.scan import scan_template
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import registry
from cspr.formengine.attachments import safe_filename
from cspr.storage import NotFound


@dataclass
class CheckReport:
    """What checking an upload found: a file problem, template problems, the values it reads."""

    file_error: str = ""
    problems: list[Problem] = field(default_factory=list)
    used: list[dict[str, str]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Say whether the template can be used."""
        return not self.file_error and not self.problems


class UploadRefused(Refused):
    """An upload was refused; the report says everything that is wrong."""

    def __init__(self, report: CheckReport) -> None:
        first = report.file_error or (report.problems[0].sentence() if report.problems else "")
        super().__init__(first, "file")
        self.report = report


def _require(user: dict[str, Any], *roles: str) -> None:
    """Refuse anyone without one of the roles."""
    if user["role"] not in roles:
        raise Forbidden("Only administrators manage document templates")


def known_tree() -> dict[str, Any]:
    """Return every path templates may read, including every live form's fields."""
    return variables.known_tree(registry.live_forms())


def check_template(filename: str, content: bytes) -> CheckReport:
    """Check an upload: a safe .docx, sound Jinja, nothing unsafe, only known variables."""
    report = CheckReport(file_error=upload.check_docx(filename, content))
    if report.file_error:
        return report
    scan = scan_template(content, set(FILTER_NAMES))
    report.problems = list(scan.problems)
    tree = known_tree()
    for path in sorted(scan.paths):
        written = ".".join(path).replace(".[]", "[0]")
        if any(p.startswith("_") for p in path):
            continue  # reported as unsafe already
        reason = variables.unknown(path, tree)
        report.used.append({"path": written, "known": "no" if reason else "yes", "note": reason})
        if reason:
            report.problems.append(Problem("unknown", reason))
    return report


def upload_template(
    user: dict[str, Any], template_id: str | None, title: str, filename: str, content: bytes
) -> tuple[dict[str, Any], CheckReport]:
    """Check an upload and, if it passes, store it as the template's version in use."""
    _require(user, ADMIN)
    if template_id is not None and library.get_template(template_id) is None:
        raise NotFound(template_id)
    if template_id is None and not title.strip():
        raise Refused("Enter a title for the new template", "title")
    report = check_template(filename, content)
    if not report.accepted:
        audit.record(
            "refuse", "document_template", template_id,
            {"reason": (report.file_error or report.problems[0].message)[:200]}, user=user,
        )  # fmt: skip
        raise UploadRefused(report)
    paths = [row["path"] for row in report.used]
    record = library.add_version(user, template_id, title, content, safe_filename(filename), paths)
    return record, report


def rollback(user: dict[str, Any], template_id: str, number: int) -> dict[str, Any]:
    """Put another stored version of a template back into use."""
    _require(user, ADMIN)
    return library.use_version(user, template_id, number)


def _version(template_id: str, number: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a template and one of its versions, or raise NotFound."""
    template = library.get_template(template_id)
    version = library.get_version(template_id, number)
    if template is None or version is None:
        raise NotFound(library.version_id(template_id, number))
    return template, version


def sample_document(
    user: dict[str, Any], template_id: str, number: int, anonymised: bool = False
) -> tuple[bytes, str]:
    """Fill one version of a template with the demo's invented case; log the download."""
    _require(user, ADMIN)
    template, version = _version(template_id, number)
    context, _ = sample.sample_context(
        settings(), {"id": template["id"], "title": template["title"]}, anonymised
    )
    data = render_docx(library.read(version), context, filters_now())
    audit.record(
        "download", "document_template_sample", version["id"], {"anonymised": anonymised},
        user=user,
    )  # fmt: skip
    label = " anonymised" if anonymised else ""
    return data, safe_filename(f"Sample {template['title']} v{number}{label}") + ".docx"


def template_file(user: dict[str, Any], template_id: str, number: int) -> tuple[bytes, str]:
    """Return one stored version of a template itself, to edit in Word; log the download."""
    _require(user, ADMIN)
    template, version = _version(template_id, number)
    audit.record("download", "document_template", version["id"], user=user)
    return library.read(version), safe_filename(f"{template['title']} template v{number}") + ".docx"


def template_page(user: dict[str, Any], template_id: str) -> dict[str, Any]:
    """Return a template, its versions (newest first) and what the version in use reads."""
    _require(user, ADMIN)
    template = library.get_template(template_id)
    if template is None:
        raise NotFound(template_id)
    found = list(reversed(library.versions(template_id)))
    in_use = next((v for v in found if v["version"] == template["active_version"]), found[0])
    report = check_template(in_use.get("filename") or "template.docx", library.read(in_use))
    return {"template": template, "versions": found, "report": report}


def reference(user: dict[str, Any]) -> dict[str, Any]:
    """Return every variable with an example value from the demo case, and the filters."""
    _require(user, ADMIN, BUSINESS_UNIT)
    context, _ = sample.sample_context(settings(), {"id": "sample", "title": "Sample document"})
    forms = [
        {"definition": d, "rows": variables.form_rows(d, context)} for d in registry.live_forms()
    ]
    return {"rows": variables.reference_rows(context), "forms": forms}
