"""Each case's pseudonym register (real name -> pseudonym) and the redactor that applies it.

A name of one word ("Alfie") is matched as written or in capitals, so that a child called
Will does not turn every "will" into a pseudonym; a name of two or more words is matched in
any case. Matches never start or end inside a longer word, and longer names win.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from cspr import audit
from cspr.auth.roles import BUSINESS_UNIT
from cspr.exceptions import Forbidden, Refused
from cspr.storage import get_store, transactional

TABLE = "pseudonym_registers"
KINDS = {
    "child": "The child",
    "family": "Family member",
    "professional": "Professional",
    "other": "Someone else",
}
MAX_LENGTH = 120
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor")


def child_letter(case: dict[str, Any]) -> str:
    """Return the letter for a case's child, taken from the case number, not the name."""
    tail = str(case.get("reference", "")).rsplit("-", 1)[-1]
    number = int(tail) if tail.isdigit() else 1
    return string.ascii_uppercase[(number - 1) % 26]


def child_pseudonym(case: dict[str, Any]) -> str:
    """Return the pseudonym a case's child is given ("Child C")."""
    return f"Child {child_letter(case)}"


def child_pseudonyms(case_ids: list[str]) -> dict[str, str]:
    """Return the child's pseudonym in each case's register that has one."""
    store = get_store()
    found = {}
    for case_id in case_ids:
        register = store.get(TABLE, case_id)
        for entry in (register or {}).get("entries", []):
            if entry.get("kind") == "child":
                found[case_id] = str(entry["pseudonym"])
                break
    return found


def seed_entries(case: dict[str, Any], referral: dict[str, Any] | None) -> list[dict[str, str]]:
    """Start a register from the case's facts: the child's name, given names and family name."""
    from cspr.casework import casefacts  # casework owns the facts

    child = casefacts.get(case, "child.name") or {}
    given = str(child.get("given_names") or "").strip()
    family = str(child.get("family_name") or "").strip()
    letter = child_letter(case)
    entries = []
    if given and family:
        entries.append(
            {"real": f"{given} {family}", "pseudonym": f"Child {letter}", "kind": "child"}
        )
    if given:
        entries.append({"real": given, "pseudonym": f"Child {letter}", "kind": "child"})
        first = given.split()[0]
        if first != given:
            entries.append({"real": first, "pseudonym": f"Child {letter}", "kind": "child"})
    if family:
        entries.append({"real": family, "pseudonym": letter, "kind": "child"})
    return entries


@transactional
def entries_for(case: dict[str, Any], referral: dict[str, Any] | None) -> list[dict[str, str]]:
    """Return a case's register, making it from the referral the first time it is needed."""
    store = get_store()
    found = store.get(TABLE, case["id"])
    if found is not None:
        return list(found["entries"])
    entries = seed_entries(case, referral)
    store.insert(TABLE, {"id": case["id"], "entries": entries})  # under the lock: made once
    audit.record("create", "pseudonym_register", case["id"], {"entries": len(entries)})
    return entries


def _clean(value: str) -> str:
    """Collapse runs of spaces in a name."""
    return " ".join(value.split())


def _contains_word(text: str, word: str) -> bool:
    """Say whether a word appears whole in text, in any case."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


@transactional
def add_entry(
    user: dict[str, Any], case: dict[str, Any], real: str, pseudonym: str, kind: str
) -> list[dict[str, str]]:
    """Add a real name and its pseudonym to a case's register (business unit only)."""
    if user["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit changes the pseudonym register")
    real, pseudonym = _clean(real), _clean(pseudonym)
    if not real:
        raise Refused("Enter the real name", "real")
    if len(real) > MAX_LENGTH:
        raise Refused(f"Real name must be {MAX_LENGTH} characters or fewer", "real")
    if not pseudonym:
        raise Refused("Enter the pseudonym", "pseudonym")
    if len(pseudonym) > MAX_LENGTH:
        raise Refused(f"Pseudonym must be {MAX_LENGTH} characters or fewer", "pseudonym")
    if kind not in KINDS:
        raise Refused("Select who the person is", "kind")
    if any(_contains_word(pseudonym, word) for word in real.split() if len(word) > 1):
        raise Refused("The pseudonym must not contain the real name or part of it", "pseudonym")

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        """Change the stored register inside the store's lock."""
        if any(e["real"].lower() == real.lower() for e in doc["entries"]):
            raise Refused(
                f"{real} is already in the register: remove it first to change it", "real"
            )
        doc["entries"] = [*doc["entries"], {"real": real, "pseudonym": pseudonym, "kind": kind}]
        return doc

    updated = get_store().update(TABLE, case["id"], change)
    audit.record("update", "pseudonym_register", case["id"], {"added": kind}, user=user)
    return list(updated["entries"])


@transactional
def remove_entry(user: dict[str, Any], case: dict[str, Any], real: str) -> list[dict[str, str]]:
    """Take a real name out of a case's register (business unit only)."""
    if user["role"] != BUSINESS_UNIT:
        raise Forbidden("Only the business unit changes the pseudonym register")

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        """Change the stored register inside the store's lock."""
        kept = [e for e in doc["entries"] if e["real"] != real]
        if len(kept) == len(doc["entries"]):
            raise Refused("That name is not in the register")
        doc["entries"] = kept
        return doc

    updated = get_store().update(TABLE, case["id"], change)
    audit.record("update", "pseudonym_register", case["id"], {"removed": 1}, user=user)
    return list(updated["entries"])


def _pattern(real: str) -> str:
    """Return the pattern that finds one name, following the module's matching rules."""
    words = real.split()
    if len(words) > 1:
        return "(?i:" + r"\s+".join(re.escape(w) for w in words) + ")"
    variants = sorted({real, real.upper()}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(v) for v in variants) + ")"


class Redactor:
    """Replace real names with pseudonyms in text, and find any real name left over."""

    def __init__(self, pairs: Iterable[tuple[str, str]], titled: Iterable[tuple[str, str]] = ()):
        """Take (real name, pseudonym) pairs, and (family name, pseudonym) for "Dr Smith"."""
        alternatives: list[tuple[int, str, str, str]] = []
        seen: set[str] = set()
        for real, pseudonym in pairs:
            real = _clean(real)
            if real and real.lower() not in seen:
                seen.add(real.lower())
                alternatives.append((len(real), _pattern(real), real, pseudonym))
        titles = "(?:" + "|".join(TITLES) + r")\.?\s+"
        for family, pseudonym in titled:
            family = _clean(family)
            if family:
                alternatives.append(
                    (len(family) + 4, titles + _pattern(family), f"… {family}", pseudonym)
                )
        alternatives.sort(key=lambda a: a[0], reverse=True)
        self._real = {f"n{i}": a[2] for i, a in enumerate(alternatives)}
        self._pseudonym = {f"n{i}": a[3] for i, a in enumerate(alternatives)}
        body = "|".join(f"(?P<n{i}>{a[1]})" for i, a in enumerate(alternatives))
        self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if body else None

    def apply(self, text: str) -> str:
        """Return text with every known real name replaced by its pseudonym."""
        if self._regex is None or not text:
            return text
        return self._regex.sub(lambda m: self._pseudonym[m.lastgroup or ""], text)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Return where each known real name is in text: (start, end, the name as known)."""
        if self._regex is None:
            return []
        return [(m.start(), m.end(), self._real[m.lastgroup or ""])
                for m in self._regex.finditer(text)]  # fmt: skip

    def leaks(self, text: str) -> list[str]:
        """Return the real names still present in text."""
        return sorted({real for _, _, real in self.find(text)})
