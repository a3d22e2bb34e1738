"""The API's own verb: send a whole form for a case in one request, as the case page would."""

from __future__ import annotations

from typing import Any

from cspr.casework import bindings, cases, tasks
from cspr.exceptions import Forbidden, Refused
from cspr.formengine import operations as forms
from cspr.formengine import registry
from cspr.formengine.validation import SubmissionErrors
from cspr.storage import NotFound

NOT_A_CASE_ROLE = "Only the business unit, statutory partners and the chair send forms for a case"


def send_case_form(
    user: dict[str, Any], case: dict[str, Any], form_id: str, answers: dict[str, Any],
    declared: bool,
) -> tuple[dict[str, Any] | None, SubmissionErrors]:  # fmt: skip
    """Check and send a form for a case, its bound questions left out filled from the case."""
    if user["role"] not in cases.CASE_ROLES:
        raise Forbidden(NOT_A_CASE_ROLE)
    definition = registry.live(form_id)
    if definition is None:
        raise NotFound(form_id)
    if form_id not in tasks.CASE_FORMS:
        names = ", ".join(f"'{name}'" for name in tasks.CASE_FORMS)
        raise Refused(f"The {definition.title.lower()} form is not sent for a case. A case's "
                      f"forms are {names}", "form_id")  # fmt: skip
    if not forms.can_start(user, definition):
        raise Forbidden("Your role does not allow you to send this form")
    # As when the form is started from the case page: the account's details, then the case's
    # facts, fill what the caller left out; what the caller sent always wins.
    filled = {**forms.account_answers(definition, user), **bindings.prefill(definition, case),
              **answers}  # fmt: skip
    return forms.submit_answers(user, form_id, filled, declared, case_id=case["id"])
