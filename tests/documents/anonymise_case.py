"""A fictional case and template that name five people the pseudonym register does not hold.

Two are in the case's free text (the body), one only in a table cell, one only in a footnote and
one only in the template's author property (and its tracked change): all invented.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
from docx.oxml import parse_xml

from tests.documents.every_part import NAMESPACES, _add_notes

IN_TEXT = "Mark Sampleman"
TITLED = "Mrs Olive Testwick"
IN_TABLE = "Priya Fakename"
IN_FOOTNOTE = "Devon Notreal"
AUTHOR = "Gordon Madeup"
FIVE = (IN_TEXT, TITLED, IN_TABLE, IN_FOOTNOTE, AUTHOR)
OUTLINE = (
    f"Her mother's partner ({IN_TEXT}) called an ambulance. The neighbour, {TITLED}, said she "
    "had heard crying through the wall on the Tuesday before."
)


def leaky_template() -> bytes:
    """Return a template with a name in a table, a footnote, its author and a tracked change."""
    document = docx.Document()
    document.add_paragraph("Rapid review summary for {{ case.reference }}")
    document.add_paragraph("{{ incident.outline }}")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Health visitor"
    table.rows[0].cells[1].text = f"Seen at home by {IN_TABLE} in March."
    notes = document.add_paragraph("See the note.")
    notes._p.append(parse_xml(f'<w:r {NAMESPACES}><w:footnoteReference w:id="1"/></w:r>'))
    changed = document.add_paragraph("Checked ")
    changed._p.append(parse_xml(
        f'<w:ins {NAMESPACES} w:id="9" w:author="{AUTHOR}" w:date="2026-01-01T00:00:00Z">'
        '<w:r><w:t>twice</w:t></w:r></w:ins>'))  # fmt: skip
    document.core_properties.author = AUTHOR
    document.core_properties.last_modified_by = AUTHOR
    out = BytesIO()
    document.save(out)
    return _add_notes(out.getvalue(), f"Information from {IN_FOOTNOTE} at the school.", "End.")


def every_part_xml(content: bytes) -> str:
    """Return the XML of every part of a Word file, one after another."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace")
                         for n in archive.namelist() if n.endswith((".xml", ".rels")))  # fmt: skip
