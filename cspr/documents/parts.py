"""The parts of a Word template that are filled in, and the Jinja source made from each.

The scan (scan.py) and the renderer (render.py) both read parts through here, so that what is
checked is exactly what runs, and every part is listed, and so filled in, exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
ENDNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
# Parts outside the body, headers and footers that hold text, with how a person names them.
NOTE_PARTS = {FOOTNOTES: "the footnotes", ENDNOTES: "the endnotes", COMMENTS: "the comments"}
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_PARAGRAPH = re.compile(r"<w:p([ >])")
# docxtpl lets a template print a literal "{{" as "{_{" (and so on) by swapping the pairs
# back in the *output*, which would also change an answer that contains "{_{". We turn them
# into Jinja string constants in the *source* instead, so answers are never touched.
_LITERAL_PAIRS = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}
_LITERAL = re.compile("|".join(re.escape(k) for k in _LITERAL_PAIRS))


@dataclass(frozen=True)
class PartSource:
    """One part of a template: its name for people, its Jinja, and its paragraphs' words."""

    where: str
    source: str
    paragraphs: list[str] = field(default_factory=list)


def literal_braces(source: str) -> str:
    """Turn docxtpl's "{_{" (and the like) into Jinja constants that print "{{"."""
    return _LITERAL.sub(lambda m: "{{ '" + _LITERAL_PAIRS[m.group(0)] + "' }}", source)


def jinja_source(template: Any, xml: str) -> str:
    """Return the Jinja source docxtpl would compile for a part, one paragraph to a line."""
    return literal_braces(_PARAGRAPH.sub(r"\n<w:p\1", template.patch_xml(xml)))


def part_text(part: Any) -> str:
    """Return a part's XML as text, whether python-docx holds it as bytes or as a tree."""
    blob = part.blob
    return blob.decode("utf-8") if isinstance(blob, bytes) else str(blob)


def note_parts(template: Any) -> Iterator[tuple[str, Any]]:
    """Yield each footnotes, endnotes and comments part once, with its name for people."""
    for part in template.docx.part.package.iter_parts():  # each part once, however many sections
        label = NOTE_PARTS.get(part.content_type)
        if label:
            yield label, part


def header_footer_parts(template: Any) -> Iterator[tuple[str, str, Any]]:
    """Yield each header and footer part with its relationship id and its name for people."""
    for uri, label in ((template.HEADER_URI, "a header"), (template.FOOTER_URI, "a footer")):
        for rel_id, part in template.get_headers_footers(uri):
            yield label, rel_id, part
