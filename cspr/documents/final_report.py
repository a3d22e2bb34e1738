"""The final report a reviewer wrote, uploaded to its case only after it is checked for names.

A published report must not identify the family, so a Word report is read part by part with
the same detector as generated documents, the case's register names included (nothing here
replaces them). What is found is shown; the report is kept only when nothing is found or the
business unit confirms, having looked at each, that none of it identifies anyone. A PDF cannot
be read here, so the Word version is asked for.
"""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from typing import Any

from werkzeug.datastructures import FileStorage

from cspr import audit
from cspr.auth.roles import BUSINESS_UNIT
from cspr.casework import cases, publication
from cspr.documents import operations, pseudonyms
from cspr.documents.anonymise import pipeline, review
from cspr.documents.anonymise.detect import Candidate, Detector
from cspr.documents.anonymise.passages import read_passages
from cspr.exceptions import Forbidden, Refused
from cspr.formengine.attachments import check_upload, safe_filename
from cspr.storage import get_store, transactional
from cspr.storage.fsutil import atomic_write, make_private_dir

TEMPLATE_ID = "final_report"
TITLE = "Final report (uploaded)"
FIELD = {"validation": {"accept": [".docx", ".pdf"], "max_size_mb": 20}}
PDF_REFUSED = (
    "A PDF cannot be checked for names here. Upload the Word version of the report (.docx), "
    "so that it can be checked before it is kept."
)


def _business_unit_case(user: dict[str, Any], case_id: str) -> dict[str, Any]:
    """Return the case if the user is the business unit and may see it, or refuse."""
    case = operations.case_for(user, case_id)
    if user["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit uploads the final report")
    return case


def scan_report(user: dict[str, Any], case_id: str, content: bytes) -> list[Candidate]:
    """Return what may identify someone in a Word report, for its case."""
    case = _business_unit_case(user, case_id)
    forms = operations.sent_forms(case_id)
    register = pseudonyms.entries_for(case, None)
    public = pipeline.public_details(operations.settings().partnership, TITLE)
    words = review.case_words(case, forms, register, public)
    words.names += [e["real"] for e in register]  # an upload is not redacted: look for all
    words.safe = [s for s in words.safe if s.lower() not in {e["real"].lower() for e in register}]
    from lxml import etree  # loaded when first needed

    try:
        passages = read_passages(content)
    except (zipfile.BadZipFile, etree.LxmlError, KeyError) as error:  # damaged or disguised
        raise Refused("The selected file could not be read as a Word document", "file") from error
    return Detector(words).candidates(passages)


def upload(
    user: dict[str, Any], case_id: str, file: FileStorage, confirmed: bool
) -> tuple[dict[str, Any] | None, list[Candidate]]:
    """Check an uploaded final report; keep it if nothing is found or the user confirmed."""
    _business_unit_case(user, case_id)
    content, error = check_upload(FIELD, file)
    if error or content is None:
        raise Refused(error or "Select the final report", "file")
    if content.startswith(b"%PDF-"):
        raise Refused(PDF_REFUSED, "file")
    found = scan_report(user, case_id, content)
    audit.record("check", "final_report", case_id, {"candidates": len(found)}, user=user)
    if found and not confirmed:
        return None, found
    document_id = secrets.token_hex(16)
    folder = get_store().data_dir / operations.AREA
    make_private_dir(folder)
    atomic_write(folder / f"{document_id}.docx", [content])
    check = {"checked_at": cases.now_iso(), "found": len(found),
             "reviewed_by": user["name"] if found else ""}  # fmt: skip
    return _keep(user, case_id, document_id, content, safe_filename(file.filename or ""),
                 check), found  # fmt: skip


@transactional
def _keep(user: dict[str, Any], case_id: str, document_id: str, content: bytes,
          filename: str, check: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Record the report as the case's next final report version and note it on the case."""
    number = operations.next_number(case_id, TEMPLATE_ID)
    record = get_store().insert(operations.DOCUMENTS, {
        "id": document_id, "case_id": case_id, "template_id": TEMPLATE_ID,
        "template_title": TITLE, "template_version": 0, "version": number, "anonymised": True,
        "check": check, "filename": filename or f"final report v{number}.docx",
        "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
        "made_by": user["id"], "made_by_name": user["name"], "made_at": cases.now_iso(),
    })  # fmt: skip
    publication.attach_final_report(case_id, record)
    audit.record("upload", "document", document_id,
                 {"case": case_id, "final_report": number, "found": check["found"]},
                 user=user)  # fmt: skip
    return record
