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
from cspr.documents import library, readiness, sample, upload, variables
from cspr.documents.filters import FILTER_NAMES
from cspr.documents.operations import fill_template, settings
from cspr.documents.sandbox import Problem
from cspr.documents.scan import scan_template
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import registry
from cspr.formengine.attachments import safe_filename
from cspr.storage import NotFound

VARIABLE = "variable"  # a problem naming a value templates cannot read
MAX_LISTED = 3  # problems written out in full in the error message; the page lists them all


@dataclass
class CheckReport:
    """What checking an upload found: a file problem, template problems, the values it reads."""

    file_error: str = ""
    problems: list[Problem] = field(default_factory=list)
    used: list[dict[str, str]] = field(default_factory=list)
    unknown_sentence: str = ""

    @property
    def accepted(self) -> bool:
        """Say whether the template can be used."""
        return not self.file_error and not self.problems


    def summary(self) -> str:
        """Say everything that is wrong in a few sentences: every unknown value by name."""
        if self.file_error:
            return self.file_error
        sentences = [p.sentence() for p in self.problems if p.kind != VARIABLE]
        if len(sentences) > MAX_LISTED:
            more = len(sentences) - MAX_LISTED + 1
            sentences[MAX_LISTED - 1 :] = [f"There are {more} more problems, listed below."]
        if self.unknown_sentence:
            sentences.append(self.unknown_sentence)
        return " ".join(sentences)


class UploadRefused(Refused):
    """An upload was refused; the report says everything that is wrong."""

    def __init__(self, report: CheckReport) -> None:
        super().__init__(report.summary(), "file")
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
    tree, hints = known_tree(), variables.fact_hints(registry.live_forms())
    unknown: list[tuple[str, ...]] = []
    for path in sorted(scan.paths):
        written = ".".join(path).replace(".[]", "[0]")
        if any(p.startswith("_") for p in path):
            continue  # reported as unsafe already
        reason = variables.unknown(path, tree, hints)
        report.used.append({"path": written, "known": "no" if reason else "yes", "note": reason})
        if reason:
            report.problems.append(Problem(VARIABLE, reason))
            unknown.append(path)
    report.unknown_sentence = variables.unknown_sentence(unknown, tree, hints)
    return report


def check_samples(report: CheckReport, template: dict[str, str], content: bytes) -> None:
    """Fill a checked template with the demo's invented case, full and anonymised."""
    for anonymised in (False, True):
        context, _ = sample.sample_context(settings(), template, anonymised)
        try:
            fill_template(content, context)
        except Refused as refused:
            report.problems.append(Problem("render", refused.message))
            return


def upload_template(
    user: dict[str, Any], template_id: str | None, title: str, filename: str, content: bytes,
    to_family: bool | None = None,
) -> tuple[dict[str, Any], CheckReport]:  # fmt: skip
    """Check an upload (filling it with the demo case) and, if it passes, store it, not live.

    to_family says whether it is addressed to the family (None: as the template's earlier
    version was, or not for a new template).
    """
    _require(user, ADMIN)
    if template_id is not None and library.get_template(template_id) is None:
        raise NotFound(template_id)
    if template_id is None and not title.strip():
        raise Refused("Enter a title for the new template", "title")
    report = check_template(filename, content)
    if report.accepted:
        existing = library.get_template(template_id) if template_id else None
        shown = existing["title"] if existing else " ".join(title.split())
        check_samples(report, {"id": template_id or "new", "title": shown}, content)
    if not report.accepted:
        audit.record(
            "refuse", "document_template", template_id,
            {"reason": (report.file_error or report.problems[0].message)[:200]}, user=user,
        )  # fmt: skip
        raise UploadRefused(report)
    paths = [row["path"] for row in report.used]
    record = library.add_version(user, template_id, title, content, safe_filename(filename), paths,
                                 to_family)  # fmt: skip
    return record, report


def make_live(user: dict[str, Any], template_id: str, number: int) -> dict[str, Any]:
    """Make a stored version of a template the one in use: a new one, or an earlier one again."""
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
    data = fill_template(library.read(version), context)
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
    to_family, needs = library.rules(in_use)
    return {"template": template, "versions": found, "report": report, "to_family": to_family,
            "needs": [readiness.describe(n) for n in needs]}  # fmt: skip


def version_page(user: dict[str, Any], template_id: str, number: int) -> dict[str, Any]:
    """Return one version to look over before it is made live, and the version in use now."""
    _require(user, ADMIN)
    template, version = _version(template_id, number)
    in_use = library.get_version(template_id, int(template["active_version"]))
    return {"template": template, "version": version, "in_use": in_use,
            "is_live": in_use is not None and in_use["version"] == number}  # fmt: skip


def reference(user: dict[str, Any]) -> dict[str, Any]:
    """Return every variable with an example value from the demo case, and the filters."""
    _require(user, ADMIN, BUSINESS_UNIT)
    context, _ = sample.sample_context(settings(), {"id": "sample", "title": "Sample document"})
    forms = [
        {"definition": d, "rows": variables.form_rows(d, context),
         "facts": variables.fact_questions(d)}
        for d in registry.live_forms()
    ]  # fmt: skip
    return {"sections": variables.reference_sections(context), "forms": forms}
