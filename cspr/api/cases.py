"""API routes for cases: the register, one case, and the changes people make to a case (thin).

Each change calls the same casework verb as the web page, so it is refused for the same
reasons, in the same words: 422 with the reason and the body key it concerns, 403 when the
caller's role may not, 404 when the case does not exist or is not the caller's to see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, g, request, url_for
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.api import operations
from cspr.api.body import UnreadableBody, read_text_fields
from cspr.api.routes import bp, file_answer_errors, invalid, problem, read_submission_body, reply
from cspr.auth.roles import AGENCY_USER, BUSINESS_UNIT, PARTNER, PARTNERS
from cspr.casework import calendar_settings, caselist, cases, serialise, signoff, stages
from cspr.casework import operations as verbs
from cspr.casework.catalog import FACTS
from cspr.casework.routes import PAGE_DATES
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import registry
from cspr.storage import NotFound
from cspr.timeutil import uk_today

NO_SUCH_CASE = "There is no case with that reference, or you do not have access to it"
NOT_ALLOWED = "Your role does not allow you to do this"
FILTERS = ("q", "stage", "deadline", "year", "page")
CASE_FORM_KEYS = ("form_id", "answers", "declaration")
CASE_FORM_EXAMPLE = '{"form_id": "notification", "answers": {...}, "declaration": true}'
DATE_EXAMPLE = '{"name": "dates.la_aware", "date": "2026-12-24"}'
VIEW_EXAMPLE = '{"view": "notifiable", "rationale": "..."}'
NOTIFICATION_EXAMPLE = '{"date": "2026-12-24", "reference": "..."}'
SIGN_OFF_EXAMPLE = '{"rapid_review": "SUB-2026-0042", "comment": ""}'
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_such_case() -> Response:
    return problem(404, NO_SUCH_CASE)


def _refused(refused: Refused, fields: dict[str, str] | None = None) -> Response:
    """Return the 422 for a verb's refusal, naming the body key it concerns (null for none)."""
    field = (fields or {}).get(refused.field or "", refused.field)
    return problem(422, refused.message, field=field)


def _forbidden(exc: Forbidden) -> Response:
    """Return the 403, with the verb's sentence when it gave one."""
    text = str(exc)
    return problem(403, text if " " in text else NOT_ALLOWED)


def _iso_date(text: str, name: str, field: str) -> date:
    """Read a YYYY-MM-DD date from a body, or refuse it in the words the web uses."""
    text = text.strip()
    if not text:
        raise Refused(f"Enter the {name}", field)
    try:
        when = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        when = None
    if when is None:
        raise Refused(f"{name.capitalize()} must be a real date, written like 2026-12-24", field)
    return calendar_settings.check_year(when, name, field)


@dataclass(frozen=True)
class Who:
    """Who may make a change at all, checked first as the web page checks it (the verb again)."""

    roles: frozenset[str]
    message: str
    partner: str = ""  # when set, a partner must be this statutory partner

    def allows(self, user: dict[str, Any]) -> bool:
        """Say whether the user may try the change."""
        if user["role"] not in self.roles:
            return False
        return user["role"] != PARTNER or not self.partner or user.get("partner") == self.partner


# The same roles, and words, as the web pages and the verbs behind them.
RUNS_CASES_ONLY = Who(frozenset({BUSINESS_UNIT}), "Only the business unit changes a case's facts")
MOVES_CASES = Who(frozenset({BUSINESS_UNIT}), "Only the business unit moves cases between stages")
GIVES_VIEWS = Who(frozenset({PARTNER, BUSINESS_UNIT}),
                  "Only statutory partners, or the business unit for them, give a view")
NOTIFIES = Who(frozenset({PARTNER, BUSINESS_UNIT}), "Only the local authority, or the business "
               "unit for it, records this", partner="local_authority")  # fmt: skip
SIGNS_OFF = Who(frozenset({PARTNER}), "Only statutory partners sign off rapid reviews")
SENDS_FORMS = Who(frozenset(cases.CASE_ROLES), operations.NOT_A_CASE_ROLE)


def _case_for(reference: str, who: Who) -> dict[str, Any] | Response:
    """Return the case the caller may change, or the 404 or 403 to answer with instead."""
    try:
        case = serialise.find(g.user, reference, action="")  # the change itself is audited
    except NotFound:
        return _no_such_case()
    if not who.allows(g.user):
        return problem(403, who.message)
    return case


def _change(
    reference: str, who: Who, keys: tuple[str, ...], example: str,
    change: Callable[[dict[str, Any], dict[str, str]], str],
    fields: dict[str, str] | None = None,
) -> ResponseReturnValue:  # fmt: skip
    """Read a body of text values, run one change on the case and say what it did."""
    case = _case_for(reference, who)
    if isinstance(case, Response):
        return case
    try:
        values = read_text_fields(keys, example)
    except UnreadableBody as bad:
        return problem(400, str(bad))
    try:
        message = change(case, values)
        case = serialise.find(g.user, reference, action="")
    except NotFound:
        return _no_such_case()
    except Forbidden as exc:
        return _forbidden(exc)
    except Refused as refused:
        return _refused(refused, fields)
    return reply({**serialise.status(case), "message": message})


MAX_PAGE = 100_000  # far beyond any partnership's cases; keeps the number small


@bp.get("/cases")
def case_list() -> ResponseReturnValue:
    """List the cases the caller may see, filtered as on the case list, 25 a page."""
    if g.user["role"] not in {*cases.CASE_ROLES, AGENCY_USER}:
        return problem(403, "Your role does not allow you to see cases")
    args = {key: request.args.get(key, "").strip() for key in FILTERS}
    unknown = sorted(set(request.args) - set(FILTERS))
    if unknown:
        return problem(400, f"'{unknown[0][:100]}' is not a filter. Use q, stage, deadline, "
                       "year or page")  # fmt: skip
    if args["stage"] and args["stage"] not in stages.STAGES:
        return problem(400, f"'stage' must be one of: {', '.join(stages.STAGES)}")
    if args["deadline"] and args["deadline"] not in caselist.DEADLINE_STATES:
        return problem(400, f"'deadline' must be one of: {', '.join(caselist.DEADLINE_STATES)}")
    if args["deadline"] and not serialise.sees_case_record(g.user):
        return problem(403, "Agency staff see where their referrals have reached, not their "
                       "deadlines: leave out 'deadline'")  # fmt: skip
    if args["year"] and not (args["year"].isascii() and args["year"].isdigit()
                             and len(args["year"]) == 4):  # fmt: skip
        return problem(400, "'year' must be a year written like 2026")
    page = args["page"]
    if page and not (page.isascii() and page.isdigit() and len(page) <= 6
                     and 0 < int(page) <= MAX_PAGE):  # fmt: skip
        return problem(400, f"'page' must be a whole number from 1 to {MAX_PAGE:,}")
    found = caselist.search(g.user, {k: v for k, v in args.items() if v}, uk_today())
    listed = [serialise.register_row(g.user, row) for row in found.rows]
    audit.record("list", "case", None, {"references": [row["reference"] for row in listed],
                                        "filters": {k: v for k, v in args.items() if v}})
    return reply({"cases": listed, "total": found.total, "page": found.page,
                  "pages": found.pages, "page_size": caselist.PAGE_SIZE})  # fmt: skip


@bp.get("/cases/<reference>")
def case(reference: str) -> ResponseReturnValue:
    """Return one case as the caller may see it; the view is written to the audit trail."""
    try:
        found = serialise.find(g.user, reference)
    except NotFound:
        return _no_such_case()
    return reply(serialise.record(g.user, found, uk_today()))


@bp.post("/cases/<reference>/submissions")
def case_submission(reference: str) -> ResponseReturnValue:
    """Check and send a form for the case; bound questions left out come from the case."""
    case = _case_for(reference, SENDS_FORMS)
    if isinstance(case, Response):
        return case
    try:
        answers, declared, body = read_submission_body(CASE_FORM_KEYS, CASE_FORM_EXAMPLE)
    except UnreadableBody as bad:
        return problem(400, str(bad))
    form_id = body.get("form_id")
    if not isinstance(form_id, str) or not form_id:
        return problem(400, f"Name the form to send in 'form_id', like {CASE_FORM_EXAMPLE}")
    definition = registry.live(form_id)
    if definition is None:
        return problem(404, f"There is no form called '{form_id[:100]}'")
    file_errors = file_answer_errors(definition, answers)
    if file_errors:
        return invalid(file_errors)
    try:
        sent, errors = operations.send_case_form(g.user, case, form_id, answers, declared)
    except NotFound:
        return problem(404, f"There is no form called '{form_id[:100]}'")
    except Forbidden as exc:
        return _forbidden(exc)
    except Refused as refused:
        return _refused(refused)
    if sent is None:
        return invalid(errors)
    response = reply({"id": sent["id"], "reference": sent["reference"],
                      "case": case["reference"]}, 201)  # fmt: skip
    response.headers["Location"] = url_for("api.submission", submission_id=sent["id"])
    return response


@bp.post("/cases/<reference>/dates")
def case_date(reference: str) -> ResponseReturnValue:
    """Record one of the case's key dates (the business unit)."""

    def record(case: dict[str, Any], values: dict[str, str]) -> str:
        name = values["name"].strip()
        if name not in PAGE_DATES:
            raise Refused("Choose which date to record: " + ", ".join(PAGE_DATES), "name")
        when = _iso_date(values["date"], FACTS[name].label.lower(), "date")
        verbs.set_fact(g.user, case["id"], name, when)
        return "The date has been saved."

    return _change(reference, RUNS_CASES_ONLY, ("name", "date"), DATE_EXAMPLE, record,
                   {"when": "date"})  # fmt: skip


@bp.post("/cases/<reference>/moves")
def case_move(reference: str) -> ResponseReturnValue:
    """Move the case to another stage (the business unit), with a reason where one is needed."""

    def move(case: dict[str, Any], values: dict[str, str]) -> str:
        to = values["to"].strip()
        if not to:
            raise Refused("Send the stage to move the case to, like 'consideration'", "to")
        cases.move(g.user, case["id"], to, values["reason"])
        return f"The case is now at: {stages.label(to)}."

    return _change(reference, MOVES_CASES, ("to", "reason"), '{"to": "consideration"}', move)


@bp.post("/cases/<reference>/views")
def case_view(reference: str) -> ResponseReturnValue:
    """Record a partner's own view on notifying (the business unit names the partner)."""

    def give(case: dict[str, Any], values: dict[str, str]) -> str:
        verbs.give_view(g.user, case["id"], values["view"].strip(), values["rationale"],
                        values["partner"].strip() or None)  # fmt: skip
        return "The view has been recorded."

    return _change(reference, GIVES_VIEWS, ("view", "rationale", "partner"), VIEW_EXAMPLE, give)


@bp.post("/cases/<reference>/notification")
def case_notification(reference: str) -> ResponseReturnValue:
    """Record that the local authority notified the Panel, with the national reference."""

    def notify(case: dict[str, Any], values: dict[str, str]) -> str:
        when = _iso_date(values["date"], "date the notification was made", "date")
        verbs.record_notification(g.user, case["id"], when, values["reference"],
                                  values["reason"])  # fmt: skip
        return "The notification has been recorded."

    return _change(reference, NOTIFIES, ("date", "reference", "reason"), NOTIFICATION_EXAMPLE,
                   notify, {"notified_on": "date"})  # fmt: skip


@bp.post("/cases/<reference>/sign-offs")
def case_sign_off(reference: str) -> ResponseReturnValue:
    """Record the calling partner's sign-off of one exact version of the rapid review."""

    def sign(case: dict[str, Any], values: dict[str, str]) -> str:
        named = values["rapid_review"].strip()
        review = signoff.current_review(case["id"])
        if review is not None and not named:
            raise Refused("Send the reference of the rapid review you are signing off, like "
                          f"{review.get('reference')}", "rapid_review")  # fmt: skip
        # Either the review's reference or its id names it; anything else is not this version.
        if review is not None and named.upper() == str(review.get("reference")).upper():
            named = review["id"]
        signoff.sign_off(g.user, case["id"], named, values["comment"])
        partner = PARTNERS.get(str(g.user.get("partner")), "")
        signed = review.get("reference") if review else named
        return f"You have signed off rapid review {signed} for {partner}."

    return _change(reference, SIGNS_OFF, ("rapid_review", "comment"), SIGN_OFF_EXAMPLE, sign)
