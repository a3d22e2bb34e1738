"""Building blocks for the shipped Word templates: page set-up, headings, tables, loops.

Used by scripts/build_doc_templates.py, never by the running app. Every placeholder is
written into a single run, so that Word and docxtpl both see it whole.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Arial"
INK = RGBColor(0x0B, 0x0C, 0x0C)
LABEL_FILL = "F3F2F1"
# The forms whose narrative answers templates read (case facts are read by their own names).
RR = "forms.rapid_review"
TOR = "forms.terms_of_reference"
NOTE = "forms.notification"
CONTACT = "forms.family_contact"
FIXED_TIME = datetime(2026, 1, 1, 9, 0, 0)  # so rebuilding gives the same properties


def _shade(cell: object, fill: str) -> None:
    """Give a table cell a background colour."""
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Add a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


class Builder:
    """One template being written."""

    def __init__(self, title: str, marking: str) -> None:
        """Start an A4 document with the house styles, header, footer and properties."""
        self.doc = Document()
        self.title = title
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(11)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(6)
        for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
            style = styles[name]
            style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
            style.font.color.rgb = INK
            fonts = style.element.rPr.rFonts
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)  # the theme font would win over Arial
            style.font.name = FONT
        for name in ("No Spacing", "List Bullet", "List Number", "Table Grid"):
            styles[name].font.name = FONT
        styles["Title"].paragraph_format.space_after = Pt(12)
        header = section.header.paragraphs[0]
        header.text = "{{ partnership.name }}"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if marking:
            marked = section.header.add_paragraph(marking)
            marked.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            marked.runs[0].bold = True
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(Cm(16.6), WD_TAB_ALIGNMENT.RIGHT)
        footer.add_run("{{ case.reference }} · " + title + " · {{ document.label }}\tPage ")
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")
        for paragraph in (*section.header.paragraphs, footer):
            for run in paragraph.runs:
                run.font.size = Pt(8)
        properties = self.doc.core_properties
        properties.title = "{{ document.title }}"
        properties.subject = "{{ case.reference }}"
        properties.author = "{{ partnership.name }}"
        properties.last_modified_by = ""
        properties.comments = ""
        properties.keywords = ""
        properties.category = ""
        properties.revision = 1
        properties.created = properties.modified = FIXED_TIME

    def reference(self, text: str) -> None:
        """Name the document by something other than a case (a reporting year, say)."""
        footer = self.doc.sections[0].footer.paragraphs[0]
        footer.runs[0].text = footer.runs[0].text.replace("{{ case.reference }}", text)
        self.doc.core_properties.subject = text

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """Add a heading; level 0 is the document title."""
        return self.doc.add_heading(text, level)

    def para(self, text: str = "", bold: bool = False, style: str | None = None) -> Paragraph:
        """Add a paragraph of one run."""
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text).bold = bold
        return paragraph

    def tag(self, text: str) -> Paragraph:
        """Add a paragraph holding only a docxtpl {%p %} tag, which disappears when filled."""
        return self.doc.add_paragraph(text)

    def _table(self, columns: int, widths: list[float]) -> Table:
        """Add an empty table with the house style and column widths."""
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        return table

    def facts(self, rows: list[tuple[str, str]], widths: tuple[float, float] = (5.5, 11.1)) -> None:
        """Add a two-column table of labels and values."""
        table = self._table(2, list(widths))
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
            cells[0].paragraphs[0].runs[0].bold = True
            _shade(cells[0], LABEL_FILL)
            for cell, width in zip(cells, widths, strict=True):
                cell.width = Cm(width)
        self.doc.add_paragraph()

    def loop(
        self,
        headers: list[str],
        items: str,
        name: str,
        cells: list[str],
        widths: list[float],
        empty: str = "None recorded.",
    ) -> None:
        """Add a table with a header row and one row per item of a list in the context."""
        table = self._table(len(headers), widths)
        header_row = table.add_row()
        repeat = OxmlElement("w:tblHeader")  # repeat the header row on each new page
        header_row._tr.get_or_add_trPr().append(repeat)
        head = header_row.cells
        for cell, text in zip(head, headers, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
            _shade(cell, LABEL_FILL)
        table.add_row().cells[0].text = f"{{%tr for {name} in {items} %}}"
        for cell, text in zip(table.add_row().cells, cells, strict=True):
            cell.text = text
        table.add_row().cells[0].text = "{%tr endfor %}"
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
        self.tag(f"{{%p if not {items} %}}")
        self.para(empty)
        self.tag("{%p endif %}")
        self.doc.add_paragraph()

    def bullets(self, items: str, name: str, text: str, style: str = "List Bullet") -> None:
        """Add one list paragraph per item of a list in the context."""
        self.tag(f"{{%p for {name} in {items} %}}")
        self.para(text, style=style)
        self.tag("{%p endfor %}")

    def letter_head(self) -> None:
        """Open a letter to the family: the partnership's details, addressee, date, reference."""
        self.para("{{ partnership.name }}", bold=True)
        self.bullets("partnership.address", "line", "{{ line }}", style="No Spacing")
        self.tag("{%p if partnership.phone %}")
        self.para("Telephone: {{ partnership.phone }}", style="No Spacing")
        self.tag("{%p endif %}")
        self.tag("{%p if partnership.email %}")
        self.para("Email: {{ partnership.email }}", style="No Spacing")
        self.tag("{%p endif %}")
        self.para()
        self.para("Private and confidential", bold=True)
        self.para("{{ family.addressee }}")
        self.bullets("family.address", "line", "{{ line }}", style="No Spacing")
        self.para()
        self.facts(
            [("Date", "{{ document.date | uk_date }}"), ("Our reference", "{{ case.reference }}")],
            (4.0, 12.6),
        )
        self.para("Dear {{ family.salutation }},")

    def family_contact(self, opening: str) -> None:
        """Say who the family can contact and how (family letters need the contact set)."""
        self.para(
            opening + " {{ partnership.family_contact.name }}, "
            "{{ partnership.family_contact.role }}, {{ partnership.family_contact.how }}."
        )

    def sign_off(self) -> None:
        """Close a letter with the name and role of the person who made it."""
        self.para("Yours sincerely,")
        self.para()
        self.para("{{ document.prepared_by.name }}", bold=True)
        self.para("{{ document.prepared_by.role }}")
        self.para("On behalf of the safeguarding partners, {{ partnership.name }}")

    def report_head(self, heading: str, extra: list[tuple[str, str]] | None = None) -> None:
        """Open a report: its title and a table of reference, date and version."""
        self.heading(heading, 0)
        self.facts(
            [
                ("Case reference", "{{ case.reference }}"),
                *(extra or []),
                ("Date", "{{ document.date | uk_date }}"),
                ("Version", "{{ document.label }}"),
                ("Prepared by", "{{ document.prepared_by.name }}, {{ document.prepared_by.role }}"),
            ]
        )

    def partner_signatures(self) -> None:
        """Add a table for each statutory partner to sign."""
        table = self._table(4, [4.6, 4.6, 4.4, 3.0])
        for row in (
            ["Partner", "Name", "Signature", "Date"],
            ["Local authority", "", "", ""],
            ["Police", "", "", ""],
            ["Integrated care board", "", "", ""],
        ):
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
            cells[0].paragraphs[0].runs[0].bold = True
            _shade(cells[0], LABEL_FILL)

    def save(self, path: Path) -> None:
        """Write the template."""
        self.doc.save(str(path))
