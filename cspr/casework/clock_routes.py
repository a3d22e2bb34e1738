"""Pages for the working-day clock: the deadline calculator and the closure days (thin)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from cspr.auth.roles import ADMIN, current_user, login_required, roles_required
from cspr.casework import calendar_settings, clock
from cspr.casework.answers import DATE_PARTS, Answers
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound

bp = Blueprint("clock", __name__)

MAX_DAYS = calendar_settings.MAX_DAYS
DAYS_NOT_WHOLE = "Enter the number of working days as a whole number"
DAYS_OUT_OF_RANGE = f"Number of working days must be between 0 and {MAX_DAYS}"


def _read(source: Mapping[str, str], names: list[str]) -> dict[str, str]:
    """Copy the named form values, trimmed (operations refuse any that are too long)."""
    return {name: str(source.get(name, "")).strip() for name in names}


def _date_names(prefix: str) -> list[str]:
    """Return the names of a date input's three boxes."""
    return [f"{prefix}-{part}" for part in DATE_PARTS]


def _date_from(answers: Answers, prefix: str, name: str) -> date | None:
    """Read one date input, recording its error; None when it is wrong."""
    day, month, year = (answers.values[f"{prefix}-{part}"] for part in DATE_PARTS)
    try:
        return calendar_settings.read_date(day, month, year, name=name, field=prefix)
    except Refused as refused:
        answers.refuse(refused)
        return None


def read_days(text: str) -> int:
    """Read a whole number of working days from 0 to MAX_DAYS, or raise Refused."""
    cleaned = text.strip().replace(",", "")
    digits = cleaned.removeprefix("-")
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 6:
        raise Refused(DAYS_NOT_WHOLE, field="days")
    number = int(cleaned)
    if not 0 <= number <= MAX_DAYS:
        raise Refused(DAYS_OUT_OF_RANGE, field="days")
    return number


# --- The deadline calculator -------------------------------------------------------------


@bp.get("/tools/deadline-calculator")
@login_required
def calculator() -> ResponseReturnValue:
    """Work out a due date, or count the working days between two dates."""
    names = [*_date_names("start"), "days", *_date_names("end")]
    answers = Answers(_read(request.args, names))
    asked = any(name in request.args for name in names)
    day_zero = calendar_settings.start_is_day_zero()
    reasons = calendar_settings.closure_reasons()
    closed = frozenset(reasons)
    result: dict[str, Any] | None = None
    if asked:
        start = _date_from(answers, "start", "start date")
        days: int | None = None
        end_given = any(answers.values[name] for name in _date_names("end"))
        if answers.values["days"] or not end_given:
            try:
                days = read_days(answers.values["days"])
            except Refused as refused:
                answers.refuse(refused)
        end = _date_from(answers, "end", "second date") if end_given else None
        if start is not None and not answers.errors:
            result = _calculate(start, days, end, closed, reasons, day_zero)
    return render_template(
        "clock/calculator.html",
        title="Deadline calculator",
        answers=answers,
        result=result,
        day_zero=day_zero,
    )


def _calculate(
    start: date,
    days: int | None,
    end: date | None,
    closed: frozenset[date],
    reasons: dict[date, str],
    day_zero: bool,
) -> dict[str, Any]:
    """Work out what the calculator shows for valid answers."""
    result: dict[str, Any] = {"start": start}
    # Day-0 counting leaves the start day out of the count, so it is never "skipped".
    counted_from = start + timedelta(days=1) if day_zero else start
    if days is not None:
        due = clock.add_working_days(start, days, closed, day_zero)
        result.update(days=days, due=due, due_skipped=clock.days_off(counted_from, due, reasons))
        # The statutory clocks, each read as if the start date were the day it runs from. They
        # skip only weekends and bank holidays, whatever the partnership's own calendar says.
        result["deadlines"] = [
            ("Serious incident notification due, if the local authority became aware on the "
             "start date (5 working days)", clock.notification_due(start)),
            ("Rapid review due, if the notification was sent on the start date "
             "(15 working days)", clock.rapid_review_due(start)),
            ("Local review to be published, if it was commissioned on the start date "
             "(6 months)", clock.publication_due(start)),
            ("Last day to send the final report to the Panel, if the start date is the planned "
             "publication date (7 working days before)", clock.panel_notice_due(start)),
        ]  # fmt: skip
    if end is not None:
        # Mirror the count: with day-0 counting the start date is left out either way.
        counted_to = start - timedelta(days=1) if day_zero else start
        first, last = (counted_from, end) if end >= start else (end, counted_to)
        result.update(
            end=end,
            between=clock.working_days_between(start, end, closed, day_zero),
            between_skipped=clock.days_off(first, last, reasons),
        )
    return result


# --- Closure days and the counting rule --------------------------------------------------


def _actor() -> dict[str, Any]:
    """Return the signed-in admin (roles_required has checked)."""
    user = current_user()
    assert user is not None
    return user


@bp.route("/admin/closure-days", methods=["GET", "POST"])
@roles_required(ADMIN)
def closure_days() -> ResponseReturnValue:
    """List the partnership's closure days and add one."""
    answers = Answers(_read(request.form, [*_date_names("date"), "reason"]))
    if request.method == "POST":
        when = _date_from(answers, "date", "closure date")
        if when is not None:
            try:
                calendar_settings.add_closure_day(_actor(), when, answers.values["reason"])
            except Refused as refused:
                answers.refuse(refused)
            except Forbidden:
                abort(403)
            else:
                flash(f"{clock.long_date(when)} has been added as a closure day.", "success")
                return redirect(url_for("clock.closure_days"))
        if "date" in answers.errors:
            # Say everything that is wrong at once, not one message per attempt.
            try:
                calendar_settings.clean_reason(answers.values["reason"])
            except Refused as refused:
                answers.refuse(refused)
    return render_template(
        "clock/closure_days.html",
        title="Closure days",
        answers=answers,
        closure_days=[
            {**doc, "day": date.fromisoformat(doc["date"])}
            for doc in calendar_settings.list_closure_days()
        ],
        day_zero=calendar_settings.start_is_day_zero(),
        today=date.today(),
    )


@bp.post("/admin/closure-days/<closure_id>/remove")
@roles_required(ADMIN)
def remove_closure_day(closure_id: str) -> ResponseReturnValue:
    """Remove a closure day so it counts as a working day again."""
    try:
        removed = calendar_settings.remove_closure_day(_actor(), closure_id[:40])
    except NotFound:
        flash("That closure day had already been removed.", "error")
    except Forbidden:
        abort(403)
    else:
        day = clock.long_date(date.fromisoformat(removed["date"]))
        flash(f"{day} is no longer a closure day.", "success")
    return redirect(url_for("clock.closure_days"))


@bp.post("/admin/closure-days/counting-rule")
@roles_required(ADMIN)
def counting_rule() -> ResponseReturnValue:
    """Choose whether the start date is day 0 or day 1."""
    choice = request.form.get("counting", "")
    if choice not in {"day-zero", "day-one"}:
        flash("Select how to count the start date.", "error")
        return redirect(url_for("clock.closure_days"))
    try:
        calendar_settings.set_start_is_day_zero(_actor(), choice == "day-zero")
    except Forbidden:
        abort(403)
    flash("The counting rule has been saved.", "success")
    return redirect(url_for("clock.closure_days"))


def init_app(app: Flask) -> None:
    """Register the calculator and closure-day pages and the date filter they use."""
    app.register_blueprint(bp)
    app.jinja_env.filters["long_date"] = clock.long_date
    app.jinja_env.filters["uk_date"] = uk_date


def uk_date(value: date | str | None) -> str:
    """Write a date (or ISO date text) in the one style case pages use: 3 December 2026."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return clock.short_date(value) if isinstance(value, date) else ""
