"""The shipped Word templates, written with python-docx by scripts/build_doc_templates.py.

Not part of the app (it lives beside scripts/, outside the cspr package): the running app
reads the built files in doc_templates/. Placeholders
use docxtpl's Jinja: {{ value }}, {%p if %} paragraphs and {%tr for %} table rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from scripts.doc_templates.kit import Builder
from scripts.doc_templates.letters import family_decision_letter, family_invitation_letter
from scripts.doc_templates.notices import delay_notice, publication_notice
from scripts.doc_templates.reports import (
    panel_notification_summary,
    rapid_review_report,
    terms_of_reference,
)
from scripts.doc_templates.yearly import yearly_report_section

REPORT_MARK = "OFFICIAL-SENSITIVE"
FAMILY, NOT_FAMILY = True, False

# (id, title, description, header marking, writer, addressed to the family, what it cannot be
# made without: case facts, "forms.<id>" for a sent form, "case.delays" for a recorded delay)
TEMPLATES: list[tuple[str, str, str, str, Callable[[Builder], None], bool, list[str]]] = [
    ("family_decision_letter", "Letter to the family: the decision and its rationale",
     "Tells the family the partners' decision after the rapid review, and why.", "",
     family_decision_letter, FAMILY,
     ["decision.outcome", "decision.rationale", "dates.decision"]),
    ("family_invitation_letter", "Letter to the family: invitation to contribute",
     "Invites the family to take part in the review, with the support and advocacy offer.", "",
     family_invitation_letter, FAMILY, []),
    ("panel_notification_summary", "Notification summary for the National Panel",
     "Summarises the serious incident notification and the partners' views.", REPORT_MARK,
     panel_notification_summary, NOT_FAMILY, ["dates.notified", "notification.reference"]),
    ("rapid_review_report", "Rapid review report",
     "The rapid review: the case, agencies, analysis, learning, decision and sign-off.",
     REPORT_MARK, rapid_review_report, NOT_FAMILY, ["forms.rapid_review"]),
    ("terms_of_reference", "Terms of reference",
     "Terms of reference for a local child safeguarding practice review.", REPORT_MARK,
     terms_of_reference, NOT_FAMILY,
     ["forms.terms_of_reference", "dates.commissioned", "decision.rationale"]),
    ("publication_notice", "Notice to the Panel and Secretary of State before publication",
     "Notice to the Panel and the Secretary of State at least 7 working days before "
     "publication.", REPORT_MARK, publication_notice, NOT_FAMILY,
     ["dates.commissioned", "dates.planned_publication"]),
    ("delay_notice", "Notice of delay, with reasons",
     "Notice to the Panel and the Secretary of State that a review will be late, with the "
     "reasons.", REPORT_MARK, delay_notice, NOT_FAMILY, ["dates.commissioned", "case.delays"]),
    ("yearly_report_section", "Yearly report: reviews, actions and learning",
     "A section for the partnership's yearly report, made from the yearly figures (not from "
     "a case).", "", yearly_report_section, NOT_FAMILY, []),
]  # fmt: skip


def build(out: Path) -> list[Path]:
    """Write every template and the manifest into a folder; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written, manifest = [], []
    for template_id, title, description, marking, write, to_family, needs in TEMPLATES:
        builder = Builder(title, marking)
        write(builder)
        path = out / f"{template_id}.docx"
        builder.save(path)
        written.append(path)
        manifest.append(
            {"id": template_id, "title": title, "description": description, "file": path.name,
             "to_family": to_family, "needs": needs}
        )  # fmt: skip
    (out / "manifest.json").write_text(
        json.dumps({"templates": manifest}, indent=2) + "\n", encoding="utf-8"
    )
    return written
