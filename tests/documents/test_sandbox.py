"""The sandbox: templates that reach for Python internals are refused at upload and at render."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from cspr.documents import manage
from cspr.documents.filters import make_filters
from cspr.documents.render import render_docx
from cspr.documents.sandbox import TemplateRefused
from cspr.exceptions import Refused
from tests.documents.conftest import docx_text, make_docx
from tests.documents.every_part import make_template

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ self }}",
    "{{ self._TemplateReference__context }}",
    "{{ case|attr('__class__') }}",
    "{{ case.reference|attr('__class__') }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ case['__class__'] }}",
    "{{ case.reference.__class__.__base__ }}",
    "{{ case.reference[('__cla' ~ 'ss__')] }}",
    "{{ case.items|map(attribute='__self__')|list }}",
    "{{ case.reference.format(case) }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ 'x' * 100000000 }}",
    "{{ '%s' % case }}",
    "{% include 'other.docx' %}",
    "{% import 'macros' as m %}",
    "{% autoescape false %}{{ case.reference }}{% endautoescape %}",
]
# Without the static scan these two run, harmlessly: `self` prints "<TemplateReference None>"
# and reaches nothing; escaping off with a plain value changes nothing (with a "<" the
# damaged-document check refuses it, see test_render).
HARMLESS_AT_RUNTIME = {
    "{{ self }}": "TemplateReference",
    "{% autoescape false %}{{ case.reference }}{% endautoescape %}": "CSPR-2026-0001",
}


def test_payloads_are_refused_at_upload_with_the_offending_text(demo_app: Flask) -> None:
    with demo_app.app_context():
        for payload in PAYLOADS:
            report = manage.check_template("evil.docx", make_docx("Dear family,", payload))
            assert not report.accepted, payload
            unsafe = [p for p in report.problems if p.kind in ("unsafe", "syntax")]
            assert unsafe, f"{payload}: {[p.sentence() for p in report.problems]}"
            assert unsafe[0].text and unsafe[0].where == "the main text"


def test_payloads_are_refused_at_render(
    demo_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a successful `touch MARKER` would leave its mark
    filters = make_filters()
    context = {"case": {"reference": "CSPR-2026-0001"}}
    for payload in PAYLOADS:
        template = make_docx("Before", payload, "After")
        with pytest.raises(TemplateRefused):
            render_docx(template, context, filters)
        # The second layer on its own: Jinja's immutable sandbox, without the static scan.
        if payload in HARMLESS_AT_RUNTIME:
            text = docx_text(render_docx(template, context, filters, check=False))
            assert HARMLESS_AT_RUNTIME[payload] in text and "After" in text
            continue
        with pytest.raises(Refused):
            render_docx(template, context, filters, check=False)
    assert not (tmp_path / "MARKER").exists(), "a payload ran a command"


def test_payloads_in_headers_and_properties_are_found_too(demo_app: Flask) -> None:
    with demo_app.app_context():
        header = manage.check_template("h.docx", make_docx("Fine", header="{{ ''.__class__ }}"))
        assert header.problems[0].where == "a header"
    with pytest.raises(TemplateRefused, match="__class__"):
        render_docx(make_docx("Fine", header="{{ ''.__class__ }}"), {}, {})


def test_payloads_in_every_part_are_found(demo_app: Flask) -> None:
    # Every part that is filled in is checked, notes and comments included.
    with demo_app.app_context():
        report = manage.check_template("all.docx", make_template("{{ ''.__class__ }}"))
    where = {p.where for p in report.problems if p.kind == "unsafe"}
    assert {"the main text", "a header", "a footer", "the footnotes", "the endnotes",
            "the comments"} <= where  # fmt: skip


def test_refusal_messages_say_what_is_wrong(demo_app: Flask) -> None:
    with pytest.raises(TemplateRefused) as refused:
        render_docx(make_docx("Dear {{ cycler.__init__.__globals__ }}"), {}, {})
    message = refused.value.message
    assert "__globals__" in message and "templates may not use" in message
    assert "In the main text: “Dear {{ cycler.__init__.__globals__ }}”" in message
