"""The shipped section for the partnership's yearly report, filled from the yearly figures."""

from __future__ import annotations

from scripts.doc_templates.kit import Builder


def yearly_report_section(b: Builder) -> None:
    """Write the yearly report's section on reviews, their actions and the learning shared."""
    b.reference("{{ year.label }}")
    b.heading("Child safeguarding practice reviews: {{ year.label }}", 0)
    b.facts([
        ("Reporting year", "{{ year.label }}"),
        ("Figures", "{{ 'So far: the year is not over' if year.so_far else 'The whole year' }}"),
        ("Made on", "{{ document.date | uk_date }}"),
        ("Prepared by", "{{ document.prepared_by.name }}, {{ document.prepared_by.role }}"),
    ])  # fmt: skip
    b.para(
        "This section of {{ partnership.name }}'s yearly report sets out how the safeguarding "
        "partners dealt with serious child safeguarding incidents in the year, the reviews "
        "that followed, the actions taken on their recommendations and how the learning was "
        "shared. It was made from the partnership's case records; check it before it is "
        "published."
    )
    b.heading("Serious incidents and rapid reviews", 1)
    b.facts([
        ("Cases the partners considered", "{{ year.reviews.considered }}"),
        ("Notifications to the National Panel", "{{ year.notifications.made }}"),
        ("Of those, made within 5 working days", "{{ year.notifications.on_time }}"),
        ("Rapid reviews completed", "{{ year.rapid_reviews.completed }}"),
        ("Of those, completed within 15 working days", "{{ year.rapid_reviews.on_time }}"),
    ], (9.6, 7.0))  # fmt: skip
    b.heading("Decisions and the National Panel", 1)
    b.loop(["Decision after the rapid review", "Number"], "year.decisions", "d",
           ["{{ d.text }}", "{{ d.number }}"], [13.6, 3.0])  # fmt: skip
    b.facts([
        ("Times the Panel agreed with the partners' decision", "{{ year.panel.agreed }}"),
        ("Times the Panel challenged the partners' decision", "{{ year.panel.challenged }}"),
    ], (9.6, 7.0))  # fmt: skip
    b.heading("Local child safeguarding practice reviews", 1)
    b.facts([
        ("Local reviews commissioned", "{{ year.local_reviews.commissioned }}"),
        ("Local reviews published", "{{ year.local_reviews.published }}"),
        ("Published within six months of the decision to commission",
         "{{ year.local_reviews.within_six_months }}"),
        ("Published by the date in force, approved delays included",
         "{{ year.local_reviews.by_approved_date }}"),
    ], (9.6, 7.0))  # fmt: skip
    b.heading("Delays approved in the year", 2)
    b.loop(["Case", "Approved", "Reason", "New date"], "year.delays", "d",
           ["{{ d.case }}", "{{ d.approved_on | uk_date }}", "{{ d.reason }} (approved by "
            "{{ d.approved_by }})", "{{ d.new_date | uk_date }}"], [3.2, 3.0, 7.6, 2.8],
           empty="No delays were approved in the year.")  # fmt: skip
    b.heading("Actions from reviews", 1)
    b.para(
        "Each recommendation of a review (local, national, or a Panel thematic report the "
        "partnership adopted) became actions owned by an agency. An action is complete when "
        "the business unit or the independent chair has accepted the agency's evidence."
    )
    b.facts([
        ("Actions recorded in the year", "{{ year.actions.recorded }}"),
        ("Actions completed in the year", "{{ year.actions.completed }}"),
        ("Of those, completed with evidence", "{{ year.actions.with_evidence }}"),
        ("Actions open at the end of the year", "{{ year.actions.open }}"),
        ("Of those, overdue", "{{ year.actions.overdue }}"),
    ], (9.6, 7.0))  # fmt: skip
    columns = ["Recorded", "Open", "Overdue", "Completed", "With evidence"]
    cells = ["{{ g.recorded }}", "{{ g.open }}", "{{ g.overdue }}", "{{ g.completed }}",
             "{{ g.with_evidence }}"]
    b.loop(["Kind of review", *columns], "year.actions.by_kind", "g", ["{{ g.name }}", *cells],
           [5.6, 2.2, 2.2, 2.2, 2.2, 2.2])  # fmt: skip
    b.loop(["Owning agency", *columns], "year.actions.by_agency", "g", ["{{ g.name }}", *cells],
           [5.6, 2.2, 2.2, 2.2, 2.2, 2.2], empty="No actions were recorded.")  # fmt: skip
    b.heading("Sharing the learning", 1)
    b.facts([
        ("Learning activities", "{{ year.learning.held }}"),
        ("People the learning reached", "{{ year.learning.reached }}"),
    ], (9.6, 7.0))  # fmt: skip
    b.loop(["Date", "Activity", "Who it was for", "Reached"], "year.learning.activities", "a",
           ["{{ a.on | uk_date }}", "{{ a.kind }}: {{ a.title }} ({{ a.review }})",
            "{{ a.audience }}", "{{ a.reached }}"], [2.8, 7.4, 4.4, 2.0],
           empty="No learning activity was recorded in the year.")  # fmt: skip
