"""The demo's action plans, made the way people make them: through learning's verbs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from werkzeug.datastructures import FileStorage

from cspr.auth import agencies
from cspr.demo import answers
from cspr.learning import operations as learning


@dataclass(frozen=True)
class ActionPlan:
    """Record a local review's recommendations and actions through learning's verbs.

    Each action's agency posts its progress; a finished one gets its evidence, is submitted
    as complete and accepted by the business unit. Then the learning activity is recorded.
    """

    title: str
    published: date
    recommendations: tuple[str, ...]
    # (wording, recommendation number, agency, (owner, role), due, status or "complete")
    actions: tuple[tuple[Any, ...], ...]
    # (kind, about, when, audience, people reached)
    activities: tuple[tuple[str, str, date, str, int], ...] = ()


def action_plan(letter: str, published: date, today: date, finished: bool) -> ActionPlan:
    """Plan a published review's action plan and the learning it shared."""
    shared = tuple(a for a in answers.learning_activities(published) if a[2] <= today)
    return ActionPlan(f"Child {letter}", published, answers.RECOMMENDATIONS,
                      tuple(answers.actions(published, today, finished)), shared)


def agency_id(name: str) -> str:
    """Return the id of an agency on the list, adding it if the demo needs it."""
    agency = agencies.find_agency_by_name(name) or agencies.add_agency(None, name)
    return str(agency["id"])


def _worker(people: dict[str, dict[str, Any]], agency: str) -> dict[str, Any]:
    """Return the demo account of the agency's staff, or the business unit for it."""
    found = next((p for p in people.values() if p.get("agency_id") == agency), None)
    return found or people["bu"]


def run_action_plan(people: dict[str, dict[str, Any]], case: dict[str, Any],
                    plan: ActionPlan) -> dict[str, Any]:  # fmt: skip
    """Record a local review's action plan; agencies report; finished actions are accepted."""
    bu = people["bu"]
    review = learning.record_review(bu, "local", plan.title, case["reference"], plan.published)
    for wording in plan.recommendations:
        review = learning.add_recommendation(bu, review["id"], wording)
    numbered = {r["number"]: r["id"] for r in review["recommendations"]}
    for wording, number, agency, (owner, role), due, status in plan.actions:
        owner_agency = agency_id(agency)
        action = learning.add_action(bu, review["id"], numbered[number], wording, owner_agency,
                                     owner, role, due, "green")  # fmt: skip
        worker = _worker(people, owner_agency)
        rag = "green" if status == "complete" else status
        learning.post_update(worker, action["id"], rag, answers.PROGRESS[rag])
        if status == "complete":
            upload = FileStorage(BytesIO(answers.EVIDENCE.encode()),
                                 filename=answers.EVIDENCE_NAME)  # fmt: skip
            learning.add_evidence(worker, action["id"], upload, "Dip-sample audit summary")
            learning.submit_complete(worker, action["id"], answers.COMPLETED)
            learning.decide(bu, action["id"], True, "")
    for kind, about, held_on, audience, reached in plan.activities:
        learning.record_activity(bu, review["id"], kind, about, held_on, audience, str(reached))
    return review
