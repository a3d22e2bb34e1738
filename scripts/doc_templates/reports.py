"""The shipped reports: the notification summary, the rapid review and terms of reference."""

from __future__ import annotations

from scripts.doc_templates.kit import NOTE, RR, TOR, Builder


def panel_notification_summary(b: Builder) -> None:
    """Write the summary of the serious incident notification for the National Panel."""
    b.report_head(
        "Serious incident notification: summary for the National Panel",
        [("Notification reference", "{{ notification.reference }}")],
    )
    b.para(
        "This summary sets out what {{ partnership.name }} told the Child Safeguarding "
        "Practice Review Panel about a serious incident, and the safeguarding partners' views "
        "on notifying it."
    )
    b.heading("1. The notification", 1)
    b.facts(
        [
            ("Local authority notifying", "{{ notification.local_authority }}"),
            ("Local authority became aware", "{{ case.dates.la_aware | uk_date }}"),
            ("Due by (5 working days)", "{{ case.due.notification | uk_date }}"),
            ("Notified through the national online system", "{{ case.dates.notified | uk_date }}"),
            ("Notification recorded by", "{{ case.notification.by }}"),
            ("Notification details sent by",
             "{{ " + NOTE + ".text.notifier_name }}, {{ " + NOTE + ".answers.notifier_role }}, "
             "{{ " + NOTE + ".answers.notifier_organisation }}"),
            ("Contact",
             "{{ " + NOTE + ".text.notifier_phone }}, {{ " + NOTE + ".text.notifier_email }}"),
        ]  # fmt: skip
    )
    b.tag("{%p if case.notification.without_agreement %}")
    b.para(
        "The local authority notified without the partnership's agreement. Its reason: "
        "{{ case.notification.reason }}"
    )
    b.tag("{%p endif %}")
    b.heading("2. The children", 1)
    b.loop(
        ["Name", "Date of birth or age", "Gender", "Ethnicity", "Legal status", "Known to CSC"],
        "children",
        "c",
        ["{{ c.name }}", "{{ c.date_of_birth | uk_date if c.date_of_birth else c.age }}",
         "{{ c.gender_text }}", "{{ c.ethnicity_text }}", "{{ c.legal_status_text }}",
         "{{ c.known_to_social_care_text }}"],
        [3.0, 2.6, 2.0, 3.4, 3.0, 2.6],
    )  # fmt: skip
    b.heading("3. The incident", 1)
    b.facts(
        [
            ("What happened", "{{ incident.type_text }}"),
            ("Abuse or neglect", "{{ incident.abuse_or_neglect_text }}"),
            ("Date and time", "{{ incident.date | uk_date }} {{ incident.time }}"),
            ("Where", "{{ incident.place }}"),
            ("Alleged perpetrator", "{{ " + NOTE + ".text.perpetrator_relationship }}"),
            ("Looked after child", "{{ incident.looked_after_text }}"),
            ("Care leaver", "{{ incident.care_leaver_text }}"),
            ("Other children in the household", "{{ " + NOTE + ".text.other_children_known }}"),
        ]  # fmt: skip
    )
    b.heading("4. Outline of the case", 1)
    b.para("{{ incident.outline }}")
    b.heading("Agencies involved", 2)
    b.para("{{ agencies.involved | join(', ') or 'None recorded.' }}")
    b.tag("{%p if " + NOTE + ".answers.other_children_details %}")
    b.heading("Other children", 2)
    b.para("{{ " + NOTE + ".answers.other_children_details }}")
    b.tag("{%p endif %}")
    b.heading("5. The safeguarding partners' views", 1)
    b.para("{{ case.notifiability.explanation }} The rule: {{ partnership.decision_rule }}.")
    b.loop(
        ["Partner", "View", "Reasons", "Date"],
        "case.partner_views",
        "v",
        ["{{ v.partner }}", "{{ v.view_text }}", "{{ v.rationale }}", "{{ v.on | uk_date }}"],
        [3.4, 2.6, 8.0, 2.6],
    )
    b.tag("{%p if case.due.rapid_review %}")
    b.para(
        "The rapid review must be completed by {{ case.due.rapid_review | uk_day_date }}, 15 "
        "working days after the notification."
    )
    b.tag("{%p endif %}")


def rapid_review_report(b: Builder) -> None:
    """Write the rapid review report: the case's facts and the rapid review's findings."""
    b.report_head("Rapid review report", [("Child", "{{ child.name }}"),
                                          ("Rapid review", "{{ case.rapid_review.reference }}")])
    b.heading("1. The incident", 1)
    b.facts(
        [
            ("What happened", "{{ incident.type_text }}"),
            ("Date of the incident", "{{ incident.date | uk_date }}"),
            ("Local authority became aware", "{{ case.dates.la_aware | uk_date }}"),
            ("Notified to the Panel", "{{ case.dates.notified | uk_date }}"),
            ("Rapid review meeting", "{{ case.dates.rapid_review_meeting | uk_date }}"),
            ("Due by (15 working days)", "{{ case.due.rapid_review | uk_day_date }}"),
            ("Sent to the Panel", "{{ case.dates.rapid_review_sent | uk_date "
             "if case.dates.rapid_review_sent else 'Not sent yet' }}"),
        ]  # fmt: skip
    )
    b.heading("2. Summary of the case", 1)
    b.para("{{ incident.outline }}")
    b.heading("3. What life was like for the child", 1)
    b.para("{{ " + RR + ".answers.child_experience }}")
    b.heading("4. Agencies involved", 1)
    b.loop(
        ["Agency", "When", "What they did", "Information received"],
        RR + ".text.agency_involvement",
        "a",
        ["{{ a.agency_name }}", "{{ a.involvement_period }}", "{{ a.involvement_summary }}",
         "{{ a.information_received }}"],
        [3.6, 2.6, 7.6, 2.8],
    )  # fmt: skip
    b.heading("Agency summaries", 2)
    b.para(
        "Each agency asked for information sent a summary of its involvement, a chronology and "
        "its own analysis."
    )
    b.tag("{%p for s in agency_summaries %}")
    b.para("{{ s.agency }} (summary {{ s.reference }}, sent {{ s.sent_on | uk_date }})", bold=True)
    b.para("{{ s.involvement }}")
    b.loop(
        ["Date", "Contact", "What happened"],
        "s.chronology",
        "e",
        ["{{ e.entry_date }}", "{{ e.contact }}", "{{ e.what_happened }}"],
        [2.8, 4.6, 9.2],
        empty="No chronology was given.",
    )
    b.facts(
        [
            ("What went well", "{{ s.went_well }}"),
            ("What could have been better", "{{ s.could_be_better }}"),
            ("Actions already taken", "{{ s.immediate_actions }}"),
        ]
    )
    b.tag("{%p endfor %}")
    b.tag("{%p if not agency_summaries %}")
    b.para("No agency summaries were received through the toolkit.")
    b.tag("{%p endif %}")
    b.heading("5. Key practice episodes", 1)
    b.loop(
        ["Date", "Agencies", "What happened", "Why it matters"],
        RR + ".text.practice_episodes",
        "e",
        ["{{ e.episode_date }}", "{{ e.episode_agencies }}", "{{ e.episode_description }}",
         "{{ e.episode_significance }}"],
        [2.6, 3.4, 6.0, 4.6],
    )  # fmt: skip
    b.heading("6. How agencies worked together", 1)
    b.para("{{ " + RR + ".answers.practice_analysis }}")
    b.heading("Race, ethnicity, disability and other inequalities", 2)
    b.para("{{ " + RR + ".answers.equality_analysis }}")
    b.heading("Information still missing", 2)
    b.para("{{ " + RR + ".answers.information_gaps or 'None recorded.' }}")
    b.heading("7. Keeping children safe now", 1)
    b.para("{{ " + RR + ".answers.immediate_actions }}")
    b.tag("{%p if " + RR + ".answers.immediate_actions_outstanding %}")
    b.para("Still outstanding: {{ " + RR + ".answers.outstanding_actions }}")
    b.tag("{%p endif %}")
    b.heading("8. Learning", 1)
    b.facts(
        [
            ("Learning found", "{{ " + RR + ".answers.learning_identified }}"),
            ("Good practice", "{{ " + RR + ".answers.good_practice }}"),
            ("Sharing it now", "{{ " + RR + ".answers.learning_shared or 'Not recorded.' }}"),
        ]
    )
    b.heading("9. Criteria for a review", 1)
    b.facts(
        [
            ("National review criteria (regulation 3)", "{{ decision.national_criteria_text }}"),
            ("Local review criteria (regulation 11)", "{{ decision.local_criteria_text }}"),
            ("The partnership's own criteria", "{{ " + RR + ".text.local_criteria }}"),
        ]
    )
    b.heading("10. Decision", 1)
    b.facts(
        [
            ("Decision", "{{ decision.outcome_text | capitalize }}"),
            (
                "Other learning route",
                "{{ " + RR + ".text.other_learning_route or 'Not applicable' }}",
            ),
            ("Reasons", "{{ decision.rationale }}"),
            ("Date of the decision", "{{ case.dates.decision | uk_date }}"),
            (
                "Possibly of national importance",
                "{{ " + RR + ".text.national_importance }} "
                "{{ " + RR + ".answers.national_importance_reason }}",
            ),
        ]  # fmt: skip
    )
    b.heading("11. Sign-off by the safeguarding partners", 1)
    b.tag("{%p if case.signed_off %}")
    b.para(
        "The safeguarding partners have signed off this version of the rapid review "
        "({{ case.rapid_review.reference }})."
    )
    b.tag("{%p else %}")
    b.para(
        "This version of the rapid review ({{ case.rapid_review.reference }}) has "
        "{{ case.signoffs | length }} of the {{ partnership.signoffs_required }} sign-offs it "
        "needs. It is not signed off yet."
    )
    b.tag("{%p endif %}")
    b.loop(
        ["Partner", "Signed off by", "Date", "Comment"],
        "case.signoffs",
        "s",
        ["{{ s.partner }}", "{{ s.by }}", "{{ s.on | uk_date }}", "{{ s.comment }}"],
        [4.0, 4.4, 3.2, 5.0],
        empty="No partner has signed off this version yet.",
    )


def terms_of_reference(b: Builder) -> None:
    """Write the terms of reference for a local child safeguarding practice review."""
    b.report_head("Terms of reference", [("Review", "{{ review.name }}")])
    b.heading("1. Why the partners are carrying out this review", 1)
    b.para(
        "On {{ case.dates.commissioned | uk_date }} the safeguarding partners in "
        "{{ partnership.name }} decided to carry out a local child safeguarding practice review. "
        "Their reasons: {{ decision.rationale }}"
    )
    b.tag('{%p if case.reconvened.outcome == "change" %}')
    b.para(
        "The partners reached this decision after the National Panel asked them to think again: "
        "{{ case.reconvened.justification }}"
    )
    b.tag("{%p endif %}")
    b.facts([("Criteria met (regulation 11)", "{{ decision.local_criteria_text }}")])
    b.heading("2. Scope", 1)
    b.para("{{ " + TOR + ".answers.scope }}")
    b.facts(
        [
            ("Period from", "{{ " + TOR + ".text.period_start }}"),
            ("Period to", "{{ " + TOR + ".text.period_end }}"),
            ("Why this period", "{{ " + TOR + ".answers.period_reason }}"),
        ]
    )
    b.heading("3. Key lines of enquiry", 1)
    b.bullets(TOR + ".answers.lines_of_enquiry", "q", "{{ q.enquiry_question }}", "List Number")
    b.heading("4. How the review will work", 1)
    b.facts(
        [
            ("Approach", "{{ " + TOR + ".text.method }} {{ " + TOR + ".answers.method_other }}"),
            ("Gathering information", "{{ " + TOR + ".answers.method_details }}"),
            ("Lead reviewer",
             "{{ review.lead_reviewer or 'Not appointed yet' }}{% if " + TOR + ".answers."
             "lead_reviewer_organisation %}, {{ " + TOR + ".answers.lead_reviewer_organisation }}"
             "{% endif %}"),
            ("Independent of the agencies",
             "{{ review.lead_reviewer_independent_text or 'Not recorded' }}"),
            ("Appointed", "{{ " + TOR + ".text.lead_reviewer_appointed_date }}"),
            (
                "Panel told of the appointment",
                "{{ " + TOR + ".text.panel_informed }} {{ " + TOR + ".text.panel_informed_date }}",
            ),
        ]  # fmt: skip
    )
    b.heading("5. Involving the family and hearing the child", 1)
    b.para("{{ " + TOR + ".answers.family_involvement }}")
    b.para("{{ " + TOR + ".answers.child_voice }}")
    b.heading("6. Processes running alongside the review", 1)
    b.para("{{ " + TOR + ".text.parallel_processes }}")
    b.para("{{ " + TOR + ".answers.parallel_details }}")
    b.heading("7. Timescale", 1)
    b.facts(
        [
            ("Decision to carry out the review", "{{ case.dates.commissioned | uk_date }}"),
            ("Publication due (6 months, or as moved by an approved delay)",
             "{{ case.due.publication | uk_date }}"),
            ("Planned completion", "{{ case.dates.planned_publication | uk_date }}"),
            (
                "Likely to take longer",
                "{{ " + TOR + ".text.longer_than_six_months }} "
                "{{ " + TOR + ".answers.delay_reason }}",
            ),
        ]  # fmt: skip
    )
    b.heading("8. Publication", 1)
    b.para("{{ review.publication_plan_text | capitalize }}")
    b.para(
        "{{ " + TOR + ".answers.publication_reason }} {{ " + TOR + ".answers.publication_notes }}"
    )
    b.para(
        "The final report, or information about the improvements to be made, goes to the "
        "National Panel and the Secretary of State at least 7 working days before publication."
    )
    b.heading("9. Accountability", 1)
    b.para(
        "The review group reports to the three safeguarding partners, who stay accountable for "
        "the review, its findings and the actions that follow. The independent chair and "
        "scrutineer oversees its timeliness and quality."
    )
