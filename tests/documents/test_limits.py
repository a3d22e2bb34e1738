"""Templates are filled in a separate process with limits: floods, endless macros and loops stop.

Before, a template could build text of any size with `replace` (the repetition cap only
covered `*`), and a macro calling itself gave a 500. Each is now a plain refusal, both when
the template is uploaded (its check fills in the demo case) and when a document is made.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.documents import isolation, library
from cspr.documents.filters import make_filters
from cspr.documents.render import EXHAUSTED, RECURSION, render_docx
from cspr.exceptions import Refused
from cspr.storage import close_store, get_store
from tests.conftest import sign_in
from tests.documents.conftest import (
    SMALL_ADMIN,
    SMALL_BU,
    generate,
    live_template,
    make_docx,
    referral_answers,
    send_referral,
    small_app,
    upload_page,
)

SECONDS = 3
# 9,999 characters made 10^8 (100 MB), then 2 * 10^9 (2 GB): far past the 128 MB allowed.
FLOOD = "{{ ('x' * 9999) | replace('x', 'x' * 9999) | replace('x', 'xxxxxxxxxxxxxxxxxxxx') }}"
ENDLESS_MACRO = "{% macro again(n) %}{{ again(n) }}{% endmacro %}{{ again(1) }}"
# 10^12 turns of a loop that prints nothing: no memory, just time.
ENDLESS_LOOP = (
    "{% for a in 'x' * 9999 %}{% for b in 'x' * 9999 %}{% for c in 'x' * 9999 %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)
TIMED_OUT = isolation.TIMED_OUT.format(seconds=SECONDS)
HARMFUL = {"flood": (FLOOD, EXHAUSTED), "macro": (ENDLESS_MACRO, RECURSION),
           "loop": (ENDLESS_LOOP, TIMED_OUT)}  # fmt: skip
ADMIN, BU = SMALL_ADMIN, SMALL_BU


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return an app whose templates may take 3 seconds and 128 MB, with one case."""
    app = small_app(
        tmp_path_factory.mktemp("limits"),
        DOCUMENT_RENDER_SECONDS=SECONDS,
        DOCUMENT_RENDER_MEMORY_MB=128,
    )
    send_referral(app, BU, referral_answers())
    yield app
    isolation.drain()
    close_store(app)


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


@pytest.mark.parametrize("harm", sorted(HARMFUL))
def test_a_harmful_template_is_refused_at_upload_in_plain_english(
    limited_app: Flask, harm: str
) -> None:
    template, message = HARMFUL[harm]
    admin = _signed_in(limited_app, ADMIN)
    with limited_app.app_context():
        library.list_templates()  # the shipped ones are copied in on first use
        versions_before = get_store().count(library.VERSIONS)
    page = upload_page(admin, make_docx("Dear family,", template), title=f"Harm {harm}")
    assert "<title>Error: Upload a template" in page
    summary = page[page.find("govuk-error-summary") : page.find("<h1")]
    assert message.replace("'", "&#39;") in summary
    with limited_app.app_context():
        assert get_store().count(library.VERSIONS) == versions_before
    # The server carries on: a sound template is accepted straight after.
    good = upload_page(admin, make_docx("Case {{ case.reference }}"), title=f"After {harm}")
    assert "has passed the checks" in good


def test_a_harmful_template_gives_a_page_not_a_500_when_a_document_is_made(
    limited_app: Flask,
) -> None:
    # Harmless for the demo case the upload check fills in (CSPR-...-0009); harmful for the
    # case here (CSPR-...-0001), as a template might be for some real case's answers.
    macro, call = ENDLESS_MACRO.split("{% endmacro %}")
    guarded = macro + "{% endmacro %}" + "".join(
        f'{{% if case.reference.endswith("-0001") %}}{template}{{% endif %}}'
        for template in (FLOOD, call, ENDLESS_LOOP)
    )
    record = live_template(limited_app, "Guarded", make_docx("Case {{ case.reference }}", guarded))
    with limited_app.app_context():
        (case,) = get_store().find("cases")
        documents_before = get_store().count("documents")
    made = generate(_signed_in(limited_app, BU), case["id"], record["template_id"])
    assert made.status_code == 200
    banner = re.search(r"govuk-notification-banner__content.*?</div>", made.text, re.S)
    assert banner, made.text[:3000]
    assert EXHAUSTED.replace("'", "&#39;") in banner.group(0)
    assert case["reference"] in made.text  # back on the case page
    with limited_app.app_context():
        assert get_store().count("documents") == documents_before


def test_the_limits_hold_whichever_harm_comes_first(limited_app: Flask) -> None:
    # Each kind of harm on its own, through the same path a document takes.
    from cspr.documents.operations import fill_template

    with limited_app.app_context():
        for template, message in HARMFUL.values():
            with pytest.raises(Refused) as refused:
                fill_template(make_docx(template), {"case": {"reference": "CSPR-2026-0001"}})
            assert refused.value.message == message
        # And a sound template still fills in afterwards.
        filled = fill_template(make_docx("Case {{ case.reference }}"), {"case": {"reference": "X"}})
        assert filled.startswith(b"PK")


def test_an_endless_macro_is_a_refusal_even_without_the_worker() -> None:
    with pytest.raises(Refused) as refused:
        render_docx(make_docx(ENDLESS_MACRO), {}, make_filters())
    assert refused.value.message == RECURSION
