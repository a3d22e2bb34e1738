"""Reading a template's Jinja before it runs: syntax, anything unsafe, the values it reads."""

from __future__ import annotations

import hashlib
import html
import re
import threading
from io import BytesIO
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes

from cspr.documents.parts import (
    PROPERTIES,
    header_footer_parts,
    jinja_source,
    note_parts,
    part_text,
)
from cspr.documents.sandbox import (
    MAX_REPEAT,
    REFUSED_NAMES,
    SAFE_METHODS,
    DocumentEnvironment,
    Problem,
    TemplateScan,
    make_environment,
)

_TAG = re.compile(r"<[^>]+>")
_SCANS: dict[str, TemplateScan] = {}
_SCAN_CACHE_SIZE = 64
_SCANS_LOCK = threading.Lock()


def _unused(value: Any) -> Any:
    """Stand in for a filter or test when only its name matters."""
    return value


def template_sources(content: bytes) -> list[tuple[str, str]]:
    """Return each part the renderer fills in, as the Jinja source it compiles, with a label."""
    from docxtpl import DocxTemplate  # loaded on first use: about 8 MB with python-docx

    template = DocxTemplate(BytesIO(content))
    template.init_docx()
    sources = [("the main text", jinja_source(template, template.get_xml()))]
    for label, _, part in header_footer_parts(template):
        sources.append((label, jinja_source(template, template.get_part_xml(part))))
    for label, part in note_parts(template):
        sources.append((label, jinja_source(template, part_text(part))))
    properties = template.docx.core_properties
    for name in PROPERTIES:
        value = getattr(properties, name) or ""
        if value:
            sources.append((f"the document's {name} property", value))
    return sources


def _line_text(source: str, lineno: int | None) -> str:
    """Return the words of one line of a part (a paragraph), without XML tags."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    words = " ".join(html.unescape(_TAG.sub("", lines[lineno - 1])).split())
    return words if len(words) <= 160 else words[:157] + "..."


def _unsafe(node: nodes.Node) -> str:
    """Say why one node of a template is refused, or return "" when it is fine."""
    if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name in REFUSED_NAMES):
        return f"It uses “{node.name}”, which templates may not use."
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"It reads “{node.attr}”, a hidden part of the system that templates may not use."
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
        return "It contains a double underscore, which templates may not use."
    if isinstance(node, nodes.Filter) and node.name == "attr":
        return "It uses the “attr” filter, which templates may not use."
    if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
        return "It tries to bring in another file; a template must be complete in itself."
    if isinstance(node, nodes.EvalContextModifier):
        return "It tries to turn off escaping, which could damage the document."
    if isinstance(node, nodes.Mod) and isinstance(node.left, nodes.Const):
        if isinstance(node.left.value, str):
            return "It formats text with %, which templates may not use."
    if isinstance(node, nodes.Mul | nodes.Pow):
        for side in (node.left, node.right):
            if isinstance(side, nodes.Const) and isinstance(side.value, int):
                if abs(side.value) > (100 if isinstance(node, nodes.Pow) else MAX_REPEAT):
                    return f"It repeats or multiplies by {side.value}, which is too large."
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        if node.node.attr not in SAFE_METHODS:
            return f"It calls “{node.node.attr}()”, which templates may not use."
    return ""


def _paths(ast: nodes.Template, roots: set[str]) -> set[tuple[str, ...]]:
    """Return every dotted path the template reads from the context, like case.reference."""
    found: set[tuple[str, ...]] = set()

    def chain(node: nodes.Node) -> list[str] | None:
        """Return the names of a dotted path like case.key_dates.aware, or None."""
        parts: list[str] = []
        while True:
            if isinstance(node, nodes.Getattr):
                parts.append(node.attr)
                node = node.node
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                value = node.arg.value
                parts.append(value if isinstance(value, str) else "[]")
                node = node.node
            elif isinstance(node, nodes.Name):
                parts.append(node.name)
                return parts[::-1]
            else:
                return None

    def visit(node: nodes.Node) -> None:
        """Collect the paths under one node."""
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
            parts = chain(node)
            if parts and parts[0] in roots:
                found.add(tuple(parts))
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(ast)
    return found


def scan_sources(sources: list[tuple[str, str]], filter_names: set[str]) -> TemplateScan:
    """Check every part's Jinja: syntax, anything unsafe, unknown filters; collect paths."""
    env = make_environment({name: _unused for name in filter_names})
    scan = TemplateScan()
    for where, source in sources:
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as error:
            scan.problems.append(
                Problem(
                    "syntax",
                    f"There is a mistake in a placeholder: {error.message}.",
                    where,
                    _line_text(source, error.lineno),
                )
            )
            continue
        for node in ast.find_all(nodes.Node):
            reason = _unsafe(node)
            if reason:
                scan.problems.append(
                    Problem("unsafe", reason, where, _line_text(source, node.lineno))
                )
            elif isinstance(node, nodes.Filter) and node.name not in env.filters:
                scan.problems.append(
                    Problem(
                        "unknown",
                        f"It uses a filter called “{node.name}”, which does not exist.",
                        where,
                        _line_text(source, node.lineno),
                    )
                )
            elif isinstance(node, nodes.Test) and node.name not in env.tests:
                scan.problems.append(
                    Problem(
                        "unknown",
                        f"It uses a test called “{node.name}”, which does not exist.",
                        where,
                        _line_text(source, node.lineno),
                    )
                )
        scan.paths |= _paths(ast, _undeclared(ast, env))
    return scan


def _undeclared(ast: nodes.Template, env: DocumentEnvironment) -> set[str]:
    """Return the names a template reads from the context, even if it uses unknown filters."""
    # Jinja's analysis compiles the template, which stops at an unknown filter or test; an
    # environment that knows every name used lets it finish (the unknown ones are reported).
    probe = make_environment({})
    probe.filters.update({n.name: _unused for n in ast.find_all(nodes.Filter)})
    probe.tests.update({n.name: _unused for n in ast.find_all(nodes.Test)})
    probe.filters.update(env.filters)
    ast.set_environment(probe)
    try:
        return set(meta.find_undeclared_variables(ast))
    except TemplateSyntaxError:
        return {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}


def scan_template(content: bytes, filter_names: set[str]) -> TemplateScan:
    """Scan a template once per distinct content; later calls reuse the answer."""
    key = hashlib.sha256(content).hexdigest() + ":" + ",".join(sorted(filter_names))
    cached = _SCANS.get(key)
    if cached is None:
        cached = scan_sources(template_sources(content), filter_names)
        with _SCANS_LOCK:  # waitress serves several requests at once
            if len(_SCANS) >= _SCAN_CACHE_SIZE:
                _SCANS.pop(next(iter(_SCANS)), None)
            _SCANS[key] = cached
    return cached
