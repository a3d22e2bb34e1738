"""A case's deadlines: the statutory ones from its facts, and the partnership's expectations.

Statutory deadlines count only weekends and bank holidays in England and Wales, with the day
of the event as day 0 (Working Together 2023 ch. 5). Closure days never move them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr.casework import casefacts, clock, tracks
from cspr.casework.stages import SERIOUS

PANEL_REPLY_SETTING = "casework.panel_reply_working_days"
DEFAULT_PANEL_REPLY_DAYS = 10
STOPPED = {"not_notifiable", "criteria_not_met"}  # the rapid review clock stops here


@dataclass
class Deadline:
    """One deadline on a case, with its status today."""

    key: str
    name: str
    status: clock.DeadlineStatus
    statutory: bool = True
    source: str = ""  # the rule behind it, in words

    @property
    def kind(self) -> str:
        """Say whether the deadline is set by law or is the partnership's own expectation."""
        return "Statutory" if self.statutory else "Local expectation"


def expected_reply_days() -> int:
    """Return how many working days the partnership expects the Panel to take to reply."""
    # A setting (administrators change it with the rapid review plan, under Settings); outside
    # an app (pure clock tests) the default applies.
    from flask import has_app_context

    if not has_app_context():
        return DEFAULT_PANEL_REPLY_DAYS
    from cspr.storage import get_store

    return int(get_store().get_setting(PANEL_REPLY_SETTING, DEFAULT_PANEL_REPLY_DAYS))


def publication_due(case: dict[str, Any]) -> date | None:
    """Return when the local review must be published: six months on, moved only by delays."""
    commissioned = casefacts.get_date(case, "dates.commissioned")
    if commissioned is None:
        return None
    due = clock.add_months(commissioned, clock.PUBLICATION_MONTHS)
    for delay in case.get("delays") or []:
        if delay.get("status", "approved") == "approved":
            due = max(due, date.fromisoformat(delay["new_date"]))
    return due


def notice_status(case: dict[str, Any], today: date) -> clock.DeadlineStatus | None:
    """Say whether the final report reached the Panel and Secretary of State in time."""
    sent = casefacts.get_date(case, "dates.final_report_sent")
    published = casefacts.get_date(case, "dates.published")
    planned = casefacts.get_date(case, "dates.planned_publication")
    if published is not None:
        # Met only if it was actually published at least 7 working days after sending.
        due = clock.panel_notice_due(published)
        if sent is None:
            return clock.DeadlineStatus("missed", due, today, None, 0,
                                        "published without a record of sending it first")
        given = clock.notice_given(sent, published)
        if given >= clock.PANEL_NOTICE_WORKING_DAYS:
            return clock.DeadlineStatus("met", due, today, sent, given,
                                        f"{given} working days' notice given")
        short = clock.PANEL_NOTICE_WORKING_DAYS - given
        return clock.DeadlineStatus(
            "missed", due, today, sent, short,
            f"only {given} working {'day' if given == 1 else 'days'}' notice given, "
            f"{short} fewer than the 7 required",
        )  # fmt: skip
    if planned is not None:
        return clock.deadline_status(clock.panel_notice_due(planned), today, sent)
    return None


def deadlines(case: dict[str, Any], today: date, panel_reply_days: int | None = None) -> list[
        Deadline]:  # fmt: skip
    """Work out the case's deadlines from its facts."""
    found: list[Deadline] = []
    get = casefacts.get_date
    serious = tracks.track(case) == SERIOUS
    aware, notified = get(case, "dates.la_aware"), get(case, "dates.notified")
    if aware is not None and serious:
        found.append(Deadline(
            "notification", "Serious incident notification",
            clock.deadline_status(clock.notification_due(aware), today, notified),
            source="5 working days from the local authority becoming aware",
        ))  # fmt: skip
    sent = get(case, "dates.rapid_review_sent")
    if notified is not None and serious and (sent or case.get("stage") not in STOPPED):
        found.append(Deadline(
            "rapid_review", "Rapid review sent to the Panel",
            clock.deadline_status(clock.rapid_review_due(notified), today, sent),
            source="15 working days from the notification",
        ))  # fmt: skip
    if sent is not None and serious:
        days = panel_reply_days if panel_reply_days is not None else expected_reply_days()
        reply = clock.add_working_days(sent, days)
        found.append(Deadline(
            "panel_reply", "The Panel's reply expected",
            clock.deadline_status(reply, today, get(case, "dates.panel_response")),
            statutory=False, source=f"the Panel usually replies in about {days} working days",
        ))  # fmt: skip
    due = publication_due(case)
    if due is not None:
        found.append(Deadline(
            "publication", "Local review published",
            clock.deadline_status(due, today, get(case, "dates.published")),
            source="6 months from the decision to commission it, unless a delay is approved",
        ))  # fmt: skip
    held = (case.get("publication") or {}).get("hold") or {}
    if held.get("on") and held.get("review_on"):
        found.append(Deadline(
            "publication_hold", "Look again at the publication hold",
            clock.deadline_status(date.fromisoformat(held["review_on"]), today),
            statutory=False, source=f"on hold: {held.get('reason', '')}",
        ))  # fmt: skip
    published = get(case, "dates.published")
    if published is not None:
        reviewed = (case.get("publication") or {}).get("year_review_on")
        found.append(Deadline(
            "keep_published", "A year on the website: decide whether to keep the report there",
            clock.deadline_status(clock.keep_published_until(published), today,
                                  date.fromisoformat(reviewed) if reviewed else None),
            statutory=False, source="published reports stay online for at least a year",
        ))  # fmt: skip
    notice = notice_status(case, today)
    if notice is not None:
        found.append(Deadline(
            "panel_notice", "Final report to the Panel and Secretary of State", notice,
            source="at least 7 working days before publication",
        ))  # fmt: skip
    return found


def keep_until(case: dict[str, Any]) -> date | None:
    """Return the first day a published report may come off the website, if published."""
    published = casefacts.get_date(case, "dates.published")
    return clock.keep_published_until(published) if published else None
