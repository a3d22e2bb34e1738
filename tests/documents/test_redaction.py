"""Redaction: the anonymised version keeps no real name; the pseudonym register page."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import docx
import pytest
from flask import Flask

from cspr.casework import cases
from cspr.demo import answers
from cspr.documents import library, operations
from cspr.documents.anonymise import operations as review_ops
from cspr.documents.anonymise.pipeline import NeedsReview
from cspr.documents.context import person
from cspr.documents.pseudonyms import Redactor
from cspr.documents.year_context import YEAR_TEMPLATES
from cspr.exceptions import Refused
from cspr.storage import NotFound, get_store
from tests.conftest import csrf_token
from tests.documents.conftest import BU, POLICE, case_by_letter, client_for, make_docx, user


def _real_names(app: Flask, case_id: str) -> set[str]:
    """Every person's name the case's records hold: forms, sign-offs, timeline, staff."""
    names = {f"{g} {f}" for g, f, *_ in answers.PEOPLE.values()} | {" ".join(answers.LEAD_REVIEWER)}
    with app.app_context():
        for sent in cases.case_submissions(case_id):
            stack = [sent["answers"]]
            while stack:
                value = stack.pop()
                if isinstance(value, dict) and "given_names" in value:
                    names.add(person(value))
                elif isinstance(value, dict):
                    stack += list(value.values())
                elif isinstance(value, list):
                    stack += value
    return {n for n in names if n}


def _reviewed(bu: dict[str, Any], case_id: str, template_id: str) -> dict[str, Any]:
    """Make an anonymised version, adding whatever the check raises to the register first."""
    try:
        return operations.generate_document(bu, case_id, template_id, True)
    except NeedsReview as waiting:
        for candidate in waiting.candidates:
            review_ops.decide(bu, case_id, candidate.text, candidate.kind, "withheld")
    return operations.generate_document(bu, case_id, template_id, True, reviewed=True)


@pytest.mark.parametrize("letter", ["I", "H"])
def test_anonymised_documents_keep_no_real_name(demo_app: Flask, letter: str) -> None:
    case = case_by_letter(demo_app, letter)
    story = answers.STORIES[letter]
    names = _real_names(demo_app, case["id"])
    bu = user(demo_app, BU)
    with demo_app.app_context():
        for template in library.list_templates():
            if template["id"] in YEAR_TEMPLATES:
                continue  # made from the yearly figures, never for a case (see below)
            try:
                record = _reviewed(bu, case["id"], template["id"])
            except Refused as refused:  # H has no delay: its delay notice cannot be made
                assert (letter, template["id"]) == ("H", "delay_notice"), refused.message
                continue
            _, data, _, _ = operations.read_document(bu, record["id"])
            text = operations.document_text(data)  # every part: body, header, footer, properties
            for name in names:
                assert not re.search(re.escape(name), text, re.I), f"{name} in {template['id']}"
            for word in (story.given, story.family):
                assert not re.search(rf"\b{word}\b", text), f"{word} in {template['id']}"
            assert f"Child {letter}" in text or template["id"] in ("panel_notification_summary",)
            assert "[withheld]" in text or "@" not in text


def test_the_full_version_keeps_the_names(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "I")
    bu = user(demo_app, BU)
    with demo_app.app_context():
        record = operations.generate_document(bu, case["id"], "rapid_review_report", False)
        text = operations.document_text(operations.read_document(bu, record["id"])[1])
    assert "Isaac Mockley" in text and "Laurie Example" in text


def test_the_redactor_matches_names_and_not_ordinary_words() -> None:
    redactor = Redactor(
        [("Will Smith", "Child W"), ("Will", "Child W"), ("Smith", "W"), ("Jo Smith", "Mother")],
        titled=[("Jones", "Social worker 1")],
    )
    text = (
        "Will's mum, JO  SMITH, said Will will be fine. WILL went to Smithfield. "
        "Ms Smith and Dr Jones."
    )
    assert redactor.apply(text) == (
        "Child W's mum, Mother, said Child W will be fine. Child W went to Smithfield. "
        "Ms W and Social worker 1."
    )
    assert redactor.leaks("dr. jones and will") == []  # one-word names are case-sensitive
    assert redactor.leaks("Dr. Jones met Will Smith") == ["Will Smith", "… Jones"]


def test_a_name_written_into_a_template_is_replaced_or_stops_the_version(
    demo_app: Flask,
) -> None:
    case = case_by_letter(demo_app, "I")
    bu, admin = user(demo_app, BU), user(demo_app, "admin@demo.example.org")
    whole = make_docx("About Isaac Mockley: {{ case.reference }}")
    # Word splits a name across runs when part of it is formatted differently.
    document = docx.Document()
    paragraph = document.add_paragraph("About Laurie")  # in the case, but only whole
    paragraph.add_run(" Example").bold = True
    paragraph.add_run(": {{ case.reference }}")
    out = BytesIO()
    document.save(out)
    split = out.getvalue()
    with demo_app.app_context():
        before = library.get_template("delay_notice")
        assert before is not None
        try:
            for content, name in ((whole, "whole.docx"), (split, "split.docx")):
                careless = library.add_version(admin, "delay_notice", "", content, name, [])
                library.use_version(admin, "delay_notice", careless["version"])
                if name == "whole.docx":
                    record = _reviewed(bu, case["id"], "delay_notice")
                    text = operations.document_text(operations.read_document(bu, record["id"])[1])
                    assert "About Child I:" in text and "Mockley" not in text
                    continue
                with pytest.raises(Refused, match="still contained Laurie Example"):
                    operations.generate_document(bu, case["id"], "delay_notice", anonymised=True)
        finally:
            library.use_version(admin, "delay_notice", int(before["active_version"]))


def test_the_business_unit_keeps_the_register_and_partners_can_read_it(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "F")  # Freya Pretendwell
    client = client_for(demo_app, BU)
    page = client.get(f"/cases/{case['id']}/pseudonyms")
    assert page.status_code == 200
    assert "Freya Pretendwell" in page.text and "Child F" in page.text  # seeded from the referral
    assert "Hattie Example" in page.text and "Referrer" in page.text  # found automatically
    token = csrf_token(page.text)

    refused = client.post(
        f"/cases/{case['id']}/pseudonyms",
        data={"csrf_token": token, "real": "", "pseudonym": "Mother", "kind": "family"},
    )
    assert refused.status_code == 200
    assert "<title>Error: " in refused.text and "Enter the real name" in refused.text
    clash = client.post(
        f"/cases/{case['id']}/pseudonyms",
        data={"csrf_token": token, "real": "Dee Pretendwell", "pseudonym": "Dee", "kind": "family"},
    )
    assert "must not contain the real name" in clash.text
    added = client.post(
        f"/cases/{case['id']}/pseudonyms",
        data={"csrf_token": token, "real": "Dee Pretendwell", "pseudonym": "Mother",
              "kind": "family"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Dee Pretendwell has been added" in added.text
    with demo_app.app_context():
        record = operations.generate_document(
            user(demo_app, BU), case["id"], "family_decision_letter", anonymised=False
        )
        _, data, _, _ = operations.read_document(user(demo_app, BU), record["id"])
        full = operations.document_text(data)
        assert "Dear Dee Pretendwell," in full  # family members in the register are addressed
        entries = get_store().get("pseudonym_registers", case["id"])["entries"]
        assert {"real": "Dee Pretendwell", "pseudonym": "Mother", "kind": "family"} in entries
        trail = get_store().audit.entries(object_type="pseudonym_register", object_id=case["id"])
        assert {e["action"] for e in trail} >= {"create", "view", "update"}

    removed = client.post(
        f"/cases/{case['id']}/pseudonyms/remove",
        data={"csrf_token": token, "real": "Dee Pretendwell"},
        follow_redirects=True,
    )
    assert "Dee Pretendwell has been taken out" in removed.text

    partner = client_for(demo_app, POLICE)
    assert partner.get(f"/cases/{case['id']}/pseudonyms").status_code == 200
    assert partner.post(
        f"/cases/{case['id']}/pseudonyms",
        data={"csrf_token": token, "real": "X Y", "pseudonym": "Z", "kind": "other"},
    ).status_code in (400, 403)


def test_a_yearly_report_template_is_never_made_for_a_case(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "I")
    bu = user(demo_app, BU)
    with demo_app.app_context():
        offered = [t["id"] for t in operations.case_panel(bu, case)["templates"]]
        assert "yearly_report_section" not in offered and "delay_notice" in offered
        with pytest.raises(NotFound):
            operations.generate_document(bu, case["id"], "yearly_report_section", False)
