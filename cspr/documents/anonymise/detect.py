"""Find what may identify someone in a document's text and is not yet dealt with for its case.

What the case itself holds (every name, school, surgery, street, date of birth and NHS number
in its forms and facts) is looked for first and by name; then the plain rules look for what
the case does not hold: names with a title, runs of capitalised words that look like a
person's name, common given names, addresses, postcodes, telephone numbers, emails, dates of
birth and NHS numbers (only those whose check digit is right). Pseudonyms, the partnership's
own public details, and what the business unit has decided is not identifying are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cspr.documents.anonymise import rules
from cspr.documents.anonymise.passages import Passage
from cspr.documents.pseudonyms import Redactor
from cspr.formengine.fieldtypes.nhs_number import check_digit_matches, digits_of

KIND_WORDS = {
    "held": "a name or detail the case holds",
    "name": "what looks like a person's name",
    "address": "an address",
    "postcode": "a postcode",
    "phone": "a telephone number",
    "email": "an email address",
    "birth": "a date of birth",
    "nhs": "an NHS number",
}
_SENTENCE_WIDTH = 160


def key_of(text: str) -> str:
    """Return how a candidate is known for decisions: its words, in lower case."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Candidate:
    """Something that may identify someone: what, where first, and the sentence it is in."""

    kind: str
    text: str
    where: str
    sentence: str
    places: int = 1

    @property
    def key(self) -> str:
        """Return the candidate's key for decisions."""
        return key_of(self.text)

    @property
    def kind_text(self) -> str:
        """Say what kind of candidate this is, in words."""
        return KIND_WORDS[self.kind]


@dataclass
class CaseWords:
    """What a case holds and has decided, as the detector needs it."""

    names: list[str] = field(default_factory=list)  # people's names the case holds
    details: list[str] = field(default_factory=list)  # schools, surgeries, streets, numbers
    safe: list[str] = field(default_factory=list)  # pseudonyms, public details, headings
    dismissed: set[str] = field(default_factory=set)  # keys decided not identifying


def _sentence(text: str, start: int, end: int) -> str:
    """Return the sentence around a match, shortened to a readable length."""
    before = max(text.rfind(". ", 0, start) + 2, 0) if ". " in text[:start] else 0
    after = text.find(". ", end)
    after = len(text) if after < 0 else after + 1
    if after - before > _SENTENCE_WIDTH:
        before = max(before, start - _SENTENCE_WIDTH // 2)
        after = min(after, end + _SENTENCE_WIDTH // 2)
    prefix = "…" if before > 0 and text[before - 2 : before] != ". " else ""
    suffix = "…" if after < len(text) and text[after - 1] != "." else ""
    return prefix + text[before:after].strip() + suffix


def _looks_like_a_name(words: list[str]) -> list[str]:
    """Return the runs of words in a capitalised sequence that may be a person's name."""
    if any(w.lower() in rules.ORGANISATION for w in words):
        return []  # an organisation or a place
    runs: list[list[str]] = [[]]
    for word in words:
        if word.lower() in rules.COMMON:
            runs.append([])
        else:
            runs[-1].append(word)
    return [" ".join(run) for run in runs
            if len(run) > 1 or (run and run[0] in rules.GIVEN_NAMES)]  # fmt: skip


class Detector:
    """Find the candidates in a document's passages for one case."""

    def __init__(self, words: CaseWords):
        """Prepare the case's own names and details, and what is safe to leave."""
        names = [" ".join(n.split()) for n in words.names if len(n.strip()) > 1]
        # "Hattie" and "Example" alone, as well as "Hattie Example".
        parts = [p for n in names if " " in n for p in (n.split()[0], n.split()[-1])
                 if len(p) > 2 and p.lower() not in rules.COMMON]  # fmt: skip
        details = [" ".join(d.split()) for d in words.details if len(d.strip()) > 2]
        self._held = Redactor([(h, "") for h in [*names, *parts, *details]])
        safe = sorted({" ".join(s.split()) for s in words.safe if len(s.strip()) > 1},
                      key=len, reverse=True)  # fmt: skip
        body = "|".join(re.escape(s) for s in safe)
        self._safe = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.I) if body else None
        self._dismissed = words.dismissed

    def _masked(self, text: str) -> str:
        """Blank out pseudonyms and public details so that no rule finds them."""
        text = text.replace("[withheld]", " " * len("[withheld]"))
        if self._safe is None:
            return text
        return self._safe.sub(lambda m: " " * len(m.group(0)), text)

    def _matches(self, text: str) -> Iterable[tuple[str, int, int]]:
        """Yield (kind, start, end) of everything that may identify someone, most certain first."""
        for start, end, _ in self._held.find(text):
            yield "held", start, end
        for kind, pattern in (("email", rules.EMAIL), ("postcode", rules.POSTCODE),
                              ("address", rules.ADDRESS)):  # fmt: skip
            for m in pattern.finditer(text):
                yield kind, m.start(), m.end()
        for m in rules.BIRTH.finditer(text):
            yield "birth", m.start("date"), m.end("date")
        for m in rules.NHS_SHAPE.finditer(text):
            digits = digits_of(m.group(0))
            if digits and check_digit_matches(digits):
                yield "nhs", m.start(), m.end()
        for m in rules.PHONE.finditer(text):
            yield "phone", m.start(), m.end()
        for m in rules.TITLED.finditer(text):
            yield "name", m.start(), m.end()
        for m in rules.CAPITALISED.finditer(text):
            for run in _looks_like_a_name(m.group(0).split()):
                spread = r"\s+".join(re.escape(w) for w in run.split())
                within = re.compile(rf"(?<!\w){spread}(?!\w)").search(text, m.start(), m.end())
                if within:
                    yield "name", within.start(), within.end()

    def candidates_in(self, passage: Passage) -> list[Candidate]:
        """Return the candidates in one passage, none overlapping another."""
        text = self._masked(passage.text)
        taken: list[tuple[int, int]] = []
        found = []
        for kind, start, end in self._matches(text):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            value = passage.text[start:end]
            if key_of(value) in self._dismissed:
                continue
            found.append(Candidate(kind, value, passage.where,
                                   _sentence(passage.text, start, end)))  # fmt: skip
        return found

    def candidates(self, passages: Iterable[Passage]) -> list[Candidate]:
        """Return each candidate once, where it is first found, with how often it is found."""
        first: dict[str, Candidate] = {}
        counts: dict[str, int] = {}
        for passage in passages:
            for candidate in self.candidates_in(passage):
                first.setdefault(candidate.key, candidate)
                counts[candidate.key] = counts.get(candidate.key, 0) + 1
        return [Candidate(c.kind, c.text, c.where, c.sentence, counts[k]) for k, c in first.items()]

