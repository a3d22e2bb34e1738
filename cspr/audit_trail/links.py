"""Where each audit entry's object can be opened, for a viewer who may open it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for

from cspr.auth.operations import USERS
from cspr.auth.roles import ADMIN
from cspr.casework import cases
from cspr.documents.operations import CAN_GENERATE, DOCUMENTS
from cspr.formengine import operations as form_ops
from cspr.storage import get_store

Link = tuple[str, str]  # (address, words)


def _case(user: dict[str, Any], case_id: str) -> Link | None:
    """Link to a case page the viewer may see (never for administrators: need-to-know)."""
    case = get_store().get(cases.CASES, case_id)
    if case is None or not cases.can_see(user, case):
        return None
    return url_for("cases.case_page", case_id=case_id), str(case["reference"])


def _sent_form(user: dict[str, Any], submission_id: str) -> Link | None:
    """Link to a sent form the viewer may see; drafts are their authors' alone."""
    sent = get_store().get(form_ops.SUBMISSIONS, submission_id)
    if sent is None or sent.get("status") != "submitted" or not form_ops.can_see(user, sent):
        return None
    return url_for("forms.view", submission_id=submission_id), str(sent.get("reference"))


def _document(user: dict[str, Any], document_id: str) -> Link | None:
    """Link to a case document's Word file, for those who work with the case's documents."""
    record = get_store().get(DOCUMENTS, document_id)
    if record is None or user["role"] not in CAN_GENERATE or _case(user, record["case_id"]) is None:
        return None
    return (url_for("documents.download", document_id=document_id, kind="docx"),
            f"{record['filename']} (Word)")  # fmt: skip


def _account(user: dict[str, Any], user_id: str) -> Link | None:
    """Link to an account's page, for administrators."""
    account = get_store().get(USERS, user_id) if user["role"] == ADMIN else None
    return (url_for("admin.edit_user", user_id=user_id), str(account["email"])) if account else None


def _form(user: dict[str, Any], form_id: str) -> Link | None:
    """Link to a form in the builder, for administrators."""
    if user["role"] != ADMIN:
        return None
    return url_for("builder.overview", form_id=form_id), form_id


OPENERS: dict[str, Callable[[dict[str, Any], str], Link | None]] = {
    "case": _case, "pseudonym_register": _case, "submission": _sent_form, "document": _document,
    "user": _account, "account": _account, "form": _form,
}  # fmt: skip


def link(user: dict[str, Any], entry: dict[str, Any]) -> Link | None:
    """Return where the viewer can open an entry's object, or None."""
    object_id = entry.get("object_id")
    if entry.get("object_type") == "attachment":  # a file: open the form it came with
        object_id = (entry.get("details") or {}).get("submission")
        opener: Callable[[dict[str, Any], str], Link | None] | None = _sent_form
    else:
        opener = OPENERS.get(str(entry.get("object_type")))
    if opener is None or not isinstance(object_id, str) or not object_id:
        return None
    return opener(user, object_id)
