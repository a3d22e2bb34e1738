"""The shipped letters to the family: the decision, and the invitation to contribute.

A letter says only what the case records. What a letter cannot be written without is declared
in the template list (scripts/doc_templates/__init__.py) and asked for before it is made;
anything else the case may not hold yet is left out with {%p if %}.
"""

from __future__ import annotations

from scripts.doc_templates.kit import CONTACT, RR, TOR, Builder

CHILD = "{{ child.given_names or 'your child' }}"


def family_decision_letter(b: Builder) -> None:
    """Write the letter telling the family the partners' decision and their reasons."""
    b.letter_head()
    b.heading("What the safeguarding partners have decided after the rapid review", 1)
    b.para(
        "I am writing on behalf of the safeguarding partners in {{ partnership.name }}: the "
        "local authority, the police and the NHS integrated care board. We are very sorry for "
        f"what happened to {CHILD}, and we know this letter may reach you at a very hard time."
    )
    b.para(
        "When a child dies or is seriously harmed and abuse or neglect may have played a part, "
        "the law asks the three partners to look carefully at what happened. The aim is to "
        "learn whether services could have helped sooner or worked together better, so that "
        "other children are safer. It is not about blaming anyone, and it is separate from any "
        "police investigation or court case."
    )
    b.heading("What we looked at", 2)
    b.tag("{%p if case.dates.notified %}")
    b.para(
        "The local authority told the national Child Safeguarding Practice Review Panel what "
        "had happened on {{ case.dates.notified | uk_date }}."
    )
    b.tag("{%p endif %}")
    b.para(
        f"We then carried out a rapid review. We asked the services that knew {CHILD} or your "
        "family what they knew, and the partners considered it together{% if "
        "case.dates.rapid_review_meeting %} at a meeting on {{ case.dates.rapid_review_meeting "
        "| uk_date }}{% endif %}."
    )
    b.heading("Our decision", 2)
    b.facts(
        [
            ("Decision", "{{ decision.outcome_text | capitalize }}"),
            ("Date of the decision", "{{ case.dates.decision | uk_date }}"),
            ("Why we decided this", "{{ decision.rationale }}"),
        ]
    )
    b.tag('{%p if decision.outcome == "local_cspr" %}')
    b.para(
        "This means we will carry out a local child safeguarding practice review{% if "
        "review.lead_reviewer_independent == 'yes' %}, led by a reviewer who is independent of "
        "the services involved{% endif %}. It should be finished and published within six "
        "months of the decision to carry it out{% if case.delays %}. It has had to wait, with "
        "the partners' approval, and is now expected by {{ case.latest_delay.new_date | uk_date "
        "}}{% elif case.due.publication %}, by {{ case.due.publication | uk_date }}{% endif %}. "
        "If something such as a criminal trial means it has to wait, we will tell you."
    )
    b.tag('{%p elif decision.outcome == "national_review" %}')
    b.para(
        "This means we have asked the national Panel to consider a national review, because "
        "what happened may hold lessons for the whole country. The Panel decides whether to "
        "carry one out."
    )
    b.tag("{%p if panel.national_review %}")
    b.para("The Panel has answered: {{ panel.national_review_text }}.")
    b.tag("{%p else %}")
    b.para("We will tell you what the Panel says.")
    b.tag("{%p endif %}")
    b.tag('{%p elif decision.outcome == "other_learning" %}')
    b.para(
        "This means we will not carry out a full local review. We will learn from what "
        "happened in another way{% if " + RR + ".text.other_learning_route %} (" + "{{ "
        + RR + ".text.other_learning_route | lower }}){% endif %}, for the reasons above."
    )
    b.tag('{%p elif decision.outcome == "no_further_action" %}')
    b.para("This means we will not carry out a further review, for the reasons above.")
    b.tag("{%p endif %}")
    b.heading("The national Panel", 2)
    b.tag("{%p if case.dates.rapid_review_sent %}")
    b.para(
        "We sent the rapid review to the national Panel on "
        "{{ case.dates.rapid_review_sent | uk_date }}. The Panel reads every rapid review, and "
        "may agree with our decision or ask us to think again."
    )
    b.tag("{%p else %}")
    b.para(
        "We will send the rapid review to the national Panel, which reads every rapid review. "
        "The Panel may agree with our decision or ask us to think again."
    )
    b.tag("{%p endif %}")
    b.tag('{%p if panel.response == "agree" %}')
    b.para("The Panel has told us that it agrees with our decision.")
    b.tag('{%p elif panel.response == "challenge" and case.reconvened.outcome %}')
    b.para(
        "The Panel asked us to think again. The partners met again and this letter gives the "
        "decision they reached."
    )
    b.tag('{%p elif panel.response == "challenge" %}')
    b.para(
        "The Panel has asked us to think again about our decision. We will write to you again "
        "once the partners have done so."
    )
    b.tag("{%p endif %}")
    b.para("If our decision changes, we will write to you.")
    b.heading("Your views matter", 2)
    b.para(
        "You can tell us what you think of this decision, ask us about it, or tell us anything "
        "you feel we should know. You do not have to, and there is no deadline."
    )
    b.family_contact("To talk to us, please contact")
    b.para("You can also ask the practitioner you know best to pass on a message.")
    b.heading("Support for you", 2)
    b.para(
        "If it would help to talk to someone who is independent of the services involved, we "
        "can put you in touch with an advocate. We can also arrange an interpreter or other "
        "help with communication. Please tell {{ partnership.family_contact.name }} if you "
        "would like either."
    )
    b.sign_off()


def family_invitation_letter(b: Builder) -> None:
    """Write the letter inviting the family to contribute, with support and advocacy."""
    b.letter_head()
    b.heading("An invitation to help with the review", 1)
    b.para(
        "The safeguarding partners in {{ partnership.name }} are reviewing how services worked "
        f"with {CHILD} and your family. I am writing to invite you to take part in that review, "
        "if you would like to."
    )
    b.heading("Why your views matter", 2)
    b.para(
        f"You know {CHILD} in a way no professional did. Hearing from you helps the review "
        "understand what daily life was like for them, what services got right and where they "
        "could have done better. Families often tell us things that no record shows."
    )
    b.heading("Who is leading the review", 2)
    b.tag("{%p if review.lead_reviewer %}")
    b.para(
        "The review is led by {{ review.lead_reviewer }}{% if " + TOR + ".answers."
        "lead_reviewer_organisation %} ({{ " + TOR + ".answers.lead_reviewer_organisation }})"
        "{% endif %}{% if review.lead_reviewer_independent == 'yes' %}, who is independent of "
        "the services that worked with your family{% endif %}."
    )
    b.tag("{%p else %}")
    b.para("We will tell you who is leading the review as soon as they are appointed.")
    b.tag("{%p endif %}")
    b.heading("How you can take part", 2)
    b.facts(
        [
            ("Meet the reviewer", "At home or another place you choose, at a time that suits "
             "you. You can bring someone with you."),
            ("Talk by phone or video", "If meeting in person is difficult."),
            ("Write to us", "A letter or email in your own words, in your own time."),
            ("Read the report first", "Before it is published, the reviewer can go through the "
             "report with you, and you can tell us if anything is wrong or missing."),
        ]  # fmt: skip
    )
    b.para(
        "You can choose one of these, several or none, and you can change your mind at any "
        "time. Saying no will not affect any support or services you receive."
    )
    b.heading("Support and advocacy", 2)
    b.facts(
        [
            ("An independent advocate", "Someone who is not part of any service involved, to "
             "help you say what you want to say and to be with you at meetings."),
            ("Interpreting and communication", "In any language, including British Sign "
             "Language."),
            ("Practical help", "Tell us what would make it easier to take part, such as help "
             "with travel or a meeting at another time, and we will do what we can."),
            ("Emotional support", "We can put you in touch with local and national "
             "organisations that support families, including bereavement support."),
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
        "report will not use your family's names{% if child.pseudonym and child.given_names %}: "
        "{{ child.given_names }} will be called {{ child.pseudonym }}{% endif %}. We keep what "
        "you tell us securely and use it only for the review."
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
        "We will contact you again in the next few weeks to ask whether you would like to take "
        "part. If you would rather we did not, please tell us."
    )
    b.tag("{%p endif %}")
    b.family_contact("If you have a question, or would like to tell us now, please contact")
    b.sign_off()
