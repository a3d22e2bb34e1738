"""The page flow diagram: well-formed, accessible, escaped SVG and its text alternative."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from cspr.builder.flowmap import FlowMap, flow_map
from tests.formengine.strategies import definitions

ROOT = Path(__file__).resolve().parents[2]
EVERY_FIELD = json.loads((ROOT / "forms" / "examples" / "every_field.json").read_text("utf-8"))
NS = "{http://www.w3.org/2000/svg}"
NASTY = "<script>alert(1)</script>\"'&"
FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def every_field() -> dict[str, Any]:
    """Return a fresh copy of the every-field example."""
    return copy.deepcopy(EVERY_FIELD)


def parse(result: FlowMap) -> ET.Element:
    """Parse the SVG, failing the test if it is not well-formed XML."""
    return ET.fromstring(result.svg)


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    """Return the <g> elements whose class list holds the kind."""
    return [g for g in root.iter(f"{NS}g") if kind in (g.get("class") or "").split()]


def texts(root: ET.Element) -> list[str]:
    """Return the text of every <text> element."""
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_svg_is_well_formed_and_accessible() -> None:
    root = parse(flow_map(every_field()))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox") or "")
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.get("id") == title_id == "flow-title"
    assert desc is not None and desc.get("id") == desc_id == "flow-desc"
    assert title.text == "Pages of Example: every field type"
    assert desc.text and "4 pages" in desc.text and "Every page is always shown." in desc.text


def test_one_box_per_page_then_the_end_box() -> None:
    root = parse(flow_map(every_field()))
    pages = groups(root, "flow-page")
    assert len(pages) == 4
    assert all(p.find(f"{NS}rect") is not None for p in pages)
    assert [p.findall(f"{NS}text")[0].text for p in pages] == [
        "1. About you", "2. About the child", "3. The incident",
        "4. Other children and documents"]
    (end,) = groups(root, "flow-end")
    assert [t.text for t in end.iter(f"{NS}text")] == ["Check answers and send"]
    assert len(root.findall(f"{NS}line")) == 4  # page to page, and the last page to the end
    assert not groups(root, "flow-conditional") and not groups(root, "flow-skip")


def test_boxes_go_down_one_column_in_order() -> None:
    root = parse(flow_map(every_field()))
    rects = [g.find(f"{NS}rect") for g in groups(root, "flow-page") + groups(root, "flow-end")]
    tops = [int(r.get("y") or 0) for r in rects if r is not None]
    assert tops == sorted(tops) and len(set(tops)) == 5
    assert {r.get("x") for r in rects if r is not None} == {rects[0].get("x")}  # type: ignore[union-attr]


def test_conditional_page_is_dashed_labelled_and_skipped() -> None:
    doc = every_field()
    doc["pages"][2]["show_if"] = {"field": "agency", "op": "equals", "value": "police"}
    root = parse(flow_map(doc))
    (conditional,) = groups(root, "flow-conditional")
    rect = conditional.find(f"{NS}rect")
    assert rect is not None
    assert rect.get("stroke-dasharray") and rect.get("stroke") == "#1d70b8"
    assert 'Only if: Your agency is "Police"' in texts(conditional)
    for plain in groups(root, "flow-page"):
        if plain is not conditional:
            assert plain.find(f"{NS}rect").get("stroke-dasharray") is None  # type: ignore[union-attr]
    (skip,) = groups(root, "flow-skip")
    path = skip.find(f"{NS}path")
    assert path is not None and path.get("stroke-dasharray")
    assert [t.text for t in skip.iter(f"{NS}text")] == ["if not"]
    # The skip leaves page 2 and rejoins at page 4.
    page_boxes = [g.find(f"{NS}rect") for g in groups(root, "flow-page")]
    ys = [int(r.get("y") or 0) for r in page_boxes if r is not None]
    heights = [int(r.get("height") or 0) for r in page_boxes if r is not None]
    route = re.fullmatch(r"M \d+ (\d+) H \d+ V (\d+) H \d+", path.get("d") or "")
    assert route is not None
    start, end = int(route.group(1)), int(route.group(2))
    assert ys[1] < start < ys[1] + heights[1]
    assert ys[3] < end < ys[3] + heights[3]


def test_neighbouring_conditional_pages_skip_on_alternate_sides() -> None:
    doc = every_field()
    for page in doc["pages"][1:3]:
        page["show_if"] = {"field": "agency", "op": "answered"}
    doc["pages"][0]["show_if"] = {"field": "agency", "op": "answered"}
    root = parse(flow_map(doc))
    skips = groups(root, "flow-skip")
    assert len(skips) == 3
    lanes = [re.search(r"H (\d+)", s.find(f"{NS}path").get("d") or "").group(1)  # type: ignore[union-attr]
             for s in skips]
    assert lanes[0] != lanes[1] and lanes[1] != lanes[2]


def test_admin_text_is_escaped_everywhere() -> None:
    doc = every_field()
    doc["title"] = NASTY
    doc["pages"][0]["title"] = NASTY
    doc["pages"][1]["show_if"] = {"field": "referrer_name", "op": "answered"}
    doc["pages"][0]["fields"][1]["label"] = NASTY
    result = flow_map(doc)
    assert "<script>" not in result.svg
    root = parse(result)
    assert root.find(f"{NS}title").text == f"Pages of {NASTY}"  # type: ignore[union-attr]
    assert f"1. {NASTY}" in texts(root)
    assert f"Only if: {NASTY} is answered" in texts(root)
    tips = [t.text for t in root.iter(f"{NS}title")]
    assert f"Page 1: {NASTY}. Always shown" in tips
    assert result.rows[0]["title"] == NASTY


def test_control_characters_cannot_break_the_xml() -> None:
    doc = every_field()
    doc["pages"][0]["title"] = "Bad \x01\x0b title \ud800 here"
    root = parse(flow_map(doc))
    assert "1. Bad title here" in texts(root)


def test_long_titles_are_cut_with_an_ellipsis() -> None:
    doc = every_field()
    doc["pages"][0]["title"] = "A very long page title that goes on and on and on and on"
    shown = texts(parse(flow_map(doc)))
    first = shown[shown.index("5 questions") - 1]
    assert first.endswith("…") and len(first) <= 40
    assert first.startswith("1. A very long page title")


def test_ids_are_unique_and_the_prefix_is_made_safe() -> None:
    root = parse(flow_map(every_field(), id_prefix='x" onload="alert(1)'))
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i or "") for i in ids)
    assert all(el.get("onload") is None for el in root.iter())
    assert parse(flow_map(every_field(), id_prefix="review-map")).get(
        "aria-labelledby") == "review-map-title review-map-desc"


def test_only_accessible_colours_are_used() -> None:
    doc = every_field()
    doc["pages"][1]["show_if"] = {"ref": "child_died"}
    root = parse(flow_map(doc))
    colours = {el.get(a) for el in root.iter() for a in ("fill", "stroke") if el.get(a)}
    assert colours <= {"#0b0c0c", "#1d70b8", "#ffffff", "none"}


def test_rows_give_a_text_alternative() -> None:
    doc = every_field()
    doc["pages"][3]["show_if"] = {"ref": "child_died"}
    rows = flow_map(doc).rows
    assert [(r["number"], r["title"], r["field_count"]) for r in rows] == [
        (1, "About you", 5), (2, "About the child", 5), (3, "The incident", 7),
        (4, "Other children and documents", 3)]
    assert [r["shown"] for r in rows] == ["Always shown"] * 3 + [
        'What happened to the child? is "The child died"']
    incident = rows[2]
    assert incident["conditional_fields"] == [
        {"name": "date_of_death", "label": "Date of death",
         "shown_if": 'What happened to the child? is "The child died"',
         "required_if": 'What happened to the child? is "The child died"'},
        {"name": "hours_in_hospital", "label": "Hours spent in hospital",
         "shown_if": 'What happened to the child? is "The child was seriously harmed"',
         "required_if": None},
    ]
    assert incident["reads_pages"] == []  # its conditions read its own page only
    others = rows[3]
    assert others["conditional_fields"] == [{
        "name": "at_school", "label": "Other children in the household: Does the child go to "
        "school?", "shown_if": None, "required_if": "Age is more than 4"}]
    assert others["reads_pages"] == [{"number": 3, "title": "The incident"}]


def test_rows_name_earlier_pages_a_field_condition_reads() -> None:
    doc = every_field()
    doc["pages"][2]["fields"][-1]["show_if"] = {"all": [
        {"field": "agency", "op": "equals", "value": "police"},
        {"field": "known_to_csc", "op": "equals", "value": True}]}
    rows = flow_map(doc).rows
    assert rows[2]["reads_pages"] == [{"number": 1, "title": "About you"},
                                      {"number": 2, "title": "About the child"}]


@pytest.mark.parametrize("odd", [
    {}, {"pages": "no"}, {"title": 5, "pages": [None, {"fields": None}, {"title": "", "id": 3}]},
    {"pages": [{"id": "p", "title": "P", "show_if": {"ref": "loop"}, "fields": [{}]}],
     "conditions": {"loop": {"ref": "loop"}}},
])
def test_odd_shapes_still_draw(odd: dict[str, Any]) -> None:
    result = flow_map(odd)
    root = parse(result)
    assert len(groups(root, "flow-page")) == len(result.rows)
    assert len(groups(root, "flow-end")) == 1


def test_every_shipped_form_draws() -> None:
    for path in sorted((ROOT / "forms").rglob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        doc = json.loads(path.read_text("utf-8"))
        root = parse(flow_map(doc))
        assert len(groups(root, "flow-page")) == len(doc["pages"])


@FAST
@given(definitions())
def test_random_definitions_draw(doc: dict[str, Any]) -> None:
    result = flow_map(doc)
    root = parse(result)
    assert len(groups(root, "flow-page")) == len(doc["pages"])
    conditional = [p for p in doc["pages"] if p.get("show_if")]
    assert len(groups(root, "flow-conditional")) == len(conditional)
    assert len(groups(root, "flow-skip")) == len(conditional)
