"""Every piece of text a Word file holds, each with where it is; and cleaning a finished file.

A name can hide anywhere a person cannot see it at a glance: in a footnote, a text box, a
comment, a deleted revision or the document's properties. Reading the parts from the package
(not from python-docx's body view) means nothing is skipped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from cspr.documents.parts import NOTE_PARTS
from cspr.documents.xmlparse import safe_parser

if TYPE_CHECKING:  # lxml loads when a document is first read, not when the app starts
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
CORE = "docProps/core.xml"
APP = "docProps/app.xml"
# Each document property that can carry a name, by its element's local name.
PROPERTY_WORDS = {
    "creator": "author",
    "lastModifiedBy": "last modified by",
    "title": "title",
    "subject": "subject",
    "keywords": "keywords",
    "description": "comments",
    "category": "category",
    "Company": "company",
    "Manager": "manager",
}
_PART_WORDS = {
    "word/document.xml": "the main text",
    "word/footnotes.xml": NOTE_PARTS[next(k for k in NOTE_PARTS if "footnotes" in k)],
    "word/endnotes.xml": NOTE_PARTS[next(k for k in NOTE_PARTS if "endnotes" in k)],
    "word/comments.xml": NOTE_PARTS[next(k for k in NOTE_PARTS if "comments" in k)],
}


@dataclass(frozen=True)
class Passage:
    """One paragraph (or property) of text and where a person would find it."""

    where: str
    text: str


def _part_words(name: str) -> str | None:
    """Say how a person names a part of the package, or None if it holds no text."""
    if name in _PART_WORDS:
        return _PART_WORDS[name]
    base = name.rsplit("/", 1)[-1]
    if name.startswith("word/") and base.startswith("header"):
        return "a header"
    if name.startswith("word/") and base.startswith("footer"):
        return "a footer"
    return None


def _paragraph_text(paragraph: etree._Element) -> str:
    """Return a paragraph's words, deleted revisions included, its text boxes' left out."""
    pieces = []
    for node in paragraph.iter(f"{_W}t", f"{_W}delText", f"{_W}tab", f"{_W}br"):
        if next(node.iterancestors(f"{_W}p")) is not paragraph:
            continue  # in a text box: read as a paragraph of its own
        pieces.append(" " if node.tag in (f"{_W}tab", f"{_W}br") else node.text or "")
    return "".join(pieces)


def _where_in(paragraph: etree._Element, part: str) -> str:
    """Say where a paragraph is: in a text box, a table or simply in its part."""
    tags = {a.tag for a in paragraph.iterancestors()}
    if f"{_W}txbxContent" in tags:
        return f"a text box in {part}"
    if f"{_W}tbl" in tags:
        return f"a table in {part}"
    return part


def read_passages(content: bytes) -> list[Passage]:
    """Return every paragraph and property of a Word file, once each, with where it is."""
    from lxml import etree

    found: dict[tuple[str, str], None] = {}
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name in (CORE, APP):
                root = etree.fromstring(archive.read(name), safe_parser())
                for node in root:
                    local = etree.QName(node).localname
                    if local in PROPERTY_WORDS and (node.text or "").strip():
                        where = f"the document's properties ({PROPERTY_WORDS[local]})"
                        found[(where, node.text.strip())] = None
                continue
            part = _part_words(name)
            if part is None:
                continue
            root = etree.fromstring(archive.read(name), safe_parser())
            for paragraph in root.iter(f"{_W}p"):
                text = " ".join(_paragraph_text(paragraph).split())
                if text:
                    found[(_where_in(paragraph, part), text)] = None
            for node in root.iter(f"{_W}comment", f"{_W}ins", f"{_W}del"):
                author = node.get(f"{_W}author") or ""
                if author.strip():
                    found[(f"{part} (the name of who made a change or comment)", author)] = None
    return [Passage(where, text) for where, text in found]


def _rewrite(content: bytes, change: Callable[[str, etree._Element], bool]) -> bytes:
    """Return a copy of a Word file with change() applied to each XML part it says it changed."""
    from lxml import etree

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith(".xml") and (
                item.filename.startswith("word/") or item.filename in (CORE, APP)
            ):
                root = etree.fromstring(data, safe_parser())
                if change(item.filename, root):
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)  # fmt: skip
            target.writestr(item, data)
    return out.getvalue()


def replace_text(content: bytes, apply: Callable[[str], str]) -> bytes:
    """Pass every run of text and every property of a Word file through apply()."""

    def change(name: str, root: etree._Element) -> bool:
        """Apply to each text node of one part."""
        changed = False
        nodes = root if name in (CORE, APP) else root.iter(f"{_W}t", f"{_W}delText")
        for node in nodes:
            if isinstance(node.tag, str) and node.text:
                new = apply(node.text)
                if new != node.text:
                    node.text, changed = new, True
        return changed

    return _rewrite(content, change)


def clean(content: bytes, author: str) -> bytes:
    """Give a finished file no history: author set, changes accepted, comment authors removed."""
    from lxml import etree


    def change(name: str, root: etree._Element) -> bool:
        """Clean one part."""
        if name in (CORE, APP):
            for node in root:
                local = etree.QName(node).localname
                if local in ("creator", "lastModifiedBy"):
                    node.text = author
                elif local in ("Company", "Manager"):
                    node.text = ""
            return True
        # Accept every tracked change: deleted text goes, inserted text stays as plain text.
        for node in list(root.iter(f"{_W}del", f"{_W}moveFrom", f"{_W}rPrChange",
                                   f"{_W}pPrChange", f"{_W}sectPrChange", f"{_W}tblPrChange")):
            node.getparent().remove(node)
        for node in list(root.iter(f"{_W}ins", f"{_W}moveTo")):
            parent, index = node.getparent(), node.getparent().index(node)
            for offset, child in enumerate(list(node)):
                parent.insert(index + offset, child)
            parent.remove(node)
        for node in root.iter(f"{_W}comment"):
            node.set(f"{_W}author", author)
            node.attrib.pop(f"{_W}initials", None)
        return True

    return _rewrite(content, change)
