"""Filling a Word template inside the sandbox, checking every part it produces.

A rendered part that is not well-formed XML is an error, never a silently shortened document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO
from typing import Any

from jinja2.exceptions import SecurityError, TemplateError

from cspr.documents.sandbox import Problem, TemplateRefused, make_environment, map_strings, xml_safe
from cspr.documents.scan import scan_template
from cspr.documents.xmlparse import safe_parser
from cspr.exceptions import Refused

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_OBJECT_REPR = re.compile(r"<(?:built-in )?(?:method|function) ([\w.]+)[^>]*>")


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
    """Return a DocxTemplate that checks each part it renders (docxtpl loads on first use)."""
    from docxtpl import DocxTemplate

    class CheckedTemplate(DocxTemplate):
        """A DocxTemplate that checks each rendered part before it replaces the original."""

        def render_xml_part(
            self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
        ) -> str:
            """Render one part as docxtpl does, then check the result is well-formed."""
            xml: str = super().render_xml_part(src_xml, part, context, jinja_env)
            _require_well_formed(xml)
            return xml

    return CheckedTemplate


def render_docx(
    content: bytes,
    context: dict[str, Any],
    filters: dict[str, Callable[..., Any]],
    *,
    check: bool = True,
) -> bytes:
    """Fill a Word template with a context inside the sandbox; return the new document."""
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
        reason = _OBJECT_REPR.sub(r"\1", str(error)).rstrip(".")
        raise TemplateRefused(
            [
                Problem(
                    "unsafe",
                    "The template tried to use something templates may not use "
                    f"({reason}). Nothing was run and no document was made.",
                )
            ]
        ) from error
    except TemplateError as error:
        raise Refused(f"The template could not be filled in: {error.message}.") from error
    except (TypeError, ValueError, ArithmeticError) as error:
        raise Refused(f"The template could not be filled in: {error}.") from error
    output = BytesIO()
    template.save(output)
    return output.getvalue()
