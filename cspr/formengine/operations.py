"""The verbs of form filling: start a draft, save answers, submit, and read with access checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from cspr import audit
from cspr.auth.agencies import agency_names
from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import registry
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.validation import SubmissionErrors, clean_answers, validate_submission
from cspr.signals import form_sent
from cspr.storage import NotFound, get_store, within_transaction
from cspr.timeutil import uk_today

SUBMISSIONS = "submissions"
REFERENCE_PREFIX = "SUB"
CASE_ROLES = {BUSINESS_UNIT, PARTNER, CHAIR}
DECLARATION_MISSING = "Confirm the declaration before you send the form"
ALREADY_SENT = "This form has already been sent and cannot be changed"


def today() -> date:
    """Return today's date in the UK (forms count dates in local days)."""
    return uk_today()


def audience(definition: FormDefinition) -> list[str]:
    """Return the roles that may fill in a form (every role but admin when unset)."""
    return list(definition.raw.get("audience") or [AGENCY_USER, BUSINESS_UNIT, PARTNER, CHAIR])


def can_start(user: dict[str, Any], definition: FormDefinition) -> bool:
    """Say whether the user may fill in this form."""
    return user["role"] in audience(definition) or user["role"] == ADMIN


def shared_with_agency(user: dict[str, Any], submission: dict[str, Any]) -> bool:
    """Say whether a draft is shared with the user as staff of the agency it answers for."""
    # A draft is its author's alone, except one started to answer an information request to
    # the author's agency (requests/ starts it with shared_with_agency set, after checking the
    # request is addressed to that agency): the agency's staff may see and continue it.
    agency = submission.get("shared_with_agency")
    return (
        submission["status"] == "draft"
        and bool(agency)
        and user["role"] == AGENCY_USER
        and user.get("agency_id") == agency == submission.get("agency_id")
    )


def can_see(user: dict[str, Any], submission: dict[str, Any]) -> bool:
    """Apply need-to-know: owners, their agency, and case roles for sent forms."""
    if submission["owner_id"] == user["id"]:
        return True
    if submission["status"] != "submitted":
        return shared_with_agency(user, submission)
    if user["role"] in CASE_ROLES:
        return True
    if user["role"] == AGENCY_USER:
        return bool(user.get("agency_id")) and submission.get("agency_id") == user["agency_id"]
    return False


def startable_forms(user: dict[str, Any]) -> list[FormDefinition]:
    """Return the live forms the user may fill in."""
    return [d for d in registry.live_forms() if can_start(user, d)]


def _live_or_refuse(user: dict[str, Any], form_id: str) -> FormDefinition:
    """Return the live version of a form the user may fill in."""
    definition = registry.live(form_id)
    if definition is None:
        raise NotFound(form_id)
    if not can_start(user, definition):
        raise Forbidden(form_id)
    return definition


def prefilled_answers(definition: FormDefinition, linked: dict[str, Any]) -> dict[str, Any]:
    """Copy answers from a linked earlier submission into the fields that name it as source."""
    answers: dict[str, Any] = {}
    for field in definition.all_fields():
        source = field.get("prefill")
        if source and source.get("form") == linked["form_id"]:
            value = linked.get("answers", {}).get(source.get("field"))
            if value not in (None, "", [], {}):
                answers[field["name"]] = value
    return answers


def account_answers(definition: FormDefinition, user: dict[str, Any]) -> dict[str, Any]:
    """Fill the questions that declare `from_account` with what the person's account holds."""
    known = {"name": user.get("name"), "email": user.get("email"),
             "agency": agency_names().get(user.get("agency_id") or "")}
    answers: dict[str, Any] = {}
    for field in definition.all_fields():
        text = known.get(str(field.get("from_account")))
        if text:
            answers[field["name"]] = field_type(field).from_account(field, str(text))
    return answers


def forms_prefilled_from(user: dict[str, Any], form_id: str) -> list[FormDefinition]:
    """Return the live forms the user may start that take answers from this form."""
    return [
        d
        for d in startable_forms(user)
        if any((f.get("prefill") or {}).get("form") == form_id for f in d.all_fields())
    ]


def start_draft(
    user: dict[str, Any],
    form_id: str,
    linked_id: str | None = None,
    case_id: str | None = None,
    prefill: Callable[[FormDefinition], dict[str, Any]] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """Begin a draft on the live version, prefilled from a linked submission the user may see
    (or, for a case, by the caller's prefill from the case's facts); a draft answering an
    information request (request_id) is shared with the user's agency."""
    definition = _live_or_refuse(user, form_id)
    # Facts from the case (the caller's prefill) win over the account's details.
    answers = {**account_answers(definition, user), **(prefill(definition) if prefill else {})}
    store = get_store()
    with store.transaction():
        if linked_id:
            try:
                linked = get_submission(user, linked_id, action="")
            except Forbidden as hidden:
                raise NotFound(linked_id) from hidden  # never reveal that someone else's exists
            if linked["status"] != "submitted":
                raise Refused("Only a sent form can be used to fill in another")
            answers = {**prefilled_answers(definition, linked), **answers}
        fields = _new_submission(user, definition, answers, linked_id, case_id)
        if request_id:
            fields.update(request_id=request_id, shared_with_agency=user.get("agency_id"))
        return _insert_draft(user, fields)


def _new_submission(
    user: dict[str, Any],
    definition: FormDefinition,
    answers: dict[str, Any],
    linked_id: str | None,
    case_id: str | None,
) -> dict[str, Any]:
    """Return a new draft's fields."""
    return {
        "form_id": definition.id,
        "form_version": definition.version,
        "form_title": definition.title,
        "status": "draft",
        "answers": answers,
        "owner_id": user["id"],
        "agency_id": user.get("agency_id"),
        "reference": None,
        "linked_submission_id": linked_id,
        "case_id": case_id,
    }


@within_transaction
def _insert_draft(user: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Store a new draft and audit it (inside the caller's transaction)."""
    draft = get_store().insert(SUBMISSIONS, fields)
    details = {
        "form": fields["form_id"],
        "linked": fields["linked_submission_id"],
        "prefilled": sorted(fields["answers"]),
    }
    audit.record("create", "draft", draft["id"], details=details, user=user)
    return draft


def get_submission(
    user: dict[str, Any], submission_id: str, action: str = "view"
) -> dict[str, Any]:
    """Return a submission the user may see, writing the view to the audit trail."""
    submission = get_store().get(SUBMISSIONS, submission_id)
    if submission is None:
        raise NotFound(submission_id)
    if not can_see(user, submission):
        raise Forbidden(submission_id)
    if action:
        kind = "submission" if submission["status"] == "submitted" else "draft"
        audit.record(action, kind, submission_id, user=user)
    return submission


def definition_of(submission: dict[str, Any]) -> FormDefinition:
    """Return the exact form version a submission was given on."""
    definition = registry.definition(submission["form_id"], int(submission["form_version"]))
    if definition is None:
        raise NotFound(f"{submission['form_id']} v{submission['form_version']}")
    return definition


def may_edit_draft(user: dict[str, Any], draft: dict[str, Any]) -> bool:
    """Say whether the user may change a draft: their own, or one shared with their agency."""
    return draft["owner_id"] == user["id"] or shared_with_agency(user, draft)


def _own_draft(user: dict[str, Any], submission_id: str, owner_only: bool = False) -> dict[
        str, Any]:  # fmt: skip
    """Return a draft the user may change (owner_only: their own), refusing anything else."""
    draft = get_submission(user, submission_id, action="")
    if draft["owner_id"] != user["id"] and (owner_only or not may_edit_draft(user, draft)):
        raise Forbidden(submission_id)
    if draft["status"] != "draft":
        raise Refused(ALREADY_SENT)
    return draft


def save_answers(
    user: dict[str, Any], submission_id: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """Merge one page's answers into the user's draft (blank answers remove earlier ones)."""
    store = get_store()
    with store.transaction():
        draft = _own_draft(user, submission_id)
        merged = {**draft.get("answers", {}), **answers}
        clean = {k: v for k, v in merged.items() if v not in (None, "", [], {})}
        saved = store.update(SUBMISSIONS, submission_id, {"answers": clean})
        details = {"fields": sorted(answers)}
        audit.record("update", "draft", submission_id, details=details, user=user)
        return saved


def discard_draft(user: dict[str, Any], submission_id: str) -> None:
    """Delete the user's own draft."""
    store = get_store()
    with store.transaction():
        _own_draft(user, submission_id, owner_only=True)
        store.delete(SUBMISSIONS, submission_id)
        audit.record("delete", "draft", submission_id, user=user)


@within_transaction
def _reference() -> str:
    """Allocate the next submission reference, like SUB-2026-0042."""
    return get_store().next_reference(REFERENCE_PREFIX, today().year)


def submit_draft(
    user: dict[str, Any], submission_id: str, declared: bool
) -> tuple[dict[str, Any] | None, SubmissionErrors]:
    """Check the whole draft and send it; return (submission, {}) or (None, errors)."""
    # Draft -> sent happens once: under the lock the draft is read again, so of two requests
    # sending it at the same moment only the first sends it (and opens any case); the other
    # is refused as already sent.
    store = get_store()
    with store.transaction():
        draft = _own_draft(user, submission_id)
        definition = definition_of(draft)
        clean, errors = validate_submission(definition, draft["answers"], today())
        if definition.declaration and not declared:
            errors["declaration"] = DECLARATION_MISSING
        if errors:
            return None, errors
        sent = store.update(SUBMISSIONS, submission_id, _sent_fields(definition, clean))
        audit.record(
            "submit", "submission", submission_id, details={"form": draft["form_id"]}, user=user
        )
        form_sent.send(user, submission=sent)
        return store.get(SUBMISSIONS, submission_id) or sent, {}


def _sent_fields(definition: FormDefinition, clean: dict[str, Any]) -> dict[str, Any]:
    """Return what a submission holds once sent."""
    return {
        "status": "submitted",
        "answers": clean,
        "reference": _reference(),
        "submitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "declared": bool(definition.declaration),
    }


@within_transaction
def link_to_case(submission_id: str, case_id: str) -> None:
    """Record which case a sent form belongs to (casework calls it when it opens a case)."""
    get_store().update(SUBMISSIONS, submission_id, {"case_id": case_id})


def submit_answers(
    user: dict[str, Any],
    form_id: str,
    answers: dict[str, Any],
    declared: bool = False,
    case_id: str | None = None,
) -> tuple[dict[str, Any] | None, SubmissionErrors]:
    """Validate and store a whole submission in one step (the API's way in), maybe for a case."""
    # With a case_id the caller has already checked that the user may send forms for that case.
    definition = _live_or_refuse(user, form_id)
    clean, errors = validate_submission(definition, answers, today())
    if definition.declaration and not declared:
        errors["declaration"] = DECLARATION_MISSING
    if errors:
        return None, errors
    store = get_store()
    with store.transaction():
        sent = store.insert(SUBMISSIONS, {**_new_submission(user, definition, {}, None, case_id),
                                          **_sent_fields(definition, clean)})
        audit.record("submit", "submission", sent["id"], details={"form": form_id}, user=user)
        form_sent.send(user, submission=sent)
        return store.get(SUBMISSIONS, sent["id"]) or sent, {}


def drafts_of(user: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the user's unsent drafts, most recently changed first."""
    return get_store().find(
        SUBMISSIONS,
        where={"owner_id": user["id"], "status": "draft"},
        order_by="updated_at",
        reverse=True,
    )


def visible_submissions(user: dict[str, Any], limit: int = 50) -> list[dict[str, Any]]:
    """Return sent submissions the user may see, newest first."""
    return get_store().find(
        SUBMISSIONS,
        predicate=lambda s: s["status"] == "submitted" and can_see(user, s),
        order_by="submitted_at",
        reverse=True,
        limit=limit,
    )


def preview_clean(definition: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """Return the answers as they would be kept on sending (hidden ones dropped)."""
    return clean_answers(definition, answers, today())
