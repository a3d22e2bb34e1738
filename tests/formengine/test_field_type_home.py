"""Each field type has one home: nothing in cspr/ outside fieldtypes/ names a type."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cspr.formengine.fieldtypes import names

CSPR = Path(__file__).resolve().parents[2] / "cspr"
HOME = CSPR / "formengine" / "fieldtypes"
# Words a type's name shares with other vocabularies, allowed only where they mean those.
ALLOWED = {
    ("api/openapi.py", "integer"): "JSON Schema's own type keyword, in the API's description",
    ("api/openapi_cases.py", "integer"): "JSON Schema's own type keyword, in the API's "
                                         "description of cases",
    ("formengine/metaschema.py", "integer"): "JSON Schema's own type keyword, in its messages",
    **{(page, "email"): "HTML's own input type, on an account's email address" for page in (
        "templates/admin/user_form.html", "templates/auth/sign_in.html",
        "templates/mail/reset_request.html", "templates/requests/new.html")},
    ("documents/filters.py", "yes_no"): "the documents' template filter, used by name in "
                                         "administrators' templates",
}


def _sources() -> list[Path]:
    """Return the Python, template and script files outside the field types' home."""
    return [path for path in sorted(CSPR.rglob("*"))
            if path.suffix in {".py", ".html", ".js"} and HOME not in path.parents]


def _patterns(name: str) -> list[re.Pattern[str]]:
    """Return what code that switched on a type's name would contain."""
    quoted = rf"""["']{re.escape(name)}["']"""
    if "_" in name:  # a name no other vocabulary uses: any quoted use is a switch
        return [re.compile(quoted)]
    return [
        re.compile(rf"""(type|kind)["'\]]*\)?\s*(==|!=)\s*{quoted}"""),
        re.compile(rf"""["']type["']\s*:\s*{quoted}"""),
        re.compile(rf"""(type|kind)["'\]]*\)?\s+(not\s+)?in\s*[(\[{{][^)\]}}]*{quoted}"""),
        re.compile(rf"""{quoted}\s*(==|!=)\s*\w*\.?(type|kind)"""),
    ]


def test_no_module_outside_the_registry_names_a_field_type() -> None:
    found = []
    for path in _sources():
        where = path.relative_to(CSPR).as_posix()
        text = path.read_text(encoding="utf-8")
        for name in names():
            if (where, name) in ALLOWED:
                continue
            for pattern in _patterns(name):
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{where}:{line}: {name}")
    assert found == []


def test_the_grep_finds_a_switch_on_a_type_name() -> None:
    switches = ['if field["type"] == "date":', "{% if fd.type == 'file' %}",
                'kind in ("radios", "select")', '{"type": "guidance"}', '"uk_phone"']
    kinds = ["date", "file", "select", "guidance", "uk_phone"]
    for text, name in zip(switches, kinds, strict=True):
        assert any(p.search(text) for p in _patterns(name)), text
    assert not any(p.search('request.form.get("declaration")') for p in _patterns("declaration"))


def test_the_published_meta_schema_is_the_one_the_registry_builds() -> None:
    # After changing a type, rebuild it with: python -m cspr.formengine.metaschema
    from cspr.formengine.metaschema import META_SCHEMA_PATH, meta_schema

    assert json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8")) == meta_schema()
