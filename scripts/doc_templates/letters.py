"""The shipped letters to the family: the decision, and the invitation to contribute."""

from __future__ import annotations

from scripts.doc_templates.kit import CONTACT, RR, TOR, Builder


def family_decision_letter(b: Builder) -> None:
    """Write the letter telling the family the partners' decision and why."""
    b.letter_head()
    b.heading("What the safeguarding partners have decided after the rapid review", 1)
    b.para(
        "I am writing on behalf of the safeguarding partners in {{ partnership.name }}: the "
        "local authority, the police and the NHS integrated care board. We are very sorry for "
        "what happened to {{ child.given_names }}, and we know this letter reaches you at a "
        "very hard time."
    )
    b.para(
        "When a child dies or is seriously harmed and abuse or neglect may have played a part, "
        "the law asks the three partners to look closely at what happened. We do this to learn "
        "whether services could have helped sooner or worked together better, so that other "
        "children are safer. It is not a way of blaming anyone, and it is separate from any "
        "police investigation or court case."
    )
    b.heading("What we looked at", 2)
    b.para(
        "The local authority told the national Child Safeguarding Practice Review Panel about "
        "what happened on {{ case.key_dates.notified | uk_date }}. We then carried out a rapid "
        "review: every service that knew {{ child.given_names }} or your family shared what it "
        "knew, and the partners met on {{ " + RR + ".answers.meeting_date | uk_date }} to "
        "consider it together."
    )
    b.heading("Our decision", 2)
    b.facts(
        [
            ("Decision", "{{ case.decision_text | capitalize }}"),
            ("Date of the decision", "{{ case.decision_on | uk_date }}"),
            ("Why we decided this", "{{ " + RR + ".answers.decision_rationale }}"),
        ]
    )
    b.tag('{%p if case.decision == "local_cspr" %}')
    b.para(
        "This means we will carry out a local child safeguarding practice review, led by a "
        "reviewer who is independent of the services involved. It should be finished and "
        "published within six months, by {{ case.key_dates.commissioned | add_months(6) | "
        "uk_date }}. If something such as a criminal trial means it has to wait, we will tell you."
    )
    b.tag('{%p elif case.decision == "national_review" %}')
    b.para(
        "This means we have asked the national Panel to consider a national review, because "
        "what happened may hold lessons for the whole country. The Panel will decide, and we "
        "will tell you what it says."
    )
    b.tag('{%p elif case.decision == "other_learning" %}')
    b.para(
        "This means we will not carry out a full local review. The learning will be drawn out "
        "through another route ({{ " + RR + ".text.other_learning_route | lower }}), which we "
        "think is the quickest and most useful way to bring about change."
    )
    b.tag('{%p elif case.decision == "no_further_action" %}')
    b.para(
        "This means we will not carry out a further review. The rapid review found that "
        "services worked well together, and a wider review would not add new learning."
    )
    b.tag("{%p else %}")
    b.para("We have not reached a final decision yet. We will write again as soon as we have.")
    b.tag("{%p endif %}")
    b.heading("The national Panel", 2)
    b.para(
        "We have sent the rapid review to the national Panel, which reads every rapid review. "
        "The Panel may agree with our decision or ask us to think again. If our decision "
        "changes, we will write to you."
    )
    b.heading("Your views matter", 2)
    b.para(
        "You can tell us what you think of this decision, ask us about it, or tell us anything "
        "you feel we should know. You do not have to, and there is no deadline. You can contact "
        "me, or ask the practitioner you know best to pass on a message."
    )
    b.heading("Support for you", 2)
    b.para(
        "If it would help to talk to someone who is independent of the services involved, we "
        "can put you in touch with an advocate, free of charge. We can also arrange an "
        "interpreter or other help with communication. Please tell us if you would like either."
    )
    b.sign_off()


def family_invitation_letter(b: Builder) -> None:
    """Write the letter inviting the family to contribute, with support and advocacy."""
    b.letter_head()
    b.heading("An invitation to help with the review", 1)
    b.para(
        "The safeguarding partners in {{ partnership.name }} are reviewing how services worked "
        "with {{ child.given_names }} and your family. I am writing to invite you to be part of "
        "that review, if you would like to be."
    )
    b.heading("Why your views matter", 2)
    b.para(
        "You knew {{ child.given_names }} better than any professional did. Hearing from you "
        "helps the review understand what daily life was like for {{ child.given_names }}, what "
        "services got right and where they could have done better. Families often tell us "
        "things that no record shows."
    )
    b.heading("Who is leading the review", 2)
    b.tag("{%p if " + TOR + ".answers.lead_reviewer_name %}")
    b.para(
        "The review is led by {{ " + TOR + ".answers.lead_reviewer_name | name }} "
        "({{ " + TOR + ".answers.lead_reviewer_organisation }}), who is independent of the "
        "services that worked with your family."
    )
    b.tag("{%p else %}")
    b.para(
        "The review will be led by someone independent of the services that worked with your "
        "family. We will tell you their name as soon as they are appointed."
    )
    b.tag("{%p endif %}")
    b.heading("How you can take part", 2)
    b.facts(
        [
            (
                "Meet the reviewer",
                "At home or another place you choose, at a time that suits "
                "you. You can bring someone with you.",
            ),
            ("Talk by phone or video", "If meeting in person is difficult."),
            ("Write to us", "A letter or email in your own words, in your own time."),
            (
                "Read the report first",
                "Before it is published, the reviewer can go through the "
                "report with you, and you can tell us if anything is wrong or missing.",
            ),
        ]  # fmt: skip
    )
    b.para(
        "You can choose one of these, several or none, and you can change your mind at any "
        "time. Saying no will not affect any support or services you receive."
    )
    b.heading("Support and advocacy", 2)
    b.facts(
        [
            (
                "An independent advocate",
                "Someone who is not part of any service involved, to "
                "help you say what you want to say and to be with you at meetings.",
            ),
            (
                "Interpreting and communication",
                "In any language, including British Sign Language, at no cost to you.",
            ),
            (
                "Travel and time",
                "We can pay reasonable travel costs and arrange meetings around work and caring.",
            ),
            (
                "Emotional support",
                "We can put you in touch with local and national "
                "organisations that support families, including bereavement support.",
            ),
        ]  # fmt: skip
    )
    b.tag("{%p if " + CONTACT + ".answers.advocate_organisation %}")
    b.para("Advocacy is provided by {{ " + CONTACT + ".answers.advocate_organisation }}.")
    b.tag("{%p endif %}")
    b.tag("{%p if " + CONTACT + ".answers.support_needs %}")
    b.para("You have told us you need: {{ " + CONTACT + ".answers.support_needs }}")
    b.tag("{%p endif %}")
    b.heading("What happens to what you tell us", 2)
    b.para(
        "The reviewer will use what you share to understand what happened. The published "
        "report will not use your names: {{ child.given_names }} will be called "
        "{{ child.pseudonym }}. We keep what you tell us securely and use it only for the review."
    )
    b.heading("What happens next", 2)
    b.tag("{%p if " + CONTACT + ".answers.next_contact_date %}")
    b.para(
        "We plan to contact you again on or around {{ " + CONTACT + ".answers.next_contact_date "
        "| uk_date }}. If you would rather we did not, or would like to talk sooner, please "
        "tell us."
    )
    b.tag("{%p else %}")
    b.para(
        "Someone from the partnership will contact you in the next few weeks to ask whether "
        "you would like to take part. If you would rather we did not, please tell us."
    )
    b.tag("{%p endif %}")
    b.sign_off()
