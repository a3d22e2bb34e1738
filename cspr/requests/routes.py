"""Pages for the business unit and the case team: a case's requests, sending, managing (thin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from cspr import audit
from cspr.auth.agencies import list_agencies
from cspr.auth.operations import get_user
from cspr.auth.roles import BUSINESS_UNIT, CHAIR, PARTNER, current_user, roles_required
from cspr.casework import casefacts, cases, clock
from cspr.casework.answers import Answers, date_values, read_answers
from cspr.casework.answers import attempt as run_change
from cspr.casework.calendar_settings import closures, start_is_day_zero
from cspr.exceptions import Refused
from cspr.mail import sender
from cspr.requests import invitations, milestones, operations, plan, records
from cspr.requests.operations import Choice, LateDue
from cspr.storage import NotFound
from cspr.timeutil import uk_today

bp = Blueprint("requests", __name__)
CASE_TEAM = (BUSINESS_UNIT, PARTNER, CHAIR)


def me() -> dict[str, Any]:
    """Return the signed-in user (the route's decorator has checked)."""
    found = current_user()
    assert found is not None  # nosec B101
    return found


def load_case(case_id: str) -> dict[str, Any]:
    """Return a case the user may see, or 404."""
    try:
        return cases.get_case(me(), case_id, action="")
    except NotFound:
        abort(404)


def load_request(request_id: str, action: str = "view") -> dict[str, Any]:
    """Return a request for the case team, or 404, auditing a view."""
    try:
        return operations.get_for_case_team(me(), request_id, action)
    except NotFound:
        abort(404)


def attempt(answers: Answers, change: Callable[[], Any], default_field: str) -> bool:
    """Run a change as casework's pages do; a due date refused as late also ticks the box
    that confirms it, so sending again goes ahead."""

    def flagged() -> None:
        try:
            change()
        except LateDue:
            answers.values["late"] = "yes"
            raise

    return run_change(answers, flagged, default_field)


def send_held_links(message_ids: list[str | None]) -> None:
    """Send invitation emails from this process, whose memory alone holds their links."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for message_id in message_ids:
        sender.deliver_held_link(app, message_id)


@bp.route("/cases/<case_id>/requests")
@roles_required(*CASE_TEAM)
def case_requests(case_id: str) -> ResponseReturnValue:
    """List a case's information requests, where each stands, and the plan's milestones."""
    case = load_case(case_id)
    audit.record("view", "information_requests", case_id, user=me())
    today = uk_today()
    rows = [(r, records.standing(r, today)) for r in records.for_case(case_id)]
    can_ask = me()["role"] == BUSINESS_UNIT
    try:
        operations.check_asking(case)
    except Refused as refused:
        can_ask, why_not = False, refused.message
    else:
        why_not = ""
    return render_template("requests/case_requests.html", title="Information requests",
                           case=case, rows=rows, can_ask=can_ask, why_not=why_not,
                           milestones=milestones.case_milestones(case, today))  # fmt: skip


def _offered(case: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Return the agencies to offer (named on the case first), unmatched names, and asked."""
    named = [str(n) for n in casefacts.get(case, "agencies.involved") or []]
    asked = {r["agency_id"] for r in records.for_case(case["id"]) if r["status"] != "withdrawn"}
    agencies = [a for a in list_agencies(active_only=True) if a["id"] not in asked]
    keys = {n.lower() for n in named}
    for agency in agencies:
        agency["named"] = agency["name"].lower() in keys
        agency["staff"] = records.agency_staff(agency["id"])
    known = {a["name"].lower() for a in list_agencies()}
    agencies.sort(key=lambda a: (not a["named"], a["name_key"]))
    asked_names = [r["agency_name"] for r in records.for_case(case["id"])
                   if r["agency_id"] in asked]  # fmt: skip
    return agencies, [n for n in named if n.lower() not in known], asked_names


@bp.route("/cases/<case_id>/requests/new", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def new_requests(case_id: str) -> ResponseReturnValue:
    """Choose the agencies to ask, their contacts, the due date and the message; send."""
    case = load_case(case_id)
    try:
        statutory = operations.check_asking(case)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("requests.case_requests", case_id=case_id))
    agencies, unmatched, asked = _offered(case)
    answers = read_answers(request.form, ["message", "late"], ["due"])
    chosen = request.form.getlist("agencies")
    if request.method == "GET":
        notified = casefacts.get_date(case, "dates.notified")
        default = plan.summaries_due(notified, closures(), start_is_day_zero()) if notified \
            else statutory  # fmt: skip
        answers.values.update(date_values("due", max(default, uk_today())))
        answers.values["message"] = operations.DEFAULT_MESSAGE
        chosen = [a["id"] for a in agencies if a["named"]]
    else:
        sent = _send(case_id, agencies, chosen, answers)
        if sent is not None:
            return sent
    return render_template("requests/new.html", title="Ask agencies for information", case=case,
                           answers=answers, agencies=agencies, unmatched=unmatched, asked=asked,
                           chosen=chosen, statutory=statutory,
                           posted=request.form)  # fmt: skip


def _send(case_id: str, agencies: list[dict[str, Any]], chosen: list[str],
          answers: Answers) -> ResponseReturnValue | None:  # fmt: skip
    """Check the invitations, send the requests, then invite; None when something is wrong."""
    by_id = {a["id"]: a for a in agencies}
    due = answers.when("due", "date the summary is due")
    invites: dict[str, tuple[str, str]] = {}
    for agency_id in chosen:
        email = request.form.get(f"invite_email-{agency_id}", "").strip()
        name = request.form.get(f"invite_name-{agency_id}", "").strip()
        if email and agency_id in by_id:
            stand_in = {"agency_id": agency_id, "agency_name": by_id[agency_id]["name"]}
            try:
                invitations.check_invitee(stand_in, email, name)
            except Refused as refused:
                answers.errors[f"{refused.field}-{agency_id}"] = refused.message
            invites[agency_id] = (email, name)
    if answers.errors:
        return None
    choices = [Choice(a, request.form.getlist(f"contacts-{a}")) for a in chosen]
    made: list[dict[str, Any]] = []
    if not attempt(answers, lambda: made.extend(operations.send_requests(
            me(), case_id, choices, due, answers.text("message"),
            request.form.get("confirm_late") == "yes")), "agencies"):  # fmt: skip
        return None
    held: list[str | None] = []
    invited: list[str] = []
    already: list[str] = []
    for made_request in made:
        if made_request["agency_id"] in invites:
            email, name = invites[made_request["agency_id"]]
            try:
                _, message_id = invitations.invite(me(), made_request["id"], email, name)
            except Refused as refused:
                flash(f"{made_request['agency_name']}: {refused.message}", "error")
                continue
            held.append(message_id)
            (invited if message_id else already).append(email)
    send_held_links(held)
    message = f"Requests sent to {', '.join(r['agency_name'] for r in made)}."
    if invited:
        message += f" Invitation emailed to {', '.join(invited)}."
    if already:
        message += f" Already at the agency, so made a contact: {', '.join(already)}."
    flash(message, "success")
    return redirect(url_for("requests.case_requests", case_id=case_id))


@bp.route("/requests/<request_id>")
@roles_required(*CASE_TEAM)
def request_page(request_id: str) -> ResponseReturnValue:
    """Show one request to the case team: its state, contacts, returns and history."""
    found = load_request(request_id)
    staff = {s["id"]: s for s in records.agency_staff(found["agency_id"])}
    contacts = []
    for user_id in found.get("contacts") or []:
        person = staff.get(user_id) or get_user(user_id)
        if person:
            pending = invitations.invited_not_accepted(person)
            contacts.append({**person, "pending": pending, "active": user_id in staff})
    return render_template("requests/request.html", title=f"Request to {found['agency_name']}",
                           req=found, standing=records.standing(found, uk_today()),
                           contacts=contacts, runs=me()["role"] == BUSINESS_UNIT,
                           draft=records.live_draft(found))  # fmt: skip


def _done(request_id: str, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("requests.request_page", request_id=request_id))


@bp.route("/requests/<request_id>/chase", methods=["POST"])
@roles_required(BUSINESS_UNIT)
def chase(request_id: str) -> ResponseReturnValue:
    """Remind the agency's contacts by email now."""
    try:
        operations.chase(me(), request_id)
    except NotFound:
        abort(404)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("requests.request_page", request_id=request_id))
    return _done(request_id, "A reminder has been emailed to the agency's contacts.")


@bp.route("/requests/<request_id>/extend", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def extend(request_id: str) -> ResponseReturnValue:
    """Give the agency more time, with the reason."""
    found = load_request(request_id, action="")
    answers = read_answers(request.form, ["reason", "late"], ["due"])
    if request.method == "POST":
        due = answers.when("due", "new due date")
        if not answers.errors and attempt(answers, lambda: operations.extend(
                me(), request_id, due, answers.text("reason"),
                request.form.get("confirm_late") == "yes"), "reason"):  # fmt: skip
            return _done(request_id, "The due date has been changed.")
    return render_template("requests/extend.html", title="Give the agency more time",
                           req=found, answers=answers)  # fmt: skip


@bp.route("/requests/<request_id>/close/<how>", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def close(request_id: str, how: str) -> ResponseReturnValue:
    """Withdraw a request, or record that the agency had no involvement."""
    if how not in operations.CLOSE_HOW:
        abort(404)
    found = load_request(request_id, action="")
    answers = read_answers(request.form, ["reason"], [])
    if request.method == "POST" and attempt(
            answers, lambda: operations.close(me(), request_id, how, answers.text("reason")),
            "reason"):  # fmt: skip
        return _done(request_id, "The request has been closed.")
    title = ("Withdraw the request" if how == "withdraw"
             else "Record that the agency had no involvement")  # fmt: skip
    return render_template("requests/close.html", title=title, req=found, how=how,
                           answers=answers)  # fmt: skip


@bp.route("/requests/<request_id>/contacts", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def contacts(request_id: str) -> ResponseReturnValue:
    """Choose who at the agency is told of the request."""
    found = load_request(request_id, action="")
    answers = read_answers(request.form, [], [])
    chosen = request.form.getlist("contacts") if request.method == "POST" else list(
        found.get("contacts") or [])  # fmt: skip
    if request.method == "POST" and attempt(
            answers, lambda: operations.set_contacts(me(), request_id, chosen), "contacts"):
        return _done(request_id, "The contacts have been saved.")
    return render_template("requests/contacts.html", title="Contacts for this request",
                           req=found, answers=answers, chosen=chosen,
                           staff=records.agency_staff(found["agency_id"]))  # fmt: skip


@bp.route("/requests/<request_id>/invite", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def invite(request_id: str) -> ResponseReturnValue:
    """Invite someone without an account to answer the request for their agency."""
    found = load_request(request_id, action="")
    answers = read_answers(request.form, ["invite_email", "invite_name"], [])
    outcome: list[tuple[dict[str, Any], str | None]] = []
    if request.method == "POST" and attempt(answers, lambda: outcome.append(invitations.invite(
            me(), request_id, answers.text("invite_email"), answers.text("invite_name"))),
            "invite_email"):  # fmt: skip
        person, message_id = outcome[0]
        if message_id is None:
            return _done(request_id, f"{person['email']} already has an account at "
                         f"{found['agency_name']}: they are now a contact and have been sent "
                         "the request.")  # fmt: skip
        send_held_links([message_id])
        return _done(request_id, f"An invitation has been emailed to {person['email']}.")
    return render_template("requests/invite.html", title="Invite someone to contribute",
                           req=found, answers=answers,
                           days=invitations.VALID_DAYS)  # fmt: skip


@bp.route("/cases/<case_id>/milestones/<milestone_id>", methods=["GET", "POST"])
@roles_required(BUSINESS_UNIT)
def milestone(case_id: str, milestone_id: str) -> ResponseReturnValue:
    """Mark a milestone of the rapid review plan done, with the day it was done."""
    case = load_case(case_id)
    found = next((m for m in plan.plan() if m.id == milestone_id), None)
    if found is None or found.done_when != "recorded":
        abort(404)
    answers = read_answers(request.form, [], ["done_on"])
    if request.method == "POST":
        when = answers.when("done_on", "date it was done")
        if when is not None and attempt(answers, lambda: milestones.mark_done(
                me(), case_id, milestone_id, when), "done_on"):  # fmt: skip
            flash(f"{found.name}: marked as done on {clock.short_date(when)}.", "success")
            return redirect(url_for("cases.case_page", case_id=case_id))
    return render_template("requests/milestone.html", title=found.name, case=case,
                           milestone=found, answers=answers)  # fmt: skip
