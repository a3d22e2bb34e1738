"""The cases part of the OpenAPI description: the register, one case, and changes to a case."""

from __future__ import annotations

from typing import Any

from cspr.auth.roles import PARTNERS
from cspr.casework import caselist, decisions, stages, tasks
from cspr.casework.routes import PAGE_DATES

Doc = dict[str, Any]
TEXT: Doc = {"type": "string"}
DAY: Doc = {"type": "string", "format": "date"}
MAYBE_TEXT: Doc = {"type": ["string", "null"]}
ACCESS_NOTE = (
    "The business unit, statutory partners and the chair see the whole case. Agency staff see "
    "only the reference and stage of cases opened from their own agency's referrals. Anyone "
    "else, and any reference that does not exist, gets the same 404."
)
REFUSAL_NOTE = (
    "Each change calls the same operation as the website and is refused for the same reasons, "
    "in the same words: 422 with the reason and the body key it concerns, 403 when the "
    "caller's role (or statutory partner) may not make it."
)


def _ref(name: str, kind: str = "schemas") -> Doc:
    return {"$ref": f"#/components/{kind}/{name}"}


def _object(properties: Doc, required: list[str] | None = None, closed: bool = True) -> Doc:
    """Describe a JSON object: every property required unless a list is given."""
    schema: Doc = {"type": "object", "required": list(properties) if required is None
                   else required, "properties": properties}  # fmt: skip
    if closed:
        schema["additionalProperties"] = False
    return schema


def _status_properties() -> Doc:
    return {"reference": {**TEXT, "examples": ["CSPR-2026-0007"]},
            "stage": {"type": "string", "enum": list(stages.STAGES)},
            "stage_label": TEXT}  # fmt: skip


def case_schemas() -> Doc:
    """Return the schemas of the case calls' bodies and answers."""
    deadline = _object({
        "key": TEXT, "name": TEXT, "due": DAY,
        "state": {"type": "string", "enum": ["due", "due_soon", "overdue", "met", "missed"]},
        "statutory": {"type": "boolean", "description": "False for the partnership's own "
                      "expectations, such as the Panel's usual reply time."},
        "source": {**TEXT, "description": "The rule behind the deadline, in words."},
        "done": {"type": ["string", "null"], "format": "date"},
        "phrase": {**TEXT, "examples": ["due in 3 working days"]},
    })  # fmt: skip
    task = _object({
        "key": TEXT, "name": TEXT,
        "status": {"type": "string", "enum": list(tasks.STATUS_TEXT)},
        "status_text": TEXT, "waits_on": MAYBE_TEXT,
        "deadline": {**MAYBE_TEXT, "description": "The key of the task's deadline, if any."},
        "due": {"type": ["string", "null"], "format": "date"}, "hint": MAYBE_TEXT,
    })  # fmt: skip
    partner = {"type": "string", "enum": list(PARTNERS)}
    view = _object({"view": {"type": "string", "enum": list(decisions.VIEWS)},
                    "rationale": TEXT, "at": TEXT, "by": TEXT,
                    "recorded_for": {"type": "boolean", "description": "True when the "
                                     "business unit recorded it for the partner."}})  # fmt: skip
    version = _object({"submission_id": TEXT, "reference": TEXT, "sent_at": TEXT, "digest": TEXT})
    signoff = _object({"partner": partner, "by": TEXT, "at": TEXT, "comment": TEXT,
                       "rapid_review": version,
                       "current": {"type": "boolean", "description": "True when it is for the "
                                   "rapid review as it stands now."}})  # fmt: skip
    record = _object({
        **_status_properties(),
        "track": {"type": "string", "enum": list(stages.TRACKS)}, "track_label": TEXT,
        "opened_at": TEXT,
        "facts": {"type": "object", "description": "Every fact the case holds, by fact name "
                  "(like 'dates.la_aware'); 'children' lists each child's facts, subject child "
                  "first.", "properties": {"children": {"type": "array", "items": {
                      "type": "object"}}}},
        "fact_conflicts": {"type": "array", "items": {"type": "object"}, "description":
                           "Answers from forms that differ from the case, waiting for the "
                           "business unit."},
        "tasks": {"type": "array", "items": _object({
            "stage": TEXT, "name": TEXT, "tasks": {"type": "array", "items": task}})},
        "deadlines": {"type": "array", "items": _ref("Deadline")},
        "views": {"type": "object", "propertyNames": partner, "additionalProperties": view},
        "position": _object({
            "result": {"type": "string", "enum": ["notifiable", "not_notifiable", "pending"]},
            "rule": {"type": "string", "enum": list(decisions.RULES)},
            "dissent": {"type": "array", "items": partner}, "explanation": TEXT}),
        "notification": {"type": ["object", "null"]},
        "signoffs": _object({"required": {"type": "integer"},
                             "rapid_review": {"oneOf": [version, {"type": "null"}]},
                             "given": {"type": "array", "items": signoff}}),
        "forms": {"type": "array", "items": _object({
            "id": TEXT, "reference": TEXT, "form_id": TEXT, "title": TEXT,
            "submitted_at": TEXT})},
        "timeline": {"type": "array", "items": _object({"at": TEXT, "kind": TEXT,
                                                        "text": TEXT, "by": TEXT})},
        "moves": {"type": "array", "description": "For the business unit only: the moves "
                  "open from this stage, each with what still blocks it.",
                  "items": _object({"to": TEXT, "label": TEXT, "blocked_by": MAYBE_TEXT})},
    }, required=[*_status_properties(), "track", "facts", "tasks", "deadlines", "views",
                 "position", "signoffs"])  # fmt: skip
    row = _object({**_status_properties(), "opened_at": TEXT, "child": TEXT,
                   "next_deadline": {"oneOf": [_ref("Deadline"), {"type": "null"}]},
                   "deadline_states": {"type": "array", "items": {
                       "type": "string", "enum": list(caselist.DEADLINE_STATES)}}})  # fmt: skip
    status = _object(_status_properties())
    text_body = {"type": "string"}
    return {
        "Deadline": deadline,
        "CaseStatus": {**status, "description": "What agency staff see of their referral."},
        "CaseRecord": record,
        "Case": {"oneOf": [_ref("CaseRecord"), _ref("CaseStatus")]},
        "CaseList": _object({
            "cases": {"type": "array", "items": {"oneOf": [row, _ref("CaseStatus")]}},
            "total": {"type": "integer"}, "page": {"type": "integer"},
            "pages": {"type": "integer"}, "page_size": {"type": "integer", "const": 25}}),
        "CaseChanged": _object({**_status_properties(), "message": TEXT}),
        "CaseRefusal": _object({"error": TEXT, "status": {"type": "integer", "const": 422},
                                "field": {**MAYBE_TEXT, "description": "The body key the "
                                          "reason concerns; null when it concerns the case "
                                          "as a whole."}}),  # fmt: skip
        "CaseSubmissionRequest": _object({
            "form_id": {"type": "string", "enum": list(tasks.CASE_FORMS)},
            "answers": {"type": "object", "description": "Field name -> answer, as the form's "
                        "schema describes. A question left out that the case page would fill "
                        "in (from the case's facts, or from your account) is filled in the "
                        "same way; send a key with null to leave it unanswered."},
            "declaration": {"type": "boolean", "default": False}},
            required=["form_id", "answers"]),  # fmt: skip
        "CaseSubmissionCreated": _object({"id": TEXT, "reference": TEXT, "case": TEXT}),
        "DateRequest": _object({"name": {"type": "string", "enum": PAGE_DATES},
                                "date": DAY}),  # fmt: skip
        "MoveRequest": _object({"to": {"type": "string", "enum": list(stages.STAGES)},
                                "reason": {**text_body, "description": "Needed (10 characters "
                                           "or more) to close a case early."}},
                               required=["to"]),  # fmt: skip
        "ViewRequest": _object({"view": {"type": "string", "enum": list(decisions.VIEWS)},
                                "rationale": text_body,
                                "partner": {**partner, "description": "The business unit "
                                            "names the partner it records the view for; a "
                                            "partner may leave it out."}},
                               required=["view", "rationale"]),  # fmt: skip
        "NotificationRequest": _object({"date": DAY, "reference": {**text_body, "description":
                                        "The reference the national online system gave."},
                                        "reason": {**text_body, "description": "Needed when "
                                                   "the local authority notifies without the "
                                                   "partnership's agreement."}},
                                       required=["date", "reference"]),  # fmt: skip
        "SignOffRequest": _object({"rapid_review": {**text_body, "description": "The "
                                                    "reference (or id) of the rapid review "
                                                    "as you read it."},
                                   "comment": text_body}, required=["rapid_review"]),
    }  # fmt: skip


def _error(description: str, example: str, status: int) -> Doc:
    return {"description": description, "content": {"application/json": {
        "schema": _ref("Error"), "example": {"error": example, "status": status}}}}


def case_responses() -> Doc:
    """Return the error answers that only the case calls give."""
    return {
        "CaseNotFound": _error(ACCESS_NOTE, "There is no case with that reference, or you do not "
                               "have access to it", 404),  # fmt: skip
        "CaseRefused": {"description": "Refused, with the reason in the website's words.",
                        "content": {"application/json": {"schema": _ref("CaseRefusal"),
                                    "example": {"error": "Explain the reasons for the view",
                                                "status": 422, "field": "rationale"}}}},
        "CaseForbidden": _error("The caller's role, or statutory partner, may not do this.",
                                "Only the business unit moves cases between stages", 403),
    }  # fmt: skip


def _answers(ok: dict[str, Doc], *errors: str) -> Doc:
    """Build a responses object from success answers and response component names."""
    built: Doc = dict(ok)
    names = {"400": "BadRequest", "401": "Unauthorized", "403": "CaseForbidden",
             "404": "CaseNotFound", "413": "PayloadTooLarge", "422": "CaseRefused"}
    for status in errors:
        built[status] = _ref(names[status], "responses")
    return built


def _json(name: str, description: str) -> Doc:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _change(operation: str, summary: str, body: str, example: Doc) -> Doc:
    return {"post": {
        "operationId": operation, "summary": summary, "description": REFUSAL_NOTE,
        "parameters": [_ref("CaseReference", "parameters")],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _ref(body), "example": example}}},
        "responses": _answers({"200": _json("CaseChanged", "Done; the case's reference and "
                                            "stage now, and what was done.")},
                              "400", "401", "403", "404", "413", "422"),
    }}  # fmt: skip


def _filters() -> list[Doc]:
    def query(name: str, schema: Doc, description: str) -> Doc:
        return {"name": name, "in": "query", "required": False, "schema": schema,
                "description": description}  # fmt: skip

    return [
        query("q", TEXT, "Part of a reference, or of the child's name or pseudonym."),
        query("stage", {"type": "string", "enum": list(stages.STAGES)}, "Only this stage."),
        query("deadline", {"type": "string", "enum": list(caselist.DEADLINE_STATES)},
              "Only cases whose statutory deadlines are in this state (not for agency staff)."),
        query("year", {"type": "integer", "minimum": 1000, "maximum": 9999},
              "Only cases opened in this year."),
        query("page", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
              "Which page of 25, newest case first."),
    ]


def case_paths() -> Doc:
    """Return the case operations."""
    reference = _ref("CaseReference", "parameters")
    return {
        "/api/cases": {"get": {
            "operationId": "listCases", "summary": "The cases the caller may see, filtered as "
            "on the case list, 25 a page (each list is audit-logged)", "description": ACCESS_NOTE,
            "parameters": _filters(),
            "responses": _answers({"200": _json("CaseList", "One page of cases."),
                                   "403": _error("Administrators do not see cases; agency "
                                                 "staff cannot filter by deadline.",
                                                 "Your role does not allow you to see cases",
                                                 403),
                                   "400": _error("A filter that is not one of these, or a "
                                                 "value it does not take.", "'stage' must be "
                                                 "one of: referral, ...", 400)}, "401"),
        }},
        "/api/cases/{reference}": {"get": {
            "operationId": "getCase", "summary": "One case as the caller may see it: facts, "
            "stage, tasks, deadlines, views and sign-offs (the view is audit-logged)",
            "description": ACCESS_NOTE, "parameters": [reference],
            "responses": _answers({"200": _json("Case", "The case.")}, "401", "404"),
        }},
        "/api/cases/{reference}/submissions": {"post": {
            "operationId": "sendCaseForm", "summary": "Check and send one of the case's forms",
            "description": "Questions bound to case facts that are left out are filled from "
            "the case, as when the form is started from the case page. " + REFUSAL_NOTE,
            "parameters": [reference],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": _ref("CaseSubmissionRequest"),
                "example": {"form_id": "notification", "answers": {"notifier_role": "Manager"},
                            "declaration": True}}}},
            "responses": _answers({"201": {**_json("CaseSubmissionCreated", "Sent. Location "
                                                   "points at the new submission."),
                                           "headers": {"Location": {"schema": TEXT}}},
                                   "422": {"description": "The answers break the form's rules "
                                           "(one message per field), or the reason it was "
                                           "refused.", "content": {"application/json": {
                                               "schema": {"oneOf": [
                                                   _ref("ValidationErrors"),
                                                   _ref("CaseRefusal")]}}}}},
                                  "400", "401", "403", "404", "413"),
        }},
        "/api/cases/{reference}/dates": _change(
            "recordCaseDate", "Record one of the case's key dates (the business unit)",
            "DateRequest", {"name": "dates.la_aware", "date": "2026-12-01"}),
        "/api/cases/{reference}/moves": _change(
            "moveCase", "Move the case to another stage (the business unit)", "MoveRequest",
            {"to": "consideration"}),
        "/api/cases/{reference}/views": _change(
            "giveView", "A partner's own view on notifying the Panel (or the business unit's "
            "record of one)", "ViewRequest",
            {"view": "notifiable", "rationale": "Serious harm, and neglect is suspected."}),
        "/api/cases/{reference}/notification": _change(
            "recordNotification", "Record that the local authority notified the Panel (the "
            "local authority, or the business unit for it)", "NotificationRequest",
            {"date": "2026-12-01", "reference": "NSI-2026-0451"}),
        "/api/cases/{reference}/sign-offs": _change(
            "signOffRapidReview", "A partner's own sign-off of the rapid review as it stands",
            "SignOffRequest", {"rapid_review": "SUB-2026-0042", "comment": ""}),
    }  # fmt: skip


def case_parameters() -> Doc:
    """Return the case reference path parameter."""
    return {"CaseReference": {"name": "reference", "in": "path", "required": True,
                              "schema": TEXT, "example": "CSPR-2026-0007"}}  # fmt: skip
