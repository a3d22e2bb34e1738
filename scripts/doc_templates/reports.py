"""The shipped reports: the notification summary, the rapid review and terms of reference."""

from __future__ import annotations

from scripts.doc_templates.kit import NOTE, RR, TOR, Builder


def panel_notification_summary(b: Builder) -> None:
    """Write the summary of the serious incident notification for the National Panel."""
    b.report_head(
        "Serious incident notification: summary for the National Panel",
        [("Notification reference", "{{ " + NOTE + ".reference }}")],
    )
    b.para(
        "This summary sets out what {{ partnership.name }} told the Child Safeguarding "
        "Practice Review Panel about a serious incident, and the safeguarding partners' view "
        "that it is notifiable."
    )
    b.heading("1. The notification", 1)
    b.facts(
        [
            ("Local authority notifying", "{{ " + NOTE + ".answers.local_authority }}"),
            ("Local authority became aware", "{{ case.key_dates.aware | uk_date }}"),
            (
                "Due by (5 working days)",
                "{{ case.key_dates.aware | add_working_days(5) | uk_date }}",
            ),
            ("Notified", "{{ case.key_dates.notified | uk_date }}"),
            (
                "Notified by",
                "{{ "
                + NOTE
                + ".text.notifier_name }}, {{ "
                + NOTE
                + ".answers.notifier_role }}, {{ "
                + NOTE
                + ".answers.notifier_organisation }}",
            ),
            (
                "Contact",
                "{{ " + NOTE + ".text.notifier_phone }}, {{ " + NOTE + ".text.notifier_email }}",
            ),
        ]  # fmt: skip
    )
    b.heading("2. The children", 1)
    b.loop(
        ["Name", "Date of birth or age", "Gender", "Ethnicity", "Legal status", "Known to CSC"],
        NOTE + ".text.children",
        "c",
        ["{{ c.child_name }}", "{{ c.date_of_birth or c.age }}", "{{ c.gender }}",
         "{{ c.ethnicity }}", "{{ c.legal_status }}", "{{ c.known_to_csc }}"],
        [3.0, 2.6, 2.0, 3.4, 3.0, 2.6],
    )  # fmt: skip
    b.heading("3. The incident", 1)
    b.facts(
        [
            ("What happened", "{{ " + NOTE + ".text.incident_type }}"),
            ("Abuse or neglect", "{{ " + NOTE + ".text.abuse_or_neglect }}"),
            (
                "Date and time",
                "{{ " + NOTE + ".text.incident_date }} {{ " + NOTE + ".answers.incident_time }}",
            ),
            ("Where", "{{ " + NOTE + ".answers.incident_location }}"),
            ("Alleged perpetrator", "{{ " + NOTE + ".text.perpetrator_relationship }}"),
            ("Looked after child", "{{ " + NOTE + ".text.looked_after_child }}"),
            ("Care leaver", "{{ " + NOTE + ".text.care_leaver_involved }}"),
            ("Other children in the household", "{{ " + NOTE + ".text.other_children_known }}"),
        ]  # fmt: skip
    )
    b.heading("4. Outline of the case", 1)
    b.para("{{ " + NOTE + ".answers.case_outline }}")
    b.heading("Agencies involved", 2)
    b.para("{{ " + NOTE + ".answers.agencies_involved }}")
    b.tag("{%p if " + NOTE + ".answers.other_children_details %}")
    b.heading("Other children", 2)
    b.para("{{ " + NOTE + ".answers.other_children_details }}")
    b.tag("{%p endif %}")
    b.heading("5. The safeguarding partners' view", 1)
    b.para("{{ case.notifiability.explanation }} The rule: {{ partnership.decision_rule }}.")
    b.loop(
        ["Partner", "View", "Reasons", "Date"],
        "case.partner_views",
        "v",
        ["{{ v.partner }}", "{{ v.view_text }}", "{{ v.rationale }}", "{{ v.on | uk_date }}"],
        [3.4, 2.6, 8.0, 2.6],
    )
    b.para(
        "The rapid review must be completed by {{ case.key_dates.notified | add_working_days(15)"
        " | uk_day_date }}, 15 working days after the notification."
    )


def rapid_review_report(b: Builder) -> None:
    """Write the rapid review report from the rapid review form."""
    b.report_head("Rapid review report", [("Child", "{{ " + RR + ".text.child_name }}")])
    b.heading("1. The incident", 1)
    b.facts(
        [
            ("What happened", "{{ " + RR + ".text.incident_type }}"),
            ("Date of the incident", "{{ " + RR + ".text.incident_date }}"),
            ("Local authority became aware", "{{ " + RR + ".text.la_aware_date }}"),
            ("Notified to the Panel", "{{ " + RR + ".text.notification_date }}"),
            ("Rapid review meeting", "{{ " + RR + ".text.meeting_date }}"),
            (
                "Due by (15 working days)",
                "{{ case.key_dates.notified | add_working_days(15) | uk_day_date }}",
            ),
            ("Sent to the Panel", "{{ " + RR + ".text.sent_to_panel_date }}"),
        ]  # fmt: skip
    )
    b.heading("2. Summary of the case", 1)
    b.para("{{ " + RR + ".answers.case_summary }}")
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
    b.heading("9. Criteria for a local review", 1)
    b.facts(
        [
            ("Regulation 11 criteria", "{{ " + RR + ".text.regulation_criteria }}"),
            ("Local criteria", "{{ " + RR + ".text.local_criteria }}"),
        ]
    )
    b.heading("10. Decision", 1)
    b.facts(
        [
            ("Decision", "{{ " + RR + ".text.recommendation }}"),
            (
                "Other learning route",
                "{{ " + RR + ".text.other_learning_route or 'Not applicable' }}",
            ),
            ("Reasons", "{{ " + RR + ".answers.decision_rationale }}"),
            ("Date of the decision", "{{ " + RR + ".text.decision_date }}"),
            (
                "Possibly of national importance",
                "{{ " + RR + ".text.national_importance }} "
                "{{ " + RR + ".answers.national_importance_reason }}",
            ),
        ]  # fmt: skip
    )
    b.heading("11. Sign-off by the safeguarding partners", 1)
    b.facts(
        [
            (
                "Local authority",
                "{{ " + RR + ".answers.la_lead_name | name }}, "
                "{{ " + RR + ".text.la_signoff_date }}",
            ),
            (
                "Police",
                "{{ " + RR + ".answers.police_lead_name | name }}, "
                "{{ " + RR + ".text.police_signoff_date }}",
            ),
            (
                "Integrated care board",
                "{{ " + RR + ".answers.icb_lead_name | name }}, "
                "{{ " + RR + ".text.icb_signoff_date }}",
            ),
        ]  # fmt: skip
    )
    b.para("Sign-offs recorded in the toolkit:", bold=True)
    b.loop(
        ["Partner", "Signed off by", "Date"],
        "case.signoffs",
        "s",
        ["{{ s.partner }}", "{{ s.by }}", "{{ s.on | uk_date }}"],
        [5.5, 7.0, 4.1],
    )


def terms_of_reference(b: Builder) -> None:
    """Write the terms of reference for a local child safeguarding practice review."""
    b.report_head("Terms of reference", [("Review", "{{ " + TOR + ".answers.review_name }}")])
    b.heading("1. Why the partners are carrying out this review", 1)
    b.para(
        "On {{ case.key_dates.commissioned | uk_date }} the safeguarding partners in "
        "{{ partnership.name }} decided to carry out a local child safeguarding practice review. "
        "Their reasons: {{ " + RR + ".answers.decision_rationale }}"
    )
    b.facts([("Criteria met", "{{ " + RR + ".text.regulation_criteria }}")])
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
            (
                "Lead reviewer",
                "{{ " + TOR + ".answers.lead_reviewer_name | name }}, "
                "{{ " + TOR + ".answers.lead_reviewer_organisation }}",
            ),
            ("Independent of the agencies", "{{ " + TOR + ".text.lead_reviewer_independent }}"),
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
            ("Decision to carry out the review", "{{ case.key_dates.commissioned | uk_date }}"),
            (
                "Publication due (6 months)",
                "{{ case.key_dates.commissioned | add_months(6) | uk_date }}",
            ),
            ("Planned completion", "{{ " + TOR + ".text.planned_completion_date }}"),
            (
                "Likely to take longer",
                "{{ " + TOR + ".text.longer_than_six_months }} "
                "{{ " + TOR + ".answers.delay_reason }}",
            ),
        ]  # fmt: skip
    )
    b.heading("8. Publication", 1)
    b.para("{{ " + TOR + ".text.publication_plan }}")
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
