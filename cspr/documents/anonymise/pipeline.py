"""Finish an anonymised document: pseudonyms everywhere, leaks refused, candidates found, and
no name left in its properties, history or comments."""

from __future__ import annotations

from typing import Any

from cspr.documents.anonymise.detect import Candidate, CaseWords, Detector
from cspr.documents.anonymise.passages import clean, read_passages, replace_text
from cspr.documents.pseudonyms import Redactor
from cspr.exceptions import Refused


class NeedsReview(Refused):
    """An anonymised version holds candidates nobody has reviewed yet, so it was not saved."""

    def __init__(self, candidates: list[Candidate]):
        """Keep the candidates and say what happened."""
        count = len(candidates)
        things = "1 thing" if count == 1 else f"{count} things"
        super().__init__(
            f"The anonymised version was not saved yet: {things} in it may identify someone. "
            "Check each one, then save it."
        )
        self.candidates = candidates


def public_details(partnership: dict[str, Any], title: str) -> list[str]:
    """Return what is public and never a candidate: the partnership's details, the title.

    The contact for families is the partnership's published contact, named in its letters.
    """
    contact = partnership.get("family_contact") or {}
    own = [partnership.get(k, "") for k in ("name", "address_text", "email", "phone")]
    return [*own, *partnership.get("address", []),
            *(contact.get(k, "") for k in ("name", "role", "email", "phone")), title]


def finish(
    data: bytes, redactor: Redactor, words: CaseWords, author: str
) -> tuple[bytes, list[Candidate]]:
    """Apply the register to every part, refuse a known name left, find what else may identify."""
    # The context was already redacted; this also catches names written into the template.
    data = replace_text(data, redactor.apply)
    passages = read_passages(data)
    leaks = redactor.leaks("\n".join(p.text for p in passages))
    if leaks:
        raise Refused(
            "The anonymised version was not saved because it still contained "
            f"{', '.join(leaks)}, which could not be replaced with a pseudonym there (a name "
            "split by a change of formatting in the template, for example). Ask an "
            "administrator to retype or remove it in the template."
        )
    candidates = Detector(words).candidates(passages)
    return clean(data, author), candidates
