"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from cspr.api.openapi_cases import case_parameters, case_paths, case_responses, case_schemas

Doc = dict[str, Any]

API_VERSION = "1.0.0"
WORKING_DAYS_NOTE = (
    "Working days are Monday to Friday except bank holidays in England and Wales and the "
    "partnership's closure days. The partnership's counting rule applies: by default 'from' is "
    "day 0, so the due date is the 'days'-th working day after it and a count includes 'to' "
    "but not 'from'. If the partnership counts 'from' as day 1, both ends count."
)
BODY_LIMIT_NOTE = "Request bodies are limited to 1 MB unless API_MAX_BODY_BYTES says otherwise."


def _ref(kind: str, name: str) -> Doc:
    """Point at a component."""
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: Doc, example: Any = None) -> Doc:
    """Wrap a schema as an application/json body."""
    media: Doc = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"content": {"application/json": media}}


def _error(description: str, example: str, status: int) -> Doc:
    """Describe an error response in the API's one error shape."""
    return {
        "description": description,
        **_json(_ref("schemas", "Error"), {"error": example, "status": status}),
    }


def _responses(ok: dict[int, Doc], *errors: int) -> Doc:
    """Build a responses object from the success responses and error status codes."""
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        413: "PayloadTooLarge",
        422: "Unprocessable",
    }
    built: Doc = {str(status): response for status, response in ok.items()}
    for status in errors:
        built[str(status)] = _ref("responses", names[status])
    return built


def _schemas() -> Doc:
    """Return the reusable schemas of request and response bodies."""
    text = {"type": "string"}
    return {
        "Error": {
            "type": "object",
            "description": "Every error answer has this shape: a readable message and the status.",
            "required": ["error", "status"],
            "properties": {"error": text, "status": {"type": "integer"}},
        },
        "ValidationErrors": {
            "type": "object",
            "required": ["error", "status", "errors"],
            "properties": {
                "error": text,
                "status": {"type": "integer", "const": 422},
                "errors": {
                    "type": "object",
                    "description": "One message per field path, in the order of the form. "
                    "Paths look like 'child_name', 'children.0.date_of_birth' or "
                    "'address.postcode'; 'declaration' means the declaration was not confirmed.",
                    "additionalProperties": text,
                },
            },
        },
        "FormSummary": {
            "type": "object",
            "required": ["id", "title", "version"],
            "properties": {"id": text, "title": text, "version": {"type": "integer"}},
        },
        "FormList": {
            "type": "object",
            "required": ["forms"],
            "properties": {"forms": {"type": "array", "items": _ref("schemas", "FormSummary")}},
        },
        "JsonSchema": {
            "type": "object",
            "description": "A JSON Schema (2020-12) document. Rules it cannot express are listed "
            "in 'x-cspr-rules' on the property concerned and are checked by the server.",
        },
        "SubmissionRequest": {
            "type": "object",
            "required": ["answers"],
            "additionalProperties": False,
            "properties": {
                "answers": {
                    "type": "object",
                    "description": "Field name -> answer, as the form's schema describes. "
                    "File fields cannot be answered through the API.",
                },
                "declaration": {
                    "type": "boolean",
                    "default": False,
                    "description": "True when the person sending confirms the form's declaration. "
                    "Required to be true for forms that have one.",
                },
            },
        },
        "SubmissionCreated": {
            "type": "object",
            "required": ["id", "reference"],
            "properties": {"id": text, "reference": {**text, "examples": ["SUB-2026-0042"]}},
        },
        "Submission": {
            "type": "object",
            "required": list(_SUBMISSION_PROPERTIES),
            "properties": _SUBMISSION_PROPERTIES,
        },
        "OpenApiDocument": {"type": "object", "description": "This document."},
        "WorkingDaysDue": {
            "type": "object",
            "required": ["from", "days", "due"],
            "additionalProperties": False,
            "properties": {
                "from": {"type": "string", "format": "date"},
                "days": {"type": "integer", "minimum": 0, "maximum": 400},
                "due": {
                    "type": "string",
                    "format": "date",
                    "description": "The date that is 'days' working days after 'from'.",
                },
            },
        },
        "WorkingDaysCount": {
            "type": "object",
            "required": ["from", "to", "working_days"],
            "additionalProperties": False,
            "properties": {
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "working_days": {
                    "type": "integer",
                    "description": "Working days from 'from' to 'to'; negative when 'to' is "
                    "before 'from'.",
                },
            },
        },
    }


_SUBMISSION_PROPERTIES: Doc = {
    "id": {"type": "string"},
    "reference": {"type": ["string", "null"], "description": "Null for a draft."},
    "form_id": {"type": "string"},
    "form_version": {"type": "integer", "description": "The form version it was given on."},
    "status": {"type": "string", "enum": ["draft", "submitted"]},
    "answers": {"type": "object", "description": "The answers as stored (tidied by the server)."},
    "submitted_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "UTC, ISO 8601; null for a draft.",
    },
}


def _responses_component() -> Doc:
    """Return the shared error responses."""
    return {
        "BadRequest": _error(
            "The body is not JSON, not an object, lacks 'answers', or the Content-Type is not "
            "application/json.",
            'The request body must be a JSON object, like {"answers": {...}, "declaration": true}',
            400,
        ),
        "Unauthorized": {
            **_error(
                "No token, or a token that is unknown, revoked or belongs to a disabled account.",
                "Send a valid API token in the Authorization header",
                401,
            ),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        },
        "Forbidden": _error(
            "The caller's role may not send this form.",
            "Your role does not allow you to send this form",
            403,
        ),
        "NotFound": _error(
            "No such form, or no submission with that id that the caller may see (the API does "
            "not say which, so ids cannot be probed).",
            "There is no submission with that id, or you do not have access to it",
            404,
        ),
        "PayloadTooLarge": _error(BODY_LIMIT_NOTE, "The file or form you sent is too large", 413),
        "Unprocessable": {
            "description": "The answers break the form's rules: one message per field.",
            **_json(
                _ref("schemas", "ValidationErrors"),
                {
                    "error": "There is a problem with the answers",
                    "status": 422,
                    "errors": {"incident_date": "Enter the date of the incident"},
                },
            ),
        },
    }


def _parameters() -> Doc:
    """Return the path parameters."""
    return {
        "FormId": {
            "name": "form_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "example": "notification",
        },
        "SubmissionId": {
            "name": "submission_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        },
    }


def _working_day_parameters() -> list[Doc]:
    """Return the query parameters of the working-days calculator."""
    day = {"type": "string", "format": "date"}
    return [
        {
            "name": "from",
            "in": "query",
            "required": True,
            "description": "The start date, YYYY-MM-DD, from 2000-01-01 to 2099-12-31.",
            "schema": day,
            "example": "2026-12-24",
        },
        {
            "name": "days",
            "in": "query",
            "required": False,
            "description": "A whole number of working days, 0 to 400. Send this or 'to'.",
            "schema": {"type": "integer", "minimum": 0, "maximum": 400},
            "example": 5,
        },
        {
            "name": "to",
            "in": "query",
            "required": False,
            "description": "A second date, YYYY-MM-DD, to count the working days up to. "
            "Send this or 'days'.",
            "schema": day,
        },
    ]


def _paths() -> Doc:
    """Return every operation of the API."""
    form_id = _ref("parameters", "FormId")
    return {
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "This OpenAPI document (no token needed)",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The document.",
                        **_json(_ref("schemas", "OpenApiDocument")),
                    }
                },
            }
        },
        "/api/forms": {
            "get": {
                "operationId": "listForms",
                "summary": "List the live forms the caller may send",
                "responses": _responses(
                    {200: {"description": "The forms.", **_json(_ref("schemas", "FormList"))}}, 401
                ),
            }
        },
        "/api/forms/{form_id}/schema": {
            "get": {
                "operationId": "getFormSchema",
                "summary": "The JSON Schema of the live version's answers",
                "parameters": [form_id],
                "responses": _responses(
                    {200: {"description": "The schema.", **_json(_ref("schemas", "JsonSchema"))}},
                    401,
                    404,
                ),
            }
        },
        "/api/forms/{form_id}/submissions": {
            "post": {
                "operationId": "submitForm",
                "summary": "Check and send a whole form in one request",
                "description": BODY_LIMIT_NOTE,
                "parameters": [form_id],
                "requestBody": {
                    "required": True,
                    **_json(
                        _ref("schemas", "SubmissionRequest"),
                        {"answers": {"incident_date": "2026-01-31"}, "declaration": True},
                    ),
                },
                "responses": _responses(
                    {
                        201: {
                            "description": "Sent. Location points at the new submission.",
                            "headers": {
                                "Location": {
                                    "description": "/api/submissions/{id}",
                                    "schema": {"type": "string"},
                                }
                            },
                            **_json(_ref("schemas", "SubmissionCreated")),
                        }
                    },
                    400,
                    401,
                    403,
                    404,
                    413,
                    422,
                ),
            }
        },
        "/api/working-days": {
            "get": {
                "operationId": "workingDays",
                "summary": "Count working days: a due date, or the working days between two dates",
                "description": WORKING_DAYS_NOTE,
                "parameters": _working_day_parameters(),
                "responses": _responses(
                    {
                        200: {
                            "description": "The due date (with 'days') or the count (with 'to').",
                            **_json(
                                {
                                    "oneOf": [
                                        _ref("schemas", "WorkingDaysDue"),
                                        _ref("schemas", "WorkingDaysCount"),
                                    ]
                                },
                                {"from": "2026-12-24", "days": 5, "due": "2027-01-05"},
                            ),
                        },
                        400: _error(
                            "'from' is missing or not a real date, 'days' is not a whole number "
                            "from 0 to 400, 'to' is not a real date, or both or neither of 'days' "
                            "and 'to' were sent.",
                            "'from' must be a real date written like 2026-12-24",
                            400,
                        ),
                    },
                    401,
                ),
            }
        },
        "/api/submissions/{submission_id}": {
            "get": {
                "operationId": "getSubmission",
                "summary": "One submission the caller may see (the view is audit-logged)",
                "parameters": [_ref("parameters", "SubmissionId")],
                "responses": _responses(
                    {
                        200: {
                            "description": "The submission.",
                            **_json(_ref("schemas", "Submission")),
                        }
                    },
                    401,
                    404,
                ),
            }
        },
    }


def openapi_document() -> Doc:
    """Return the OpenAPI 3.1 document describing every API endpoint."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CSPR Toolkit API",
            "version": API_VERSION,
            "description": "Send and read safeguarding forms, and read and work on cases, as the "
            "user a token belongs to, under the same access rules as the website. "
            "Make a token with `flask --app app tokens create EMAIL`; revoke it with "
            "`flask --app app tokens revoke TOKEN_OR_ID`. Every view is audit-logged.",
        },
        "security": [{"bearerAuth": []}],
        "paths": {**_paths(), **case_paths()},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer cspr_... A session cookie never "
                    "authenticates the API.",
                }
            },
            "schemas": {**_schemas(), **case_schemas()},
            "responses": {**_responses_component(), **case_responses()},
            "parameters": {**_parameters(), **case_parameters()},
        },
    }
