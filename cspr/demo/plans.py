"""The demo's fictional cases, planned step by step from today (see run.py for running them).

Dates are worked out from today, so the deadline dashboard always has work on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from cspr.auth.roles import ADMIN, AGENCY_USER, BUSINESS_UNIT, CHAIR, PARTNER
from cspr.casework import clock
from cspr.demo import answers
from cspr.demo.learning import action_plan
from cspr.demo.steps import (
    Delay,
    Hold,
    KeyDate,
    MoveTo,
    Notify,
    Progress,
    Publish,
    Reconvene,
    Send,
    SignOff,
    Step,
    View,
)


@dataclass(frozen=True)
class DemoUser:
    """One demo account: its key in the plans, email, role, name and partner or agency."""

    key: str
    email: str
    role: str
    name: str
    partner: str | None = None
    agency: str | None = None


DEMO_DOMAIN = "demo.example.org"


def _user(key: str, role: str, **extra: str) -> DemoUser:
    """Describe a demo user from the staff list in demo_answers."""
    given, family, _, email, _ = answers.PEOPLE[key]
    return DemoUser(key, email, role, f"{given} {family}", **extra)


USERS = [
    _user("bu", BUSINESS_UNIT),
    _user("la", PARTNER, partner="local_authority"),
    _user("police", PARTNER, partner="police"),
    _user("icb", PARTNER, partner="icb"),
    _user("chair", CHAIR),
    _user("health", AGENCY_USER, agency=answers.HEALTH_AGENCY),
    _user("school", AGENCY_USER, agency=answers.SCHOOL_AGENCY),
    _user("admin", ADMIN),
]




@dataclass
class CasePlan:
    """One demo case: the referral that opens it, what happens next, and where it ends."""

    letter: str
    referral: Send
    stage: str
    steps: list[Step] = field(default_factory=list)


class Dates:
    """Working-day arithmetic from today, in the partnership's own calendar."""

    def __init__(self, today: date, closed: frozenset[date]) -> None:
        self.today = today
        self.closed = closed

    def after(self, day: date, days: int) -> date:
        """Return the day a number of working days after (or before) another."""
        return clock.add_working_days(day, days, self.closed)

    def back(self, days: int) -> date:
        """Return the day a number of working days before today."""
        return self.after(self.today, -days)

    def months(self, count: int, plus_days: int = 0) -> date:
        """Return the working day on or before today plus some calendar months and days."""
        day = clock.add_months(self.today, count) + timedelta(days=plus_days)
        while not clock.is_working_day(day, self.closed):
            day -= timedelta(days=1)
        return day

    def case(self, aware: date) -> dict[str, date]:
        """Lay out a case's key days from the day the council became aware, on good time."""
        notified = self.after(aware, 3)
        decided = self.after(notified, 12)
        sent = self.after(decided, 2)
        panel = self.after(sent, 8)
        return {
            "incident": aware - timedelta(days=1),
            "aware": aware,
            "considered": self.after(aware, 1),
            "notified": notified,
            "decided": decided,
            "signed": self.after(decided, 1),
            "sent": sent,
            "panel": panel,
            "reconvened": self.after(panel, 5),
        }

    def decided_on(self, decided: date) -> dict[str, date]:
        """Lay out a case whose partners decided on a given day."""
        return self.case(self.after(decided, -15))


# --- Building the plans -----------------------------------------------------------------------

ALL_AGREE = {"la": True, "police": True, "icb": True}


def _refer(letter: str, who: str, d: dict[str, date]) -> Send:
    """Plan the referral that opens a case."""
    story = answers.STORIES[letter]
    return Send(who, "referral", answers.referral(story, who, d["incident"], d["aware"]))


def _views(letter: str, views: dict[str, bool]) -> list[Step]:
    """Plan each partner's view on notifying, given by the partner."""
    story = answers.STORIES[letter]
    return [View(p, v, answers.view_reason(story, p, v)) for p, v in views.items()]


def _notify(letter: str, d: dict[str, date], reason: str = "") -> list[Step]:
    """Plan the notification: its details, then the local authority's record of sending it."""
    story = answers.STORIES[letter]
    reference = f"NSI-{d['notified']:%y%m%d}-{letter}"
    return [
        Send("bu", "notification", answers.notification(story, d["incident"], d["aware"])),
        Notify(d["notified"], reference, reason),
        MoveTo("notified"),
    ]


def _to_decision(
    letter: str, d: dict[str, date], recommendation: str, route: str = "", rationale: str = ""
) -> list[Step]:
    """Plan a case's path from referral to the partners' signed-off decision."""
    review = answers.rapid_review(answers.STORIES[letter], d, recommendation, route, rationale)
    return [
        MoveTo("consideration"),
        *_views(letter, ALL_AGREE),
        *_notify(letter, d),
        MoveTo("rapid_review"),
        Send("bu", "rapid_review", review),
        SignOff("la"),
        SignOff("police"),
        SignOff("icb"),
        KeyDate("dates.rapid_review_sent", d["sent"]),
        MoveTo("decided"),
    ]


def _panel(decision: str, d: dict[str, date], challenge: str = "") -> list[Step]:
    """Plan the Panel's reply (agreement unless a challenge is given) and the move it allows."""
    reply = answers.panel_response(decision, d["panel"], not challenge, challenge)
    return [Send("bu", "panel_response", reply), MoveTo("panel_response")]


def _review(letter: str, d: dict[str, date], commissioned: date, planned: date,
            delay: str = "") -> list[Step]:  # fmt: skip
    """Plan the start of a local review and its terms of reference."""
    story = answers.STORIES[letter]
    terms = answers.terms_of_reference(story, d["incident"], commissioned, planned, delay)
    return [KeyDate("dates.commissioned", commissioned), MoveTo("review_in_progress"),
            Send("bu", "terms_of_reference", terms)]  # fmt: skip


def _contact(letter: str, when: date, purpose: str, kind: str) -> Step:
    """Plan a note of contact with the child's family."""
    notes = answers.CONTACT_NOTES[letter]
    return Send("bu", "family_contact", answers.family_contact(when, purpose, kind, notes))


def _progress(dates: Dates, commissioned: date, before: date) -> list[Step]:
    """Plan the local review's steps done so far, each a few days after its target."""
    from cspr.casework.localreview import MILESTONES

    steps: list[Step] = []
    for milestone in MILESTONES:
        done = dates.after(milestone.due(commissioned), 2)
        if done >= before or done > dates.today:
            break
        steps.append(Progress(milestone.key, done, answers.MILESTONE_NOTES.get(milestone.key, "")))
    return steps


def _published(dates: Dates, letter: str, decided: date) -> tuple[dict[str, date], list[Step]]:
    """Plan a local review published a little before its 6-month deadline, or this week."""
    d = dates.decided_on(decided)
    published = min(dates.after(clock.add_months(d["decided"], 6), -3), dates.back(3))
    steps = [
        *_to_decision(letter, d, "local_cspr"),
        *_panel("local_cspr", d),
        *_review(letter, d, d["decided"], published),
        *_progress(dates, d["decided"], published),
        KeyDate("dates.final_report_sent", dates.after(published, -8)),
        Publish(published, f"https://www.exampleshire-scp.example.org/reviews/child-{letter}"
                .lower()),
        MoveTo("published"),
    ]
    return {**d, "published": published}, steps


def build_plans(today: date, closed: frozenset[date] = frozenset()) -> tuple[
        list[CasePlan], list[Send]]:  # fmt: skip
    """Plan every demo case from today, with at least one at each stage, and the chair's audit.

    Dates count back from today, so the deadline dashboard always shows a notification and a
    rapid review overdue, and others due within days. The demo partnership decides its
    position on notifying by a unanimous rule.
    """
    dates, stories = Dates(today, closed), answers.STORIES
    plans: list[CasePlan] = []

    def plan(letter: str, who: str, stage: str, d: dict[str, date], *steps: Step) -> None:
        plans.append(CasePlan(letter, _refer(letter, who, d), stage, list(steps)))

    # fmt: off
    # A: just referred; the notification to the Panel falls due within days.
    d = dates.case(dates.back(2))
    plan("A", "health", "referral", d)

    # B: one partner has given a view; the notification deadline has passed.
    d = dates.case(dates.back(7))
    plan("B", "school", "consideration", d, MoveTo("consideration"), *_views("B", {"la": True}))

    # C: notified; the rapid review falls due within days.
    d = dates.case(dates.back(14))
    plan("C", "police", "notified", d,
         MoveTo("consideration"), *_views("C", ALL_AGREE), *_notify("C", d))

    # D: under the unanimous rule the police's dissent means the partnership has not agreed
    # to notify; the local authority notifies anyway, with its reason. The rapid review is
    # overdue.
    d = dates.case(dates.back(22))
    plan("D", "health", "rapid_review", d,
         MoveTo("consideration"), *_views("D", {"la": True, "icb": True}),
         View("police", False, answers.POLICE_DISSENT),
         *_notify("D", d, answers.LA_NOTIFIED_ANYWAY), MoveTo("rapid_review"))

    # E: the partners recommend a national review; two of the three have signed it off.
    d = dates.case(dates.back(18))
    review = answers.rapid_review(stories["E"], d, "national_review")
    plan("E", "school", "rapid_review", d,
         MoveTo("consideration"), *_views("E", ALL_AGREE), *_notify("E", d),
         MoveTo("rapid_review"), Send("bu", "rapid_review", review),
         SignOff("la"), SignOff("icb"))

    # F: decided on a local review; waiting for the Panel; the family has had a letter.
    d = dates.case(dates.back(27))
    plan("F", "health", "decided", d,
         *_to_decision("F", d, "local_cspr"),
         _contact("F", dates.after(d["sent"], 2), "decision", "letter_sent"),
         KeyDate("dates.family_told", dates.after(d["sent"], 2)))

    # G: the Panel has challenged a no-further-action decision; the partners must reconvene.
    d = dates.case(dates.back(28))
    plan("G", "school", "panel_response", d,
         *_to_decision("G", d, "no_further_action", rationale=answers.SIMILAR_REVIEW),
         *_panel("no_further_action", d, answers.CHALLENGES["G"]))

    # H: after a Panel challenge the partners reconvened and commissioned a local review,
    # whose final report must go to the Panel within days.
    d = dates.case(dates.after(dates.months(-5), -30))
    plan("H", "health", "review_in_progress", d,
         *_to_decision("H", d, "other_learning", "multi_agency_learning_review"),
         *_panel("other_learning", d, answers.CHALLENGES["H"]),
         Reconvene("change", "local_cspr", answers.RECONVENED, d["reconvened"]),
         MoveTo("review_in_progress"),
         Send("bu", "terms_of_reference", answers.terms_of_reference(
             stories["H"], d["incident"], d["reconvened"], dates.after(today, 10))),
         _contact("H", dates.after(d["reconvened"], 20), "invitation", "meeting_held"))

    # I: a local review whose publication is delayed, with approval, by a criminal trial.
    d = dates.decided_on(dates.months(-7))
    new_date = dates.months(3)
    plan("I", "police", "review_in_progress", d,
         *_to_decision("I", d, "local_cspr"), *_panel("local_cspr", d),
         *_review("I", d, d["decided"], clock.add_months(d["decided"], 6), answers.TRIAL_DELAY),
         *_progress(dates, d["decided"], today),
         Delay(answers.TRIAL_DELAY, answers.DELAY_APPROVED_BY, new_date, dates.back(20)),
         KeyDate("dates.planned_publication", new_date))

    # J: published this week, after the family read the report.
    d, steps = _published(dates, "J", dates.months(-6, plus_days=20))
    steps.insert(-3, _contact("J", dates.after(d["published"], -5), "report", "meeting_held"))
    steps[-2:-2] = [Hold(answers.INQUEST_HOLD, dates.after(d["published"], 20)),
                    Hold(answers.HOLD_LIFTED)]
    plan("J", "health", "published", d, *steps)

    # K: published months ago; the action plan is under way: one action accepted as complete
    # with its evidence, one late.
    d, steps = _published(dates, "K", dates.months(-10))
    plan("K", "school", "action_plan", d, *steps, MoveTo("action_plan"),
         action_plan("K", d["published"], today, finished=False))

    # L: every action accepted as complete with its evidence, so the case is closed.
    d, steps = _published(dates, "L", dates.months(-20))
    plan("L", "la", "closed", d, *steps, MoveTo("action_plan"),
         action_plan("L", d["published"], today, finished=True), MoveTo("closed"))

    # M: not notifiable: the partners agree abuse or neglect is not suspected.
    d = dates.case(dates.back(10))
    plan("M", "school", "not_notifiable", d, MoveTo("consideration"),
         *_views("M", {"la": False, "police": False, "icb": False}), MoveTo("not_notifiable"))

    # N and O: the Panel agreed with another learning route, and with no further action.
    d = dates.case(dates.back(70))
    plan("N", "health", "other_learning_route", d,
         *_to_decision("N", d, "other_learning", "single_agency_review"),
         *_panel("other_learning", d), MoveTo("other_learning_route"))
    d = dates.case(dates.back(90))
    plan("O", "health", "no_further_action", d,
         *_to_decision("O", d, "no_further_action"),
         *_panel("no_further_action", d), MoveTo("no_further_action"))

    # P: a looked-after child died with no abuse or neglect suspected: notified to the
    # Secretary of State and Ofsted, with no rapid review.
    d = dates.case(dates.back(12))
    plan("P", "la", "notified_only", d, MoveTo("consideration"), *_notify("P", d),
         MoveTo("notified_only"))
    # Q: the partners recommended a national review and the Panel is carrying one out.
    d = dates.case(dates.back(45))
    plan("Q", "health", "national_review", d,
         *_to_decision("Q", d, "national_review"),
         Send("bu", "panel_response", answers.panel_response(
             "national_review", d["panel"], True, answers.NATIONAL_REVIEW_NOTE, "national")),
         MoveTo("panel_response"), MoveTo("national_review"))

    # R: notified, then found not to meet the criteria once the cause of the injury was known.
    d = dates.case(dates.back(9))
    plan("R", "school", "criteria_not_met", d, MoveTo("consideration"),
         *_views("R", ALL_AGREE), *_notify("R", d),
         MoveTo("criteria_not_met", answers.CRITERIA_NOT_MET))
    # fmt: on

    end = today - timedelta(days=20)
    audited = answers.rapid_review_audit(
        clock.add_months(end, -6) + timedelta(days=1), end, dates.back(2)
    )
    return plans, [Send("chair", "rapid_review_audit", audited)]
