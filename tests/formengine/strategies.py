"""Hypothesis strategies: random valid form definitions, and random answers to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from cspr.formengine.core_types import OPS
from cspr.formengine.definitions import FIELD_TYPES
from cspr.formengine.fieldtypes import op_types

Spec = dict[str, Any]
TOP_TYPES = list(FIELD_TYPES)
SUB_TYPES = [kind for kind in FIELD_TYPES if kind not in ("repeating_group", "file")]
TEXT_ALPHABET = "abcAB é-"
DATES = ["2020-01-01", "2025-05-31", "2025-06-01", "2025-06-02"]
EMAILS = ["a@example.com", "name.surname@test.org.uk", "x+y@sub.example.net"]
PHONES = ["01632 960 001", "07700 900 982", "+44 7700 900982", "0044 20 7946 0000"]
POSTCODES = ["SW1A 1AA", "ls1 1aa", "M1 1AE", "b338th", "CR2 6XH"]
EXTENSIONS = [".pdf", ".docx", ".odt", ".txt"]
TIMES = ["00:00", "09:05", "14:30", "23:59"]
NHS_NUMBERS = ["9434765919", "4010232137"]
BAD_VALUES: list[Any] = [
    "", "x", "2025-02-30", "9999-99-99", "not an email", "LS1", "0000", 7, -100, 10**6, 2.5,
    True, False, None, [], ["zz"], [1, 1], {"a": 1}, {"given_names": 5}, {"line1": "x"},
    {"file_id": "f"}, [{"s0": "x"}], ["x"],
]


def _options(count: int) -> list[Spec]:
    """Return options o0, o1, ..."""
    return [{"value": f"o{index}", "label": f"Option {index}"} for index in range(count)]


@st.composite
def field_specs(draw: st.DrawFn, name: str, in_group: bool) -> Spec:
    """Draw the structure of one field, without conditions."""
    kind = draw(st.sampled_from(SUB_TYPES if in_group else TOP_TYPES))
    spec: Spec = {"name": name, "type": kind, "label": f"Label {name}"}
    if kind == "guidance":
        spec["text"] = "Some guidance"
        return spec
    if draw(st.booleans()):
        spec["required"] = draw(st.booleans())
    if draw(st.integers(0, 2)) == 0:
        spec["error_name"] = f"the {name.replace('_', ' ')}"
    limits: Spec = {}
    if kind in ("short_text", "long_text") and draw(st.booleans()):
        low = draw(st.integers(0, 3))
        limits = {"min_length": low, "max_length": draw(st.integers(max(low, 1), 12))}
    elif kind in ("integer", "decimal") and draw(st.booleans()):
        low = draw(st.integers(-5, 5))
        limits = {"min": low, "max": draw(st.integers(low, 20))}
        if kind == "decimal" and draw(st.booleans()):
            limits["max"] += 0.5
    elif kind == "file" and draw(st.booleans()):
        limits = {"max_size_mb": draw(st.sampled_from([0.5, 1, 2.5])),
                  "accept": draw(st.lists(st.sampled_from(EXTENSIONS), min_size=1, max_size=3,
                                          unique=True))}
    if limits:
        spec["validation"] = limits
    if kind in ("radios", "checkboxes", "select"):
        spec["options"] = _options(draw(st.integers(1, 4)))
    if kind == "repeating_group":
        count = draw(st.integers(1, 3))
        spec["fields"] = [draw(field_specs(f"s{index}", True)) for index in range(count)]
        low = draw(st.integers(0, 2))
        spec["min_items"] = low
        if draw(st.booleans()):
            spec["max_items"] = draw(st.integers(max(low, 1), 4))
        spec["item_label"] = "Entry"
    return spec


def fields_used(condition: Any, named: dict[str, Any]) -> set[str]:
    """Return the field names a condition tests, following named conditions."""
    if "field" in condition:
        return {condition["field"]}
    if "ref" in condition:
        return fields_used(named[condition["ref"]], named)
    parts = condition.get("all") or condition.get("any") or [condition.get("not")]
    return set().union(*(fields_used(part, named) for part in parts))


@st.composite
def comparisons(
    draw: st.DrawFn, target: Spec, dates: list[Spec], server_rules: bool
) -> Spec:
    """Draw a comparison suited to a field's type."""
    kind = target["type"]
    ops = [op for op in OPS if kind in op_types(op)]
    if not server_rules:
        ops = [op for op in ops if op not in ("before", "after")]
    op = draw(st.sampled_from(ops))
    condition: Spec = {"field": target["name"], "op": op}
    if op in ("answered", "not_answered"):
        return condition
    if op in ("before", "after"):
        others = [spec["name"] for spec in dates if spec is not target]
        choices: list[Any] = ["today", *DATES] + [{"field": name} for name in others]
        condition["value"] = draw(st.sampled_from(choices))
        return condition
    if op in ("greater_than", "less_than"):
        condition["value"] = draw(st.sampled_from([-1, 0, 2, 3.5, 10]))
        return condition
    single = _single_values(target)
    if op == "one_of":
        condition["value"] = draw(st.lists(st.sampled_from(single), min_size=1, max_size=3,
                                           unique=True))
    else:
        condition["value"] = draw(st.sampled_from(single))
    return condition


def _single_values(target: Spec) -> list[Any]:
    """Return values a comparison with the field may use."""
    kind = target["type"]
    if "options" in target:
        return [option["value"] for option in target["options"]]
    if kind in ("yes_no", "declaration"):
        return [True, False]
    if kind in ("integer", "decimal"):
        return [-1, 0, 1, 2, 5]
    if kind == "date":
        return DATES
    if kind == "time_of_day":
        return TIMES
    if kind == "nhs_number":
        return NHS_NUMBERS
    return ["a", "ab", "B", "é", "a@example.com"]


@st.composite
def conditions(
    draw: st.DrawFn,
    top: list[Spec],
    siblings: list[Spec],
    refs: list[str],
    server_rules: bool,
    depth: int = 1,
) -> Spec:
    """Draw a condition over the given fields and named conditions."""
    kinds = ["compare"] * 4 + (["all", "any", "not"] if depth < 3 else []) + (
        ["ref"] if refs else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "ref":
        return {"ref": draw(st.sampled_from(refs))}
    if kind == "not":
        return {"not": draw(conditions(top, siblings, refs, server_rules, depth + 1))}
    if kind in ("all", "any"):
        parts = draw(st.lists(conditions(top, siblings, refs, server_rules, depth + 1),
                              min_size=1, max_size=2))
        return {kind: parts}
    target = draw(st.sampled_from(siblings + top))
    scope = siblings if target in siblings else top
    dates = [spec for spec in scope if spec["type"] == "date"]
    return draw(comparisons(target, dates, server_rules))


@st.composite
def definitions(draw: st.DrawFn, server_rules: bool = True) -> Spec:
    """Draw a valid definition: a few pages, random field types, random conditions."""
    pages: list[Spec] = []
    counter = 0
    for page_index in range(draw(st.integers(1, 3))):
        fields = []
        for _ in range(draw(st.integers(1, 4))):
            fields.append(draw(field_specs(f"f{counter}", False)))
            counter += 1
        pages.append({"id": f"page-{page_index}", "title": f"Page {page_index}", "fields": fields})
    testable = [spec for page in pages for spec in page["fields"] if spec["type"] != "guidance"]
    named: dict[str, Spec] = {}
    with_named = draw(st.booleans())
    if testable and with_named:
        for index in range(draw(st.integers(1, 2))):
            named[f"n{index}"] = draw(conditions(testable, [], list(named), server_rules))
    for page in pages:
        _add_conditions(draw, page, testable, named, server_rules)
    doc: Spec = {"id": "generated", "title": "Generated form", "version": 1, "pages": pages}
    if named:
        doc["conditions"] = named
    return doc


def _add_conditions(
    draw: st.DrawFn, page: Spec, testable: list[Spec], named: dict[str, Spec], server_rules: bool
) -> None:
    """Give a page, its fields and their sub-fields random conditions and date rules."""
    own = {spec["name"] for spec in page["fields"]}
    outside = [spec for spec in testable if spec["name"] not in own]
    refs = [name for name, body in named.items() if not fields_used(body, named) & own]
    if outside and draw(st.integers(0, 3)) == 0:
        page["show_if"] = draw(conditions(outside, [], refs, server_rules))
    for spec in page["fields"]:
        others = [other for other in testable if other is not spec]
        safe_refs = [name for name, body in named.items()
                     if spec["name"] not in fields_used(body, named)]
        if others and draw(st.integers(0, 2)) == 0:
            spec["show_if"] = draw(conditions(others, [], safe_refs, server_rules))
        if spec["type"] != "guidance" and testable and draw(st.integers(0, 2)) == 0:
            spec["required_if"] = draw(conditions(testable, [], list(named), server_rules))
        if spec["type"] == "date" and server_rules:
            _add_date_rules(draw, spec, testable)
        for sub in spec.get("fields", []):
            siblings = [other for other in spec["fields"] if other["type"] != "guidance"]
            if draw(st.integers(0, 2)) == 0 and len(siblings) > (sub in siblings):
                not_me = [other for other in siblings if other is not sub]
                sub["show_if"] = draw(conditions(testable, not_me, list(named), server_rules))
            if sub["type"] != "guidance" and draw(st.integers(0, 2)) == 0:
                sub["required_if"] = draw(conditions(testable, siblings, list(named),
                                                     server_rules))
            if sub["type"] == "date" and server_rules:
                _add_date_rules(draw, sub, siblings + testable)


def _add_date_rules(draw: st.DrawFn, spec: Spec, scope: list[Spec]) -> None:
    """Give a date field random limits, some naming other date fields."""
    others = [other["name"] for other in scope if other["type"] == "date" and other is not spec]
    limits: Spec = {}
    for rule in ("not_in_future", "not_in_past"):
        if draw(st.integers(0, 3)) == 0:
            limits[rule] = True
    for rule in ("on_or_after", "on_or_before", "after", "before"):
        if draw(st.integers(0, 4)) == 0:
            limits[rule] = draw(st.sampled_from(DATES + others))
    if limits:
        spec["validation"] = limits


def good_values(spec: Spec) -> st.SearchStrategy[Any]:
    """Return a strategy for answers that suit a field (mostly valid)."""
    kind, limits = spec["type"], spec.get("validation", {})
    if kind in ("short_text", "long_text"):
        return st.text(TEXT_ALPHABET, min_size=max(1, limits.get("min_length", 1)),
                       max_size=limits.get("max_length", 12))
    if kind == "email":
        return st.sampled_from(EMAILS)
    if kind == "uk_phone":
        return st.sampled_from(PHONES)
    if kind == "integer":
        return st.integers(limits.get("min", -5), limits.get("max", 30))
    if kind == "decimal":
        low, high = limits.get("min", -5), limits.get("max", 30)
        return st.floats(low, high, allow_nan=False, allow_infinity=False) | st.integers(
            int(low), int(high))
    if kind == "date":
        return st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat)
    if kind in ("yes_no",):
        return st.booleans()
    if kind in ("radios", "select"):
        return st.sampled_from([option["value"] for option in spec["options"]])
    if kind == "checkboxes":
        values = [option["value"] for option in spec["options"]]
        return st.lists(st.sampled_from(values), min_size=1, unique=True)
    if kind == "person_name":
        return st.fixed_dictionaries({"given_names": st.sampled_from(["Sam", "Jo Ann"]),
                                      "family_name": st.sampled_from(["Jones", "O'Neil"])})
    if kind == "uk_address":
        return st.fixed_dictionaries(
            {"line1": st.just("1 High Street"), "town": st.just("Leeds"),
             "postcode": st.sampled_from(POSTCODES)},
            optional={"line2": st.just("Flat 2"), "county": st.just("West Yorkshire")})
    if kind == "time_of_day":
        return st.sampled_from(TIMES + ["2:30pm", "9am", "midday"])
    if kind == "nhs_number":
        return st.sampled_from(NHS_NUMBERS + ["943 476 5919", "401-023-2137"])
    if kind == "managed_choice":
        return st.sampled_from(["Northshire Community Health", "Another agency"])
    if kind == "file":
        return _files(spec)
    if kind == "repeating_group":
        return _items(spec)
    return st.just(True)  # declaration


def _files(spec: Spec) -> st.SearchStrategy[Any]:
    """Return a strategy for uploaded files' details within a field's limits."""
    limits = spec.get("validation", {})
    accept = limits.get("accept", [".pdf", ".docx"])
    largest = int(limits.get("max_size_mb", 10) * 1024 * 1024)
    return st.fixed_dictionaries({
        "file_id": st.just("file-1"),
        "filename": st.sampled_from(accept).map(lambda ext: "Report" + ext.upper()),
        "size": st.integers(1, largest),
        "content_type": st.just("application/pdf"),
    })


@st.composite
def _items(draw: st.DrawFn, spec: Spec) -> list[Spec]:
    """Draw the items of a repeating group."""
    low = spec.get("min_items", 0)
    count = draw(st.integers(low, spec.get("max_items", max(low, 3))))
    return [draw(answer_sets(spec["fields"])) for _ in range(count)]


@st.composite
def answer_sets(draw: st.DrawFn, specs: list[Spec]) -> Spec:
    """Draw answers to some fields: mostly valid, some left out, a few wrong."""
    answers: Spec = {}
    for spec in specs:
        mode = draw(st.sampled_from(["good"] * 6 + ["skip"] * 2 + ["bad"]))
        if spec["type"] == "guidance" or mode == "skip":
            continue
        if mode == "good":
            answers[spec["name"]] = draw(good_values(spec))
        else:
            answers[spec["name"]] = draw(st.sampled_from(BAD_VALUES))
    return answers


def submissions(doc: Spec) -> st.SearchStrategy[Spec]:
    """Return a strategy for answers to every field of a definition."""
    return answer_sets([spec for page in doc["pages"] for spec in page["fields"]])
