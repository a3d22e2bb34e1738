"""Draw a form's pages and the conditions between them as an accessible SVG with a text version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from cspr.builder.diff import describe_condition
from cspr.formengine.condition_walk import fields_read

__all__ = ["FlowMap", "flow_map"]

Raw = dict[str, Any]

TEXT = "#0b0c0c"
CONDITIONAL = "#1d70b8"
FILL = "#ffffff"

WIDTH = 640
BOX_X = 110
BOX_W = 420
BOX_H = 56
CONDITIONAL_H = 76
END_H = 48
GAP = 40
TOP = 30
BOTTOM = 20
RIGHT_LANE = BOX_X + BOX_W + 30
LEFT_LANE = BOX_X - 30

TITLE_LIMIT = 40
CONDITION_LIMIT = 55
END_TEXT = "Check answers and send"

# Characters XML 1.0 does not allow, even escaped: most control characters and lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_QUOTES = {'"': "&quot;", "'": "&apos;"}


@dataclass
class FlowMap:
    """A form's page flow as an inline SVG, plus rows for a text alternative."""

    svg: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Box:
    """Where one box of the diagram sits."""

    top: int
    height: int

    @property
    def bottom(self) -> int:
        """Return the y of the box's lower edge."""
        return self.top + self.height


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Return a value as one line of text that XML can hold."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return " ".join(_NOT_XML.sub("", text).split())


def _truncate(text: str, limit: int) -> str:
    """Shorten text to the limit, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(value: Any) -> str:
    """Escape text for an XML text node."""
    return escape(_clean(value))


def _attr(value: Any) -> str:
    """Escape text for a double-quoted XML attribute."""
    return escape(_clean(value), _ATTRIBUTE_QUOTES)


def _safe_prefix(prefix: str) -> str:
    """Return an id prefix made only of lower-case letters, digits and hyphens."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", prefix.lower()).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else "flow"


# ---------------------------------------------------------------------------
# Reading the definition
# ---------------------------------------------------------------------------


def _pages(raw: Raw) -> list[Raw]:
    """Return the definition's pages, skipping anything that is not a page."""
    pages = raw.get("pages")
    return [p for p in pages if isinstance(p, dict)] if isinstance(pages, list) else []


def _fields(container: Raw) -> list[Raw]:
    """Return the dict fields of a page or group."""
    fields = container.get("fields")
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


def _page_title(page: Raw) -> str:
    """Return a page's title, or its id when it has none."""
    return _clean(page.get("title") or page.get("id") or "Untitled page")


def _page_numbers(pages: list[Raw]) -> dict[str, int]:
    """Map each top-level field name to the number of the page it is on."""
    numbers: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for item in _fields(page):
            if isinstance(item.get("name"), str):
                numbers.setdefault(item["name"], number)
    return numbers


def _conditional_fields(page: Raw, raw: Raw) -> list[dict[str, Any]]:
    """List a page's fields and sub-fields that have a show_if or required_if."""
    found = []
    for item in _fields(page):
        found += _field_conditions(item, raw, None, _clean(item.get("label") or item.get("name")))
        for sub in _fields(item):
            where = f"{_clean(item.get('label') or item.get('name'))}: "
            label = where + _clean(sub.get("label") or sub.get("name"))
            found += _field_conditions(sub, raw, item, label)
    return found


def _field_conditions(item: Raw, raw: Raw, group: Raw | None, label: str) -> list[dict[str, Any]]:
    """Return a row for a field that has conditions, or nothing."""
    show_if, required_if = item.get("show_if"), item.get("required_if")
    if not show_if and not required_if:
        return []
    return [{
        "name": _clean(item.get("name")),
        "label": label,
        "shown_if": describe_condition(show_if, raw, group) if show_if else None,
        "required_if": describe_condition(required_if, raw, group) if required_if else None,
    }]


def _read_conditions(page: Raw) -> list[Any]:
    """Return every condition on a page: its own and its fields' and sub-fields'."""
    conditions = [page.get("show_if")]
    for item in _fields(page):
        conditions += [item.get("show_if"), item.get("required_if")]
        for sub in _fields(item):
            conditions += [sub.get("show_if"), sub.get("required_if")]
    return [condition for condition in conditions if condition]


def _reads_pages(page: Raw, number: int, pages: list[Raw], raw: Raw) -> list[dict[str, Any]]:
    """Return the earlier pages whose answers this page's conditions read."""
    numbers = _page_numbers(pages)
    used: set[int] = set()
    for condition in _read_conditions(page):
        named = raw.get("conditions")
        for name in fields_read(condition, named if isinstance(named, dict) else None):
            if numbers.get(name, number) < number:
                used.add(numbers[name])
    return [{"number": n, "title": _page_title(pages[n - 1])} for n in sorted(used)]


def _rows(raw: Raw, pages: list[Raw]) -> list[dict[str, Any]]:
    """Return one text-alternative row per page."""
    rows = []
    for number, page in enumerate(pages, start=1):
        show_if = page.get("show_if")
        rows.append({
            "number": number,
            "id": _clean(page.get("id")),
            "title": _page_title(page),
            "field_count": len(_fields(page)),
            "conditional": bool(show_if),
            "shown": describe_condition(show_if, raw) if show_if else "Always shown",
            "conditional_fields": _conditional_fields(page, raw),
            "reads_pages": _reads_pages(page, number, pages, raw),
        })
    return rows


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------


def _layout(rows: list[dict[str, Any]]) -> tuple[list[_Box], _Box]:
    """Place the page boxes in one column, then the end box."""
    boxes, top = [], TOP
    for row in rows:
        box = _Box(top, CONDITIONAL_H if row["conditional"] else BOX_H)
        boxes.append(box)
        top = box.bottom + GAP
    return boxes, _Box(top, END_H)


def _count_text(count: int) -> str:
    """Return '1 question' or 'n questions'."""
    return f"{count} question{'' if count == 1 else 's'}"


def _line(y: int, text: str, size: int, bold: bool = False) -> str:
    """Draw one line of text, starting inside a box's left edge."""
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{BOX_X + 16}" y="{y}" font-size="{size}"{weight} fill="{TEXT}">'
            f"{_text(text)}</text>")


def _box_tooltip(row: dict[str, Any]) -> str:
    """Return a page box's full, untruncated description, shown on hover."""
    return f"Page {row['number']}: {row['title']}. {row['shown']}"


def _page_box(row: dict[str, Any], box: _Box) -> str:
    """Draw one page: a rounded box with its number, title, field count and any condition."""
    conditional = row["conditional"]
    stroke = CONDITIONAL if conditional else TEXT
    dash = ' stroke-dasharray="6 4"' if conditional else ""
    kind = "flow-page flow-conditional" if conditional else "flow-page"
    parts = [
        f'<g class="{kind}">',
        f"<title>{_text(_box_tooltip(row))}</title>",
        f'<rect x="{BOX_X}" y="{box.top}" width="{BOX_W}" height="{box.height}" rx="8" ry="8" '
        f'fill="{FILL}" stroke="{stroke}" stroke-width="2"{dash}/>',
        _line(box.top + 22, _truncate(f"{row['number']}. {row['title']}", TITLE_LIMIT), 16, True),
        _line(box.top + 42, _count_text(row["field_count"]), 14),
    ]
    if conditional:
        condition = _truncate(f"Only if: {row['shown']}", CONDITION_LIMIT)
        parts.append(_line(box.top + 64, condition, 13))
    return "".join(parts) + "</g>"


def _end_box(box: _Box) -> str:
    """Draw the final check-answers box."""
    return (f'<g class="flow-end"><rect x="{BOX_X}" y="{box.top}" width="{BOX_W}" '
            f'height="{box.height}" rx="8" ry="8" fill="{FILL}" stroke="{TEXT}" stroke-width="3"/>'
            f'<text x="{BOX_X + BOX_W // 2}" y="{box.top + 30}" font-size="16" font-weight="bold" '
            f'text-anchor="middle" fill="{TEXT}">{_text(END_TEXT)}</text></g>')


def _arrow(upper: _Box, lower: _Box, marker: str) -> str:
    """Draw a solid arrow from one box down to the next."""
    x = BOX_X + BOX_W // 2
    return (f'<line class="flow-next" x1="{x}" y1="{upper.bottom}" x2="{x}" y2="{lower.top - 2}" '
            f'stroke="{TEXT}" stroke-width="2" marker-end="url(#{marker})"/>')


def _skip_arrow(before: _Box | None, after: _Box, right: bool, marker: str) -> str:
    """Draw a dashed arrow around a conditional page, labelled "if not"."""
    edge = BOX_X + BOX_W if right else BOX_X
    lane = RIGHT_LANE if right else LEFT_LANE
    start_y = before.top + before.height * 7 // 10 if before else TOP - 14
    start_x = edge if before else lane
    end_y = after.top + after.height * 3 // 10
    label_x, anchor = (lane + 6, "start") if right else (lane - 6, "end")
    return (f'<g class="flow-skip"><path d="M {start_x} {start_y} H {lane} V {end_y} H {edge}" '
            f'fill="none" stroke="{TEXT}" stroke-width="2" stroke-dasharray="6 4" '
            f'marker-end="url(#{marker})"/>'
            f'<text x="{label_x}" y="{(start_y + end_y) // 2 + 5}" font-size="14" '
            f'text-anchor="{anchor}" fill="{TEXT}">if not</text></g>')


def _connections(rows: list[dict[str, Any]], boxes: list[_Box], end: _Box, marker: str) -> str:
    """Draw the arrows between consecutive boxes and around conditional pages."""
    chain = boxes + [end]
    parts = [_arrow(chain[i], chain[i + 1], marker) for i in range(len(chain) - 1)]
    right = False  # skips of neighbouring conditional pages overlap, so they alternate sides
    for index, row in enumerate(rows):
        if not row["conditional"]:
            right = False
            continue
        right = not right
        before = boxes[index - 1] if index else None
        parts.append(_skip_arrow(before, chain[index + 1], right, marker))
    return "".join(parts)


def _summary(raw: Raw, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """Return the diagram's title and description for assistive technology."""
    name = _clean(raw.get("title")) or "this form"
    conditional = sum(1 for row in rows if row["conditional"])
    pages = f"{len(rows)} page{'' if len(rows) == 1 else 's'}"
    shown = ("Every page is always shown." if not conditional else
             f"{conditional} of them {'is' if conditional == 1 else 'are'} shown only if a "
             "condition is met; otherwise the form skips to the next page.")
    return (f"Pages of {name}",
            f"The {pages} of the form in order, ending with {END_TEXT.lower()}. {shown}")


def _svg(raw: Raw, rows: list[dict[str, Any]], prefix: str) -> str:
    """Assemble the whole SVG element."""
    boxes, end = _layout(rows)
    height = end.bottom + BOTTOM
    title, desc = _summary(raw, rows)
    marker = f"{prefix}-arrow"
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow-map" role="img" '
        f'aria-labelledby="{_attr(prefix)}-title {_attr(prefix)}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'font-family="GDS Transport, arial, sans-serif">',
        f'<title id="{_attr(prefix)}-title">{_text(title)}</title>',
        f'<desc id="{_attr(prefix)}-desc">{_text(desc)}</desc>',
        f'<defs><marker id="{_attr(marker)}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{TEXT}"/></marker></defs>',
        _connections(rows, boxes, end, marker),
        *(_page_box(row, box) for row, box in zip(rows, boxes, strict=True)),
        _end_box(end),
        "</svg>",
    ])


def flow_map(definition_raw: dict[str, Any], id_prefix: str = "flow") -> FlowMap:
    """Return a form's page flow as an accessible SVG and a text alternative."""
    raw = definition_raw if isinstance(definition_raw, dict) else {}
    rows = _rows(raw, _pages(raw))
    return FlowMap(svg=_svg(raw, rows, _safe_prefix(id_prefix)), rows=rows)
