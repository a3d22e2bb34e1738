"""Property-based fuzzing of the form builder through its real pages, signed in as an admin.

Random JSON documents and mutations of valid definitions go to the JSON editor and the import
page; random values go to the question, option, page and condition pages; random answers go to
the preview. Whatever is posted: no 5xx, every refusal reads as plain English, and the working
copy the builder stores always passes the definition checks.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr.builder import conditions, operations
from cspr.exceptions import Refused
from cspr.formengine.core_types import (
    DATE_RULES,
    OPS,
)
from cspr.formengine.definitions import FIELD_TYPES, check_definition
from cspr.formengine.fieldtypes import field_type
from cspr.storage import get_store
from tests.conftest import csrf_token
from tests.formengine.strategies import definitions
from tests.security.test_property_fuzz import JARGON

FORMS = Path(__file__).resolve().parents[2] / "forms"
SHIPPED = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted([*FORMS.glob("*.json"), *FORMS.glob("examples/*.json")])
    if not path.name.endswith(".schema.json")
]
EVERY_FIELD = next(doc for doc in SHIPPED if doc["id"] == "every_field")
FORM_ID = "fuzz-form"
EVERY_FIELD_HERE = {**EVERY_FIELD, "id": FORM_ID}
BASE = f"/admin/forms/{FORM_ID}"

# Python showing through: a traceback, an exception's name, a repr of None, a dict, a list
# or a float that is not a number; and counting in the plural for one.
REPR = re.compile(
    r"Traceback|\b[A-Z][a-z]+Error\b|\bNone\b|\{'|\['|\[\]|\{\}|\bobject at 0x|\bnan\b|\binf\b"
    r"|\b1 (?:more )?problems\b"
)
# Python's words for what only a programmer could act on.
PYTHON_WORDS = re.compile(r"utf-8-sig|surrogates not allowed|codec can't|int_max_str_digits")
SUMMARY = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
SUMMARY_ITEM = re.compile(r"<li>\s*(?:<a [^>]*>)?(.*?)(?:</a>)?\s*</li>", re.S)
BANNER = re.compile(
    r'notification-banner__title"[^>]*>\s*Important\s*</h2>.*?'
    r'notification-banner__heading">(.*?)</p>', re.S)
PROBLEM_ROW = re.compile(
    r'<code class="cspr-code">(.*?)</code></td>\s*<td class="govuk-table__cell">(.*?)</td>', re.S)

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
        HealthCheck.large_base_example, HealthCheck.filter_too_much,
    ],
)

# Random text never holds brackets or the word None itself, so that a message echoing what
# was typed is not mistaken for Python showing through; anything else goes, emoji included.
plain_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="{}[]"), max_size=24
).filter(lambda text: not REPR.search(text))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | plain_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(plain_text, inner, max_size=3)
    ),
    max_leaves=8,
)

# Raw JSON spliced into the posted text where a mutation left a marker: numbers Python reads
# as infinity or refuses outright, lone surrogates, a NUL, and nesting deep and very deep.
RAW = [
    "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" * 5000, "1e308", "-0",
    "123456789012345678901234567890", "1.5e-400", '"\\ud800"', '"a\\udfffb"', '"\\u0000"',
    "[" * 70 + "]" * 70, "[" * 5000 + "]" * 5000, '{"a":' * 80 + "1" + "}" * 80,
]
MARKER = "@@raw{}@@"
WORDS = {"title", "label", "hint", "text", "description", "error_name", "item_label"}
KNOWN_KEYS = [
    "id", "title", "version", "pages", "fields", "name", "type", "label", "hint", "text",
    "options", "value", "required", "required_if", "show_if", "error_name", "validation",
    "min_length", "max_length", "min", "max", "max_size_mb", "accept", "not_in_future",
    "not_in_past", *DATE_RULES, "min_items", "max_items", "item_label", "item_label_plural",
    "prefill", "conditions", "field", "op", "all", "any", "not", "ref", "audience",
    "declaration", "description",
]


def readable(message: str) -> bool:
    """Say whether a message shown to the admin is plain English, not Python or jargon."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", message)).split())
    text = text.removeprefix("Error:").strip()
    return bool(text) and (text[0].isupper() or text[0] in "'\"") and not (
        REPR.search(text) or JARGON.search(text) or PYTHON_WORDS.search(text))


def shown_errors(page: str) -> list[str]:
    """Return the messages in a page's error summary."""
    found = SUMMARY.search(page)
    return SUMMARY_ITEM.findall(found.group(1)) if found else []


def unreadable(page: str) -> list[str]:
    """Return the messages on a page (summary, banners, problem rows) that do not read well."""
    rows = PROBLEM_ROW.findall(page)
    # A path such as $.pages[0] or $['odd key'] says where, not what: it may look like code.
    paths = sorted({path for path, _ in rows}, key=len, reverse=True)
    messages = shown_errors(page) + BANNER.findall(page) + [reason for _, reason in rows]
    return [html.unescape(m).strip() for m in messages if not readable(_without(m, paths))]


def _without(message: str, paths: list[str]) -> str:
    """Return a message with the problem paths it quotes taken out."""
    for path in paths:
        message = message.replace(path, "$")
    return message


class Builder:
    """Drive the builder's pages as a signed-in admin, with the checks every request shares."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        """Remember the app and the admin's client, and read a CSRF token once."""
        self.app = app
        self.client = client
        self.token = csrf_token(client.get("/admin/forms/import").text)

    def working(self, form_id: str = FORM_ID) -> operations.WorkingCopy:
        """Return a form's stored working copy."""
        with self.app.app_context():
            return operations.working_copy(form_id)

    def working_ids(self) -> set[str]:
        """Return the ids of every stored working copy."""
        with self.app.app_context():
            return {record["id"] for record in get_store().find(operations.WORKING)}

    def post(self, url: str, data: dict[str, Any], revision: Any = "current") -> Any:
        """Post with the CSRF token and (by default) the working copy's current revision."""
        if revision == "current":
            revision = self.working().revision
        body = {"csrf_token": self.token, **data}
        if revision is not None:
            body["revision"] = str(revision)
        response = self.client.post(url, data=body)
        assert response.status_code < 500, (url, data, response.text[-3000:])
        return response

    def follow(self, response: Any) -> Any:
        """Follow a redirect to a builder page; it must show, and read well."""
        page = self.client.get(response.headers["Location"])
        assert page.status_code < 500, (response.headers["Location"], page.text[-3000:])
        assert not unreadable(page.text), unreadable(page.text)
        return page

    def assert_valid(self, form_id: str = FORM_ID) -> None:
        """The stored working copy passes every definition check."""
        doc = self.working(form_id).definition
        assert check_definition(doc) == [], (check_definition(doc), doc)

    def reset(self, doc: dict[str, Any]) -> None:
        """Put a definition back as the working copy, so each example starts the same."""
        with self.app.app_context():
            get_store().update(operations.WORKING, FORM_ID, {"definition": copy.deepcopy(doc)})

    def forget(self, form_id: str) -> None:
        """Remove an imported form's working copy."""
        with self.app.app_context():
            get_store().delete(operations.WORKING, form_id)

    def show_everything(self, form_id: str = FORM_ID) -> None:
        """Every read-only page of a stored form shows: overview, flow map, diffs, JSON."""
        base = f"/admin/forms/{form_id}"
        for page in ("", "/flow", "/publish", "/compare", "/json", "/versions", "/preview"):
            response = self.client.get(base + page)
            assert response.status_code in (200, 302), (page, response.text[-3000:])

    def import_doc(self, doc: dict[str, Any]) -> None:
        """Import a definition through the import page."""
        response = self.post("/admin/forms/import", {"definition": json.dumps(doc)}, None)
        assert response.status_code == 302, shown_errors(response.text)


@pytest.fixture
def builder(app: Flask, admin_client: FlaskClient) -> Builder:
    """An admin with every_field imported as the form under test."""
    driver = Builder(app, admin_client)
    driver.import_doc(EVERY_FIELD_HERE)
    return driver


# --- Random and mutated JSON documents -----------------------------------------------------


def _locations(node: Any) -> Iterator[tuple[Any, Any]]:
    """Yield (container, key or index) for every value inside a document."""
    stack = [node]
    while stack:
        current = stack.pop()
        pairs = current.items() if isinstance(current, dict) else enumerate(current)
        for key, child in list(pairs):
            yield current, key
            if isinstance(child, (dict, list)):
                stack.append(child)


def _containers(node: Any) -> list[Any]:
    """Return the document and every dict and list inside it."""
    return [node] + [c[k] for c, k in _locations(node) if isinstance(c[k], (dict, list))]


def _wrong_type(value: Any) -> Any:
    """Return a value of another JSON type that still looks like the original."""
    if isinstance(value, bool):
        return "true" if value else 0
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return [value] if not value.isdigit() else int(value)
    if isinstance(value, list):
        return {"0": value[0]} if value else {}
    if isinstance(value, dict):
        return list(value.values())
    return False


@st.composite
def replacements(draw: st.DrawFn, old: Any, doc: dict[str, Any]) -> Any:
    """Draw a value to put in place of another."""
    names = sorted({str(c[k]) for c, k in _locations(doc)
                    if k in ("name", "id", "field", "ref") and isinstance(c[k], str)})
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return _wrong_type(old)
    if choice == 1:
        return MARKER.format(draw(st.integers(0, len(RAW) - 1)))
    if choice == 2 and names:
        return draw(st.sampled_from(names))
    if choice == 3:
        return draw(st.sampled_from([*OPS, *FIELD_TYPES, "today", "2025-02-30", "", " ",
                                     10**30, -1, 0, 1e308, 2.5, True, "x" * 6000]))
    if choice == 4:
        nested: Any = old
        for _ in range(draw(st.integers(5, 70))):
            nested = [nested] if draw(st.booleans()) else {"all": [nested]}
        return nested
    if choice == 5:
        return draw(plain_text)
    return draw(json_values)


@st.composite
def mutations(draw: st.DrawFn, base: Any) -> Any:
    """Delete, replace, insert, duplicate or retype a few values at random places."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3, 4]))):
        places = list(_locations(doc))
        verb = draw(st.sampled_from(["delete", "replace", "replace", "insert", "duplicate",
                                     "retext", "retext"]))
        words = [(c, k) for c, k in places if k in WORDS and isinstance(c[k], str)]
        if verb == "retext" and words:
            container, key = draw(st.sampled_from(words))
            container[key] = draw(st.text(min_size=1, max_size=40).filter(
                lambda text: text.strip() and not REPR.search(text)))
        elif verb in ("delete", "replace") and places:
            container, key = draw(st.sampled_from(places))
            if verb == "delete":
                del container[key]
            else:
                container[key] = draw(replacements(container[key], doc))
        elif verb == "insert":
            container = draw(st.sampled_from(_containers(doc)))
            value = draw(replacements(None, doc))
            if isinstance(container, dict):
                container[draw(st.sampled_from(KNOWN_KEYS) | plain_text)] = value
            else:
                container.insert(draw(st.integers(0, len(container))), value)
        else:
            lists = [c for c in _containers(doc) if isinstance(c, list) and c]
            if lists:
                target = draw(st.sampled_from(lists))
                target.append(copy.deepcopy(draw(st.sampled_from(target))))
    return doc


def as_text(doc: Any, cut: int | None) -> str:
    """Write a document as JSON with the raw markers spliced in, perhaps cut short."""
    text = json.dumps(doc, ensure_ascii=False)
    for index, raw in enumerate(RAW):
        text = text.replace(json.dumps(MARKER.format(index)), raw)
    return text[:cut] if cut is not None else text


def documents(form_id: str) -> st.SearchStrategy[str]:
    """Return a strategy for JSON text: mostly mutated valid definitions, some random JSON."""
    valid = st.sampled_from(SHIPPED) | definitions()
    mutated = valid.map(lambda doc: {**doc, "id": form_id}).flatmap(mutations)
    return st.builds(
        as_text,
        st.one_of(mutated, mutated, mutated, json_values),
        st.none() | st.none() | st.none() | st.integers(0, 3000),
    )


def _refused_cleanly(response: Any) -> None:
    """A refusal shows the error summary, plain messages, and problem paths from '$'."""
    assert response.status_code == 200, response.status_code
    assert "There is a problem" in response.text
    assert shown_errors(response.text), response.text[-3000:]
    assert not unreadable(response.text), unreadable(response.text)
    for path, _ in PROBLEM_ROW.findall(response.text):
        assert path.startswith("$"), path


def test_json_editor_never_stores_an_invalid_definition(builder: Builder) -> None:
    builder.post(f"{BASE}/publish", {})  # so that the publish and compare pages show a diff

    @settings(FUZZ, max_examples=120)
    @given(text=documents(FORM_ID), stale=st.integers(0, 9))
    def check(text: str, stale: int) -> None:
        before = builder.working()
        revision: Any = {0: None, 1: before.revision - 1}.get(stale, before.revision)
        response = builder.post(f"{BASE}/json", {"definition": text}, revision)
        if response.status_code == 302:
            builder.assert_valid()
            assert builder.working().revision == before.revision + 1
            builder.show_everything()
        else:
            _refused_cleanly(response)
            after = builder.working()
            assert (after.definition, after.revision) == (before.definition, before.revision)

    check()


def test_import_never_stores_an_invalid_definition(builder: Builder) -> None:
    @settings(FUZZ, max_examples=80)
    @given(text=documents("imported"), upload=st.sampled_from([None, None, b"", b"\xef\xbb\xbf"]))
    def check(text: str, upload: bytes | None) -> None:
        before = builder.working_ids()
        posted: dict[str, Any] = {"definition": text}
        if upload is not None:  # as a file, perhaps starting with a byte order mark
            raw = upload + text.encode("utf-8")
            posted = {"definition": "", "upload": (io.BytesIO(raw), "form.json")}
        response = builder.post("/admin/forms/import", posted, None)
        if response.status_code == 302:
            made = response.headers["Location"].rsplit("/", 1)[1]
            assert builder.working_ids() == before | {made}
            builder.assert_valid(made)
            builder.show_everything(made)
            builder.forget(made)
        else:
            _refused_cleanly(response)
            assert builder.working_ids() == before

    check()


# --- Random values on the question, option, page and condition pages ---------------------

SPECIAL = [
    "", " ", "0", "-1", "1", "5", "100", "101", "1000", "1001", "2.5", "1e400", "-1e400",
    "NaN", "Infinity", "1,000", "1_000", "0x10", "99999999999999999999", "1" * 400, "١٢", "²",
    "yes", "no", "on", "today", "Today", "2025-01-31", "31/1/2025", "2025-02-30", "0/0/0",
    ".pdf, .docx", "pdf;exe", ".", "..", ".p d f", "Bad Name!", "_x", "x" * 70, "x" * 6000,
    "intro", "date_of_birth", "incident_date", "outcome", "died", "other_children", "child",
    "about-you", "nowhere", "a.b", "page:child",
]
values = plain_text | st.sampled_from(SPECIAL)
# Revisions and version numbers a tampered page might send: digits Python will not read as a
# whole number (superscripts), other scripts' digits, signs, spaces and far too many digits.
ODD = ["abc", "", "²", "¹²", "١", "١٢", "-1", " 1", "1.0", "0", "9" * 11, "9" * 40, "⑦"]
SETTING_KEYS = [
    "label", "hint", "name", "page", "required", "error_name", "text", "min_length",
    "max_length", "min", "max", "not_in_future", "not_in_past", "on_or_after", "on_or_before",
    "max_size_mb", "accept", "min_items", "max_items", "item_label", "item_label_plural",
]


def _paths(doc: dict[str, Any]) -> list[str]:
    """Return the path of every question, sub-questions as "group.sub"."""
    found = []
    for page in doc["pages"]:
        for field in page["fields"]:
            found.append(field["name"])
            found += [f"{field['name']}.{sub['name']}" for sub in field.get("fields", [])]
    return found


def _field(doc: dict[str, Any], path: str) -> dict[str, Any]:
    """Return a question by its path."""
    group, _, sub = path.partition(".")
    field = next(f for p in doc["pages"] for f in p["fields"] if f["name"] == group)
    return next(s for s in field["fields"] if s["name"] == sub) if sub else field


def _settings(data: st.DataObject, doc: dict[str, Any], path: str) -> dict[str, Any]:
    """Draw a settings page: mostly its current values, some keys random or left out."""
    field = _field(doc, path)
    page = next((p["id"] for p in doc["pages"] if field in p["fields"]), "")
    validation = field.get("validation", {})
    posted: dict[str, Any] = {"label": field["label"], "name": field["name"], "page": page}
    for key in ("min_length", "max_length", "min", "max", "max_size_mb"):
        if key in validation:
            posted[key] = str(validation[key])
    for key in data.draw(st.lists(st.sampled_from(SETTING_KEYS), max_size=5)):
        posted[key] = data.draw(values | st.sampled_from(_paths(doc) + [p["id"] for p in
                                                                          doc["pages"]]))
    for key in data.draw(st.lists(st.sampled_from(["label", "name", "page"]), max_size=1)):
        posted.pop(key, None)
    if "." in path and data.draw(st.integers(0, 3)):
        posted.pop("page", None)  # a group's question has no page dropdown
    return posted


def _condition(data: st.DataObject, doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Draw a condition page's address and a posted condition, mostly sensible, some not."""
    targets = _paths(doc) + [f"page:{p['id']}" for p in doc["pages"]]
    target = data.draw(st.sampled_from(targets * 4 + ["nothing", "page:none"]))
    kind = data.draw(st.sampled_from(["show_if"] * 3 + ["required_if"] * 2 + ["hide_if"]))
    try:
        earlier = [f["name"] for f in conditions.candidates(doc, target)]
    except Refused:
        earlier = []
    field = data.draw(st.sampled_from(earlier or _paths(doc)) | st.sampled_from(_paths(doc))
                      | values)
    found: dict[str, Any] = next(
        (f for p in doc["pages"] for f in p["fields"] if f["name"] == field), {})
    ops = [op for op, _ in conditions.ops_for(found)] if found else []
    choices = [str(o["value"]) for o in found.get("options", [])] + SPECIAL
    posted = {
        "step": data.draw(st.sampled_from(["save"] * 6 + ["clear", "pick"])),
        "field": field,
        "op": data.draw(st.sampled_from(ops or list(OPS)) | st.sampled_from(OPS) | values),
        "value": data.draw(st.lists(st.sampled_from(choices) | plain_text, max_size=3)),
    }
    return f"{BASE}/conditions/{target}/{kind}", posted


def _action(data: st.DataObject, doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Draw one change to post: an address and its form data."""
    paths = _paths(doc)
    path = data.draw(st.sampled_from(paths))
    page = data.draw(st.sampled_from([p["id"] for p in doc["pages"]]))
    option_paths = [p for p in paths if field_type(_field(doc, p)).has_options] or paths
    option_path = data.draw(st.sampled_from(option_paths))
    index = data.draw(st.integers(0, 6))
    direction = {"direction": data.draw(st.sampled_from(["up", "down", "sideways"]))}
    kind = data.draw(st.sampled_from([*FIELD_TYPES, "nonsense"]))
    new_field = {"field_type": kind, "label": data.draw(values), "options": data.draw(values),
                 "text": data.draw(values), "first_question": data.draw(values),
                 "item_label": data.draw(values)}
    choices: dict[str, Callable[[], tuple[str, dict[str, Any]]]] = {
        "settings": lambda: (f"{BASE}/fields/{path}", _settings(data, doc, path)),
        "condition": lambda: _condition(data, doc),
        "add option": lambda: (f"{BASE}/fields/{option_path}/options", {
            "label": data.draw(values), "value": data.draw(values), "hint": data.draw(values)}),
        "edit option": lambda: (f"{BASE}/fields/{option_path}/options/{index}", {
            "label": data.draw(values), "hint": data.draw(values)}),
        "move option": lambda: (f"{BASE}/fields/{option_path}/options/{index}/move",
                                direction),
        "remove option": lambda: (f"{BASE}/fields/{option_path}/options/{index}/remove", {}),
        "edit page": lambda: (f"{BASE}/pages/{page}", {
            "title": data.draw(values), "description": data.draw(values)}),
        "new page": lambda: (f"{BASE}/pages/new", {"page_title": data.draw(values),
                                                   **new_field}),
        "new field": lambda: (f"{BASE}/pages/{page}/fields/new", new_field),
        "new group field": lambda: (f"{BASE}/groups/{path.split('.')[0]}/fields/new",
                                    new_field),
        "move page": lambda: (f"{BASE}/pages/{page}/move", direction),
        "move field": lambda: (f"{BASE}/fields/{path}/move", direction),
        "remove field": lambda: (f"{BASE}/fields/{path}/remove", {}),
        "remove page": lambda: (f"{BASE}/pages/{page}/remove", {}),
        "details": lambda: (f"{BASE}/details", {
            "title": data.draw(values), "description": data.draw(values),
            "audience": data.draw(st.lists(st.sampled_from(
                ["agency_user", "partner", "chair", "admin", ""]), max_size=2)),
            "declaration_text": data.draw(values), "declaration_label": data.draw(values)}),
    }
    weights = ["settings"] * 6 + ["condition"] * 6 + list(choices)
    return choices[data.draw(st.sampled_from(weights))]()


def _apply(builder: Builder, data: st.DataObject) -> Any:
    """Post one random change and check the builder's answer; return the response."""
    before = builder.working()
    url, posted = _action(data, before.definition)
    revision = data.draw(st.sampled_from(["current"] * 12 + [None, before.revision - 1, *ODD]))
    response = builder.post(url, posted, revision)
    if response.status_code == 200:
        assert not unreadable(response.text), (url, posted, unreadable(response.text))
    elif response.status_code == 302:
        builder.follow(response)
    else:
        assert response.status_code in (400, 404), (url, posted, response.status_code)
    builder.assert_valid()
    return response


def test_history_pages_never_crash_on_odd_version_numbers(builder: Builder) -> None:
    builder.post(f"{BASE}/publish", {})

    @settings(FUZZ, max_examples=40)
    @given(page=st.sampled_from(["compare?from=", "compare?to=", "export.json?version="]),
           value=st.sampled_from(["1", "working", *ODD]) | plain_text)
    def check(page: str, value: str) -> None:
        response = builder.client.get(f"{BASE}/{page}{quote(value)}")
        assert response.status_code in (200, 404), (page, value, response.status_code)
        assert response.headers.get("Content-Disposition", "").isascii()

    check()


def test_random_edits_never_crash_or_store_an_invalid_form(builder: Builder) -> None:
    @settings(FUZZ, max_examples=150)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        builder.reset(EVERY_FIELD_HERE)
        for _ in range(data.draw(st.integers(1, 4))):
            _apply(builder, data)

    check()


# --- Random answers in the preview ---------------------------------------------------------

answer_values = plain_text | st.sampled_from([
    "", "0", "-1", "31", "2", "12", "2025", "1e400", "NaN", "1,000.5", "yes", "no", "on",
    "o0", "o1", "died", "a@example.com", "not an email", "07700 900982", "SW1A 1AA", "x" * 300,
])


def _answers(data: st.DataObject, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """Draw posted form data for a page's questions: parts, items, files and buttons."""
    keys: list[str] = []
    for field in fields:
        slots = [(f"{field['name']}-{i}", sub) for i in range(3) for sub in field["fields"]] \
            if field["type"] == "repeating_group" else [("", field)]
        for prefix, item in slots:
            name = f"{prefix}-{item['name']}" if prefix else item["name"]
            parts = {"date": ("day", "month", "year")}.get(item["type"], ()) or \
                field_type(item).parts
            keys += [f"{name}-{part}" for part in parts] or [name]
    posted: dict[str, Any] = {}
    chosen: list[str] = data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    for key in chosen:
        posted[key] = data.draw(st.lists(answer_values, min_size=1, max_size=2))
    groups = [str(f["name"]) for f in fields if f["type"] == "repeating_group"]
    posted["action"] = data.draw(st.sampled_from(
        ["continue"] * 4 + [f"add:{g}" for g in groups] + [f"remove:{g}:0" for g in groups]
        + ["add:nothing", "remove:x:y", "save"]))
    files = [f["name"] for f in fields if f["type"] == "file"]
    attach: bool = data.draw(st.booleans())
    if files and attach:
        filename = data.draw(st.sampled_from(["report.pdf", "x.exe", "", "../../passwd.pdf"]))
        posted[files[0]] = (io.BytesIO(data.draw(st.binary(max_size=64))), filename)
    return posted


def test_preview_never_crashes_on_random_answers(builder: Builder) -> None:
    client = builder.client

    @settings(FUZZ, max_examples=30)
    @given(doc=definitions(), data=st.data())
    def check(doc: dict[str, Any], data: st.DataObject) -> None:
        saved = builder.post(f"{BASE}/json", {"definition": json.dumps({**doc, "id": FORM_ID})})
        assert saved.status_code == 302, shown_errors(saved.text)
        for _ in range(data.draw(st.integers(0, 2))):
            _apply(builder, data)
        definition = builder.working().definition
        url = client.get(f"{BASE}/preview").headers["Location"]
        for _ in range(len(definition["pages"]) + 2):
            if url.endswith("/preview/check"):
                break
            page_id = url.rsplit("/", 1)[1]
            page = next(p for p in definition["pages"] if p["id"] == page_id)
            shown = client.get(url)
            if shown.status_code == 302:  # a page its conditions hide: go where it sends
                url = shown.headers["Location"]
                continue
            assert shown.status_code == 200, shown.text[-3000:]
            posted = {"csrf_token": builder.token, **_answers(data, page["fields"])}
            response = client.post(url, data=posted, content_type="multipart/form-data")
            assert response.status_code in (200, 302, 400), (posted, response.text[-3000:])
            if response.status_code == 302:
                url = response.headers["Location"]
        assert client.get(f"{BASE}/preview/check").status_code == 200
        assert client.get(f"{BASE}/preview/pages/nowhere").status_code == 404

    check()
