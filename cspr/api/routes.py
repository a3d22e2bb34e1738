"""API routes: authenticated by bearer token only, answering in JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from flask.typing import ResponseReturnValue

from cspr.api.body import UnreadableBody, read_object, refuse_unknown_keys
from cspr.api.tokens import user_for_token
from cspr.casework import calendar_settings, clock
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations, registry
from cspr.formengine.definitions import FormDefinition
from cspr.formengine.fieldtypes import field_type
from cspr.formengine.schema import submission_schema
from cspr.storage import NotFound

bp = Blueprint("api", __name__, url_prefix="/api")

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # answers are text; files never come through the API
MAX_ID_LENGTH = 200  # the store refuses longer ids; answer 404 before asking it
BODY_KEYS = ("answers", "declaration")
BODY_EXAMPLE = '{"answers": {...}, "declaration": true}'
SUBMISSION_FIELDS = (
    "id",
    "reference",
    "form_id",
    "form_version",
    "status",
    "answers",
    "submitted_at",
)
NO_TOKEN = "Send a valid API token in the Authorization header"
NO_PERMISSION = "Your role does not allow you to send this form"
NO_SUCH_SUBMISSION = "There is no submission with that id, or you do not have access to it"
FILE_REFUSED = (
    "Files cannot be sent through the API. Leave out {name} and send the form on the website "
    "if it needs a file"
)


def reply(payload: Any, status: int = 200) -> Response:
    """Return JSON keeping key order (form order matters in schemas, answers and errors)."""
    return current_app.response_class(
        json.dumps(payload, allow_nan=False), status=status, mimetype="application/json"
    )


def problem(status: int, message: str, **extra: Any) -> Response:
    """Return an error in the API's one shape: {"error": message, "status": code, ...}."""
    return reply({"error": message, "status": status, **extra}, status)


def no_such_form(form_id: str) -> Response:
    """Return the 404 for a form that does not exist or is archived."""
    return problem(404, f"There is no form called '{form_id[:100]}'")


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """Identify the caller by bearer token; a session cookie never counts here."""
    request.max_content_length = int(
        current_app.config.get("API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    )
    g.user = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        g.user = user_for_token(token.strip())
    if g.user is None:
        response = problem(401, NO_TOKEN)
        response.headers["WWW-Authenticate"] = 'Bearer realm="cspr"'
        return response
    return None


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """Describe the API as an OpenAPI 3.1 document (public: it holds no case data)."""
    from cspr.api.openapi import openapi_document

    return reply(openapi_document())


@bp.get("/forms")
def forms() -> ResponseReturnValue:
    """List the forms the caller may submit."""
    listed = [
        {"id": d.id, "title": d.title, "version": d.version}
        for d in operations.startable_forms(g.user)
    ]
    return reply({"forms": listed})


@bp.get("/forms/<form_id>/schema")
def form_schema(form_id: str) -> ResponseReturnValue:
    """Return the JSON Schema (2020-12) of the live version's answers."""
    definition = registry.live(form_id)
    if definition is None:
        return no_such_form(form_id)
    return reply(submission_schema(definition))


@bp.post("/forms/<form_id>/submissions")
def submit(form_id: str) -> ResponseReturnValue:
    """Check and store a whole submission in one request."""
    definition = registry.live(form_id)
    if definition is None:
        return no_such_form(form_id)
    if not operations.can_start(g.user, definition):
        return problem(403, NO_PERMISSION)
    try:
        answers, declared, _ = read_submission_body()
    except UnreadableBody as bad:
        return problem(400, str(bad))
    file_errors = file_answer_errors(definition, answers)
    if file_errors:
        return invalid(file_errors)
    try:
        sent, errors = operations.submit_answers(g.user, form_id, answers, declared)
    except NotFound:
        return no_such_form(form_id)  # archived between our look-up and the submit
    except Forbidden:
        return problem(403, NO_PERMISSION)
    except Refused as refused:
        return invalid({refused.field or "answers": refused.message})
    if sent is None:
        return invalid(errors)
    response = reply({"id": sent["id"], "reference": sent["reference"]}, 201)
    response.headers["Location"] = url_for("api.submission", submission_id=sent["id"])
    return response


@bp.get("/submissions/<submission_id>")
def submission(submission_id: str) -> ResponseReturnValue:
    """Return one submission the caller may see; the view is written to the audit trail."""
    if len(submission_id) > MAX_ID_LENGTH:
        return problem(404, NO_SUCH_SUBMISSION)
    try:
        found = operations.get_submission(g.user, submission_id)
    except (NotFound, Forbidden):
        # One answer for both, so nobody can learn which ids exist.
        return problem(404, NO_SUCH_SUBMISSION)
    return reply({name: found.get(name) for name in SUBMISSION_FIELDS})


@bp.get("/working-days")
def working_days() -> ResponseReturnValue:
    """Return the date N working days after 'from', or count the working days up to 'to'."""
    args = request.args
    try:
        start = _query_date("from")
        if "days" in args and "to" in args:
            raise Refused("Send 'days' or 'to' with 'from', not both")
        if "days" not in args and "to" not in args:
            raise Refused(
                "Send 'days' (a number of working days) or 'to' (a second date) with 'from'"
            )
        closed = calendar_settings.closures()
        day_zero = calendar_settings.start_is_day_zero()
        if "to" in args:
            end = _query_date("to")
            count = clock.working_days_between(start, end, closed, day_zero)
            return reply({"from": start.isoformat(), "to": end.isoformat(), "working_days": count})
        days = _query_days()
        due = clock.add_working_days(start, days, closed, day_zero)
    except Refused as refused:
        return problem(400, refused.message)
    return reply({"from": start.isoformat(), "days": days, "due": due.isoformat()})


def _query_date(name: str) -> date:
    """Read a YYYY-MM-DD query parameter, or raise Refused saying what to send."""
    text = request.args.get(name, "").strip()
    if not text:
        raise Refused(f"Send '{name}', a date written like 2026-12-24")
    try:
        when = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        when = None
    if when is None:
        raise Refused(f"'{name}' must be a real date written like 2026-12-24")
    first, last = calendar_settings.FIRST_YEAR, calendar_settings.LAST_YEAR
    if not first <= when.year <= last:
        raise Refused(f"'{name}' must be a date from {first}-01-01 to {last}-12-31")
    return when


def _query_days() -> int:
    """Read 'days', a whole number of working days, or raise Refused."""
    text = request.args.get("days", "").strip()
    limit = calendar_settings.MAX_DAYS
    if not text.isascii() or not text.isdigit() or len(text) > 6 or int(text) > limit:
        raise Refused(f"'days' must be a whole number from 0 to {limit}")
    return int(text)


def invalid(errors: Mapping[str, str]) -> Response:
    """Return the 422 listing one message per field path."""
    return problem(422, "There is a problem with the answers", errors=dict(errors))


def read_submission_body(
    keys: tuple[str, ...] = BODY_KEYS, example: str = BODY_EXAMPLE
) -> tuple[dict[str, Any], bool, dict[str, Any]]:
    """Read {"answers": {...}, "declaration": bool} from the request, or raise UnreadableBody.

    Returns the answers, the declaration and the whole body (for any other keys it takes).
    """
    body = read_object(example)
    refuse_unknown_keys(body, keys, example)
    if "answers" not in body:
        raise UnreadableBody(
            f"Put the form's answers in an object called 'answers', like {example}"
        )
    if not isinstance(body["answers"], dict):
        raise UnreadableBody("'answers' must be a JSON object of field names and answers")
    declared = body.get("declaration", False)
    if not isinstance(declared, bool):
        raise UnreadableBody("'declaration' must be true or false")
    return body["answers"], declared, body


def file_answer_errors(definition: FormDefinition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Refuse file answers: an API caller has no upload of its own to point at."""
    errors: dict[str, str] = {}
    for field in definition.all_fields():
        value = answers.get(field["name"])
        # Repeating groups cannot hold file questions, so only top-level ones need looking at.
        if field_type(field).is_upload and _given(value):
            errors[field["name"]] = FILE_REFUSED.format(name=_field_name(field))
    return errors


def _given(value: Any) -> bool:
    """Say whether an answer holds something (the engine treats blanks as not answered)."""
    return value not in (None, "", [], {})


def _field_name(field: Mapping[str, Any]) -> str:
    """Name a field in a message: its error name, else its label in lower case."""
    name = field.get("error_name") or field["label"]
    return str(name)
