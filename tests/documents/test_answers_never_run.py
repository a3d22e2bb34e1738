"""Answers are printed, never run: template-looking text in every kind of answer, every part.

docxtpl rendered the footnotes once per section, so in a two-section document an answer like
"{{ 7*7 }}" placed in a footnote went through Jinja twice and came out as 49. It also left
endnotes and comments unfilled. Each part is now filled exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from cspr.documents.filters import make_filters
from cspr.documents.operations import document_text
from cspr.documents.render import render_docx
from cspr.storage import close_store
from tests.conftest import sign_in
from tests.documents.conftest import (
    SMALL_BU,
    generate,
    live_template,
    referral_answers,
    send_referral,
    small_app,
)
from tests.documents.every_part import MARKERS, core_title, make_template, paragraphs_by_marker

# Each would change if it ran: 49, "[IF]" alone, a comment eating the rest, docxtpl's escapes.
HOSTILE = "[{{ 7*7 }}] {% if true %}[IF]{% endif %} {# open {_{ x }_} {{r 7*7 }} %}"
RAN = ("[49]", "] [IF] ", "{{ x }}")


def _assert_never_ran(content: bytes) -> None:
    """Fail if any trace of an evaluated answer is in the document, anywhere."""
    text = document_text(content)
    for trace in RAN:
        assert trace not in text, trace


def test_every_part_is_filled_once_and_answers_come_out_literally() -> None:
    answers = {
        "text": f"short {HOSTILE}",
        "textarea": f"first line {HOSTILE}\nsecond line {HOSTILE}",
        "rows": [{"name": f"row {n} {HOSTILE}", "note": f"note {HOSTILE}"} for n in (1, 2)],
        "day": f"1 July 2026 {HOSTILE}",  # a date held as text, through uk_date
    }
    snippet = (
        "{{ a.text }}|{{ a.textarea }}|{% for r in a.rows %}{{ r.name }}/{{ r.note }};"
        "{% endfor %}|{{ a.day | uk_date }}"
    )
    expected = "|".join(
        [
            answers["text"],
            answers["textarea"],
            "".join(f"{r['name']}/{r['note']};" for r in answers["rows"]),
            answers["day"],
        ]
    )
    template = make_template(snippet, title="{{ a.text }}")
    filled = render_docx(template, {"a": answers}, make_filters())

    found = paragraphs_by_marker(filled)
    for marker in MARKERS:
        assert found[marker] == [expected], marker
    assert core_title(filled) == answers["text"]
    _assert_never_ran(filled)


@pytest.fixture(scope="module")
def referral_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return an app with a business unit member, an administrator and nothing else."""
    app = small_app(tmp_path_factory.mktemp("never_run"))
    yield app
    close_store(app)


def _hostile_referral() -> dict[str, Any]:
    """Return a referral whose every free-text answer, of every kind, holds template text."""
    answers = referral_answers()
    return referral_answers(
        referrer_role=f"Role {HOSTILE}",  # short text
        referrer_organisation=f"Organisation {HOSTILE}",
        incident_description=f"Line one {HOSTILE}\nLine two {HOSTILE}",  # long text
        child_name={"given_names": f"Given {HOSTILE}", "family_name": f"Family {HOSTILE}"},
        child_address={**answers["child_address"], "line1": f"1 {HOSTILE}"},
        agencies_involved=[  # repeating group rows
            {"agency_name": f"Agency {n} {HOSTILE}", "agency_involvement": f"Did {n} {HOSTILE}"}
            for n in (1, 2)
        ],
    )


SNIPPET = (
    "{{ forms.referral.answers.referrer_role }}|{{ forms.referral.text.referrer_organisation }}|"
    "{{ incident.outline }}|{{ child.name }}|"
    "{% for c in children %}{{ c.name }}{% endfor %}|{{ child.address_text }}|"
    "{% for a in forms.referral.answers.agencies_involved %}{{ a.agency_name }}/"
    "{{ a.agency_involvement }};{% endfor %}|"
    "{% for s in submissions %}{{ s.text.referrer_role }}{% endfor %}"
)
# How many times the hostile text appears in one filled-in copy of the snippet.
COPIES = 1 + 1 + 2 + 2 + 2 + 1 + 4 + 1


def test_sent_answers_in_a_generated_document_are_never_run(referral_app: Flask) -> None:
    app = referral_app
    case = send_referral(app, SMALL_BU, _hostile_referral())
    record = live_template(app, "Every part", make_template(SNIPPET))
    bu = app.test_client()
    assert sign_in(bu, SMALL_BU).status_code == 302
    made = generate(bu, case["id"], record["template_id"])
    assert "has been generated" in made.text, made.text
    (link,) = re.findall(r'href="(/documents/[0-9a-f]{32}/docx)"', made.text)
    filled = bu.get(link).data

    found = paragraphs_by_marker(filled)
    for marker in MARKERS:
        (text,) = found[marker]
        assert text.count(HOSTILE) == COPIES, (marker, text)
        assert "Line one " + HOSTILE + "\nLine two " in text
    _assert_never_ran(filled)
