"""Explaining a mistake in a template's placeholders in plain English, at the right paragraph.

Jinja reports a mistake in the XML that docxtpl compiles, in its own words ("expected token
'end of print statement'"), at a line that is often not the paragraph with the mistake: an
unclosed "{{" makes docxtpl join the paragraphs up to the next "}}", and an unclosed
"{% if %}" is reported where the part ends. So the template's words are read again here,
one paragraph to a line, parsed on their own, and the mistake is described in words and
placed at the paragraph that holds it (for a block never closed, the paragraph opening it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from jinja2 import Environment, TemplateSyntaxError

from cspr.documents.parts import literal_braces

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
QUOTE_LENGTH = 160
# Instructions that open a block closed by "end" + their name.
BLOCKS = ("if", "for", "macro", "call", "filter", "with", "autoescape", "set", "raw")
KNOWN = (*BLOCKS, "elif", "else", *(f"end{b}" for b in BLOCKS))
# How Jinja names the tokens it expected, in the words an administrator sees in Word.
TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "the end of the text",
    "name": "a name",
    "comma": "a comma",
    "rparen": ")",
    "rbracket": "]",
}
_DOCXTPL_PREFIX = re.compile(r"([{][%{#])(?:p|tr|tc|r) ")
_DOCXTPL_ONLY = re.compile(r"{%\s*(?:colspan|cellbg)\s[^%]*%}|{%\s*[vh]m\s*%}")
_TAG = re.compile(r"{[{%#].*?[}%#]}", re.S)
_STRAIGHTEN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def paragraph_texts(xml: str) -> list[str]:
    """Return the words of each paragraph of a Word part, in order, without XML."""
    from lxml import etree

    from cspr.documents.xmlparse import safe_parser

    try:
        root = etree.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", xml).encode(), safe_parser())
    except etree.XMLSyntaxError:
        return []
    texts = []
    for paragraph in root.iter(f"{W_NS}p"):
        own = (
            t.text or ""
            for t in paragraph.iter(f"{W_NS}t")
            if next(t.iterancestors(f"{W_NS}p")) is paragraph  # a text box's words are its own
        )
        texts.append("".join(own))
    return texts


def _as_jinja(text: str) -> str:
    """Write one paragraph as docxtpl's Jinja sees it: plain tags, straight quotes."""
    text = _DOCXTPL_ONLY.sub("", _DOCXTPL_PREFIX.sub(r"\1 ", text))
    text = _TAG.sub(lambda m: m.group(0).translate(_STRAIGHTEN), text)
    return literal_braces(text)


def words_source(paragraphs: list[str]) -> str:
    """Return a part's words as a Jinja source, one paragraph to a line."""
    return "\n".join(_as_jinja(p) for p in paragraphs)


def quote(paragraphs: list[str], lineno: int | None) -> str:
    """Return the words of the paragraph on a line, shortened if long."""
    if not lineno or lineno > len(paragraphs):
        return ""
    words = " ".join(paragraphs[lineno - 1].split())
    return words if len(words) <= QUOTE_LENGTH else words[: QUOTE_LENGTH - 3] + "..."


def _tags(env: Environment, source: str) -> Iterator[tuple[int, str, list[str]]]:
    """Yield each {% %} instruction: its line, its name and the tokens after the name."""
    current: list[str] | None = None
    line = 0
    for lineno, kind, value in env.lex(source):
        if kind == "block_begin":
            current, line = [], lineno
        elif kind == "block_end" and current is not None:
            if current:
                yield line, current[0], current[1:]
            current = None
        elif current is not None and kind != "whitespace":
            current.append(value)


def opened_at(env: Environment, source: str, block: str) -> int | None:
    """Return the line of the innermost block of a kind that is never closed."""
    stack: list[tuple[str, int]] = []
    try:
        for line, name, rest in _tags(env, source):
            if name == "set" and "=" in rest:
                continue  # `{% set x = ... %}` is complete in itself
            if name in BLOCKS:
                stack.append((name, line))
            elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
                stack.pop()
    except TemplateSyntaxError:
        return None
    return next((line for name, line in reversed(stack) if name == block), None)


def _token(name: str) -> str:
    """Name a token as an administrator would write it."""
    return TOKENS.get(name, name)


def _unknown_tag(tag: str) -> str:
    """Explain an instruction Jinja does not know."""
    if tag.startswith("end"):
        return f"“{{% {tag} %}}” closes something that was never opened."
    near = difflib.get_close_matches(tag, KNOWN, n=1)
    hint = f" Did you mean “{{% {near[0]} %}}”?" if near else ""
    return f"“{{% {tag} %}}” is not an instruction templates understand.{hint}"


def explain(error: TemplateSyntaxError, env: Environment, source: str) -> tuple[str, int | None]:
    """Say in plain English what a syntax error means; return it and the line it belongs to."""
    said = " ".join((error.message or "").split())
    line = error.lineno
    unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", said)
    if said.startswith("Unexpected end of template") and unclosed:
        block = unclosed.group(1)
        return (
            f"“{{% {block} %}}” is never closed: add “{{% end{block} %}}” where the part that "
            "depends on it ends.",
            opened_at(env, source, block) or line,
        )
    found = re.match(r"Encountered unknown tag '(\w+)'", said)
    if found and unclosed:
        tag, block = found.group(1), unclosed.group(1)
        return (
            f"“{{% {tag} %}}” is in the wrong place: the “{{% {block} %}}” before it has to be "
            f"closed with “{{% end{block} %}}” first.",
            line,
        )
    if found:
        return _unknown_tag(found.group(1)), line
    return _plain_message(said), _opening_line(source, line)


def _opening_line(source: str, lineno: int | None) -> int | None:
    """Return the line where the placeholder Jinja stopped in began, if an earlier one."""
    if not lineno:
        return lineno
    before = "\n".join(source.split("\n")[: lineno - 1])
    opener = max(before.rfind("{{"), before.rfind("{%"))
    if opener < 0 or re.search(r"[}%]}", before[opener:]):
        return lineno  # nothing is left open from an earlier paragraph
    return before.count("\n", 0, opener) + 1


def _plain_message(said: str) -> str:
    """Turn one of Jinja's messages about a placeholder into plain English."""
    if said.startswith("unexpected end of template"):
        return "A placeholder is never closed: end “{{” with “}}”, and “{%” with “%}”."
    char = re.match(r"unexpected char (['\"])(.)\1", said)
    if char and char.group(2) in "'\"":
        return "A placeholder has a quotation mark that is not closed."
    if char:
        return f"A placeholder contains “{char.group(2)}”, which placeholders cannot contain."
    if said == "unexpected '}'":
        return "A placeholder is not closed properly: end it with two braces, like “}}”."
    stray = re.match(r"unexpected '(.+)'", said)
    if stray:
        return f"A placeholder has “{stray.group(1)}” where it does not belong."
    if said.startswith("expected name or number"):
        return "A placeholder has a dot with no name after it."
    if said.startswith("tag name expected"):
        return "“{% %}” is empty: write an instruction inside it, such as “{% if … %}”."
    wrong = re.match(r"expected token '(.+?)', got '(.+)'", said)
    if wrong:
        expected, got = _token(wrong.group(1)), _token(wrong.group(2))
        if expected in ("}}", "%}"):
            return (
                f"A placeholder has “{got}” where it should end with “{expected}”. Check for "
                "a missing dot, bracket or quotation mark, or a space inside a name."
            )
        return f"A placeholder has “{got}” where {expected} should be."
    return "A placeholder is not written in a way the toolkit can read."
