"""The verbs of documents: generate one for a case, list a case's documents, download one.

Each verb checks who is asking (need-to-know: the business unit, partners and the chair for
cases they can see; never agency staff or administrators), changes state through storage,
and writes the audit entry.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zipfile
from io import BytesIO
from typing import Any, NamedTuple

from flask import current_app

from cspr import audit
from cspr.admin import partnership
from cspr.auth.roles import BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import calendar_settings, cases, decisions
from cspr.documents import isolation, library, pdf, pseudonyms, readiness, variables
from cspr.documents.anonymise import pipeline, review
from cspr.documents.anonymise.detect import Candidate
from cspr.documents.context import Settings, build_context, found_names, partnership_values
from cspr.documents.filters import FILTER_NAMES, make_filters
from cspr.documents.render import render_docx
from cspr.documents.sandbox import TemplateRefused
from cspr.documents.scan import scan_template
from cspr.documents.xmlparse import safe_parser
from cspr.documents.year_context import YEAR_TEMPLATES
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as form_ops
from cspr.formengine import registry
from cspr.formengine.attachments import safe_filename
from cspr.formengine.definitions import FormDefinition
from cspr.storage import NotFound, get_store, transactional, within_transaction
from cspr.storage.fsutil import atomic_write, make_private_dir
from cspr.timeutil import uk_today

DOCUMENTS = "documents"
COUNTERS = "document_counters"
AREA = "documents"
CAN_GENERATE = {BUSINESS_UNIT, PARTNER, CHAIR}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
_DOCUMENT_ID = re.compile(r"[0-9a-f]{32}")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def settings() -> Settings:
    """Return the partnership's settings as documents use them, read now."""
    return Settings(
        partnership=partnership_values(partnership.details()),
        decision_rule=decisions.decision_rule(),
        signoffs_required=decisions.signoffs_required(),
        closures=calendar_settings.closures(),
        start_is_day_zero=calendar_settings.start_is_day_zero(),
    )


def filters_now() -> dict[str, Any]:
    """Return the template filters, counting in the partnership's calendar."""
    current = settings()
    return make_filters(current.closures, current.start_is_day_zero)


def fill_template(content: bytes, context: dict[str, Any]) -> bytes:
    """Fill a template: checked here, then filled in a worker with limits on time and memory."""
    scan = scan_template(content, set(FILTER_NAMES))
    if scan.blocking:
        raise TemplateRefused(scan.blocking)
    config = current_app.config
    if not config["DOCUMENT_RENDER_ISOLATED"]:
        return render_docx(content, context, filters_now(), check=False)
    current = settings()
    limits = isolation.Limits(
        int(config["DOCUMENT_RENDER_SECONDS"]), int(config["DOCUMENT_RENDER_MEMORY_MB"])
    )
    return isolation.fill_isolated(
        content, context, sorted(current.closures), current.start_is_day_zero, limits
    )


def case_for(user: dict[str, Any], case_id: str) -> dict[str, Any]:
    """Return a case whose documents the user may see, or refuse."""
    if user["role"] not in CAN_GENERATE:
        raise Forbidden("Only the business unit, partners and the chair work with case documents")
    return cases.get_case(user, case_id, action="")


def sent_forms(case_id: str) -> list[tuple[dict[str, Any], FormDefinition]]:
    """Return a case's sent forms, each with the form version it was given on."""
    return [(s, form_ops.definition_of(s)) for s in cases.case_submissions(case_id)]


def _referral(case: dict[str, Any], forms: list[tuple[dict[str, Any], Any]]) -> dict[str, Any]:
    """Return the referral that opened the case."""
    return next((s for s, _ in forms if s["id"] == case.get("referral_id")), {})


def document_text(content: bytes) -> str:
    """Return every word in a Word document: text, headers, footers, notes and properties."""
    from lxml import etree

    lines: list[str] = []
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml") or not name.startswith(("word/", "docProps/")):
                continue
            root = etree.fromstring(archive.read(name), safe_parser())
            paragraphs = list(root.iter(f"{_W}p"))
            if paragraphs:
                lines += ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in paragraphs]
            else:
                lines.append(" ".join(root.itertext()))
    return "\n".join(lines)


@within_transaction
def next_number(case_id: str, template_id: str) -> int:
    """Allocate the next version number of a template's document for a case, never twice."""
    store = get_store()
    key = f"{case_id}.{template_id}"
    if store.get(COUNTERS, key) is None:
        store.insert(COUNTERS, {"id": key, "last": 1})
        return 1
    counter = store.update(COUNTERS, key, lambda doc: {**doc, "last": int(doc["last"]) + 1})
    return int(counter["last"])


class Rendered(NamedTuple):
    """A document filled in for a case, with what may still identify someone in it."""

    data: bytes
    template: dict[str, Any]
    version: dict[str, Any]
    candidates: list[Candidate]


def render_checked(
    user: dict[str, Any], case: dict[str, Any], template_id: str, anonymised: bool
) -> Rendered:
    """Fill a template for a case; anonymised, also find what may still identify someone."""
    if template_id in YEAR_TEMPLATES:
        raise NotFound(template_id)  # made from the yearly figures, for no one case
    template, version = library.active(template_id)
    forms = sent_forms(case["id"])
    to_family, needs = library.rules(version)
    refused = readiness.refusal(case, [s["form_id"] for s, _ in forms], template["title"], needs,
                                to_family, partnership.details().family_contact_set)  # fmt: skip
    if refused:
        raise Refused(refused)
    register = pseudonyms.entries_for(case, _referral(case, forms))
    current = settings()
    context, redactor = build_context(
        case,
        forms,
        current,
        template={"id": template["id"], "title": template["title"]},
        author=user,
        register=register,
        anonymised=anonymised,
        today=uk_today(),
    )
    content = library.read(version)
    stale = variables.unreadable(scan_template(content, set(FILTER_NAMES)).paths,
                                 registry.live_forms())  # fmt: skip
    if stale:
        # A template written for an older version of the toolkit or its forms: refuse rather
        # than print a letter with gaps where values used to be.
        raise Refused(f"“{template['title']}” was not made: {stale} Ask an administrator to "
                      "upload a corrected version of the template.")  # fmt: skip
    data = fill_template(content, context)
    if redactor is None:
        return Rendered(data, template, version, [])
    public = pipeline.public_details(current.partnership, template["title"])
    words = review.case_words(case, forms, register, public)
    data, candidates = pipeline.finish(data, redactor, words, current.partnership["name"])
    return Rendered(data, template, version, candidates)


def render_for_case(
    user: dict[str, Any], case: dict[str, Any], template_id: str, anonymised: bool
) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """Fill a template for a case; return the document, the template and the version used."""
    rendered = render_checked(user, case, template_id, anonymised)
    return rendered.data, rendered.template, rendered.version


def _filename(case: dict[str, Any], title: str, number: int, label: str) -> str:
    """Name a document file by case, template and version, without characters files dislike."""
    name = f"{case['reference']} {title.replace(':', ' -')} v{number}{label}"
    return safe_filename(name) + ".docx"


def generate_document(
    user: dict[str, Any], case_id: str, template_id: str, anonymised: bool,
    reviewed: bool = False,
) -> dict[str, Any]:
    """Make a document for a case from a template, keep it as the next version, log it.

    An anonymised version is kept only when nothing in it may identify someone unreviewed:
    otherwise NeedsReview is raised and nothing is saved.
    """
    case = case_for(user, case_id)
    rendered = render_checked(user, case, template_id, anonymised)
    if rendered.candidates:
        raise pipeline.NeedsReview(rendered.candidates)
    document_id = secrets.token_hex(16)
    folder = get_store().data_dir / AREA
    make_private_dir(folder)
    atomic_write(folder / f"{document_id}.docx", [rendered.data])
    check = None
    if anonymised:
        check = {"checked_at": cases.now_iso(), "reviewed_by": user["name"] if reviewed else "",
                 "decisions": len(review.decisions(case_id))}  # fmt: skip
    return _keep(user, case, rendered, document_id, check)


@transactional
def _keep(user: dict[str, Any], case: dict[str, Any], rendered: Rendered, document_id: str,
          check: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """Record a made document as the next version, on the case's timeline and in the audit."""
    template, version, anonymised = rendered.template, rendered.version, check is not None
    number = next_number(case["id"], template["id"])
    label = " (anonymised)" if anonymised else ""
    record = get_store().insert(
        DOCUMENTS,
        {
            "id": document_id,
            "case_id": case["id"],
            "template_id": template["id"],
            "template_title": template["title"],
            "template_version": version["version"],
            "version": number,
            "anonymised": anonymised,
            "check": check,
            "filename": _filename(case, template["title"], number, label),
            "size": len(rendered.data),
            "sha256": hashlib.sha256(rendered.data).hexdigest(),
            "made_by": user["id"],
            "made_by_name": user["name"],
            "made_at": cases.now_iso(),
        },
    )
    text = f"{template['title']} v{number}{label} generated"
    if check and check["reviewed_by"]:
        text += f", checked for names and reviewed by {check['reviewed_by']}"
    cases.add_timeline_entry(case["id"], "document", text, user)
    audit.record(
        "create",
        "document",
        document_id,
        {"case": case["id"], "template": template["id"], "template_version": version["version"],
         "version": number, "anonymised": anonymised,
         "reviewed": bool(check and check["reviewed_by"])},
        user=user,
    )  # fmt: skip
    return record


def history(user: dict[str, Any], case_id: str) -> list[dict[str, Any]]:
    """Return a case's documents, newest first."""
    case_for(user, case_id)
    return _newest_first(case_id)


def _newest_first(case_id: str) -> list[dict[str, Any]]:
    """Return a case's documents in the reverse of the order they were made."""
    return list(reversed(get_store().find(DOCUMENTS, where={"case_id": case_id})))


def read_document(
    user: dict[str, Any], document_id: str, kind: str = "docx"
) -> tuple[dict[str, Any], bytes, str, str]:
    """Return a document as Word or PDF (record, bytes, file name, type), logging the download."""
    record = (
        get_store().get(DOCUMENTS, document_id) if _DOCUMENT_ID.fullmatch(document_id) else None
    )
    if record is None or kind not in ("docx", "pdf"):
        raise NotFound(document_id)
    case_for(user, record["case_id"])
    folder = get_store().data_dir / AREA
    data = (folder / f"{document_id}.docx").read_bytes()
    filename, mimetype = record["filename"], DOCX
    if kind == "pdf":
        cached = folder / f"{document_id}.pdf"
        if cached.exists():
            data = cached.read_bytes()
        else:
            data = pdf.to_pdf(data)
            atomic_write(cached, [data])
        filename, mimetype = filename.removesuffix(".docx") + ".pdf", PDF
    audit.record(
        "download", "document", document_id, {"case": record["case_id"], "format": kind}, user=user
    )
    return record, data, filename, mimetype


def register_page(user: dict[str, Any], case_id: str) -> dict[str, Any]:
    """Return a case's pseudonym register and the names it does not cover yet, logging the view."""
    case = case_for(user, case_id)
    forms = sent_forms(case_id)
    entries = pseudonyms.entries_for(case, _referral(case, forms))
    audit.record("view", "pseudonym_register", case_id, user=user)
    return {"case": case, "entries": entries, "found": found_names(case, forms, entries)}


def change_register(
    user: dict[str, Any], case_id: str, action: str, **values: str
) -> list[dict[str, str]]:
    """Add a name to a case's register or take one out."""
    case = case_for(user, case_id)
    pseudonyms.entries_for(case, _referral(case, sent_forms(case_id)))
    if action == "add":
        return pseudonyms.add_entry(
            user, case, values.get("real", ""), values.get("pseudonym", ""), values.get("kind", "")
        )
    if action == "remove":
        return pseudonyms.remove_entry(user, case, values.get("real", ""))
    raise NotFound(action)


def case_panel(user: dict[str, Any] | None, case: dict[str, Any]) -> dict[str, Any]:
    """Return what the case page's documents section shows to this user."""
    if user is None or user["role"] not in CAN_GENERATE:
        return {"shown": False}
    # A new template is offered once a version is made live; yearly ones are not about a case.
    live = [t for t in library.list_templates()
            if library.is_live(t) and t["id"] not in YEAR_TEMPLATES]  # fmt: skip
    in_use = [library.active(t["id"]) for t in live]
    templates = [{"id": t["id"], "title": t["title"], "to_family": library.rules(v)[0]}
                 for t, v in in_use]  # fmt: skip
    family_letters = [t["title"] for t in templates if t["to_family"]]
    return {
        "shown": True,
        "templates": templates,
        "family_letters": family_letters,
        "hold": readiness.hold_message(case),
        "no_family_contact": bool(family_letters)
        and not partnership.details().family_contact_set,
        "documents": history(user, case["id"]),
        "pdf": pdf.available(),
        "pdf_hint": pdf.INSTALL_HINT,
        "runs_register": user["role"] == BUSINESS_UNIT,
    }
