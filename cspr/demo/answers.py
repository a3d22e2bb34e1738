"""Fictional answer sets for the shipped forms, for the Exampleshire demonstration partnership.

Every person, child, place, postcode (the EY area does not exist), telephone number (Ofcom's
drama ranges) and email address (example.org) here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

PARTNERSHIP = "Exampleshire Safeguarding Children Partnership"
COUNCIL = "Exampleshire County Council"
HEALTH_AGENCY = "Exampleshire Community Health Services"
SCHOOL_AGENCY = "Sampleton Primary School, Exampleshire"
LEAD_REVIEWER = ("Rowan", "Fictitious")
# The demo partnership's details for letters, as an administrator would set them.
PARTNERSHIP_DETAILS = {
    "name": PARTNERSHIP,
    "address_line1": "Partnership Business Unit, County Hall",
    "address_line2": "1 Imaginary Square",
    "address_town": "Sampleton",
    "address_county": "Exampleshire",
    "address_postcode": "EY1 1AA",
    "email": "partnership@demo.example.org",
    "phone": "01632 960 100",
    "contact_name": "Morgan Example",
    "contact_role": "Family liaison officer",
    "contact_email": "families@demo.example.org",
    "contact_phone": "01632 960 109",
}

# Who fills in the forms: (given names, family name, job, email, phone).
PEOPLE: dict[str, tuple[str, str, str, str, str]] = {
    "bu": ("Bea", "Example", "Partnership business manager", "bu@demo.example.org",
           "01632 960 101"),
    "la": ("Laurie", "Example", "Director of children's services", "la@demo.example.org",
           "01632 960 102"),
    "police": ("Percy", "Example", "Detective superintendent, public protection",
               "police@demo.example.org", "01632 960 103"),
    "icb": ("Ivy", "Example", "Director of nursing and quality", "icb@demo.example.org",
            "01632 960 104"),
    "chair": ("Charlie", "Example", "Independent chair and scrutineer",
              "chair@demo.example.org", "01632 960 105"),
    "health": ("Hattie", "Example", "Named nurse for safeguarding children",
               "nurse@health.demo.example.org", "07700 900 106"),
    "school": ("Sid", "Example", "Designated safeguarding lead",
               "dsl@school.demo.example.org", "07700 900 107"),
    "admin": ("Ada", "Example", "Systems administrator", "admin@demo.example.org",
              "01632 960 108"),
}  # fmt: skip
REFERRER_TYPE = {"health": "health", "school": "education", "police": "police",
                 "la": "childrens_social_care"}  # fmt: skip
ORGANISATION = {"health": HEALTH_AGENCY, "school": SCHOOL_AGENCY, "la": COUNCIL,
                "police": "Exampleshire Constabulary", "icb": "NHS Exampleshire ICB"}  # fmt: skip


@dataclass(frozen=True)
class Story:
    """One fictional child's case: who, what happened, and what agencies learned."""

    letter: str
    given: str
    family: str
    age_days: int
    gender: str
    ethnicity: str
    died: bool
    abuse: str  # "known", "suspected" or "no"
    place: str
    address: tuple[str, str, str]  # first line, town, postcode
    legal: tuple[str, ...]  # the referral form's legal status values
    known_to_csc: str
    happened: str
    reasons: str
    agencies: tuple[tuple[str, str], ...]
    # What the rapid review found; left empty for cases that end before a rapid review.
    experience: str = ""
    analysis: str = ""
    equality: str = ""
    learning: str = ""
    good: str = ""
    safety: str = ""
    perpetrator: tuple[str, ...] = ("not_known",)
    disability: str = ""
    looked_after: bool = False
    hold: str = ""  # why the family must not be contacted yet, if they must not


def name(given: str, family: str) -> dict[str, str]:
    """Return a person_name answer."""
    return {"given_names": given, "family_name": family}


def person(key: str) -> dict[str, str]:
    """Return the name of one of the demo's staff."""
    return name(PEOPLE[key][0], PEOPLE[key][1])


def born(story: Story, incident: date) -> date:
    """Return the child's date of birth from their age on the day of the incident."""
    return incident - timedelta(days=story.age_days)


def referral(story: Story, who: str, incident: date, aware: date) -> dict[str, Any]:
    """Answer the referral form as an agency, partner or business unit member would."""
    given, family, job, email, phone = PEOPLE[who]
    answers: dict[str, Any] = {
        "referrer_name": name(given, family),
        "referrer_role": job,
        "referrer_agency_type": REFERRER_TYPE[who],
        "referrer_organisation": ORGANISATION[who],
        "referrer_email": email,
        "referrer_phone": phone,
        "child_name": name(story.given, story.family),
        "child_dob_known": True,
        "child_date_of_birth": born(story, incident).isoformat(),
        "child_gender": story.gender,
        "child_ethnicity": story.ethnicity,
        "child_address": {"line1": story.address[0], "town": story.address[1],
                          "county": "Exampleshire", "postcode": story.address[2]},
        "child_legal_status": list(story.legal),
        "incident_type": "death" if story.died else "serious_harm",
        "incident_date": incident.isoformat(),
        "incident_location": story.place,
        "incident_description": story.happened,
        "aware_date": aware.isoformat(),
        "la_aware_date": aware.isoformat(),
        "abuse_or_neglect": story.abuse,
        "referral_reasons": story.reasons,
        "police_investigation": "no" if story.abuse == "no" else "yes",
        "agencies_known": True,
        "agencies_involved": [
            {"agency_name": agency, "agency_involvement": what} for agency, what in story.agencies
        ],
        "family_aware": "no" if story.hold else "yes",
        "family_contact_hold": bool(story.hold),
    }  # fmt: skip
    if story.hold:
        answers["family_not_aware_reason"] = story.hold
        answers["family_contact_hold_reason"] = story.hold
    return answers


def view_reason(story: Story, partner: str, agree: bool) -> str:
    """Give one statutory partner's reasons for their view on notifying."""
    what = f"{story.given} {'died' if story.died else 'was seriously harmed'}"
    views = {
        ("la", True): f"{what} and abuse or neglect is known or suspected. This is a serious "
        "child safeguarding case and the council will notify the Panel.",
        ("police", True): f"{what}, and what we know so far points to abuse or neglect.",
        ("icb", True): f"Health records support the view that abuse or neglect played a part "
        f"in what happened to {story.given}; the case is notifiable.",
        ("la", False): "Our enquiries found an accidental cause. Abuse or neglect is not "
        "suspected, so the case is not notifiable.",
        ("police", False): "The strategy discussion found the child's account consistent, and "
        "there is no police investigation.",
        ("icb", False): "The medical opinion is that the injuries match the account given and "
        "the delay in seeking care has been explained.",
    }
    return views[(partner, agree)]


def _legal(story: Story) -> list[str]:
    """Turn the referral's legal status values into the notification's."""
    return ["none" if value == "none_known" else value for value in story.legal]


def notification(story: Story, incident: date, aware: date) -> dict[str, Any]:
    """Answer the serious incident notification, sent by the business unit for the council."""
    child: dict[str, Any] = {
        "unborn": False,
        "child_name": name(story.given, story.family),
        "child_role": "subject",
        "dob_known": True,
        "date_of_birth": born(story, incident).isoformat(),
        "gender": story.gender,
        "ethnicity": story.ethnicity,
        "disability": "yes" if story.disability else "no",
        "home_area": story.address[1] + ", Exampleshire",
        "legal_status": _legal(story),
        "known_to_csc": story.known_to_csc,
    }
    if story.disability:
        child["disability_details"] = story.disability
    answers: dict[str, Any] = {
        "notifier_name": person("bu"),
        "notifier_role": PEOPLE["bu"][2],
        "notifier_organisation": PARTNERSHIP,
        "notifier_phone": PEOPLE["bu"][4],
        "notifier_email": PEOPLE["bu"][3],
        "local_authority": COUNCIL,
        "children": [child],
        "incident_type": "death" if story.died else "serious_harm",
        "abuse_or_neglect": story.abuse,
        "incident_date": incident.isoformat(),
        "incident_location": story.place,
        "la_aware_date": aware.isoformat(),
        "case_outline": story.happened,
        "agencies_involved": "; ".join(agency for agency, _ in story.agencies) + ".",
        "other_children_known": False,
        "perpetrator_relationship": list(story.perpetrator),
        "looked_after_child": story.looked_after,
        "care_leaver_involved": False,
    }
    if story.looked_after:
        answers["looked_after_authority"] = COUNCIL
        answers["placement_type"] = "Children's home run by an independent provider"
    return answers


RATIONALE = {
    "local_cspr": "The case meets criteria (a) and (c): it shows improvements needed in how "
    "agencies work together, and a local review led by an independent reviewer will give the "
    "learning the depth it needs.",
    "national_review": "The partners recommend that the Panel considers a national review: the "
    "learning repeats a theme seen in other areas that no single partnership can change.",
    "other_learning": "The learning is real but narrow, and can be drawn out more quickly and "
    "more usefully through a smaller review than a full local review.",
    "no_further_action": "The rapid review found that agencies acted promptly and worked well "
    "together. No further learning would come from a wider review.",
}


def rapid_review(
    story: Story,
    dates: dict[str, date],
    recommendation: str,
    route: str = "",
    rationale: str = "",
) -> dict[str, Any]:
    """Answer the rapid review, with the dates the partners met, decided and signed."""
    incident = dates["incident"]
    answers: dict[str, Any] = {
        "child_name": name(story.given, story.family),
        "incident_type": "death" if story.died else "serious_harm",
        "incident_date": incident.isoformat(),
        "la_aware_date": dates["aware"].isoformat(),
        "notification_date": dates["notified"].isoformat(),
        "meeting_date": dates["decided"].isoformat(),
        "case_summary": story.happened,
        "child_experience": story.experience,
        "agency_involvement": [
            {"agency_name": agency, "involvement_summary": what, "information_received": True}
            for agency, what in story.agencies
        ],
        "practice_episodes": [
            {"episode_date": (incident - timedelta(days=40)).isoformat(),
             "episode_agencies": " and ".join(agency for agency, _ in story.agencies),
             "episode_description": story.analysis,
             "episode_significance": "A chance to see the whole picture was missed."},
        ],
        "practice_analysis": story.analysis,
        "equality_analysis": story.equality,
        "immediate_actions": story.safety,
        "immediate_actions_outstanding": False,
        "learning_identified": story.learning,
        "good_practice": story.good,
        "regulation_criteria": ["none"] if recommendation == "no_further_action"
        else ["a_improvements", "c_joint_working"],
        "local_criteria": ["none"],
        "recommendation": recommendation,
        "decision_rationale": rationale or RATIONALE[recommendation],
        "decision_date": dates["decided"].isoformat(),
        "national_importance": recommendation == "national_review",
        "national_criteria": ["improvements", "recurrent_themes"]
        if recommendation == "national_review" else ["none"],
    }  # fmt: skip
    if route:
        answers["other_learning_route"] = route
    if recommendation == "national_review":
        answers["national_importance_reason"] = (
            "Similar cases in other partnerships point to a gap in national guidance."
        )
    return answers


def panel_response(
    decision: str, received: date, agree: bool, comments: str = "", national: str = "local"
) -> dict[str, Any]:
    """Record the National Panel's reply to the partners' decision."""
    return {
        "local_decision": decision,
        "response_received_date": received.isoformat(),
        "panel_view": "agree" if agree else "challenge",
        "panel_comments": comments
        or "The Panel agreed with the partners' decision and thanked them for a clear rationale.",
        **({"national_review_answer": national} if decision == "national_review" else {}),
    }


def terms_of_reference(
    story: Story, incident: date, commissioned: date, planned: date, delay: str = ""
) -> dict[str, Any]:
    """Set out the local review's terms of reference."""
    appointed = commissioned + timedelta(days=14)
    answers: dict[str, Any] = {
        "review_name": f"Child {story.letter}",
        "commissioned_date": commissioned.isoformat(),
        "scope": f"Child {story.letter}, their household and every agency that knew them.",
        "period_start": (born(story, incident) - timedelta(days=270)).isoformat(),
        "period_end": incident.isoformat(),
        "period_reason": "It starts when the pregnancy was first known to services.",
        "lines_of_enquiry": [
            {"enquiry_question": "How well did agencies share what each of them knew?"},
            {"enquiry_question": f"What was daily life like for Child {story.letter}?"},
            {"enquiry_question": "What helped or got in the way of good practice?"},
        ],
        "method": "systems_approach",
        "method_details": "Agency chronologies, two practitioner events and a family meeting.",
        "lead_reviewer_name": name(*LEAD_REVIEWER),
        "lead_reviewer_organisation": "Independent reviewer (fictional)",
        "lead_reviewer_independent": True,
        "lead_reviewer_appointed_date": appointed.isoformat(),
        "panel_informed": True,
        "panel_informed_date": (appointed + timedelta(days=3)).isoformat(),
        "family_involvement": "Family members will be invited through the practitioner who "
        "knows them best, with an advocate if they would like one.",
        "parallel_processes": ["criminal"] if delay else ["none"],
        "planned_completion_date": planned.isoformat(),
        "longer_than_six_months": bool(delay),
        "publication_plan": "full_report",
    }
    if delay:
        answers["parallel_details"] = "A criminal trial; the police lead keeps the review told."
        answers["delay_reason"] = delay
    return answers


def family_contact(when: date, purpose: str, kind: str, notes: str) -> dict[str, Any]:
    """Record a contact with the child's family."""
    return {
        "contact_date": when.isoformat(),
        "contact_type": kind,
        "contact_purpose": purpose,
        "contacted_relationship": ["mother", "grandparent"],
        "contacted_by": "The family's allocated social worker",
        "consent": "yes",
        "advocate": "accepted",
        "advocate_organisation": "Exampleshire Family Advocacy (fictional)",
        "contact_notes": notes,
        "next_contact_date": (when + timedelta(days=28)).isoformat(),
    }


def rapid_review_audit(start: date, end: date, audited: date) -> dict[str, Any]:
    """Answer the independent chair's six-monthly audit of rapid reviews."""
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "reviews_count": 5,
        "notified_on_time": 5,
        "reviews_on_time": 4,
        "timeliness_findings": "One rapid review ran two days late while a health chronology "
        "was chased.",
        "rationale_rating": "strong",
        "rationale_findings": "Decisions named the criteria they relied on in every case.",
        "family_findings": "Families had a letter explaining each decision within a month.",
        "themes": "Babies under one, and older children drawn into exploitation.",
        "audit_recommendations": [
            {
                "recommendation_text": "Ask agencies for chronologies on the day of notification.",
                "recommendation_owner": "Business unit",
            },
        ],
        "chair_name": person("chair"),
        "audit_date": audited.isoformat(),
    }


# Wording for particular cases, used by the plans in demo.py.
POLICE_DISSENT = (
    "The post-mortem is not complete and there is no evidence of neglect yet. The police would "
    "wait for the pathologist's report before notifying."
)
MILESTONE_NOTES = {
    "reviewer_appointed": "Rowan Fictitious, an independent reviewer from outside the area.",
    "quality_assurance": "The review group read the draft against the terms of reference.",
}
INQUEST_HOLD = "The coroner asked that nothing is published before the inquest ends."
HOLD_LIFTED = "The inquest has ended and the coroner has no objection to publication."
NATIONAL_REVIEW_NOTE = (
    "The Panel will carry out a national review of safer sleep when families move between "
    "areas, and asked the partnership to take part."
)
CRITERIA_NOT_MET = (
    "CCTV from the leisure centre shows Rosa slipped on a wet floor: abuse or neglect is no "
    "longer suspected."
)
LA_NOTIFIED_ANYWAY = (
    "The council believes neglect may have played a part and that the Panel should hear of "
    "Daisy's death now; the police view is recorded with the notification."
)
SIMILAR_REVIEW = (
    "A local review of a very similar case finished this year, and its action plan already "
    "covers this learning."
)
CHALLENGES = {
    "G": "The Panel asks the partners to look again: the case shows the recurring theme of a "
    "new adult in the household unknown to agencies, which the earlier review did not test.",
    "H": "The Panel asks the partners to reconsider: disabled children going unseen is a "
    "recurring theme that a local review could test properly.",
}
RECONVENED = (
    "Having heard the Panel, the partners agree that disabled children going unseen is a theme "
    "across agencies and needs a full local review."
)
TRIAL_DELAY = (
    "The criminal trial ends after the six months are up; the police and prosecutors asked that "
    "the report waits for the verdict."
)
DELAY_APPROVED_BY = "The three safeguarding partners"
CONTACT_NOTES = {
    "F": "A letter explained the decision and invited the family to take part in the review.",
    "H": "The mother and grandmother met the lead reviewer, with an interpreter.",
    "J": "The family read the final report with the lead reviewer before it was published.",
}
RECOMMENDATIONS = (
    "Agencies should share concerns about missed contact with the child's lead professional "
    "within one working day.",
    "Practitioners should record what the child's day is like, in the child's own words where "
    "possible.",
)
CHILDRENS_SERVICES = "Exampleshire County Council Children's Services"
ICB_AGENCY = "NHS Exampleshire Integrated Care Board"
# (what will be done, recommendation number, owning agency, owner's name and role)
ACTIONS = (
    ("Publish a one-page guide for school staff on sharing missed contact", 1, SCHOOL_AGENCY,
     ("Sid Example", "Designated safeguarding lead")),
    ("Train health staff on escalating missed appointments", 1, HEALTH_AGENCY,
     ("Hattie Example", "Named nurse for safeguarding children")),
    ("Add the child's day to assessment templates", 2, CHILDRENS_SERVICES,
     ("Robin Sample", "Head of quality assurance")),
    ("Audit health records for the child's voice", 2, ICB_AGENCY,
     ("Ivy Example", "Director of nursing and quality")),
)  # fmt: skip
PROGRESS = {
    "red": "Behind plan: the lead changed jobs and the work is being handed over.",
    "amber": "Draft written; staff consultation under way.",
    "green": "On track; training dates are booked.",
}
EVIDENCE_NAME = "dip-sample-audit-summary.txt"
EVIDENCE = (
    "Dip-sample audit summary (fictional demo file)\n\n"
    "Twenty records were checked three months after the change. Seventeen showed the new "
    "practice. No child or family is named in this file.\n"
)
COMPLETED = "The change is in place and a dip-sample audit found it in most records."


def actions(published: date, today: date, finished: bool) -> list[tuple[Any, ...]]:
    """Return a review's actions as (wording, recommendation, agency, owner, due, status):
    all finished, or under way with one finished and one running late."""
    if finished:
        return [(text, number, agency, owner, published + timedelta(days=60 * n), "complete")
                for n, (text, number, agency, owner) in enumerate(ACTIONS, start=1)]  # fmt: skip
    days = timedelta(days=1)
    plan = [("complete", published + 30 * days), ("amber", today + 28 * days),
            ("green", today + 84 * days), ("red", today - 14 * days)]  # fmt: skip
    return [(text, number, agency, owner, due, status)
            for (text, number, agency, owner), (status, due) in zip(ACTIONS, plan, strict=True)]


def learning_activities(published: date) -> list[tuple[str, str, date, str, int]]:
    """Return how a review's learning was shared: (kind, about, when, audience, reached)."""
    return [
        ("seven_minute_briefing", "Seven-minute briefing on sharing missed contact",
         published + timedelta(days=14), "Health visitors, school nurses and GPs", 85),
        ("training", "Multi-agency training update on the child's lived experience",
         published + timedelta(days=45), "Social workers and early help practitioners", 40),
    ]  # fmt: skip


# The children. Initials follow the case letters ("Child A" to "Child O") and the family names
# are plainly invented; no story is taken from a real case.
STORIES: dict[str, Story] = {s.letter: s for s in [
    Story(
        letter="A", given="Alfie", family="Exampleton", age_days=63, gender="male",
        ethnicity="white_british", died=False, abuse="suspected",
        place="The family flat, Sampleton", address=("Flat 3, 12 Imaginary Row", "Sampleton",
        "EY1 2AB"), legal=("none_known",), known_to_csc="no",
        happened="Alfie, aged nine weeks, was brought to the children's emergency department "
        "by ambulance after his parents said he had become floppy and pale. Scans showed "
        "bleeding around the brain and behind both eyes. Neither parent could explain it.",
        reasons="Injuries like these in a baby who cannot move about on his own are rarely "
        "accidental. The mother is 19 and has little support nearby.",
        agencies=(("Midwifery service", "Booked late, at 24 weeks; two antenatal "
                   "appointments missed."),
                  ("Health visiting team", "New birth visit done; the six to eight week "
                   "review was not attended.")),
    ),
    Story(
        letter="B", given="Bella", family="Sampleford", age_days=2230, gender="female",
        ethnicity="white_other", died=False, abuse="known", place="Home, Exampleford",
        address=("27 Pretend Street", "Exampleford", "EY3 5DF"), legal=("none_known",),
        known_to_csc="previously",
        happened="Bella, aged six, came to school with an infected burn on the back of her "
        "hand that had not been treated for several days. Her shoes were too small and she "
        "was very hungry.",
        reasons="Bella's attendance this year is 71 per cent and staff have raised concerns "
        "about her care three times. Early help was offered last spring but not taken up.",
        agencies=(("Sampleton Primary School", "Attendance and care concerns logged since "
                   "Reception; early help request in March."),
                  ("GP practice", "Immunisations overdue; two letters sent to the family.")),
    ),
    Story(
        letter="C", given="Cody", family="Fictional", age_days=5210, gender="male",
        ethnicity="black_caribbean", died=False, abuse="suspected",
        place="Mockbridge recreation ground", address=("5 Invented Close", "Mockbridge",
        "EY5 1HJ"), legal=("child_in_need",), known_to_csc="open_case",
        perpetrator=("known_adult",),
        happened="Cody, aged 14, was found unconscious in a park late at night after taking "
        "an unknown substance, and spent four days in intensive care.",
        reasons="Cody has been missing nine times in three months and was twice found in "
        "another county with cash and two phones. Criminal exploitation is suspected.",
        agencies=(("Youth justice service", "Working with Cody since a possession offence."),
                  ("Children's social care", "Child in need plan because of missing "
                   "episodes.")),
    ),
    Story(
        letter="D", given="Daisy", family="Placeholder", age_days=1155, gender="female",
        ethnicity="white_british", died=True, abuse="suspected",
        place="Temporary accommodation, Fictonbury", address=("Room 4, Notional House",
        "Fictonbury", "EY7 3LN"), legal=("none_known",), known_to_csc="previously",
        happened="Daisy, aged three, was found unresponsive at home by her mother and could "
        "not be revived. First post-mortem findings suggest she was severely underweight.",
        reasons="Neglect is suspected. The family moved here four months ago; Daisy's health "
        "records did not follow her and she was not registered with a GP.",
        agencies=(("Health visiting team", "Transfer-in requested from the previous area but "
                   "not completed."),
                  ("Housing options service", "Placed the family in temporary "
                   "accommodation.")),
        hold="The police asked that the family is not contacted about the review until they "
        "have spoken to Daisy's mother.",
    ),
    Story(
        letter="E", given="Eli", family="Madeup", age_days=330, gender="male",
        ethnicity="mixed_white_asian", died=False, abuse="known", place="Home, Sampleton",
        address=("9 Nowhere Lane", "Sampleton", "EY1 6QT"), legal=("none_known",),
        known_to_csc="no", perpetrator=("father",),
        happened="Eli, aged 11 months, drank methadone that had been left within his reach "
        "and needed paediatric intensive care. He has since recovered.",
        reasons="Eli's father collects take-home doses from a drug treatment service. Eli's "
        "sister told her teacher that Eli drank 'daddy's medicine'.",
        agencies=(("Adult drug and alcohol service", "Father in treatment for two years; "
                   "no record of young children at home."),
                  ("Health visiting team", "Routine visits; not told about the treatment.")),
        experience="Eli was a lively baby meeting his milestones. His sister described home "
        "as loving but often chaotic.",
        analysis="The drug service never asked who lived at home, so the risk of take-home "
        "doses to young children was not assessed or shared with health visiting.",
        equality="The father feared being judged as a drug user and did not tell health "
        "staff about his treatment. Stigma kept the two services apart.",
        learning="Adult services must ask about children at home and check safe storage "
        "before take-home doses start.",
        good="The school acted on what Eli's sister said the same morning.",
        safety="Eli and his sister live with their grandmother under a child protection plan.",
    ),
    Story(
        letter="F", given="Freya", family="Pretendwell", age_days=120, gender="female",
        ethnicity="black_african", died=True, abuse="suspected",
        place="The family home, Exampleford", address=("14 Madeup Mews", "Exampleford",
        "EY3 8RS"), legal=("child_in_need",), known_to_csc="open_case",
        happened="Freya, aged four months, died suddenly in the night while sharing a sofa "
        "with her father, who had been drinking.",
        reasons="Unsafe sleep after alcohol use is suspected neglect. Freya was on a child in "
        "need plan because of her parents' drinking.",
        agencies=(("Health visiting team", "Gave safer sleep advice twice; noted a sofa used "
                   "for night feeds."),
                  ("Children's social care", "Child in need plan since birth.")),
        experience="Freya was a settled baby. Professionals saw her in the daytime, when her "
        "parents were at their best.",
        analysis="Safer sleep advice was not linked to the family's drinking, and the plan "
        "never tested what happened at night.",
        equality="Both parents grew up in care and avoided services, so most contact was by "
        "phone.",
        learning="Safer sleep conversations must be linked to parents' alcohol use and "
        "repeated, not given once.",
        good="The health visitor recorded the sofa concern clearly and shared it.",
        safety="Freya's twin brother is safe with his aunt, Nadia Holloway, under a plan agreed "
        "by the court.",
    ),
    Story(
        letter="G", given="George", family="Inventington", age_days=2950, gender="male",
        ethnicity="white_irish", died=False, abuse="known", place="Home, Mockbridge",
        address=("2 Pretend Gardens", "Mockbridge", "EY5 4TU"), legal=("none_known",),
        known_to_csc="no", perpetrator=("parent_partner",),
        happened="George, aged eight, was taken to hospital with a broken arm and bruising to "
        "his back. He told a nurse that his mum's boyfriend had thrown him against a door.",
        reasons="Physical abuse is known. School had seen bruises twice and accepted the "
        "explanations given at the time.",
        agencies=(("Sampleton Primary School", "Recorded two bruises in the autumn term."),
                  ("School nursing service", "Saw George once about headaches.")),
        experience="George loved football. He became quieter in the months before he was "
        "hurt.",
        analysis="Neither bruise was shared beyond the school, and no agency knew that a new "
        "adult had moved into the home.",
        equality="George's mother had no family nearby; nobody asked about her support.",
        learning="Agencies need to ask who lives in and visits the home, and act on a pattern "
        "of minor injuries.",
        good="George's account was recorded word for word by the ward nurse.",
        safety="The man is on bail with conditions not to contact the family.",
    ),
    Story(
        letter="H", given="Hana", family="Notreal", age_days=4945, gender="female",
        ethnicity="asian_bangladeshi", died=False, abuse="suspected", place="Home, Fictonbury",
        address=("11 Storybook Road", "Fictonbury", "EY7 9WX"), legal=("child_in_need",),
        known_to_csc="open_case",
        disability="Cerebral palsy; Hana uses a wheelchair and is fed through a tube.",
        happened="Hana, aged 13, was admitted to hospital severely underweight with infected "
        "pressure sores. She had not been in school for ten weeks.",
        reasons="Neglect of her care needs is suspected. Her school, community nursing and "
        "social care each knew part of the picture.",
        agencies=(("Community nursing team", "Visits for Hana's feeding tube; several "
                   "cancelled by the family."),
                  ("Oakfield Special School (fictional)", "Reported Hana's absence after four "
                   "weeks.")),
        experience="Hana communicates with her eyes and a picture board. School staff "
        "describe her as funny and determined.",
        analysis="Each agency accepted the parents' reasons for missed visits and absence; "
        "nobody put the pieces together or spoke to Hana herself.",
        equality="Professionals spoke to Hana's parents instead of her, and an interpreter "
        "for her mother was not always booked.",
        learning="Disabled children must be seen and communicated with directly, and absence "
        "from a special school is a safeguarding concern.",
        good="The school nurse escalated her worries when visits stopped.",
        safety="Hana is in foster care with carers trained in her health needs.",
    ),
    Story(
        letter="I", given="Isaac", family="Mockley", age_days=5625, gender="male",
        ethnicity="white_british", died=True, abuse="known",
        place="A street in Mockbridge town centre", address=("Fern House children's home",
        "Mockbridge", "EY5 2BD"), legal=("looked_after",), known_to_csc="open_case",
        perpetrator=("child_or_young_person",), looked_after=True,
        happened="Isaac, aged 15, was fatally stabbed in a town centre street. He had lived "
        "in a children's home for eight months. Two people have been charged.",
        reasons="Isaac was looked after by the council and was being criminally exploited.",
        agencies=(("Children's social care", "Isaac's social worker changed three times in a "
                   "year."),
                  ("Exampleshire Constabulary", "Reported missing 14 times; stopped twice "
                   "with cash.")),
        experience="Isaac enjoyed cooking and boxing. He told his key worker he owed money to "
        "people he would not name.",
        analysis="Missing episodes were treated one at a time, and exploitation panel actions "
        "lapsed when his social worker changed.",
        equality="Isaac was sometimes described as making choices, which hid that he was a "
        "child being exploited.",
        learning="Exploited children need one consistent lead professional, and actions must "
        "follow them when staff change.",
        good="The children's home kept detailed missing records and reported every episode.",
        safety="Two other young people at the home have safety plans.",
    ),
    Story(
        letter="J", given="Jade", family="Demoson", age_days=820, gender="female",
        ethnicity="mixed_other", died=False, abuse="known", place="Home, Sampleton",
        address=("6 Specimen Street", "Sampleton", "EY1 7NP"),
        legal=("child_protection_plan",), known_to_csc="open_case",
        perpetrator=("parent_partner",),
        happened="Jade, aged two, suffered a serious head injury at home while in the care of "
        "her mother's partner. She needed surgery.",
        reasons="The mother's partner admitted causing the injury. Jade was on a child "
        "protection plan because of domestic abuse.",
        agencies=(("Children's social care", "Child protection plan for domestic abuse."),
                  ("Probation service", "Supervising the partner after an earlier "
                   "assault.")),
        experience="Jade loved nursery and was starting to put words together.",
        analysis="Probation did not know the partner had moved in, and the child protection "
        "plan did not know about his record of violence.",
        equality="Jade's mother feared being judged a failing parent, so she hid the "
        "relationship.",
        learning="Probation and social care should check each other's records when a new "
        "adult joins a household with a child on a plan.",
        good="The nursery noticed Jade's change in behaviour and told her social worker.",
        safety="Jade lives with her father's family; the partner is in custody.",
    ),
    Story(
        letter="K", given="Kai", family="Testerby", age_days=4400, gender="male",
        ethnicity="asian_indian", died=False, abuse="known", place="Home, Exampleford",
        address=("19 Makebelieve Avenue", "Exampleford", "EY3 2GQ"), legal=("none_known",),
        known_to_csc="no",
        happened="Kai, aged 12, collapsed at school with diabetic ketoacidosis. He had not "
        "had insulin collected for three months.",
        reasons="Medical neglect is known. Kai was not brought to seven diabetes clinic "
        "appointments in a year.",
        agencies=(("Paediatric diabetes team", "Letters sent after missed appointments."),
                  ("Sampleton Primary School", "Knew of Kai's diabetes, not of the missed "
                   "appointments.")),
        experience="Kai looked after his younger brothers after school and managed his own "
        "injections.",
        analysis="Missed appointments were seen as the family's choice, not as a sign that "
        "Kai's needs were not being met.",
        equality="Kai's parents work night shifts; nobody asked whether clinic times were "
        "possible for them.",
        learning="A child with a long-term condition who is not brought to appointments may "
        "be neglected, and health teams should act on it.",
        good="School first-aiders recognised the emergency and called an ambulance at once.",
        safety="A care plan is in place with a community diabetes nurse.",
    ),
    Story(
        letter="L", given="Lily", family="Specimen", age_days=2565, gender="female",
        ethnicity="other_any", died=False, abuse="known", place="Home, Mockbridge",
        address=("Flat 8, Fable Court", "Mockbridge", "EY5 6XY"), legal=("child_in_need",),
        known_to_csc="open_case",
        happened="Lily, aged seven, was badly burned in a house fire that started while she "
        "and her brother were left alone overnight.",
        reasons="Neglect is known: the children were often left alone. A referral about this "
        "was closed the month before.",
        agencies=(("Children's social care", "Assessed after a neighbour's concern; closed "
                   "with advice."),
                  ("Exampleshire Fire and Rescue Service", "Home safety visit booked, not "
                   "done.")),
        experience="Lily cared for her little brother while her mum worked, and was proud and "
        "frightened of it.",
        analysis="The assessment relied on the mother's account and did not speak to the "
        "children or the neighbour.",
        equality="The mother worked two jobs on a low income; help with childcare was not "
        "explored.",
        learning="Assessments must hear from the children and whoever raised the concern "
        "before a case is closed.",
        good="The fire service shared its records on the day it was asked.",
        safety="The family now has funded childcare and a family support worker.",
    ),
    Story(
        letter="M", given="Milo", family="Imaginary", age_days=3300, gender="male",
        ethnicity="asian_chinese", died=False, abuse="no",
        place="A trampoline park in Exampleford", address=("3 Hypothetical Way",
        "Exampleford", "EY3 4AZ"), legal=("none_known",), known_to_csc="no",
        happened="Milo, aged nine, broke both wrists in a fall at a trampoline park. He was "
        "not taken to hospital until the next morning.",
        reasons="The delay in seeking treatment raised questions, so we are asking the "
        "partners to decide whether this should be notified.",
        agencies=(("Sampleton Primary School", "No concerns about Milo's care."),
                  ("GP practice", "Routine contact only.")),
    ),
    Story(
        letter="N", given="Nia", family="Dummyfield", age_days=5900, gender="female",
        ethnicity="mixed_white_black_african", died=False, abuse="suspected",
        place="Home, Fictonbury", address=("21 Fancy Street", "Fictonbury", "EY7 1DE"),
        legal=("none_known",), known_to_csc="previously", perpetrator=("other_relative",),
        happened="Nia, aged 16, took a serious overdose two weeks after telling a friend that "
        "a relative had sexually abused her.",
        reasons="Sexual abuse is suspected. Nia had waited five months for a mental health "
        "appointment.",
        agencies=(("Children's mental health service", "Nia was on the waiting list."),
                  ("GP practice", "Referred Nia for anxiety and low mood.")),
        experience="Nia wanted to become a paramedic. She felt she had nobody to talk to "
        "while she waited.",
        analysis="The waiting list had no way of checking on young people's risk while they "
        "waited.",
        equality="Nia did not think services would understand her close-knit family.",
        learning="Mental health waiting lists need regular risk checks for the young people "
        "on them.",
        good="The emergency department referred the same day and the police acted at once.",
        safety="Nia lives with her aunt and has a mental health worker.",
    ),
    Story(
        letter="O", given="Oscar", family="Nonesuch", age_days=42, gender="male",
        ethnicity="other_arab", died=False, abuse="suspected", place="Home, Sampleton",
        address=("17 Conjecture Road", "Sampleton", "EY1 9PL"), legal=("none_known",),
        known_to_csc="no",
        happened="Oscar, aged six weeks, was found to have a broken rib on an X-ray taken for "
        "a chest infection.",
        reasons="An unexplained fracture in a young baby must be treated as possible abuse "
        "until another explanation is found.",
        agencies=(("Midwifery service", "Normal pregnancy and birth."),
                  ("Health visiting team", "New birth visit; no concerns.")),
        experience="Oscar is a much-wanted first baby; his parents stayed with him throughout.",
        analysis="Agencies followed the guidance for injuries in non-mobile babies step by "
        "step and shared information quickly.",
        equality="The family's first language is Arabic; an interpreter joined every meeting.",
        learning="No new learning: the local guidance worked as intended.",
        good="Tests found a bone condition that explained the fracture, and the family were "
        "told quickly and kindly.",
        safety="Oscar is at home with his parents; no plan is needed.",
    ),
    Story(
        letter="P", given="Poppy", family="Invention", age_days=5480, gender="female",
        ethnicity="white_british", died=True, abuse="no",
        place="Exampleshire General Hospital", address=("The Willows children's home",
        "Mockbridge", "EY5 4QT"), legal=("looked_after",), known_to_csc="open_case",
        looked_after=True,
        happened="Poppy, aged 15, who had lived in a children's home for two years, died in "
        "hospital after a sudden illness linked to a heart condition known since birth.",
        reasons="Poppy was looked after by the council. The doctors found no sign of abuse "
        "or neglect; her death is still notified to the Secretary of State and Ofsted.",
        agencies=(("Children's social care", "Poppy's social worker visited every six weeks."),
                  ("Community paediatrics", "Cardiology follow-up every six months.")),
    ),
    Story(
        letter="Q", given="Quinn", family="Madeup", age_days=300, gender="male",
        ethnicity="white_british", died=True, abuse="suspected", place="Home, Mockbridge",
        address=("9 Notional Lane", "Mockbridge", "EY5 2RS"), legal=("none_known",),
        known_to_csc="no",
        happened="Quinn, aged ten months, died after he was found unresponsive in a bed he "
        "was sharing with his father, who had been drinking.",
        reasons="The risks of sharing a bed with a baby after drinking were not explained to "
        "the family, who had moved into the area a month before.",
        agencies=(("Health visiting team", "The family's records had not yet arrived from "
                   "their previous area."),
                  ("GP practice", "The family registered two weeks before Quinn died.")),
        experience="Quinn was a healthy baby who was feeding well.",
        analysis="Safer sleep advice was not repeated when the family moved area, and their "
        "records did not follow them quickly.",
        equality="The father worked nights and was never seen by health visitors.",
        learning="Safer sleep advice must reach fathers and families who move between areas.",
        good="The new GP practice booked a health visitor introduction at registration.",
        safety="Quinn's older sister is supported by an early help worker.",
    ),
    Story(
        letter="R", given="Rosa", family="Hypothetical", age_days=3300, gender="female",
        ethnicity="mixed_white_asian", died=False, abuse="suspected",
        place="Sampleton leisure centre", address=("3 Theory Court", "Sampleton", "EY1 6TU"),
        legal=("none_known",), known_to_csc="no",
        happened="Rosa, aged nine, was taken to hospital with a head injury after a fall at "
        "a leisure centre; at first it was not clear how it happened.",
        reasons="Staff at the centre gave differing accounts of the fall.",
        agencies=(("Sampleton Primary School", "No concerns about Rosa."),),
    ),
]}  # fmt: skip
