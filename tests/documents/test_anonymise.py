"""An anonymised version is saved only once everything that may identify someone is reviewed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from cspr.documents import operations
from cspr.documents.anonymise import operations as review_ops
from cspr.documents.anonymise.pipeline import NeedsReview
from cspr.exceptions import Forbidden
from cspr.storage import get_store
from tests.conftest import csrf_token, make_user, sign_in
from tests.documents.anonymise_case import (
    AUTHOR,
    FIVE,
    IN_FOOTNOTE,
    IN_TABLE,
    IN_TEXT,
    OUTLINE,
    TITLED,
    every_part_xml,
    leaky_template,
)
from tests.documents.conftest import (
    SMALL_BU,
    live_template,
    referral_answers,
    send_referral,
    small_app,
)

PARTNER = "partner@testshire.example.org"


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Return an app with two cases whose outlines name people, and the leaky template live."""
    app = small_app(tmp_path_factory.mktemp("anonymise"))
    make_user(app, PARTNER, "partner", name="Pat Partner")
    first = send_referral(app, SMALL_BU, referral_answers(incident_description=OUTLINE))
    second = send_referral(app, SMALL_BU, referral_answers(incident_description=OUTLINE))
    record = live_template(app, "Leaky summary", leaky_template())
    with app.app_context():
        bu = get_store().find_one("users", {"email": SMALL_BU})
        partner = get_store().find_one("users", {"email": PARTNER})
    return {"app": app, "first": first, "second": second, "template": record["template_id"],
            "bu": bu, "partner": partner}  # fmt: skip


def _waiting(app: Flask, user: dict[str, Any], case_id: str, template: str) -> list[Any]:
    """Try to save the anonymised version; return what it waits on (none: it was saved)."""
    with app.app_context():
        try:
            operations.generate_document(user, case_id, template, True)
        except NeedsReview as waiting:
            return waiting.candidates
    return []


def test_the_five_names_are_found_where_they_are(leaky: dict[str, Any]) -> None:
    found = _waiting(leaky["app"], leaky["bu"], leaky["first"]["id"], leaky["template"])
    where = {c.text: c.where for c in found}
    assert set(FIVE) <= set(where), where
    assert where[IN_TABLE] == "a table in the main text"
    assert where[IN_FOOTNOTE] == "the footnotes"
    assert where[AUTHOR].startswith("the document's properties (author")
    assert where[IN_TEXT] == "the main text"
    sentence = next(c.sentence for c in found if c.text == IN_TEXT)
    assert sentence == f"Her mother's partner ({IN_TEXT}) called an ambulance."
    with leaky["app"].app_context():
        assert operations.history(leaky["bu"], leaky["first"]["id"]) == []  # nothing was saved


def test_refused_until_all_five_are_reviewed_then_no_part_holds_them(
    leaky: dict[str, Any],
) -> None:
    app, bu, case_id, template = leaky["app"], leaky["bu"], leaky["first"]["id"], leaky["template"]
    decisions = {IN_TEXT: ("pseudonym", "Mother's partner"), TITLED: ("pseudonym", "Neighbour"),
                 IN_TABLE: ("withheld", ""), IN_FOOTNOTE: ("withheld", ""),
                 AUTHOR: ("not_identifying", "")}  # fmt: skip
    for name, (choice, pseudonym) in decisions.items():
        waiting = _waiting(app, bu, case_id, template)
        assert name in {c.text for c in waiting}
        kind = next(c.kind for c in waiting if c.text == name)
        with app.app_context():
            review_ops.decide(bu, case_id, name, kind, choice, pseudonym)
    rest = _waiting(app, bu, case_id, template)
    assert not {c.text for c in rest} & set(FIVE)
    with app.app_context():
        for candidate in rest:  # anything else the rules raised: judged here as not identifying
            review_ops.decide(bu, case_id, candidate.text, candidate.kind, "not_identifying")
        record = operations.generate_document(bu, case_id, template, True, reviewed=True)
        _, data, _, _ = operations.read_document(bu, record["id"])
        history = operations.history(bu, case_id)
    assert record["check"]["reviewed_by"] == "Bea Unit"
    xml = every_part_xml(data)
    for name in FIVE:
        for word in name.split()[-2:]:
            assert word not in xml, f"{word} is still in the saved document"
    assert "Mother's partner" in xml and "Neighbour" in xml and "[withheld]" in xml
    assert "<dc:creator>Testshire Safeguarding Children Partnership</dc:creator>" in xml
    assert "w:ins " not in xml and "w:author" not in xml
    assert history[0]["check"]["reviewed_by"] == "Bea Unit"


def test_not_identifying_is_kept_audited_and_for_this_case_only(leaky: dict[str, Any]) -> None:
    app, bu, template = leaky["app"], leaky["bu"], leaky["template"]
    first, second = leaky["first"]["id"], leaky["second"]["id"]
    with app.app_context():
        review_ops.decide(bu, first, "Devon Notreal", "name", "not_identifying")
        entries = get_store().audit.entries(object_type="pseudonym_register", object_id=first)
        (kept,) = [d for d in review_ops.review.decisions(first) if d["text"] == "Devon Notreal"]
    assert kept["by_name"] == "Bea Unit" and kept["at"]
    assert any(e["action"] == "not identifying" for e in entries)
    assert IN_FOOTNOTE not in {c.text for c in _waiting(app, bu, first, template)}
    assert IN_FOOTNOTE in {c.text for c in _waiting(app, bu, second, template)}


def test_only_the_business_unit_decides(leaky: dict[str, Any]) -> None:
    app, partner, case_id = leaky["app"], leaky["partner"], leaky["second"]["id"]
    with app.app_context(), pytest.raises(Forbidden):
        review_ops.decide(partner, case_id, IN_TEXT, "name", "not_identifying")
    client = app.test_client()
    sign_in(client, PARTNER)
    url = f"/cases/{case_id}/documents/{leaky['template']}/review"
    page = client.get(url)
    assert page.status_code == 200
    assert "Only the business unit can make these decisions" in page.text
    assert "Save this decision" not in page.text
    refused = client.post(url, data={"csrf_token": csrf_token(page.text), "which": "0",
                                     "c0-text": IN_TEXT, "c0-kind": "name",
                                     "c0-choice": "not_identifying"})  # fmt: skip
    assert refused.status_code == 403
    with app.app_context():
        assert IN_TEXT.lower() not in {d["key"] for d in review_ops.review.decisions(case_id)}


def test_the_review_page_shows_each_candidate_escaped_and_checks_the_answers(
    tmp_path: Path,
) -> None:
    app = small_app(tmp_path)
    outline = "The stepfather <b>Ray Inventedson</b> was at home."
    case = send_referral(app, SMALL_BU, referral_answers(incident_description=outline))
    template = live_template(app, "Outline", leaky_template())["template_id"]
    client = app.test_client()
    sign_in(client, SMALL_BU)
    page = client.get(f"/cases/{case['id']}")
    made = client.post(f"/cases/{case['id']}/documents",
                       data={"csrf_token": csrf_token(page.text), "template_id": template,
                             "version": "anonymised"})  # fmt: skip
    url = f"/cases/{case['id']}/documents/{template}/review"
    assert made.status_code == 302 and made.headers["Location"].endswith(url)
    review = client.get(url)
    assert "&lt;b&gt;<mark>Ray Inventedson</mark>&lt;/b&gt;" in review.text
    assert "<b>Ray" not in review.text
    shown = dict(re.findall(r'id="candidate-(\d+)">\s*<h2 class="govuk-heading-m">\d+\. “([^”]+)”',
                            review.text))  # fmt: skip
    index = {text: n for n, text in shown.items()}["Ray Inventedson"]
    token = csrf_token(review.text)
    answer = {"csrf_token": token, "which": str(index), f"c{index}-text": "Ray Inventedson",
              f"c{index}-kind": "name", f"c{index}-choice": "pseudonym"}  # fmt: skip
    empty = client.post(url, data=answer)
    assert "<title>Error: " in empty.text
    assert "Enter a pseudonym, or add it to the register as [withheld]" in empty.text
    added = client.post(url, data={**answer, f"c{index}-pseudonym": "Stepfather"},
                        follow_redirects=True)
    assert "“Ray Inventedson” has been added to the register as Stepfather." in added.text
    assert "<mark>Ray Inventedson</mark>" not in added.text
