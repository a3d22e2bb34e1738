"""Figures for the partnership's yearly report: reviews by stage reached, timeliness,
decisions and the Panel's responses, local reviews and their delays, actions and learning.

Everything comes from the case facts and casework's deadlines (and learning's records for
actions and activity), never from form field names, so no figure can disagree with what the
case page says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cspr.casework import casefacts, cases, clock, deadlines
from cspr.casework.catalog import DECISIONS, PANEL_RESPONSES
from cspr.exports.columns import iso_date
from cspr.learning import figures as learning
from cspr.learning import records

YEAR_STARTS_MONTH = 4  # reporting years run from 1 April to 31 March
FIGURES = [
    ("considered", "Cases the partners considered"),
    ("notified", "Serious incidents notified to the National Panel"),
    ("reviewed", "Rapid reviews completed"),
    ("commissioned", "Local reviews commissioned"),
    ("published", "Local reviews published"),
]


@dataclass
class Timeliness:
    """How many times a step was done in the year, and how many of those on time."""

    done: int = 0
    on_time: int = 0
    late: int = 0  # the rest had no statutory clock (a notification needing no rapid review)

    def add(self, deadline: deadlines.Deadline | None) -> None:
        """Count one step done in the year, judged by the case's own deadline."""
        self.done += 1
        if deadline is not None:
            self.on_time += int(deadline.status.state == "met")
            self.late += int(deadline.status.state == "missed")


@dataclass
class LocalReviews:
    """Local reviews in the year: commissioned, published, and how promptly."""

    commissioned: int = 0
    published: int = 0
    within_six_months: int = 0  # published within six months of the decision to commission
    by_approved_date: int = 0  # published by the date in force, approved delays included
    delays: list[dict[str, Any]] = field(default_factory=list)  # approved in the year


@dataclass
class YearFigures:
    """Everything the yearly report needs for one reporting year."""

    start: date
    end: date
    counts: dict[str, int]
    case_rows: list[list[Any]]
    agencies: list[learning.ActionCounts] = field(default_factory=list)
    notifications: Timeliness = field(default_factory=Timeliness)
    rapid_reviews: Timeliness = field(default_factory=Timeliness)
    decisions: list[tuple[str, int]] = field(default_factory=list)
    panel: dict[str, int] = field(default_factory=dict)  # by response: agree, challenge
    local: LocalReviews = field(default_factory=LocalReviews)
    actions: list[learning.ActionCounts] = field(default_factory=list)
    activity: list[learning.ActivityCounts] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Name the year, like "1 April 2025 to 31 March 2026"."""
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def year_bounds(first_year: int) -> tuple[date, date]:
    """Return the first and last day of the reporting year that starts in first_year."""
    following = date(first_year + 1, YEAR_STARTS_MONTH, 1)
    return date(first_year, YEAR_STARTS_MONTH, 1), following - timedelta(days=1)


def year_of(day: date) -> int:
    """Return the first calendar year of the reporting year a day falls in."""
    return day.year if day.month >= YEAR_STARTS_MONTH else day.year - 1


def considered_on(case: dict[str, Any]) -> date | None:
    """Return when the partners first considered a case: their earliest recorded view."""
    views = [*(case.get("views") or {}).values(), *(case.get("view_history") or [])]
    found = [iso_date(str(v.get("at", ""))[:10]) for v in views]
    days = [d for d in found if d is not None]
    return min(days) if days else None


def _local(found: LocalReviews, case: dict[str, Any], start: date, end: date,
           due: deadlines.Deadline | None) -> None:  # fmt: skip
    """Count a case's local review: commissioned or published in the year, and its delays."""
    commissioned = casefacts.get_date(case, "dates.commissioned")
    published = casefacts.get_date(case, "dates.published")
    if commissioned is not None and start <= commissioned <= end:
        found.commissioned += 1
    if published is not None and start <= published <= end:
        found.published += 1
        if commissioned is not None:
            six_months = clock.add_months(commissioned, clock.PUBLICATION_MONTHS)
            found.within_six_months += int(published <= six_months)
        found.by_approved_date += int(due is not None and due.status.state == "met")
    for delay in case.get("delays") or []:
        recorded = iso_date(str(delay.get("recorded_at", ""))[:10])
        if recorded is not None and start <= recorded <= end:
            found.delays.append({"case": case["reference"], "recorded_on": recorded,
                                 "reason": delay.get("reason", ""),
                                 "approved_by": delay.get("approved_by", ""),
                                 "new_date": iso_date(delay.get("new_date")),
                                 "panel_told": iso_date(delay.get("panel_told")),
                                 "sos_told": iso_date(delay.get("sos_told"))})  # fmt: skip


def figures_for(user: dict[str, Any], first_year: int, today: date) -> YearFigures:
    """Work out every figure for the reporting year from the cases and learning's records."""
    start, end = year_bounds(first_year)
    figures = YearFigures(start, end, dict.fromkeys((key for key, _ in FIGURES), 0), [])
    decided: Counter[str] = Counter()
    panel: Counter[str] = Counter()
    for case in sorted(cases.list_cases(user), key=lambda c: c["reference"]):
        when = {
            "considered": considered_on(case),
            "notified": casefacts.get_date(case, "dates.notified"),
            "reviewed": casefacts.get_date(case, "dates.rapid_review_sent"),
            "commissioned": casefacts.get_date(case, "dates.commissioned"),
            "published": casefacts.get_date(case, "dates.published"),
        }
        in_year = {k: d for k, d in when.items() if d is not None and start <= d <= end}
        for key in in_year:
            figures.counts[key] += 1
        if in_year:
            figures.case_rows.append([case["reference"], *(in_year.get(k) for k, _ in FIGURES)])
        found = {d.key: d for d in deadlines.deadlines(case, today)}
        if "notified" in in_year:
            figures.notifications.add(found.get("notification"))
        if "reviewed" in in_year:
            figures.rapid_reviews.add(found.get("rapid_review"))
        decision_on = casefacts.get_date(case, "dates.decision")
        if decision_on is not None and start <= decision_on <= end:
            decided[str(casefacts.get(case, "decision.outcome") or "")] += 1
        replied = casefacts.get_date(case, "dates.panel_response")
        if replied is not None and start <= replied <= end:
            panel[str(casefacts.get(case, "panel.response") or "")] += 1
        _local(figures.local, case, start, end, found.get("publication"))
    figures.decisions = [(text, decided[key]) for key, text in DECISIONS]
    figures.panel = {key: panel[key] for key, _ in PANEL_RESPONSES}
    actions = records.visible_actions(user)
    figures.actions = learning.by_kind(actions, start, end, today)
    figures.agencies = learning.by_agency(actions, start, end, today)
    figures.activity, figures.activities = learning.activity(start, end)
    return figures



def figure_rows(figures: YearFigures) -> list[tuple[str, str, int]]:
    """Return every headline figure as (section, what, number): one list for the page, the
    workbook and the Word section, so the three always agree."""
    local, notes, reviews = figures.local, figures.notifications, figures.rapid_reviews
    done = sum(a.completed for a in figures.actions)
    rows = [("Reviews", text, figures.counts[key]) for key, text in FIGURES]
    # Notifications made and rapid reviews completed are counted under Reviews above.
    rows += [
        ("Timeliness", "Notifications made within 5 working days", notes.on_time),
        ("Timeliness", "Notifications made later than 5 working days", notes.late),
        ("Timeliness", "Rapid reviews completed within 15 working days", reviews.on_time),
        ("Timeliness", "Rapid reviews completed later than 15 working days", reviews.late),
    ]
    rows += [("Decisions", f"Decided on {text}", count) for text, count in figures.decisions]
    rows += [("Decisions", f"The Panel {text}", figures.panel.get(key, 0))
             for key, text in PANEL_RESPONSES]
    rows += [
        ("Local reviews", "Published within six months of the decision to commission",
         local.within_six_months),
        ("Local reviews", "Published by the date in force, approved delays included",
         local.by_approved_date),
        ("Local reviews", "Delays approved, with their reasons", len(local.delays)),
        ("Actions", "Actions recorded", sum(a.recorded for a in figures.actions)),
        ("Actions", "Actions open at the end of the year", sum(a.open for a in figures.actions)),
        ("Actions", "Of those, overdue", sum(a.overdue for a in figures.actions)),
        ("Actions", "Actions completed", done),
        ("Actions", "Actions completed with evidence",
         sum(a.with_evidence for a in figures.actions)),
        ("Learning", "Learning activities", sum(a.held for a in figures.activity)),
        ("Learning", "People the learning reached", sum(a.reached for a in figures.activity)),
    ]  # fmt: skip
    return rows
