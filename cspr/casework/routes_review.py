"""Case pages for the local review's progress and for publishing it (thin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import BUSINESS_UNIT, CHAIR, PARTNER, roles_required
from cspr.casework import casefacts, clock, localreview, publication
from cspr.casework.answers import Answers, attempt, read_answers
from cspr.casework.catalog import PUBLICATION_PLANS
from cspr.casework.routes import bp, load, user
from cspr.timeutil import uk_today

REVIEW_FORMS: dict[str, tuple[list[str], list[str]]] = {
    "milestone": (["key", "note"], ["done_on"]),
    "ask": (["what"], ["asked_on"]),
    "answer": (["request_id", "answer"], ["answered_on"]),
}
PUBLICATION_FORMS: dict[str, tuple[list[str], list[str]]] = {
    "plan": (["plan", "justification"], ["panel_told", "sos_told"]),
    "sent": ([], ["sent_on", "ofsted_on"]),
    "comment": (["source", "comment"], ["received_on"]),
    "step": (["step", "note"], ["on"]),
    "hold": (["reason"], ["review_on"]),
    "lift": (["lift_reason"], []),
    "publish": (["web_address"], ["published_on"]),
}


def _posted(forms: dict[str, tuple[list[str], list[str]]]) -> tuple[str, Answers]:
    """Read which of a page's forms was sent, and its answers."""
    which = request.form.get("form", "")
    names, dates = forms.get(which, ([], []))
    return which, read_answers(request.form, names, dates)


def _run(answers: Answers, which: str, change: Callable[[], Any], default: str) -> bool:
    """Run a change for the posted form; errors are kept against that form's fields."""
    if answers.errors:
        return False
    return attempt(answers, change, default)


@bp.route("/cases/<case_id>/local-review", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def local_review(case_id: str) -> ResponseReturnValue:
    """Show the local review's milestones and written requests; the business unit records them."""
    me = user()
    case = load(case_id, action="" if request.method == "POST" else "view")
    which, answers = _posted(REVIEW_FORMS) if request.method == "POST" else ("", Answers({}))
    if request.method == "POST":
        if me["role"] != BUSINESS_UNIT:
            abort(403)
        text = answers.text
        if which == "milestone":
            when = answers.when("done_on", "date it was done")
            ok = when is not None and _run(answers, which, lambda: localreview.record_milestone(
                me, case_id, text("key"), when, text("note")), "key")  # type: ignore[arg-type]
        elif which == "ask":
            when = answers.when("asked_on", "date of the request")
            ok = when is not None and _run(answers, which, lambda: localreview.ask_reviewer(
                me, case_id, when, text("what")), "what")  # type: ignore[arg-type]
        else:
            when = answers.when("answered_on", "date of the answer")
            ok = when is not None and _run(answers, which, lambda: localreview.answer_received(
                me, case_id, text("request_id"), when, text("answer")),
                "answer")  # fmt: skip
        if ok:
            flash("Saved.", "success")
            return redirect(url_for("cases.local_review", case_id=case_id))
    return render_template(
        "casework/local_review.html", title="The local review", case=case, which=which,
        answers=answers, states=localreview.states(case, uk_today()),
        milestones=localreview.MILESTONES, requests=case.get("reviewer_requests") or [],
        runs_cases=me["role"] == BUSINESS_UNIT,
        commissioned=casefacts.get_date(case, "dates.commissioned"),
    )  # fmt: skip


@bp.route("/cases/<case_id>/publication", methods=["GET", "POST"], endpoint="publication")
@roles_required(BUSINESS_UNIT, PARTNER, CHAIR)
def publication_page(case_id: str) -> ResponseReturnValue:
    """Show the publication checklist, holds and record; the business unit records them."""
    me = user()
    case = load(case_id, action="" if request.method == "POST" else "view")
    which, answers = _posted(PUBLICATION_FORMS) if request.method == "POST" else ("", Answers({}))
    if request.method == "POST":
        if me["role"] != BUSINESS_UNIT:
            abort(403)
        if _publication_change(me, case_id, which, answers):
            flash("Saved.", "success")
            return redirect(url_for("cases.publication", case_id=case_id))
    pub = publication.record(case)
    published = casefacts.get_date(case, "dates.published")
    return render_template(
        "casework/publication.html", title="Publication", case=case, which=which,
        answers=answers, pub=pub, hold=publication.hold(case),
        checklist=publication.checklist(case), plans=PUBLICATION_PLANS[:2],
        commenters=publication.COMMENTERS, runs_cases=me["role"] == BUSINESS_UNIT,
        published=published, sent=casefacts.get_date(case, "dates.final_report_sent"),
        keep_until=clock.keep_published_until(published) if published else None,
    )  # fmt: skip


def _publication_change(me: dict[str, Any], case_id: str, which: str, answers: Answers) -> bool:
    """Carry out the publication form that was sent."""
    text, when = answers.text, answers.when
    if which == "plan":
        improvements = text("plan") == "improvements_only"
        panel = when("panel_told", "date the Panel was told", required=improvements)
        sos = when("sos_told", "date the Secretary of State was told", required=improvements)
        return _run(answers, which, lambda: publication.decide_plan(
            me, case_id, text("plan"), text("justification"), panel, sos), "plan")
    if which == "sent":
        sent = when("sent_on", "date it went to the Panel and the Secretary of State")
        ofsted = when("ofsted_on", "date it went to Ofsted", required=False)
        return sent is not None and _run(answers, which, lambda: publication.record_sent(
            me, case_id, sent, ofsted), "sent_on")
    if which == "comment":
        on = when("received_on", "date of the comments")
        return on is not None and _run(answers, which, lambda: publication.record_comment(
            me, case_id, text("source"), on, text("comment")), "comment")  # type: ignore[arg-type]
    if which == "step":
        on = when("on", "date")
        return on is not None and _run(answers, which, lambda: publication.record_step(
            me, case_id, text("step"), on, text("note")), "step")
    if which == "hold":
        review = when("review_on", "date to look at the hold again")
        return review is not None and _run(answers, which, lambda: publication.set_hold(
            me, case_id, text("reason"), review), "reason")
    if which == "lift":
        return _run(answers, which, lambda: publication.lift_hold(
            me, case_id, text("lift_reason")), "lift_reason")
    published = when("published_on", "date it was published")
    return published is not None and _run(answers, which, lambda: publication.record_publication(
        me, case_id, published, text("web_address")), "web_address")
