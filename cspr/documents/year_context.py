"""What a yearly report template reads: the year's figures, as plain data.

Kept apart from context.py (which builds a case's context): a yearly report section is made
from the yearly figures page, for no one case, so its templates are never offered on a case.
The figures come from exports.yearly, the same ones the page and the workbook show.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cspr.exports.yearly import YearFigures

YEAR_TEMPLATES = frozenset({"yearly_report_section"})
_EACH = "each item: "
_COUNTS = (("recorded", "recorded in the year"), ("open", "open at the end of the year"),
           ("overdue", "of those, overdue"), ("completed", "completed in the year"),
           ("with_evidence", "completed in the year with evidence"))  # fmt: skip
# (path, meaning) of every value a yearly report template can read; "[]" marks list items.
YEAR_VARIABLES: list[tuple[str, str]] = [
    ("year.label", "The reporting year, like 1 April 2026 to 31 March 2027"),
    ("year.start", "The first day of the reporting year"),
    ("year.end", "The last day of the reporting year"),
    ("year.so_far", "True while the year is not over: the figures are so far"),
    ("year.figures", "Every headline figure, as a list"),
    ("year.figures.[].section", _EACH + "its section, like Timeliness"),
    ("year.figures.[].text", _EACH + "what it counts"),
    ("year.figures.[].number", _EACH + "the number"),
    *[(f"year.reviews.{k}", f"Cases {t} in the year") for k, t in (
        ("considered", "the partners considered"), ("notified", "notified to the Panel"),
        ("reviewed", "with a rapid review completed"), ("commissioned", "whose local review "
        "was commissioned"), ("published", "whose local review was published"))],
    ("year.notifications.made", "Notifications made to the National Panel in the year"),
    ("year.notifications.on_time", "Of those, made within 5 working days"),
    ("year.notifications.late", "Of those, made later than 5 working days"),
    ("year.rapid_reviews.completed", "Rapid reviews completed in the year"),
    ("year.rapid_reviews.on_time", "Of those, completed within 15 working days"),
    ("year.rapid_reviews.late", "Of those, completed later than 15 working days"),
    ("year.decisions", "The partners' decisions in the year, as a list"),
    ("year.decisions.[].text", _EACH + "the decision"),
    ("year.decisions.[].number", _EACH + "how many times it was made"),
    ("year.panel.agreed", "Times the Panel agreed with the partners' decision"),
    ("year.panel.challenged", "Times the Panel challenged the partners' decision"),
    ("year.local_reviews.commissioned", "Local reviews commissioned in the year"),
    ("year.local_reviews.published", "Local reviews published in the year"),
    ("year.local_reviews.within_six_months", "Of those, published within six months"),
    ("year.local_reviews.by_approved_date", "Of those, published by the date in force"),
    ("year.delays", "Delays to local reviews approved in the year, as a list"),
    *[(f"year.delays.[].{k}", _EACH + t) for k, t in (
        ("case", "the case reference"), ("approved_on", "the date it was recorded"),
        ("reason", "the reason"), ("approved_by", "who approved it"),
        ("new_date", "the new date"))],
    *[(f"year.actions.{k}", f"Actions {t}") for k, t in _COUNTS],
    *[(f"year.actions.{group}", f"Actions by {what}, as a list") for group, what in (
        ("by_kind", "kind of review"), ("by_agency", "owning agency"))],
    *[(f"year.actions.{group}.[].{k}", _EACH + t) for group in ("by_kind", "by_agency")
      for k, t in (("name", "the kind of review or agency"), *_COUNTS)],
    ("year.learning.held", "Learning activities in the year"),
    ("year.learning.reached", "People the learning reached"),
    ("year.learning.by_kind", "Learning activity by kind, as a list"),
    *[(f"year.learning.by_kind.[].{k}", _EACH + t) for k, t in (
        ("name", "the kind"), ("held", "how many"), ("reached", "people reached"))],
    ("year.learning.activities", "Each learning activity in the year, as a list"),
    *[(f"year.learning.activities.[].{k}", _EACH + t) for k, t in (
        ("on", "the date"), ("review", "the review"), ("kind", "the kind"),
        ("title", "what it was about"), ("audience", "who it was for"),
        ("reached", "people reached"))],
]  # fmt: skip


def _iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, date) else str(day or "")


def _counts(group: Any) -> dict[str, Any]:
    found = asdict(group)
    return {k: found[k] for k in ("name", *(key for key, _ in _COUNTS))}


def _total(groups: list[Any]) -> dict[str, int]:
    return {key: sum(getattr(g, key) for g in groups) for key, _ in _COUNTS}


def year_values(figures: YearFigures, rows: list[tuple[str, str, int]], today: date) -> dict[
        str, Any]:  # fmt: skip
    """Return the year's figures as the plain data templates read under "year"."""
    notes, reviews, local = figures.notifications, figures.rapid_reviews, figures.local
    return {
        "label": figures.label, "start": _iso(figures.start), "end": _iso(figures.end),
        "so_far": figures.end >= today,
        "figures": [{"section": s, "text": t, "number": n} for s, t, n in rows],
        "reviews": dict(figures.counts),
        "notifications": {"made": notes.done, "on_time": notes.on_time, "late": notes.late},
        "rapid_reviews": {"completed": reviews.done, "on_time": reviews.on_time,
                          "late": reviews.late},
        "decisions": [{"text": t, "number": n} for t, n in figures.decisions],
        "panel": {"agreed": figures.panel.get("agree", 0),
                  "challenged": figures.panel.get("challenge", 0)},
        "local_reviews": {"commissioned": local.commissioned, "published": local.published,
                          "within_six_months": local.within_six_months,
                          "by_approved_date": local.by_approved_date},
        "delays": [{"case": d["case"], "approved_on": _iso(d["recorded_on"]),
                    "reason": d["reason"], "approved_by": d["approved_by"],
                    "new_date": _iso(d["new_date"])} for d in local.delays],
        "actions": {**_total(figures.actions),
                    "by_kind": [_counts(g) for g in figures.actions],
                    "by_agency": [_counts(g) for g in figures.agencies]},
        "learning": {
            "held": sum(a.held for a in figures.activity),
            "reached": sum(a.reached for a in figures.activity),
            "by_kind": [asdict(a) for a in figures.activity],
            "activities": [{"on": _iso(a["held_on"]), "review": a["review"],
                            "kind": a["kind_text"], "title": a["title"],
                            "audience": a["audience"], "reached": a["reached"]}
                           for a in figures.activities],
        },
    }  # fmt: skip


def year_context(
    figures: YearFigures, rows: list[tuple[str, str, int]], template: dict[str, str],
    author: dict[str, Any], partnership: str, today: date,
) -> dict[str, Any]:  # fmt: skip
    """Return a yearly report template's whole context: the partnership, document and year."""
    from cspr.documents.context import ROLE_TITLES

    return {
        "partnership": {"name": partnership},
        "today": today.isoformat(),
        "document": {"title": template["title"], "template_id": template["id"],
                     "anonymised": False, "label": "Yearly report section", "date":
                     today.isoformat(), "prepared_by": {"name": author.get("name", ""),
                     "role": ROLE_TITLES.get(author.get("role", ""), "")}},
        "year": year_values(figures, rows, today),
    }  # fmt: skip


def sample_year(today: date) -> dict[str, Any]:
    """Return invented figures for a year, for sample documents and the variables page."""
    from cspr.exports import yearly
    from cspr.learning.figures import ActionCounts, ActivityCounts

    start, end = yearly.year_bounds(yearly.year_of(today))
    figures = yearly.YearFigures(start, end, {"considered": 14, "notified": 9, "reviewed": 8,
                                              "commissioned": 3, "published": 2}, [])
    figures.notifications = yearly.Timeliness(9, 8, 1)
    figures.rapid_reviews = yearly.Timeliness(8, 7, 1)
    figures.decisions = [("a local child safeguarding practice review", 3)]
    figures.panel = {"agree": 7, "challenge": 1}
    figures.local = yearly.LocalReviews(3, 2, 1, 2, [{
        "case": f"CSPR-{start.year}-0009", "recorded_on": start, "reason": "A criminal trial "
        "must finish first.", "approved_by": "The three safeguarding partners",
        "new_date": end}])
    figures.actions = [ActionCounts("Local child safeguarding practice review", 8, 5, 1, 3, 3)]
    figures.agencies = [ActionCounts("Exampleshire Community Health Services", 3, 2, 0, 1, 1)]
    figures.activity = [ActivityCounts("Seven-minute briefing", 1, 60)]
    figures.activities = [{"held_on": start, "review": "Child K", "kind_text":
                           "Seven-minute briefing", "title": "Sharing missed contact",
                           "audience": "Health visitors and GPs", "reached": 60}]
    return year_values(figures, yearly.figure_rows(figures), today)  # fmt: skip


def make_section(figures: YearFigures, rows: list[tuple[str, str, int]],
                 author: dict[str, Any], today: date) -> tuple[bytes, str]:  # fmt: skip
    """Fill the yearly report section template in use; return the document and its title."""
    from cspr.documents import library
    from cspr.documents.operations import fill_template, settings

    (template_id,) = YEAR_TEMPLATES
    template, version = library.active(template_id)
    context = year_context(figures, rows, {"id": template["id"], "title": template["title"]},
                           author, settings().partnership["name"], today)  # fmt: skip
    return fill_template(library.read(version), context), str(template["title"])
