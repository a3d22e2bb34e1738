"""The case facts: one definition of every fact a case holds, and which of them the law needs.

A fact has a dotted name ("child.date_of_birth", "dates.notified"). Forms bind their questions
to facts by declaration ("case_fact" in a field), and casework, clocks, letters, exports and
the API read facts, never form field names. Facts about the child are kept for each child
(a notification may name up to four); "child.X" in a single question means the first child,
and a repeating group bound to "children" maps its rows to the children in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

# What a fact's value is, for showing it: words, a paragraph, a date, a time, a coded choice or
# several, yes or no, a number, a person's name, an address or a list of names.
Shape = Literal["text", "paragraph", "date", "time", "choice", "choices", "boolean", "number",
               "person", "address", "list"]  # fmt: skip
CHILDREN = "children"
CHILD_PREFIX = "child."
MAX_CHILDREN = 4


@dataclass(frozen=True)
class Fact:
    """One fact a case can hold."""

    name: str
    label: str
    shape: Shape
    # The kinds of answer a question bound to it may give (its answers must fit the fact).
    answer_kinds: tuple[str, ...]
    statutory: bool = False  # starts or stops a statutory clock, or decides a statutory duty
    # The shipped process reads it: a question bound to it cannot be removed or retyped in the
    # builder until the binding moves to another question of the form.
    needed: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    # Expected to change with each update (an action plan's statuses): the newest form's
    # value is taken, not held back as a disagreement.
    latest_wins: bool = False
    # Option values that forms use for the same thing under another name ("none_known" on the
    # referral is "none" on the notification): the fact holds the name on the right.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def field_types(self) -> tuple[str, ...]:
        """Return the names of the field types whose questions can be bound to the fact."""
        from cspr.formengine.fieldtypes import registered

        return tuple(t.name for t in registered() if t.answer_kind in self.answer_kinds)

    @property
    def per_child(self) -> bool:
        """Say whether the fact is held for each child."""
        return self.name.startswith(CHILD_PREFIX)

    @property
    def key(self) -> str:
        """Return the key inside a child's record ("date_of_birth" for child.date_of_birth)."""
        return self.name.removeprefix(CHILD_PREFIX)


# The kinds of answer (see FieldType.answer_kind) a question bound to a fact may give.
_DATE = ("date",)
_TEXT = ("text",)
_CHOICE = ("choice",)
_YES_NO = ("boolean", "choice")

DECISIONS = (
    ("local_cspr", "a local child safeguarding practice review"),
    ("national_review", "a recommendation to the Panel for a national review"),
    ("other_learning", "another learning route"),
    ("no_further_action", "no further action"),
)
PANEL_RESPONSES = (("agree", "agreed with the partners' decision"),
                   ("challenge", "challenged the partners' decision"))  # fmt: skip
NATIONAL_ANSWERS = (
    ("national", "the Panel will carry out a national review"),
    ("local", "the Panel asked for a local review instead"),
    ("none", "the Panel decided no review is needed"),
)
INCIDENT_TYPES = (("death", "Death"), ("serious_harm", "Serious harm"))
CHILD_ROLES = (("subject", "the child who died or was harmed"),
               ("harmed_another", "a child who harmed another child"))  # fmt: skip
PUBLICATION_PLANS = (("full_report", "the full report"),
                     ("improvements_only", "information about the improvements to be made"),
                     ("not_decided", "not decided yet"))  # fmt: skip

FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        # The child or children.
        Fact("child.name", "Child's name", "person", ("person",), needed=True),
        Fact("child.unborn", "Unborn child", "boolean", _YES_NO),
        Fact("child.date_of_birth", "Child's date of birth", "date", _DATE, needed=True),
        Fact("child.age", "Child's age in years", "number", ("number",), needed=True),
        Fact("child.gender", "Child's gender", "choice", _CHOICE),
        Fact("child.ethnicity", "Child's ethnic group", "choice", _CHOICE),
        Fact("child.disability", "Child's disability", "boolean", _YES_NO),
        Fact("child.legal_status", "Child's legal status", "choices", ("choices",),
             needed=True, aliases=(("none_known", "none"),)),  # fmt: skip
        Fact("child.known_to_social_care", "Known to children's social care", "choice", _CHOICE),
        Fact("child.home_area", "Area the child normally lives in", "text", _TEXT),
        Fact("child.address", "Child's home address", "address", ("address",)),
        Fact("child.nhs_number", "Child's NHS number", "text", ("text",)),
        Fact("child.role", "The child's part in the incident", "choice", _CHOICE,
             choices=CHILD_ROLES),  # fmt: skip
        # The incident.
        Fact("incident.type", "What happened to the child", "choice", _CHOICE, statutory=True,
             needed=True, choices=INCIDENT_TYPES),  # fmt: skip
        Fact("incident.abuse_or_neglect", "Abuse or neglect known or suspected", "choice",
             _YES_NO, statutory=True, needed=True),  # fmt: skip
        Fact("incident.date", "Date of the incident", "date", _DATE),
        Fact("incident.time", "Time of the incident", "time", ("time", "text")),
        Fact("incident.place", "Where the incident happened", "text", _TEXT),
        Fact("incident.outline", "Outline of the case", "paragraph", _TEXT),
        Fact("incident.looked_after", "A child was looked after by a local authority", "boolean",
             _YES_NO, statutory=True, needed=True),  # fmt: skip
        Fact("incident.care_leaver", "A care leaver aged 24 or under died", "boolean", _YES_NO,
             statutory=True, needed=True),  # fmt: skip
        # Agencies and family.
        Fact("agencies.involved", "Agencies involved with the child and family", "list",
             ("rows", "choices", "text")),  # fmt: skip
        Fact("family.contact_hold", "Family must not be contacted yet", "boolean", _YES_NO,
             needed=True),  # fmt: skip
        Fact("family.contact_hold_reason", "Why the family must not be contacted yet",
             "paragraph", _TEXT),  # fmt: skip
        # The notification.
        Fact("notification.local_authority", "Local authority that notified", "text", _TEXT),
        Fact("notification.reference", "Reference from the national online system", "text",
             ("text",), statutory=True, needed=True),  # fmt: skip
        # Key dates of the statutory process.
        Fact("dates.la_aware", "Date the local authority became aware", "date", _DATE,
             statutory=True, needed=True),  # fmt: skip
        Fact("dates.notified", "Date the notification was made through the national online "
             "system", "date", _DATE, statutory=True, needed=True),  # fmt: skip
        Fact("dates.rapid_review_meeting", "Date of the rapid review meeting", "date", _DATE),
        Fact("dates.rapid_review_sent", "Date the rapid review was sent to the Panel", "date",
             _DATE, statutory=True, needed=True),  # fmt: skip
        Fact("dates.decision", "Date of the partners' decision", "date", _DATE),
        Fact("dates.panel_response", "Date the Panel's response was received", "date", _DATE),
        Fact("dates.family_told", "Date the family was told of the decision", "date", _DATE),
        Fact("dates.commissioned", "Date of the decision to commission the local review",
             "date", _DATE, statutory=True, needed=True),  # fmt: skip
        Fact("dates.planned_publication", "Planned publication date", "date", _DATE),
        Fact("dates.final_report_sent", "Date the final report went to the Panel and the "
             "Secretary of State", "date", _DATE, statutory=True, needed=True),  # fmt: skip
        Fact("dates.published", "Date the report was published", "date", _DATE,
             statutory=True, needed=True),  # fmt: skip
        Fact("actions.statuses", "The status of each action in the action plan", "list",
             ("rows",), latest_wins=True),  # fmt: skip
        # The decision and the Panel's answer.
        Fact("decision.outcome", "The partners' decision", "choice", _CHOICE, statutory=True,
             needed=True, choices=DECISIONS),  # fmt: skip
        Fact("decision.rationale", "Reasons for the decision", "paragraph", _TEXT, needed=True),
        Fact("decision.local_criteria", "Criteria for a local review that apply (regulation 11)",
             "choices", ("choices",)),  # fmt: skip
        Fact("decision.national_criteria", "National review criteria that may apply "
             "(regulation 3)", "choices", ("choices",)),  # fmt: skip
        Fact("panel.response", "The Panel's response", "choice", _CHOICE, statutory=True,
             needed=True, choices=PANEL_RESPONSES),  # fmt: skip
        Fact("panel.national_review", "The Panel's answer on a national review", "choice",
             _CHOICE, needed=True, choices=NATIONAL_ANSWERS),  # fmt: skip
        Fact("panel.comments", "What the Panel said", "paragraph", _TEXT),
        # The local review.
        Fact("review.name", "Name of the local review", "text", _TEXT),
        Fact("review.lead_reviewer", "Lead reviewer", "person", ("person",)),
        Fact("review.lead_reviewer_independent", "The lead reviewer is independent", "boolean",
             _YES_NO, needed=True),  # fmt: skip
        Fact("review.publication_plan", "What will be published", "choice", _CHOICE,
             choices=PUBLICATION_PLANS),  # fmt: skip
    )
}
NEEDED = tuple(name for name, fact in FACTS.items() if fact.needed)


class Child(TypedDict, total=False):
    """What a case holds about one child."""

    name: dict[str, str]
    unborn: str
    date_of_birth: str
    age: int
    gender: str
    ethnicity: str
    disability: str
    legal_status: list[str]
    known_to_social_care: str
    home_area: str
    address: dict[str, str]
    nhs_number: str
    role: str


class FactChange(TypedDict):
    """One change to a case fact, kept in the case's history."""

    fact: str
    child: int | None
    old: Any
    new: Any
    by: str
    at: str
    source: str  # "form:<reference>", "page:<name>" or "api"


class FactConflict(TypedDict):
    """A value a form gave that disagrees with the case, waiting for the business unit."""

    id: str
    fact: str
    child: int | None
    current: Any
    proposed: Any
    by: str
    at: str
    source: str


def fact(name: str) -> Fact | None:
    """Return a fact's definition, or None if there is no such fact."""
    return FACTS.get(name)


def known_names() -> list[str]:
    """Return the name of every fact, with "children" for repeating groups of children."""
    return [*FACTS, CHILDREN, "agency.name", "action.status"]


def choice_label(name: str, value: Any) -> str:
    """Return the words for a coded value of a fact with fixed choices."""
    spec = FACTS.get(name)
    return dict(spec.choices).get(str(value), "") if spec else ""
