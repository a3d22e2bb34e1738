"""Adding a field type is one class and one macro: proved here with a type made in the test.

The Ofsted unique reference number (URN) of a school or nursery is six digits. The class and
its macro below are all there is; the page, the check page, the API schema, an export and the
form builder pick it up from the registry.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader

from cspr import create_app
from cspr.formengine import messages
from cspr.formengine.fieldtypes import register, unregister
from cspr.formengine.fieldtypes.base import Field, FieldType, Schema, text_of
from cspr.storage import close_store
from tests.api.conftest import create_token
from tests.conftest import csrf_token, make_user, sign_in


class OfstedUrn(FieldType):
    """An Ofsted unique reference number: six digits, shown as URN 123456."""

    name = "ofsted_urn"
    label = "Ofsted URN (six digits)"
    words = "Ofsted URN"
    template = "test/ofsted_urn.html"
    ops = frozenset({"answered", "not_answered", "equals"})

    def answer_schema(self, field: Field, definition: Any) -> Schema:
        """Return six digits."""
        return {"type": "string", "pattern": "^[0-9]{6}$"}

    def read(self, field: Field, raw: Any) -> tuple[Any, dict[str, str]]:
        """Read six digits, or say what is wrong."""
        typed = text_of(raw).removeprefix("URN").strip()
        if not typed:
            return None, {}
        if not re.fullmatch("[0-9]{6}", typed):
            return None, {"": f"{messages.capitalise(messages.error_name(field))} "
                              "must be 6 digits, like 100023"}
        return typed, {}

    def display(self, field: Field, value: Any) -> str:
        """Write it as Ofsted does."""
        return f"URN {value}"


MACRO = """{% macro render(fd, kind, raw, errors, name, path, error_for, saved) -%}
{% set message = error_for(errors, path) %}
<div class="govuk-form-group"><label class="govuk-label" for="{{ name }}">{{ fd.label }}</label>
{% if message %}<p class="govuk-error-message">{{ message }}</p>{% endif %}
<input class="govuk-input govuk-input--width-5" id="{{ name }}" name="{{ name }}"
  value="{{ raw or '' }}"></div>
{%- endmacro %}"""
FORM = {
    "id": "school_details", "title": "School details", "version": 1,
    "audience": ["agency_user", "business_unit"],
    "pages": [{"id": "school", "title": "The school", "fields": [
        {"name": "urn", "type": "ofsted_urn", "label": "The school's Ofsted URN",
         "required": True, "error_name": "the school's URN"}]}],
}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return the app with the new type registered and a form that uses it."""
    register(OfstedUrn())
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "school_details.json").write_text(json.dumps(FORM), encoding="utf-8")
    application = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"),
                              "FORMS_DIR": str(forms), "LOGIN_RATE_LIMIT": "1000 per minute"})
    application.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/ofsted_urn.html": MACRO}), application.jinja_env.loader])
    yield application
    close_store(application)
    unregister("ofsted_urn")


def _post(client: FlaskClient, url: str, data: dict[str, str]) -> Any:
    token = csrf_token(client.get(url).text)
    return client.post(url, data={"csrf_token": token, **data})


def test_a_type_added_as_one_class_and_one_macro_works_everywhere(app: Flask) -> None:
    client = app.test_client()
    make_user(app, "bu@testshire.example.org", "business_unit", name="Bea Unit")
    sign_in(client, "bu@testshire.example.org")
    started = client.post("/forms/school_details/start",
                          data={"csrf_token": csrf_token(client.get("/forms").text)})
    page_url = started.headers["Location"]

    # The page: rendered by the type's macro, read by the type's reader.
    page = client.get(page_url)
    assert 'class="govuk-input govuk-input--width-5" id="urn" name="urn"' in page.text
    wrong = _post(client, page_url, {"urn": "12345", "action": "continue"})
    assert "The school&#39;s URN must be 6 digits, like 100023" in wrong.text
    right = _post(client, page_url, {"urn": "URN 100023", "action": "continue"})
    assert right.status_code == 302 and right.headers["Location"].endswith("/check")

    # The check page shows it the type's way, and the form is sent.
    check = client.get(right.headers["Location"])
    assert "URN 100023" in check.text
    sent = _post(client, right.headers["Location"], {})
    assert sent.status_code == 302

    # The API's schema of the answers.
    make_user(app, "api@testshire.example.org", "business_unit")
    token = create_token(app, "api@testshire.example.org")
    api = app.test_client()
    schema = api.get("/api/forms/school_details/schema",
                     headers={"Authorization": f"Bearer {token}"}).get_json()
    assert schema["properties"]["urn"]["pattern"] == "^[0-9]{6}$"
    refused = api.post("/api/forms/school_details/submissions",
                       headers={"Authorization": f"Bearer {token}"},
                       json={"answers": {"urn": "12"}})
    assert refused.status_code == 422 and "urn" in refused.get_json()["errors"]

    # An export: one column, headed with the question, holding the answer.
    export = _post(client, "/exports/forms/school_details", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert [row["The school's Ofsted URN"] for row in rows] == ["100023"]

    # The builder offers the type, makes a question of it and shows its settings.
    make_user(app, "admin@testshire.example.org", "admin")
    admin = app.test_client()
    sign_in(admin, "admin@testshire.example.org")
    new = admin.get("/admin/forms/school_details/pages/school/fields/new")
    assert '<option value="ofsted_urn">Ofsted URN (six digits)</option>' in new.text
    revision = re.search(r'name="revision"[^>]*value="([^"]+)"', new.text)
    assert revision is not None
    made = admin.post("/admin/forms/school_details/pages/school/fields/new", data={
        "csrf_token": csrf_token(new.text), "revision": revision.group(1),
        "field_type": "ofsted_urn", "label": "The nursery's Ofsted URN"})
    assert made.status_code == 302, made.text
    settings = admin.get(made.headers["Location"])
    assert "Type: Ofsted URN (six digits)." in settings.text
