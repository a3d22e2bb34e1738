"""The form definitions shipped in forms/: they load, derive valid schemas and read well."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from cspr.formengine import messages
from cspr.formengine.definitions import FormDefinition, load_directory
from cspr.formengine.registry import load_errors
from cspr.formengine.schema import submission_schema
from cspr.formengine.validation import validate_submission
from tests.conftest import csrf_token

FORMS = Path(__file__).resolve().parents[1] / "forms"
TODAY = date(2026, 11, 22)
# Each shipped form's version: raised whenever a shipped definition changes, so that a store
# that already holds the earlier version publishes the new one.
VERSIONS = {"referral": 2, "notification": 2, "rapid_review": 2, "panel_response": 2,
            "terms_of_reference": 2}  # fmt: skip
SHIPPED = {
    "referral": ["agency_user", "business_unit", "partner", "chair"],
    "notification": ["business_unit", "partner"],
    "rapid_review": ["business_unit", "partner"],
    "panel_response": ["business_unit"],
    "terms_of_reference": ["business_unit"],
    "family_contact": ["business_unit"],
    "rapid_review_audit": ["chair"],
    "agency_summary": ["agency_user"],
}
INPUT_TYPES = {
    "short_text", "long_text", "integer", "decimal", "email", "uk_phone", "date", "yes_no",
    "radios", "checkboxes", "select", "person_name", "uk_address", "file", "repeating_group",
    "declaration",
}  # fmt: skip
JARGON = (
    "is not valid under", "is a required property", "is not of type", "is not one of",
    "does not match", "should be non-empty", "is too long", "is too short",
    "additional properties", "Check this answer", "this answer",
)  # fmt: skip


def _name(given: str, family: str) -> dict[str, str]:
    return {"given_names": given, "family_name": family}


def _address(line1: str, town: str, postcode: str) -> dict[str, str]:
    return {"line1": line1, "town": town, "postcode": postcode}


REFERRAL: dict[str, Any] = {
    "referrer_name": _name("Priya", "Shah"),
    "referrer_role": "Named nurse for safeguarding children",
    "referrer_agency_type": "health",
    "referrer_organisation": "Northtown Hospitals NHS Foundation Trust",
    "referrer_email": "priya.shah@example.nhs.uk",
    "referrer_phone": "01632 960 001",
    "child_name": _name("Amelia", "Jones"),
    "child_dob_known": True,
    "child_date_of_birth": "2025-08-03",
    "child_gender": "female",
    "child_ethnicity": "mixed_white_black_caribbean",
    "child_address": _address("12 Mill Lane", "Northtown", "NT1 4AB"),
    "child_legal_status": ["child_in_need"],
    "incident_type": "serious_harm",
    "incident_date": "2026-10-30",
    "incident_location": "The family home, Northtown",
    "incident_description": (
        "Amelia, aged 14 weeks, was brought to the emergency department with a swollen arm. "
        "X-rays showed a fractured humerus and healing rib fractures. Her parents could not "
        "explain the injuries."
    ),
    "aware_date": "2026-10-31",
    "abuse_or_neglect": "suspected",
    "referral_reasons": (
        "Unexplained fractures of different ages in a non-mobile baby. Health visiting and "
        "children's social care were both involved and had noted missed appointments."
    ),
    "police_investigation": "yes",
    "agencies_known": True,
    "agencies_involved": [
        {"agency_name": "Health visiting team", "agency_involvement": "New birth visit and "
         "two missed 6 to 8 week reviews."},
        {"agency_name": "Children's social care", "agency_involvement": "Child in need plan "
         "since September because of concerns about domestic abuse."},
    ],
    "family_aware": "no",
    "family_not_aware_reason": "The police asked us not to tell the parents yet.",
    "family_contact_hold": True,
    "family_contact_hold_reason": "The police asked us not to tell the parents yet.",
}

CHILD = {
    "unborn": False,
    "child_name": _name("Amelia", "Jones"),
    "child_role": "subject",
    "dob_known": True,
    "date_of_birth": "2025-08-03",
    "gender": "female",
    "ethnicity": "mixed_white_black_caribbean",
    "disability": "no",
    "home_area": "Northshire",
    "health_information": "Born at 35 weeks. Registered with Mill Lane surgery.",
    "legal_status": ["child_in_need"],
    "known_to_csc": "open_case",
}

NOTIFICATION: dict[str, Any] = {
    "notifier_name": _name("Sam", "Clarke"),
    "notifier_role": "Safeguarding partnership manager",
    "notifier_organisation": "Northshire Safeguarding Children Partnership",
    "notifier_phone": "07700 900 982",
    "notifier_email": "sam.clarke@example.gov.uk",
    "local_authority": "Northshire County Council",
    "children": [
        CHILD,
        {
            "unborn": False,
            "child_name": _name("Leo", "Jones"),
            "child_role": "subject",
            "dob_known": False,
            "age": 3,
            "gender": "male",
            "ethnicity": "not_known",
            "disability": "yes",
            "disability_details": "Global developmental delay",
            "home_area": "Northshire",
            "legal_status": ["child_in_need"],
            "known_to_csc": "open_case",
        },
    ],
    "incident_type": "serious_harm",
    "abuse_or_neglect": "suspected",
    "incident_date": "2026-10-30",
    "incident_time": "07:30",
    "incident_location": "The family home, Northtown",
    "la_aware_date": "2026-10-31",
    "case_outline": "A baby was found to have fractures of different ages that are unexplained.",
    "agencies_involved": "Health visiting, GP, children's social care, police.",
    "other_children_known": True,
    "other_children_details": "A half-sister aged 9 lives with her father in Southtown.",
    "perpetrator_relationship": ["mother", "parent_partner"],
    "perpetrator_details": "Both adults in the household have been arrested and bailed.",
    "looked_after_child": False,
    "care_leaver_involved": False,
}

RAPID_REVIEW: dict[str, Any] = {
    "child_name": _name("Amelia", "Jones"),
    "incident_type": "serious_harm",
    "incident_date": "2026-10-30",
    "la_aware_date": "2026-10-31",
    "notification_date": "2026-11-04",
    "notification_reference": "NSI-2026-0451",
    "meeting_date": "2026-11-17",
    "case_summary": "Amelia was admitted with a fractured arm and older rib fractures.",
    "child_experience": "Amelia was rarely seen by professionals outside the home.",
    "agency_involvement": [
        {"agency_name": "Health visiting team", "involvement_period": "August to October 2026",
         "involvement_summary": "New birth visit, then two missed reviews.",
         "information_received": True},
    ],
    "practice_episodes": [
        {"episode_date": "2026-09-20", "episode_agencies": "Health visiting, social care",
         "episode_description": "The second missed review was not shared with social care.",
         "episode_significance": "A chance to see Amelia and hear concerns was lost."},
    ],
    "practice_analysis": "Information about missed appointments stayed within health.",
    "equality_analysis": (
        "The family's mixed heritage and the mother's limited English were not considered "
        "when planning visits, and no interpreter was offered."
    ),
    "immediate_actions": "Amelia and her brother are with their grandmother under a plan.",
    "immediate_actions_outstanding": True,
    "outstanding_actions": "Strategy meeting about the half-sister: social care, 25 November.",
    "learning_identified": "Missed health appointments for babies on plans must be escalated.",
    "good_practice": "The emergency department recognised the injuries quickly.",
    "national_criteria": ["recurrent_themes"],
    "regulation_criteria": ["a_improvements", "c_joint_working"],
    "local_criteria": ["none"],
    "recommendation": "other_learning",
    "other_learning_route": "multi_agency_learning_review",
    "decision_rationale": "The learning is about two agencies and can be found quickly.",
    "decision_date": "2026-11-17",
    "national_importance": True,
    "national_importance_reason": "It repeats a national theme about non-mobile babies.",
}

PANEL_RESPONSE: dict[str, Any] = {
    "local_decision": "other_learning",
    "response_received_date": "2026-11-20",
    "panel_view": "challenge",
    "panel_comments": "The Panel asked the partners to consider a local review.",
    "panel_letter": {"file_id": "f-001", "filename": "Panel letter.pdf", "size": 48213,
                     "content_type": "application/pdf"},
}

TERMS: dict[str, Any] = {
    "review_name": "Child A",
    "commissioned_date": "2026-11-21",
    "scope": "Amelia, her brother and the adults in the household; all agencies involved.",
    "period_start": "2025-01-01",
    "period_end": "2026-10-30",
    "period_reason": "It starts when the mother's pregnancy was confirmed.",
    "lines_of_enquiry": [
        {"enquiry_question": "How well did agencies share information about missed visits?"},
        {"enquiry_question": "How were the parents' needs as adults understood?"},
    ],
    "method": "systems_approach",
    "method_details": "Agency reports, a practitioner event and conversations with managers.",
    "lead_reviewer_name": _name("Ruth", "Osei"),
    "lead_reviewer_organisation": "Independent",
    "lead_reviewer_independent": True,
    "lead_reviewer_appointed_date": "2026-11-21",
    "panel_informed": True,
    "panel_informed_date": "2026-11-22",
    "family_involvement": "The grandmother will be invited through the social worker.",
    "parallel_processes": ["criminal"],
    "parallel_details": "Police investigation led by the major crime team.",
    "planned_completion_date": "2027-05-21",
    "longer_than_six_months": False,
    "publication_plan": "full_report",
}

FAMILY_CONTACT: dict[str, Any] = {
    "contact_date": "2026-11-21",
    "contact_type": "meeting_held",
    "contact_purpose": "invitation",
    "contacted_relationship": ["grandparent", "other"],
    "contacted_relationship_other": "Aunt",
    "contacted_by": "The family's social worker",
    "consent": "yes",
    "advocate": "accepted",
    "advocate_organisation": "Family advocacy service",
    "support_needs": "An interpreter for Polish.",
    "contact_notes": "The grandmother wants the review to hear about the family's struggles.",
    "next_contact_date": "2026-12-05",
}

AUDIT: dict[str, Any] = {
    "period_start": "2026-04-01",
    "period_end": "2026-09-30",
    "reviews_count": 4,
    "notified_on_time": 4,
    "reviews_on_time": 3,
    "timeliness_findings": "One review was late because an agency replied slowly.",
    "rationale_rating": "mixed",
    "rationale_findings": "Two rationales did not mention criterion (b).",
    "family_findings": "Families were told about decisions in writing in every case.",
    "themes": "Non-mobile babies and parents' mental health.",
    "audit_recommendations": [
        {"recommendation_text": "Use a rationale template linked to each criterion.",
         "recommendation_owner": "Business unit"},
    ],
    "chair_name": _name("Olivia", "Grant"),
    "audit_date": "2026-11-20",
}

AGENCY_SUMMARY: dict[str, Any] = {
    "agency_name": "Testshire Community Health",
    "completed_by_role": "Named nurse for safeguarding children",
    "involvement": "The health visiting team saw the family at home from birth.",
    "chronology": [
        {"entry_date": "2026-09-01", "contact": "Home visit by the health visitor",
         "what_happened": "New birth visit; no concerns recorded."},
        {"entry_date": "2026-10-12", "contact": "Clinic appointment",
         "what_happened": "Weight check; the mother seemed tired and low."},
    ],
    "went_well": "Visits happened on time.",
    "could_be_better": "The low mood was not followed up.",
    "immediate_actions": "A briefing for the team on perinatal mental health.",
}  # fmt: skip

COMPLETE: dict[str, dict[str, Any]] = {
    "referral": REFERRAL,
    "notification": NOTIFICATION,
    "rapid_review": RAPID_REVIEW,
    "panel_response": PANEL_RESPONSE,
    "terms_of_reference": TERMS,
    "family_contact": FAMILY_CONTACT,
    "rapid_review_audit": AUDIT,
    "agency_summary": AGENCY_SUMMARY,
}

# Answer sets missing what the form must have, including answers that reveal follow-ups.
INCOMPLETE: dict[str, dict[str, Any]] = {
    "referral": {"child_dob_known": False, "referrer_agency_type": "other",
                 "agencies_known": True, "family_aware": "no", "referrer_email": "priya"},
    "notification": {"children": [{"dob_known": True, "disability": "yes"}],
                     "other_children_known": True, "looked_after_child": True,
                     "care_leaver_involved": True, "notifier_phone": "12345"},
    "rapid_review": {"recommendation": "other_learning", "national_importance": True,
                     "immediate_actions_outstanding": True, "practice_episodes": [{}]},
    "panel_response": {"panel_view": "challenge", "local_decision": "national_review"},
    "terms_of_reference": {"method": "other", "panel_informed": True,
                           "parallel_processes": ["inquest"], "longer_than_six_months": True,
                           "publication_plan": "improvements_only", "lines_of_enquiry": []},
    "family_contact": {"contact_type": "other", "contact_purpose": "other",
                       "contacted_relationship": ["other"]},
    "rapid_review_audit": {"reviews_count": -1, "audit_recommendations": [{}]},
    "agency_summary": {"chronology": [{"entry_date": "2030-01-01"}]},
}


@pytest.fixture(scope="module")
def shipped() -> dict[str, FormDefinition]:
    definitions, errors = load_directory(FORMS)
    assert errors == []
    return definitions


def _inputs(definition: FormDefinition) -> list[dict[str, Any]]:
    """Return every field and group sub-field that takes an answer."""
    found = []
    for field in definition.all_fields():
        for each in [field, *field.get("fields", [])]:
            if each["type"] in INPUT_TYPES:
                found.append(each)
    return found


def _assert_readable(message: str) -> None:
    assert message[:1].isupper(), message
    assert message == message.strip() and "  " not in message, message
    assert not any(word in message for word in JARGON), message
    assert "{" not in message and "_" not in message, message


def test_every_shipped_form_loads(shipped: dict[str, FormDefinition]) -> None:
    assert set(SHIPPED) <= set(shipped)
    for form_id, audience in SHIPPED.items():
        definition = shipped[form_id]
        assert definition.version == VERSIONS.get(form_id, 1)
        assert definition.raw["audience"] == audience
        assert definition.description


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_derived_schema_is_valid(shipped: dict[str, FormDefinition], form_id: str) -> None:
    Draft202012Validator.check_schema(submission_schema(shipped[form_id]))


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_complete_answers_are_accepted(shipped: dict[str, FormDefinition], form_id: str) -> None:
    clean, errors = validate_submission(shipped[form_id], COMPLETE[form_id], TODAY)
    assert errors == {}
    # Every answer was for a field the user would see, so none was dropped as hidden.
    assert clean == COMPLETE[form_id]


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_incomplete_answers_read_well(shipped: dict[str, FormDefinition], form_id: str) -> None:
    for answers in ({}, INCOMPLETE[form_id]):
        _, errors = validate_submission(shipped[form_id], answers, TODAY)
        assert errors
        for message in errors.values():
            assert message.startswith(("Enter", "Select", "Add", "Confirm")) or message[0].isupper()
            _assert_readable(message)


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_every_input_has_an_error_name(shipped: dict[str, FormDefinition], form_id: str) -> None:
    for field in _inputs(shipped[form_id]):
        name = field.get("error_name", "")
        assert name.strip(), f"{form_id}.{field['name']} has no error_name"
        assert not name.endswith((".", "?")), name
        _assert_readable(messages.required_message(field))


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_shipped_forms_no_longer_copy_answers_by_field_name(
    shipped: dict[str, FormDefinition], form_id: str
) -> None:
    # Case forms are filled from the case's facts, bound by declaration, not from another
    # form's field names.
    assert not any("prefill" in field for field in _inputs(shipped[form_id]))


def test_notification_allows_at_most_four_children(shipped: dict[str, FormDefinition]) -> None:
    notification = shipped["notification"]
    answers = copy.deepcopy(NOTIFICATION)
    answers["children"] = [copy.deepcopy(CHILD) for _ in range(4)]
    assert validate_submission(notification, answers, TODAY)[1] == {}
    answers["children"].append(copy.deepcopy(CHILD))
    _, errors = validate_submission(notification, answers, TODAY)
    assert list(errors) == ["children"]
    assert "4" in errors["children"]
    assert errors["children"] == "You can add up to 4 children"


def test_notification_needs_at_least_one_child(shipped: dict[str, FormDefinition]) -> None:
    answers = {**NOTIFICATION, "children": []}
    _, errors = validate_submission(shipped["notification"], answers, TODAY)
    assert errors == {"children": "Add at least 1 child"}


def test_notification_awareness_date_rules(shipped: dict[str, FormDefinition]) -> None:
    notification = shipped["notification"]
    field = notification.field("la_aware_date")
    assert field["required"] is True
    missing = {k: v for k, v in NOTIFICATION.items() if k != "la_aware_date"}
    _, errors = validate_submission(notification, missing, TODAY)
    assert errors == {
        "la_aware_date": "Enter the date the local authority became aware of the incident"
    }
    early = {**NOTIFICATION, "la_aware_date": "2026-10-29"}
    _, errors = validate_submission(notification, early, TODAY)
    assert errors["la_aware_date"] == (
        "The date the local authority became aware of the incident must be the same as or "
        "after the date of the incident"
    )
    future = {**NOTIFICATION, "la_aware_date": "2026-11-23"}
    _, errors = validate_submission(notification, future, TODAY)
    assert errors["la_aware_date"].endswith("must be today or in the past")


def test_child_born_after_incident_is_refused(shipped: dict[str, FormDefinition]) -> None:
    answers = copy.deepcopy(NOTIFICATION)
    answers["children"][0]["date_of_birth"] = "2026-11-01"
    _, errors = validate_submission(shipped["notification"], answers, TODAY)
    assert errors == {"children.0.date_of_birth": (
        "The child's date of birth must be the same as or before the date of the incident"
    )}


def test_panel_response_asks_about_a_national_review_only_when_recommended(
    shipped: dict[str, FormDefinition],
) -> None:
    panel = shipped["panel_response"]
    agreed = {**PANEL_RESPONSE, "panel_view": "agree"}
    clean, errors = validate_submission(panel, agreed, TODAY)
    assert errors == {} and "national_review_answer" not in clean
    recommended = {**agreed, "local_decision": "national_review"}
    _, errors = validate_submission(panel, recommended, TODAY)
    assert list(errors) == ["national_review_answer"]
    answered = {**recommended, "national_review_answer": "national"}
    assert validate_submission(panel, answered, TODAY)[1] == {}


def test_terms_of_reference_period_ends_after_it_starts(
    shipped: dict[str, FormDefinition],
) -> None:
    answers = {**TERMS, "period_end": "2024-12-31"}
    _, errors = validate_submission(shipped["terms_of_reference"], answers, TODAY)
    assert errors == {"period_end": (
        "The end of the period under review must be the same as or after the start of the "
        "period under review"
    )}


def test_rapid_review_requires_the_equality_analysis(
    shipped: dict[str, FormDefinition],
) -> None:
    rapid_review = shipped["rapid_review"]
    assert rapid_review.field("equality_analysis")["type"] == "long_text"
    answers = {k: v for k, v in RAPID_REVIEW.items() if k != "equality_analysis"}
    _, errors = validate_submission(rapid_review, answers, TODAY)
    assert list(errors) == ["equality_analysis"]
    assert errors["equality_analysis"].startswith("Enter how inequalities shaped")


def test_rapid_review_decision_options(shipped: dict[str, FormDefinition]) -> None:
    rapid_review = shipped["rapid_review"]
    values = [option["value"] for option in rapid_review.field("recommendation")["options"]]
    assert values == ["local_cspr", "national_review", "other_learning", "no_further_action"]
    criteria = [o["value"] for o in rapid_review.field("regulation_criteria")["options"]]
    assert criteria[:4] == ["a_improvements", "b_recurrent_themes", "c_joint_working",
                            "d_panel_view"]
    no_action = {**RAPID_REVIEW, "recommendation": "no_further_action",
                 "national_importance": False}
    clean, errors = validate_submission(rapid_review, no_action, TODAY)
    assert errors == {}
    assert "other_learning_route" not in clean and "national_importance_reason" not in clean


def test_the_action_plan_is_no_longer_a_form(shipped: dict[str, FormDefinition]) -> None:
    # Action plans are kept by learning/ (agency-owned actions with evidence), not a form.
    assert "action_plan" not in shipped and not (FORMS / "action_plan.json").exists()


def test_referral_asks_for_age_only_without_date_of_birth(
    shipped: dict[str, FormDefinition],
) -> None:
    referral = shipped["referral"]
    answers = {k: v for k, v in REFERRAL.items() if k != "child_date_of_birth"}
    answers["child_dob_known"] = False
    _, errors = validate_submission(referral, answers, TODAY)
    assert errors == {"child_age": "Enter the child's age"}
    clean, errors = validate_submission(referral, {**answers, "child_age": "2"}, TODAY)
    assert errors == {} and clean["child_age"] == 2
    _, errors = validate_submission(referral, {**answers, "child_age": 25}, TODAY)
    assert set(errors) == {"child_age"}
    _assert_readable(errors["child_age"])


@pytest.mark.parametrize("form_id", sorted(SHIPPED))
def test_every_page_renders(
    app: Flask, admin_client: FlaskClient, shipped: dict[str, FormDefinition], form_id: str
) -> None:
    with app.app_context():
        assert load_errors() == []
    listing = admin_client.get("/forms")
    assert shipped[form_id].title in listing.text
    started = admin_client.post(
        f"/forms/{form_id}/start", data={"csrf_token": csrf_token(listing.text)}
    )
    assert started.status_code == 302
    draft_url = str(started.headers["Location"]).rsplit("/", 1)[0]
    for page in shipped[form_id].pages:
        response = admin_client.get(f"{draft_url}/{page['id']}")
        if "show_if" in page:
            assert response.status_code in (200, 302)
            continue
        assert response.status_code == 200, page["id"]
        assert page["title"] in response.text.replace("&#39;", "'")
    first = shipped[form_id].pages[0]["id"]
    page_html = admin_client.get(f"{draft_url}/{first}").text
    sent = admin_client.post(
        f"{draft_url}/{first}", data={"csrf_token": csrf_token(page_html), "action": "continue"}
    )
    assert sent.status_code in (200, 302)
    if sent.status_code == 200:
        assert "govuk-error-summary" in sent.text
