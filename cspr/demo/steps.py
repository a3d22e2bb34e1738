"""The steps a demo case goes through, each a small record that run.py carries out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr.demo.learning import ActionPlan


@dataclass(frozen=True)
class Send:
    """Fill in and send a form as one of the demo users."""

    who: str
    form_id: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class MoveTo:
    """Move the case to another stage, as the business unit."""

    to: str
    reason: str = ""


@dataclass(frozen=True)
class View:
    """Give one statutory partner's view on notifying, as that partner."""

    who: str
    notifiable: bool
    reason: str = ""


@dataclass(frozen=True)
class Notify:
    """Record, as the local authority, that it notified through the national online system."""

    when: date
    reference: str
    reason: str = ""  # why it notified without the partnership's agreement, if it did


@dataclass(frozen=True)
class SignOff:
    """Sign off the current rapid review as one statutory partner."""

    who: str


@dataclass(frozen=True)
class KeyDate:
    """Record one of the case's dates (a case fact), as the business unit."""

    fact: str
    when: date


@dataclass(frozen=True)
class Reconvene:
    """Record what the partners decided when they met again after a Panel challenge."""

    outcome: str
    revised: str
    justification: str
    met_on: date


@dataclass(frozen=True)
class Delay:
    """Record an approved delay to the local review."""

    reason: str
    approved_by: str
    new_date: date
    told: date


@dataclass(frozen=True)
class Progress:
    """Record a step of the local review (a milestone), as the business unit."""

    key: str
    when: date
    note: str = ""


@dataclass(frozen=True)
class Hold:
    """Put publication on hold (review_on set) or lift the hold (review_on None)."""

    reason: str
    review_on: date | None = None


@dataclass(frozen=True)
class Publish:
    """Record publication with its web address."""

    when: date
    address: str


Step = (Send | MoveTo | View | Notify | SignOff | KeyDate | Reconvene | Delay | Progress | Hold
        | Publish | ActionPlan)
