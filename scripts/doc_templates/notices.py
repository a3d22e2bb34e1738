"""The shipped notices to the Panel and the Secretary of State: publication and delay."""

from __future__ import annotations

from scripts.doc_templates.kit import CONTACT, RR, TOR, Builder


def _notice_head(b: Builder, heading: str) -> None:
    """Open a notice to the Panel and the Secretary of State."""
    b.report_head(heading, [("Review", "{{ review.name }}")])
    b.para("To: the Child Safeguarding Practice Review Panel", bold=True)
    b.para("To: the Secretary of State for Education, Department for Education", bold=True)


def publication_notice(b: Builder) -> None:
    """Write the notice to the Panel and Secretary of State before publication."""
    _notice_head(b, "Notice before publication of a local review")
    b.para("Copy: Ofsted", bold=True)
    b.para(
        "The safeguarding partners in {{ partnership.name }} intend to publish the report of "
        "the local child safeguarding practice review below. The final report must reach the "
        "Panel and the Secretary of State at least 7 working days before it is published."
    )
    b.facts(
        [
            ("Decision to carry out the review", "{{ case.dates.commissioned | uk_date }}"),
            ("Lead reviewer", "{{ review.lead_reviewer or 'Not recorded' }}"),
            ("Planned publication", "{{ case.dates.planned_publication | uk_day_date }}"),
            ("Latest day for this notice", "{{ case.due.panel_notice | uk_day_date }}"),
            ("What will be published", "{{ review.publication_plan_text or 'Not recorded' }}"),
        ]  # fmt: skip
    )
    b.tag("{%p if " + TOR + ".answers.publication_reason %}")
    b.heading("Why the full report will not be published", 2)
    b.para("{{ " + TOR + ".answers.publication_reason }}")
    b.tag("{%p endif %}")
    b.heading("Enclosed", 2)
    b.para(
        "The final report, or information about the improvements to be made", style="List Bullet"
    )
    b.para("The review's action plan", style="List Bullet")
    b.heading("Timeliness", 2)
    b.tag("{%p if case.delays %}")
    b.para(
        "Publication was delayed with the partners' approval. The Panel was told of the latest "
        "delay on {{ case.latest_delay.panel_told | uk_date }} and the Secretary of State on "
        "{{ case.latest_delay.sos_told | uk_date }}. The latest approved date is "
        "{{ case.latest_delay.new_date | uk_date }}."
    )
    b.tag("{%p else %}")
    b.para(
        "The review is due to be published within six months of the decision to carry it out, "
        "by {{ case.due.publication | uk_date }}."
    )
    b.tag("{%p endif %}")
    b.tag("{%p if " + CONTACT + " %}")
    b.heading("The family", 2)
    b.para(
        "Latest contact with the family: {{ " + CONTACT + ".text.contact_date }}, "
        "{{ " + CONTACT + ".text.contact_type | lower }} ({{ " + CONTACT
        + ".text.contact_purpose | lower }})."
    )
    b.tag("{%p endif %}")
    b.heading("Signed for the safeguarding partners", 2)
    b.partner_signatures()


def delay_notice(b: Builder) -> None:
    """Write the notice of delay to a local review, with the reasons."""
    _notice_head(b, "Notice of delay to a local review")
    b.para(
        "A local child safeguarding practice review should be completed and published within "
        "six months of the decision to carry it out. This review will take longer, and the "
        "delay has been approved. The safeguarding partners in {{ partnership.name }} give "
        "notice of the delay and the reasons for it."
    )
    b.facts(
        [
            ("Decision to carry out the review", "{{ case.dates.commissioned | uk_date }}"),
            (
                "Original deadline (6 months)",
                "{{ case.dates.commissioned | add_months(6) | uk_date }}",
            ),
            ("New expected publication", "{{ case.latest_delay.new_date | uk_date }}"),
            ("Delay approved by", "{{ case.latest_delay.approved_by }}"),
            ("Delay recorded", "{{ case.latest_delay.recorded_on | uk_date }}"),
        ]  # fmt: skip
    )
    b.heading("Reasons for the delay", 2)
    b.para("{{ case.latest_delay.reason }}")
    b.tag("{%p if " + TOR + ".answers.parallel_details %}")
    b.para("Processes running alongside the review: {{ " + TOR + ".text.parallel_processes }}.")
    b.para("{{ " + TOR + ".answers.parallel_details }}")
    b.tag("{%p endif %}")
    b.heading("Meanwhile", 2)
    b.para(
        "The review continues where it can without affecting the other processes, and the "
        "partners act on learning as soon as it is clear."
    )
    b.tag("{%p if " + RR + ".answers.learning_shared %}")
    b.para("Learning already shared: {{ " + RR + ".answers.learning_shared }}")
    b.tag("{%p endif %}")
    b.heading("Every delay agreed for this review", 2)
    b.loop(
        ["Recorded", "New date", "Approved by", "Reason"],
        "case.delays",
        "d",
        ["{{ d.recorded_on | uk_date }}", "{{ d.new_date | uk_date }}", "{{ d.approved_by }}",
         "{{ d.reason }}"],
        [2.8, 2.8, 3.6, 7.4],
    )  # fmt: skip
    b.para(
        "We will send the final report to the Panel and the Secretary of State at least 7 "
        "working days before it is published."
    )
    b.heading("Signed for the safeguarding partners", 2)
    b.partner_signatures()
