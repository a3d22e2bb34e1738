"""Letters say only what the case records: facts, refusals, the hold on family contact, and the
partnership's details (issue 16, points 10 and 11)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cspr.admin import partnership
from cspr.casework import operations as verbs
from cspr.demo import answers
from cspr.documents import library, manage, readiness
from cspr.storage import close_store, get_store
from tests.conftest import csrf_token, sign_in
from tests.documents.conftest import (
    ADMIN,
    BU,
    SMALL_ADMIN,
    SMALL_BU,
    case_by_letter,
    client_for,
    docx_text,
    generate,
    make_docx,
    referral_answers,
    send_referral,
    small_app,
    user,
)

DOWNLOAD = re.compile(r'href="(/documents/[0-9a-f]{32}/docx)"')
HOLD_REASON = "The police have asked that the family is not told until they have interviewed them"


def _letter(client: FlaskClient, case_id: str, template_id: str) -> str:
    """Generate a document on the case page and return its text, or fail with the page."""
    page = generate(client, case_id, template_id)
    assert "has been generated" in page.text, html.unescape(page.text)
    link = DOWNLOAD.search(page.text)
    assert link
    return docx_text(client.get(link.group(1)).data)


def _refusal(client: FlaskClient, case_id: str, template_id: str) -> str:
    """Try to generate a document; return the page's message, which must be a refusal."""
    page = generate(client, case_id, template_id)
    assert "has been generated" not in page.text
    return html.unescape(page.text)


def _set_fact(app: Flask, letter: str, name: str, value: Any) -> dict[str, Any]:
    """Record a fact on a demo case as the business unit; return the case."""
    case = case_by_letter(app, letter)
    with app.app_context():
        verbs.set_fact(user(app, BU), case["id"], name, value)
    return case


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Return an app with a business unit member and an administrator, and nothing else."""
    app = small_app(tmp_path_factory.mktemp("letters"))
    yield app
    close_store(app)


@pytest.fixture
def details(demo_app: Flask) -> Iterator[dict[str, str]]:
    """Give a test the demo partnership's details, and put them back afterwards."""
    values = dict(answers.PARTNERSHIP_DETAILS)
    yield values
    with demo_app.app_context():
        partnership.save(None, answers.PARTNERSHIP_DETAILS)


def test_no_further_action_letter_gives_the_recorded_reasons_not_praise(demo_app: Flask) -> None:
    reasons = ("Agencies did not share what they knew about the family, but a review of the same "
               "services finished this year and its actions already cover this.")  # fmt: skip
    case = _set_fact(demo_app, "O", "decision.rationale", reasons)
    text = _letter(client_for(demo_app, BU), case["id"], "family_decision_letter")
    assert "will not carry out a further review, for the reasons above" in text
    assert reasons in text
    assert "worked well" not in text and "work well" not in text


def test_the_invitation_calls_the_reviewer_independent_only_when_the_case_says_so(
    demo_app: Flask,
) -> None:
    client = client_for(demo_app, BU)
    said = "who is independent of the services that worked with your family"
    case = _set_fact(demo_app, "H", "review.lead_reviewer_independent", "no")
    text = _letter(client, case["id"], "family_invitation_letter")
    assert "The review is led by Rowan Fictitious" in text and said not in text
    _set_fact(demo_app, "H", "review.lead_reviewer_independent", "yes")
    assert said in _letter(client, case["id"], "family_invitation_letter")


def test_the_decision_letter_claims_the_panel_has_the_review_only_when_it_was_sent(
    demo_app: Flask,
) -> None:
    client = client_for(demo_app, BU)
    waiting = case_by_letter(demo_app, "E")  # decided and awaiting sign-off: not sent yet
    assert "dates.rapid_review_sent" not in waiting["facts"]
    text = _letter(client, waiting["id"], "family_decision_letter")
    assert "We will send the rapid review to the national Panel" in text
    assert "We sent the rapid review" not in text and "We have sent" not in text

    sent = case_by_letter(demo_app, "F")
    when = sent["facts"]["dates.rapid_review_sent"]
    text = _letter(client, sent["id"], "family_decision_letter")
    from cspr.documents.filters import uk_date

    assert f"We sent the rapid review to the national Panel on {uk_date(when)}" in text


def test_a_letter_that_cannot_be_written_truthfully_says_what_to_record_and_where(
    demo_app: Flask,
) -> None:
    case = case_by_letter(demo_app, "C")  # notified: no rapid review, no decision yet
    client = client_for(demo_app, BU)
    message = _refusal(client, case["id"], "family_decision_letter")
    assert ("“Letter to the family: the decision and its rationale” cannot be made yet, because "
            "the case does not record everything it must say.") in message  # fmt: skip
    assert "Record the partners' decision in the “Rapid review” form for this case." in message
    assert "Record the reasons for the decision in the “Rapid review” form" in message
    assert "Record the date of the partners' decision on the case's Key dates page." in message
    with demo_app.app_context():
        assert not get_store().find("documents", where={"case_id": case["id"]})
        # A template that needs the date the rapid review was sent asks for it by its place.
        asked = readiness.refusal(case, [], "A letter", ["dates.rapid_review_sent"], False, True)
    assert ("Record the date the rapid review was sent to the Panel on the case's Key dates "
            "page.") in asked  # fmt: skip
    assert "Send the “Rapid review” form for this case." in _refusal(
        client, case["id"], "rapid_review_report")


def test_family_letters_wait_while_the_hold_is_on_and_are_made_once_it_is_lifted(
    demo_app: Flask,
) -> None:
    case = case_by_letter(demo_app, "N")
    client = client_for(demo_app, BU)
    with demo_app.app_context():
        verbs.set_family_hold(user(demo_app, BU), case["id"], True, HOLD_REASON)
    for template_id in ("family_decision_letter", "family_invitation_letter"):
        message = _refusal(client, case["id"], template_id)
        assert (f"The family must not be contacted yet: {HOLD_REASON}. Lift the hold on the case "
                "first, then make the letter.") in message  # fmt: skip
    page = html.unescape(client.get(f"/cases/{case['id']}").text)
    section = page[page.index('id="documents"'):]
    assert f"The family must not be contacted yet: {HOLD_REASON}." in section
    assert "Letters to the family cannot be made until the hold is lifted" in section
    # A report to the Panel is not a letter to the family: it is made as usual.
    _letter(client, case["id"], "rapid_review_report")
    with demo_app.app_context():
        made = get_store().find("documents", where={"case_id": case["id"]})
        assert [d["template_id"] for d in made] == ["rapid_review_report"]
        verbs.set_family_hold(user(demo_app, BU), case["id"], False, "The police have now "
                              "spoken to the family")  # fmt: skip
    assert "Dear " in _letter(client, case["id"], "family_decision_letter")
    page = client.get(f"/cases/{case['id']}").text
    assert "documents-family-hold" not in page


def test_the_demo_case_with_a_hold_says_so_in_its_documents_section(demo_app: Flask) -> None:
    case = case_by_letter(demo_app, "D")
    page = html.unescape(client_for(demo_app, BU).get(f"/cases/{case['id']}").text)
    assert 'id="documents-family-hold"' in page
    assert "The family must not be contacted yet: The police asked" in page


def test_letters_use_the_partnerships_details_from_settings(
    demo_app: Flask, details: dict[str, str]
) -> None:
    admin = client_for(demo_app, ADMIN)
    page = admin.get("/admin/partnership")
    assert page.status_code == 200 and "Morgan Example" in page.text  # the demo's own
    details.update(address_line1="Floor 2, Civic Offices", address_line2="", address_town=
                   "Mockbridge", address_county="", address_postcode="ey5 9zz",
                   contact_name="Jordan Sample", contact_role="Family support lead",
                   contact_email="jordan.sample@demo.example.org", contact_phone="")  # fmt: skip
    saved = admin.post("/admin/partnership", data={"csrf_token": csrf_token(page.text),
                                                  **details}, follow_redirects=True)  # fmt: skip
    assert "The partnership&#39;s details have been saved" in saved.text
    case = case_by_letter(demo_app, "L")
    for template_id in ("family_decision_letter", "family_invitation_letter"):
        text = _letter(client_for(demo_app, BU), case["id"], template_id)
        assert "Floor 2, Civic Offices\nMockbridge\nEY5 9ZZ" in text
        assert "Telephone: 01632 960 100" in text and "Email: partnership@demo.example.org" in text
        assert ("contact Jordan Sample, Family support lead, by email at "
                "jordan.sample@demo.example.org.") in text  # fmt: skip
        assert "Morgan Example" not in text
        assert not re.search(r"contact (me|us)\b", text, re.I), template_id
    with demo_app.app_context():
        (entry,) = get_store().audit.entries(object_type="settings", object_id="partnership")[:1]
    assert entry["user"] == ADMIN and "contact_name" in entry["details"]["changed"]


def test_family_letters_wait_for_the_contact_for_families(
    demo_app: Flask, details: dict[str, str]
) -> None:
    with demo_app.app_context():
        partnership.save(None, {**details, "contact_name": "", "contact_role": "",
                                "contact_email": "", "contact_phone": ""})  # fmt: skip
    case = case_by_letter(demo_app, "L")
    client = client_for(demo_app, BU)
    message = _refusal(client, case["id"], "family_invitation_letter")
    assert ("the partnership's contact for families has not been set. Ask an administrator to "
            "set it in Settings, under Partnership details.") in message  # fmt: skip
    page = html.unescape(client.get(f"/cases/{case['id']}").text)
    assert 'id="documents-no-family-contact"' in page
    _letter(client, case["id"], "terms_of_reference")  # not a letter to the family


def test_partnership_details_are_checked_and_only_administrators_change_them(
    demo_app: Flask, details: dict[str, str]
) -> None:
    assert client_for(demo_app, BU).get("/admin/partnership").status_code == 403
    admin = client_for(demo_app, ADMIN)
    page = admin.get("/admin/partnership")
    wrong = {**details, "name": " ", "address_postcode": "not a postcode", "email": "nobody",
             "contact_email": "", "contact_phone": "", "contact_role": ""}  # fmt: skip
    refused = html.unescape(admin.post("/admin/partnership", data={
        "csrf_token": csrf_token(page.text), **wrong}).text)  # fmt: skip
    for message in ("Enter the partnership's name", "Enter a real postcode, like EY1 2AB",
                    "Enter an email address in the right format, like name@example.org",
                    "Enter the job title of the person families can contact",
                    "Enter an email address or a telephone number for the person families can "
                    "contact"):  # fmt: skip
        assert message in refused, message
    with demo_app.app_context():
        assert partnership.details().family_contact["name"] == "Morgan Example"  # unchanged
    no_token = admin.post("/admin/partnership", data=details)
    assert no_token.status_code == 400


def test_without_saved_details_the_name_comes_from_the_server(app: Flask) -> None:
    with app.app_context():
        found = partnership.details()
    assert found.name == app.config["PARTNERSHIP_NAME"] and not found.family_contact_set


def test_templates_declare_whether_they_are_letters_to_the_family(demo_app: Flask) -> None:
    with demo_app.app_context():
        shipped = {t["id"]: library.rules(library.active(t["id"])[1])[0]
                   for t in library.list_templates() if t["id"] in {e["id"] for e in
                   library.shipped_manifest()}}  # fmt: skip
    assert shipped == {"family_decision_letter": True, "family_invitation_letter": True,
                       "panel_notification_summary": False, "rapid_review_report": False,
                       "terms_of_reference": False, "publication_notice": False,
                       "delay_notice": False, "yearly_report_section": False}  # fmt: skip
    admin = client_for(demo_app, ADMIN)
    page = admin.get("/admin/templates/family_invitation_letter")
    assert "Letter to the family" in page.text and "Yes: not made while" in page.text
    upload = admin.get("/admin/templates/upload?template=family_invitation_letter")
    assert re.search(r'value="yes"\s+checked', upload.text)


def test_a_template_written_to_the_family_counts_as_a_family_letter(small: Flask) -> None:
    with small.app_context():
        admin = get_store().find_one("users", {"email": SMALL_ADMIN})
        record, _ = manage.upload_template(admin, None, "Condolences", "c.docx", make_docx(
            "Dear {{ family.salutation }},"), to_family=False)  # fmt: skip
        assert library.rules(record)[0] is True
        plain, _ = manage.upload_template(admin, None, "Memo", "m.docx", make_docx(
            "{{ case.reference }}"), to_family=False)  # fmt: skip
        assert library.rules(plain)[0] is False


def test_a_form_answer_that_is_a_case_fact_is_read_by_the_facts_name(demo_app: Flask) -> None:
    from tests.documents.conftest import upload_page

    admin = client_for(demo_app, ADMIN)
    content = make_docx("{{ forms.rapid_review.answers.decision_rationale }}")
    page = html.unescape(upload_page(admin, content))
    assert ("“forms.rapid_review.answers.decision_rationale” is a case fact, and templates read "
            "case facts by their own name: use “decision.rationale”.") in page  # fmt: skip


def test_a_template_reading_values_that_no_longer_exist_is_not_filled_with_gaps(
    small: Flask,
) -> None:
    case = send_referral(small, SMALL_BU, referral_answers())
    with small.app_context():
        admin = get_store().find_one("users", {"email": SMALL_ADMIN})
        # Stored before the variables were renamed: it passed the checks of its day.
        old = library.add_version(admin, None, "Old letter", make_docx(
            "Sent on {{ case.key_dates.rapid_review_done | uk_date }}"), "old.docx", [])
        library.use_version(admin, old["template_id"], old["version"])
    bu = small.test_client()
    assert sign_in(bu, SMALL_BU).status_code == 302
    message = _refusal(bu, case["id"], old["template_id"])
    assert "“Old letter” was not made: “case.key_dates” is not something templates can read." in (
        message)  # fmt: skip
    assert "Ask an administrator to upload a corrected version of the template." in message


def test_every_shipped_need_is_something_a_case_can_record(demo_app: Flask) -> None:
    with demo_app.app_context():
        needs = [n for e in library.shipped_manifest() for n in e["needs"]]
        assert needs and all(readiness.known_need(n) for n in needs), needs
        assert not readiness.known_need("decision.rationnale")
        page = client_for(demo_app, ADMIN).get("/admin/templates/terms_of_reference").text
    assert "the “Terms of reference” form, sent" in html.unescape(page)
    assert "the date of the decision to commission the local review" in page
