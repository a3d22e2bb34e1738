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
    PartSource,
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
from cspr.documents.syntax import explain, paragraph_texts, quote, words_source

_TAG = re.compile(r"<[^>]+>")
TOO_DEEP = "A placeholder has brackets or parts nested too deeply to be read."
_SCANS: dict[str, TemplateScan] = {}
_SCAN_CACHE_SIZE = 64
_SCANS_LOCK = threading.Lock()


def _unused(value: Any) -> Any:
    """Stand in for a filter or test when only its name matters."""
    return value


def template_sources(content: bytes) -> list[PartSource]:
    """Return each part the renderer fills in: its label, Jinja source and paragraphs."""
    from docxtpl import DocxTemplate  # loaded on first use: about 8 MB with python-docx

    template = DocxTemplate(BytesIO(content))
    template.init_docx()

    def part(where: str, xml: str) -> PartSource:
        return PartSource(where, jinja_source(template, xml), paragraph_texts(xml))

    sources = [part("the main text", template.get_xml())]
    for label, _, found in header_footer_parts(template):
        sources.append(part(label, template.get_part_xml(found)))
    for label, found in note_parts(template):
        sources.append(part(label, part_text(found)))
    properties = template.docx.core_properties
    for name in PROPERTIES:
        value = getattr(properties, name) or ""
        if value:
            sources.append(PartSource(f"the document's {name} property", value, [value]))
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
        """Return the names of a dotted path like case.dates.la_aware, or None."""
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


def scan_sources(sources: list[PartSource], filter_names: set[str]) -> TemplateScan:
    """Check every part's Jinja: syntax, anything unsafe, unknown filters; collect paths."""
    env = make_environment({name: _unused for name in filter_names})
    scan = TemplateScan()
    for part in sources:
        where, source = part.where, part.source
        try:
            ast = env.parse(source)
            scan.paths |= _paths(ast, _undeclared(ast, env))
        except TemplateSyntaxError as error:
            scan.problems.append(_syntax_problem(env, part, error))
            scan.paths |= _salvaged_paths(env, words_source(part.paragraphs))
            continue
        except RecursionError:
            scan.problems.append(Problem("syntax", TOO_DEEP, where))
            continue
        for node in ast.find_all(nodes.Node):
            problem = _node_problem(node, env)
            if problem:
                kind, reason = problem
                scan.problems.append(Problem(kind, reason, where, _line_text(source, node.lineno)))
    return scan


def _node_problem(node: nodes.Node, env: DocumentEnvironment) -> tuple[str, str] | None:
    """Return what is wrong with one node (unsafe, or an unknown filter or test), or None."""
    reason = _unsafe(node)
    if reason:
        return "unsafe", reason
    if isinstance(node, nodes.Filter) and node.name not in env.filters:
        return "unknown", f"It uses a filter called “{node.name}”, which does not exist."
    if isinstance(node, nodes.Test) and node.name not in env.tests:
        return "unknown", f"It uses a test called “{node.name}”, which does not exist."
    return None


def _syntax_problem(env: DocumentEnvironment, part: PartSource, error: Exception) -> Problem:
    """Describe a syntax error in plain English, quoting the paragraph that holds it."""
    assert isinstance(error, TemplateSyntaxError)
    words = words_source(part.paragraphs)
    try:
        env.parse(words)
    except TemplateSyntaxError as own:
        message, line = explain(own, env, words)
        return Problem("syntax", message, part.where, quote(part.paragraphs, line))
    except RecursionError:
        return Problem("syntax", TOO_DEEP, part.where)
    # The words alone read correctly: the mistake is in how Word split them; use Jinja's line.
    message, line = explain(error, env, part.source)
    return Problem("syntax", message, part.where, _line_text(part.source, line))


def _salvaged_paths(env: DocumentEnvironment, words: str) -> set[tuple[str, ...]]:
    """Collect the values each placeholder reads, one by one, in a part that cannot be read."""
    # So that every unknown value is named at once, not only after the mistake is fixed.
    found: set[tuple[str, ...]] = set()
    local = {"loop"}
    expressions = []
    # Each placeholder on its own: one left open does not swallow the next.
    for opener, tag in re.findall(r"{([{%])((?:(?!{[{%]).)*?)[}%]}", words, re.S):
        tag = tag.strip(" -+")
        if opener == "{":
            expressions.append(tag)
            continue
        loop = re.match(r"for\s+(.+?)\s+in\s+(.+?)(?:\s+if\s.*|\s+recursive)?$", tag, re.S)
        named = re.match(r"(?:set|with)\s+(\w+)\s*=\s*(.+)$", tag, re.S)
        macro = re.match(r"(?:macro|call)\s*(\w*)\s*\((.*?)\)", tag, re.S)
        test = re.match(r"(?:if|elif)\s+(.+)$", tag, re.S)
        if loop:
            local |= set(re.findall(r"\w+", loop.group(1)))
            expressions.append(loop.group(2))
        elif named:
            local.add(named.group(1))
            expressions.append(named.group(2))
        elif macro:
            local |= {macro.group(1), *re.findall(r"(\w+)\s*(?:=[^,]*)?(?:,|$)", macro.group(2))}
        elif test:
            expressions.append(test.group(1))
    for expression in expressions:
        try:
            ast = env.parse("{{ " + expression + " }}")
        except (TemplateSyntaxError, RecursionError):
            continue
        roots = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - local
        found |= _paths(ast, roots)
    return found


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
