"""Lists of sent forms a user may see: one line per form with its count, then each form's pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cspr.formengine.operations import SUBMISSIONS, can_see
from cspr.storage import get_store


@dataclass
class SentForm:
    """One form's sent copies that a user may see: how many, and the newest."""

    form_id: str
    title: str
    count: int
    latest: str


def sent_by_form(user: dict[str, Any]) -> list[SentForm]:
    """Count the sent forms the user may see, form by form, in title order."""
    forms: dict[str, SentForm] = {}

    def tally(doc: dict[str, Any]) -> bool:
        # Counted as the store looks, and never matched: no copy of any answer is made.
        if doc["status"] == "submitted" and can_see(user, doc):
            seen = forms.setdefault(doc["form_id"], SentForm(doc["form_id"], "", 0, ""))
            seen.count += 1
            if (doc.get("submitted_at") or "") >= seen.latest:
                seen.latest, seen.title = doc.get("submitted_at") or "", doc["form_title"]
        return False

    get_store().find(SUBMISSIONS, where={"status": "submitted"}, predicate=tally)
    return sorted(forms.values(), key=lambda f: (f.title.lower(), f.form_id))


def sent_page(
    user: dict[str, Any], form_id: str, page: int, per_page: int
) -> list[dict[str, Any]]:
    """Return one page of a form's sent copies that the user may see, newest first."""
    return get_store().find(
        SUBMISSIONS,
        where={"form_id": form_id, "status": "submitted"},
        predicate=lambda doc: can_see(user, doc),
        order_by="submitted_at",
        reverse=True,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
