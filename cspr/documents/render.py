"""Filling a Word template inside the sandbox, every part exactly once, checking each result.

docxtpl's own render() fills the footnotes once per section, so in a document with two
sections the footnotes' output, answers included, went through Jinja a second time and an
answer such as "{{ 7*7 }}" was evaluated. Here each part (the main text with its text boxes,
each header and footer, the footnotes, endnotes and comments, the document's properties) is
compiled from the template once and rendered once: answers are only ever printed, never run.
A rendered part that is not well-formed XML is an error, never a silently shortened document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from typing import Any

from jinja2 import Environment
from jinja2.exceptions import SecurityError, TemplateError

from cspr.documents.parts import header_footer_parts, jinja_source, note_parts, part_text
from cspr.documents.sandbox import Problem, TemplateRefused, make_environment, map_strings, xml_safe
from cspr.documents.scan import scan_template
from cspr.documents.xmlparse import safe_parser
from cspr.exceptions import Refused

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_OBJECT_REPR = re.compile(r"<(?:built-in )?(?:method|function) ([\w.]+)[^>]*>")
_LINE_START = re.compile(r"\n<w:p([ >])")
RECURSION = (
    "The template could not be used: a macro in it calls itself over and over without end. "
    "Nothing was saved."
)
EXHAUSTED = (
    "The template could not be used: filling it in needed more memory than a document may "
    "use, so it was stopped. It may build very long text, for example by repeating or "
    "replacing text many times. Nothing was saved."
)


def _require_well_formed(xml: str) -> None:
    """Fail if a rendered part is not well-formed XML, rather than let Word lose text."""
    from lxml import etree

    try:
        etree.fromstring(_XML_DECLARATION.sub("", xml, count=1).encode("utf-8"), safe_parser())
    except etree.XMLSyntaxError as error:
        raise Refused(
            "The document could not be made: filling in the template produced a damaged "
            f"Word file ({error.msg}). Nothing was saved."
        ) from error


@lru_cache(maxsize=1)
def _checked_template() -> type[Any]:
    """Return a DocxTemplate that fills each part once (docxtpl loads on first use)."""
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate

    class CheckedTemplate(DocxTemplate):
        """A DocxTemplate whose render() fills every part exactly once and checks it."""

        def fill(self, xml: str, context: dict[str, Any], env: Environment) -> str:
            """Render one part's XML once and check that the result is well-formed."""
            filled = env.from_string(jinja_source(self, xml)).render(context)
            filled = self.resolve_listing(_LINE_START.sub(r"<w:p\1", filled))
            _require_well_formed(filled)
            return str(filled)

        def render(
            self, context: dict[str, Any], jinja_env: Any = None, autoescape: bool = False
        ) -> None:
            """Fill the main text, headers, footers, notes, comments and properties, once each."""
            assert isinstance(jinja_env, Environment)  # the sandbox is always passed in
            self.render_init()
            tree = self.fix_tables(self.fill(self.get_xml(), context, jinja_env))
            self.fix_docpr_ids(tree)
            self.map_tree(tree)
            # Listed before any is replaced: replacing a header changes the relationships.
            for _, rel_id, part in list(header_footer_parts(self)):
                xml = self.get_part_xml(part)
                encoding = self.get_headers_footers_encoding(xml)
                filled = self.fill(xml, context, jinja_env).encode(encoding)
                self.map_headers_footers_xml(rel_id, filled)
            self.render_properties(context, jinja_env)
            for _, part in list(note_parts(self)):
                filled = self.fill(part_text(part), context, jinja_env).encode("utf-8")
                if isinstance(part, XmlPart):
                    part._element = parse_xml(filled)  # python-docx serialises this tree
                else:
                    part._blob = filled
            self.is_rendered = True

    return CheckedTemplate


def _refused_as_unsafe(error: SecurityError) -> TemplateRefused:
    """Explain a refusal of Jinja's sandbox in words an administrator can act on."""
    reason = _OBJECT_REPR.sub(r"\1", str(error)).rstrip(".")
    return TemplateRefused(
        [
            Problem(
                "unsafe",
                "The template tried to use something templates may not use "
                f"({reason}). Nothing was run and no document was made.",
            )
        ]
    )


def render_docx(
    content: bytes,
    context: dict[str, Any],
    filters: dict[str, Callable[..., Any]],
    *,
    check: bool = True,
) -> bytes:
    """Fill a Word template with a context inside the sandbox, in this process."""
    if check:
        scan = scan_template(content, set(filters))
        if scan.blocking:
            raise TemplateRefused(scan.blocking)
    context = map_strings(context, xml_safe)
    template = _checked_template()(BytesIO(content))  # a fresh one every time: docxtpl keeps state
    env = make_environment(filters)
    try:
        template.render(context, jinja_env=env)
    except SecurityError as error:
        raise _refused_as_unsafe(error) from error
    except TemplateError as error:
        raise Refused(f"The template could not be filled in: {error.message}.") from error
    except RecursionError as error:
        raise Refused(RECURSION) from error
    except MemoryError as error:
        raise Refused(EXHAUSTED) from error
    except (TypeError, ValueError, ArithmeticError) as error:
        raise Refused(f"The template could not be filled in: {error}.") from error
    output = BytesIO()
    template.save(output)
    return output.getvalue()
