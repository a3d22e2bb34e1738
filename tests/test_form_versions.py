"""Form versions stay immutable, and one bad definition never stops the others."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from flask import Flask

from cspr import create_app
from cspr.formengine import operations, registry
from cspr.storage import close_store, get_store
from tests.conftest import make_user, sign_in

EXAMPLES = Path(__file__).resolve().parents[1] / "forms" / "examples"


def _app(data: Path, forms: Path) -> Flask:
    return create_app({"TESTING": True, "DATA_DIR": str(data), "FORMS_DIR": str(forms)})


def test_old_submission_keeps_its_own_version(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(EXAMPLES / "follow_up.json", forms)
    app = _app(tmp_path / "data", forms)
    user = make_user(app, "hv@testshire.example.org", "agency_user")
    answers = {"child_name": "Alex", "date_of_birth": "2018-04-03", "update": "Stable."}
    with app.app_context():
        sent, errors = operations.submit_answers(user, "follow_up", answers)
    assert errors == {} and sent is not None
    close_store(app)

    # A new release ships version 2 with a changed label and a new question.
    v2 = json.loads((forms / "follow_up.json").read_text())
    v2["version"] = 2
    v2["pages"][0]["fields"][2]["label"] = "Progress since the referral"
    v2["pages"][0]["fields"].append(
        {"name": "next_steps", "type": "long_text", "label": "Next steps", "required": True}
    )
    (forms / "follow_up.json").write_text(json.dumps(v2))
    app = _app(tmp_path / "data", forms)
    with app.app_context():
        assert registry.live("follow_up").version == 2
        assert (
            registry.definition("follow_up", 1).field("update")["label"]
            == "What has happened since"
        )
        stored = get_store().get("submissions", sent["id"])
        assert stored["form_version"] == 1
    client = app.test_client()
    sign_in(client, "hv@testshire.example.org")
    page = client.get(f"/submissions/{sent['id']}")
    assert "What has happened since" in page.text
    assert "Progress since the referral" not in page.text
    assert "Next steps" not in page.text
    close_store(app)


def test_invalid_definition_is_reported_and_others_still_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(EXAMPLES / "follow_up.json", forms)
    bad = json.loads((EXAMPLES / "follow_up.json").read_text())
    bad["id"] = "broken_form"
    bad["pages"][0]["fields"][0]["type"] = "magic"
    (forms / "broken_form.json").write_text(json.dumps(bad))
    (forms / "not_json.json").write_text("{ this is not json")
    with caplog.at_level(logging.ERROR):
        app = _app(tmp_path / "data", forms)
    problems = [str(e) for e in app.extensions["cspr_form_errors"]]
    assert any("broken_form" in p and "$.pages[0].fields[0]" in p for p in problems), problems
    assert any("not_json.json" in p for p in problems), problems
    assert "broken_form" in caplog.text
    with app.app_context():
        assert [d.id for d in registry.live_forms()] == ["follow_up"]
    make_user(app, "admin@testshire.example.org", "admin")
    client = app.test_client()
    sign_in(client, "admin@testshire.example.org")
    home = client.get("/")
    assert "Form definition problems" in home.text
    assert "broken_form" in home.text
    close_store(app)
