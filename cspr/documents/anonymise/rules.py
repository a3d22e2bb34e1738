"""The plain rules that find what may identify someone in text, and the words they ignore.

Patterns for emails, telephone numbers and postcodes are the form engine's own, so that what
a form accepts as an email or a postcode is exactly what is looked for here.
"""

from __future__ import annotations

import re

from cspr.formengine.fieldtypes.parts import POSTCODE_PATTERN
from cspr.formengine.fieldtypes.text import EMAIL_PATTERN, PHONE_PATTERN


def _inner(pattern: str) -> str:
    """Return an anchored pattern of the form engine's without its anchors."""
    return pattern.removeprefix("^").removesuffix("$")


MONTHS = ("January February March April May June July August September October November "
          "December").split()  # fmt: skip
_DAY_MONTH_YEAR = (
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(MONTHS) + r")\s+\d{4}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
)
EMAIL = re.compile(rf"(?<![\w.+-]){_inner(EMAIL_PATTERN)}")
PHONE = re.compile(rf"(?<![\w+]){_inner(PHONE_PATTERN)}(?![\d])")
POSTCODE = re.compile(rf"(?<![A-Za-z0-9]){_inner(POSTCODE_PATTERN).replace(' ', ' ?')}"
                      r"(?![A-Za-z0-9])")  # fmt: skip
NHS_SHAPE = re.compile(r"(?<![\d])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d])")
BIRTH = re.compile(
    rf"(?i:\bborn(?:\s+on)?|\bdate\s+of\s+birth(?:\s+is)?|\bd\.?o\.?b\.?)\s*:?\s*(?P<date>{_DAY_MONTH_YEAR})"
)
STREET_WORDS = ("Road Street Lane Avenue Close Drive Way Crescent Place Gardens Terrace Court "
                "Grove Row Walk Square Mews Rise View Parade Hill Park").split()  # fmt: skip
_WORD = r"(?:Mc|Mac|O'|O’)?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"
ADDRESS = re.compile(
    rf"\b(?:Flat\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+(?:{_WORD}\s+){{1,3}}"
    rf"(?:{'|'.join(STREET_WORDS)})\b"
)
TITLES = ("Mr Mrs Ms Miss Mx Dr Prof Professor PC DC DS DI DCI DSupt Sgt Insp Cllr Rev Nurse "
          "Sister Dame Sir Lady Lord").split()  # fmt: skip
TITLED = re.compile(rf"\b(?:{'|'.join(TITLES)})\.?\s+{_WORD}(?:\s+{_WORD})?")
CAPITALISED = re.compile(rf"\b{_WORD}(?:\s+{_WORD})*\b")

# Capitalised words that are not names: calendar words, agencies and services, the process's
# own vocabulary, and the common words that start a sentence or a heading.
COMMON = frozenset(
    w.lower()
    for w in (
        *MONTHS,
        *"Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow".split(),
        # agencies, services and places that are not a person
        *"""Police Constabulary Council Councils County Borough City District Health Healthcare
        NHS Hospital Hospitals Trust Foundation School Schools Academy College University
        Nursery Primary Secondary Surgery Practice Clinic Centre Center Ward Unit Department
        Service Services Team Teams Agency Agencies Partnership Partnerships Board Panel Court
        Courts Office Ministry Government Secretary State Ofsted Cafcass Probation Youth Justice
        Ambulance Fire Rescue Housing Education Local Authority Authorities National Regional
        Integrated Care System Community Mental Midwifery Maternity Health Visiting Visitor
        Emergency Accident Paediatric Paediatrics Paediatrician Safeguarding Children Children's
        Child Adult Adults Family Families Social Work Worker Workers Early Help Multi
        Designated Named Lead Independent Chair Reviewer Review Reviews Rapid Serious Incident
        Notification Practice Learning Action Plan Plans Recommendation Recommendations Terms
        Reference References Report Reports Summary Findings Background Conclusion Conclusions
        Analysis Introduction Appendix Contents Chronology Methodology Scope Purpose Overview
        England Wales Scotland Ireland Britain British English Kingdom United UK GP GPs
        Crown Prosecution Coroner Coroners Inquest Department Education Act Regulation
        Regulations Guidance Statutory Working Together Safeguard Protection Conference Strategy
        Meeting Discussion Section Part Chapter Version Draft Final Full Anonymised Name Names
        Date Dates Case Cases Key Next Steps Decision Decisions Rationale Outcome Outcomes Letter
        Notice Delay Delays Publication Published Sign Signed Partner Partners Lead Leads
        Contact Address Email Telephone Phone Mobile Website Agency's Police's Data Protection
        Information Sharing Record Records Status Stage Yes No None Not Known Unknown Other
        Dear Yours Sincerely Faithfully Regards Kind Best Wishes Thank Thanks Please Note
        Mother Father Mum Dad Parent Parents Carer Carers Stepfather Stepmother Grandmother
        Grandfather Sibling Siblings Brother Sister Partner Baby Infant Boy Girl Son Daughter
        Aunt Uncle Cousin Friend Neighbour Referrer Notifier Professional Professionals
        Paramedic Midwife Doctor Consultant Teacher Headteacher Officer Detective Constable
        Sergeant Inspector Manager Director Head Assistant Deputy Senior Principal Practitioner
        White Black Asian Mixed African Caribbean Irish Northern Scottish Welsh Pakistani
        Indian Bangladeshi Chinese Arab Gypsy Roma Traveller Ethnic Ethnicity Any Multiple
        Article Articles Annex Table Figure Page Pages Tel Fax Ref Box Street Road""".split(),
        # words that start sentences and headings
        *"""The A An This That These Those There Their They Them He She His Her Hers Him It Its
        We Our Us You Your I In On At By For From Of To With Without Within Into Onto Over
        Under After Before During Since Until While When Where Which Who Whom Whose What Why How
        If As And But Or Nor So Yet Also Although Though Because However Therefore Following
        Further Furthermore Moreover Additionally Overall Both Each Every Either Neither Some
        Any All Most Many Several Few More Less No Only Other Another Such Same Then Than Now
        Here Was Were Is Are Be Been Being Has Have Had Do Does Did Will Would Should Could May
        Might Must Can Shall One Two Three Four Five Six Seven Eight Nine Ten First Second Third
        Fourth Fifth Last Later Earlier Early Late New Old Recent Current Previous Prior About
        Around Across Against Along Among Between Beyond Despite Through Throughout Towards
        Upon Via Whether Per Mr Mrs Ms Miss Dr Prof Further Initial Immediate Agreed Approved
        Recommended Identified Considered Noted Concerns Concern Risk Risks Needs Need Support
        Supported Response Responses Agree Disagree Total Number Percentage Period Year Years
        Month Months Week Weeks Day Days Time Times Morning Afternoon Evening Night Midnight
        Christmas Easter Bank Holiday Holidays""".split(),
    )
)
# Organisations and places are named with these words: a run of capitalised words holding one
# is an organisation or a place, not a person (the case's own schools and surgeries are held).
ORGANISATION = frozenset(
    w.lower()
    for w in """Police Constabulary Council County Borough City District Health NHS Hospital Trust
    Foundation School Academy College University Nursery Primary Secondary Surgery Practice
    Clinic Centre Center Ward Unit Department Service Services Team Agency Partnership Board
    Panel Court Office Ministry Government Ofsted Cafcass Probation Ambulance Fire Housing
    Authority Integrated System Group Road Street Lane Avenue Close Drive Way Crescent Place
    Gardens Terrace Grove Estate House Hall Church Mosque Temple Library Station Park Medical
    Children's Safeguarding Act Regulations Guidance Together""".split()
)
# Common given names, found alone in the middle of a sentence ("her partner Mark said").
# Names that are also ordinary words (Will, May, Grace, Hope) are left out.
GIVEN_NAMES = frozenset(
    """Aaron Abigail Adam Aidan Alan Albert Alex Alexander Alfie Alice Amelia Amy Andrew Anna
    Anne Archie Arthur Ava Barry Ben Benjamin Beth Bethany Brian Callum Carl Caroline Charlie
    Charlotte Chloe Chris Christopher Claire Craig Daisy Daniel Danny Darren David Dean Debbie
    Dylan Edward Eleanor Elizabeth Ella Ellie Emily Emma Erin Ethan Evie Finley Freddie Freya
    Gary Gemma George Georgia Graham Hannah Harry Harvey Hayley Helen Holly Ian Isaac Isabella
    Isla Jack Jacob Jade James Jamie Jane Jason Jayden Jennifer Jessica Joe Joel John Jordan
    Joseph Joshua Julie Karen Kate Katie Kayleigh Keith Kelly Kerry Kevin Kieran Kyle Laura
    Lauren Leah Lee Leo Lewis Liam Lily Lisa Logan Louise Lucy Luke Mark Martin Mason Matthew
    Megan Mia Michael Michelle Mohammed Muhammad Natalie Nathan Neil Nicola Niamh Noah Oliver
    Olivia Oscar Paul Peter Phoebe Poppy Rachel Rebecca Reece Rhys Richard Riley Robert Ruby
    Ryan Sam Samantha Samuel Sarah Scott Sean Shane Sharon Sophie Stacey Stephen Steven Stuart
    Susan Thomas Toby Tom Tommy Tracey Tyler Victoria Wayne William Zachary Zoe""".split()
)
