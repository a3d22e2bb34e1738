"""The verbs of the anonymisation review: see what an anonymised version still holds, decide.

Every decision is made by the business unit, audited, and changes what the next rendering of
the document finds: a candidate added to the register is replaced, one judged not identifying
is not raised again for this case.
"""

from __future__ import annotations

from typing import Any

from cspr import audit
from cspr.auth.roles import BUSINESS_UNIT
from cspr.documents import library, operations
from cspr.documents.anonymise import review
from cspr.documents.anonymise.detect import KIND_WORDS
from cspr.documents.case_values import WITHHELD
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound

CHOICES = ("pseudonym", "withheld", "not_identifying")


def review_page(user: dict[str, Any], case_id: str, template_id: str) -> dict[str, Any]:
    """Render the anonymised version again and return what may still identify someone in it."""
    case = operations.case_for(user, case_id)
    template = library.get_template(template_id)
    if template is None or not library.is_live(template):
        raise NotFound(template_id)
    rendered = operations.render_checked(user, case, template_id, anonymised=True)
    audit.record("view", "anonymisation_review", case_id,
                 {"template": template_id, "candidates": len(rendered.candidates)},
                 user=user)  # fmt: skip
    return {
        "case": case,
        "template": rendered.template,
        "candidates": rendered.candidates,
        "can_decide": user["role"] == BUSINESS_UNIT,
    }


def decide(
    user: dict[str, Any], case_id: str, text: str, kind: str, choice: str, pseudonym: str = ""
) -> str:
    """Apply the business unit's decision on one candidate; return what was done, in words."""
    case = operations.case_for(user, case_id)
    if user["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit decides what identifies someone")
    if choice not in CHOICES or kind not in KIND_WORDS:
        raise Refused("Select what should happen to it", "choice")
    if choice == "not_identifying":
        review.dismiss(user, case["id"], text, kind)
        return f"“{text}” will not be raised again for this case."
    if choice == "pseudonym" and not pseudonym.strip():
        raise Refused("Enter a pseudonym, or add it to the register as [withheld]", "pseudonym")
    given = pseudonym if choice == "pseudonym" else WITHHELD
    operations.change_register(user, case_id, "add", real=text, pseudonym=given, kind="other")
    return f"“{text}” has been added to the register as {' '.join(given.split())}."
