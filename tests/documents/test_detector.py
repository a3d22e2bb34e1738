"""The detector: what it finds, what it leaves alone, and every part of a Word file it reads."""

from __future__ import annotations

from bench.redaction_bench import score
from cspr.documents.anonymise.detect import CaseWords, Detector
from cspr.documents.anonymise.passages import Passage, read_passages
from tests.documents.every_part import MARKERS, make_template

# Measured on bench/redaction_corpus.py when the rules were written: 0 false alarms.
MOST_FALSE_ALARMS = 2


def _found(text: str, **words: list[str]) -> dict[str, str]:
    """Return what the detector raises in one paragraph, text to kind."""
    detector = Detector(CaseWords(**words))  # type: ignore[arg-type]
    return {c.text: c.kind for c in detector.candidates_in(Passage("the main text", text))}


def test_nhs_numbers_are_found_only_with_a_right_check_digit() -> None:
    assert _found("Her NHS number is 943 476 5919.") == {"943 476 5919": "nhs"}
    assert _found("Her NHS number is 9434765919.") == {"9434765919": "nhs"}
    assert _found("The reference 943 476 5918 is not one.") == {}  # wrong check digit
    assert _found("Ward code 123 456 7890.") == {}


def test_names_details_and_what_is_left_alone() -> None:
    found = _found(
        "On Tuesday 3 March, Exampleshire Police and Children's Social Care met. PC Sam Hollis "
        "said that Mark Sampleman lives at 12 Acacia Avenue, AB1 2DE, phone 01632 960 123, "
        "email mark@example.org. Child F was born on 4 May 2015.",
        safe=["Child F"],
    )
    assert found == {"PC Sam Hollis": "name", "Mark Sampleman": "name",
                     "12 Acacia Avenue": "address", "AB1 2DE": "postcode",
                     "01632 960 123": "phone", "mark@example.org": "email",
                     "4 May 2015": "birth"}  # fmt: skip


def test_the_case_own_names_and_dismissed_ones() -> None:
    held = _found("Hattie rang. The Exampleshire Safeguarding Children Partnership replied.",
                  names=["Hattie Example"],
                  safe=["Exampleshire Safeguarding Children Partnership"])  # fmt: skip
    assert held == {"Hattie": "held"}
    assert _found("Mark Sampleman rang.", dismissed={"mark sampleman"}) == {}


def test_every_part_of_a_word_file_is_read() -> None:
    passages = read_passages(make_template("Mark Sampleman", title="Mark Sampleman"))
    text = "\n".join(p.text for p in passages)
    for marker in MARKERS:
        assert f"{marker}: Mark Sampleman" in text, marker
    wheres = {p.where for p in passages}
    assert {"the footnotes", "the endnotes", "the comments", "a header", "a footer",
            "a text box in the main text", "the document's properties (title)"} <= wheres
    assert "the comments (the name of who made a change or comment)" in wheres  # "Tester"


def test_the_detector_finds_every_labelled_identifier_in_the_corpus() -> None:
    labels, found, alarms, missed = score()
    assert missed == [] and found == labels
    assert alarms <= MOST_FALSE_ALARMS
