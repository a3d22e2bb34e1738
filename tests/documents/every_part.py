"""A Word template with the same placeholders in every part Word has, and a reader of each part.

Two sections, each with its own header and footer; a text box in the main text and one in a
header; footnotes, endnotes and comments; and the title property. Each copy starts with a
marker naming the part, so a test can find what came out of each one.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
MARKERS = (
    "BODY",
    "BODY-TEXT-BOX",
    "SECTION-2-BODY",
    "HEADER-1",
    "HEADER-1-TEXT-BOX",
    "HEADER-2",
    "FOOTER-1",
    "FOOTER-2",
    "FOOTNOTE",
    "ENDNOTE",
    "COMMENT",
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def _run(text: str) -> str:
    """Return a run holding some text."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _text_box(text: str) -> str:
    """Return a run holding a VML text box with one paragraph of text."""
    return (
        f'<w:r {NAMESPACES}><w:pict><v:shape style="width:300pt;height:60pt">'
        f"<v:textbox><w:txbxContent><w:p>{_run(text)}</w:p></w:txbxContent></v:textbox>"
        "</v:shape></w:pict></w:r>"
    )


def _notes(kind: str, text: str) -> bytes:
    """Return a footnotes or endnotes part: Word's two separators and one note."""
    tag = kind[:-1]  # footnote, endnote
    separators = "".join(
        f'<w:{tag} w:type="{t}" w:id="{i}"><w:p><w:r><w:{s}/></w:r></w:p></w:{tag}>'
        for i, t, s in ((-1, "separator", "separator"), (0, "continuationSeparator",
                                                          "continuationSeparator"))
    )  # fmt: skip
    body = f'<w:{tag} w:id="1"><w:p>{_run(text)}</w:p></w:{tag}>'
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind} {NAMESPACES}>'
    return (xml + separators + body + f"</w:{kind}>").encode("utf-8")


def make_template(snippet: str, title: str = "") -> bytes:
    """Make a template whose every part holds "<MARKER>: " followed by the snippet."""
    document = docx.Document()
    first = document.add_paragraph(f"BODY: {snippet}")
    document.add_comment(first.runs, text=f"COMMENT: {snippet}", author="Tester")
    box = document.add_paragraph()
    box._p.append(parse_xml(_text_box(f"BODY-TEXT-BOX: {snippet}")))
    notes = document.add_paragraph("Notes")
    notes._p.append(parse_xml(f'<w:r {NAMESPACES}><w:footnoteReference w:id="1"/></w:r>'))
    notes._p.append(parse_xml(f'<w:r {NAMESPACES}><w:endnoteReference w:id="1"/></w:r>'))
    document.sections[0].header.paragraphs[0].text = f"HEADER-1: {snippet}"
    header_box = document.sections[0].header.add_paragraph()
    header_box._p.append(parse_xml(_text_box(f"HEADER-1-TEXT-BOX: {snippet}")))
    document.sections[0].footer.paragraphs[0].text = f"FOOTER-1: {snippet}"
    second = document.add_section(WD_SECTION.NEW_PAGE)
    second.header.is_linked_to_previous = False
    second.footer.is_linked_to_previous = False
    second.header.paragraphs[0].text = f"HEADER-2: {snippet}"
    second.footer.paragraphs[0].text = f"FOOTER-2: {snippet}"
    document.add_paragraph(f"SECTION-2-BODY: {snippet}")
    if title:
        document.core_properties.title = title
    out = BytesIO()
    document.save(out)
    return _add_notes(out.getvalue(), f"FOOTNOTE: {snippet}", f"ENDNOTE: {snippet}")


def _add_notes(content: bytes, footnote: str, endnote: str) -> bytes:
    """Add footnotes and endnotes parts (python-docx cannot make them) to a saved document."""
    source = zipfile.ZipFile(BytesIO(content))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/word/{k}.xml" ContentType="{WORD}{k}+xml"/>'
                    for k in ("footnotes", "endnotes")
                )
                data = data.replace(b"</Types>", overrides.encode() + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Id="rIdTest{k}" Type="{REL}{k}" Target="{k}.xml"/>'
                    for k in ("footnotes", "endnotes")
                )
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", _notes("footnotes", footnote))
        target.writestr("word/endnotes.xml", _notes("endnotes", endnote))
    return out.getvalue()


def paragraphs_by_marker(content: bytes) -> dict[str, list[str]]:
    """Return the text of every paragraph that starts with a marker, per marker, in each part."""
    found: dict[str, list[str]] = {marker: [] for marker in MARKERS}
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(archive.read(name))
            for paragraph in root.iter(f"{{{W_NS}}}p"):
                if paragraph.find(f".//{{{W_NS}}}txbxContent") is not None:
                    continue  # the text box's own paragraph is read on its own
                text = "".join(
                    "\n" if node.tag == f"{{{W_NS}}}br" else (node.text or "")
                    for node in paragraph.iter(f"{{{W_NS}}}t", f"{{{W_NS}}}br")
                )
                match = re.match(r"([A-Z0-9-]+): ", text)
                if match and match.group(1) in found:
                    found[match.group(1)].append(text[match.end() :])
    return found


def core_title(content: bytes) -> str:
    """Return the document's title property."""
    return str(docx.Document(BytesIO(content)).core_properties.title)
