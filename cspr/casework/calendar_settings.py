"""The partnership's own calendar: closure days and the rule for counting working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from cspr import audit
from cspr.auth.roles import ADMIN
from cspr.casework import clock
from cspr.exceptions import Forbidden, Refused
from cspr.storage import NotFound, StoreError, get_store, transactional

CLOSURE_DAYS = "closure_days"
DAY_ZERO_SETTING = "clock.start_is_day_zero"
MAX_REASON = 100
MAX_DAYS = 400  # the most working days the calculator and the API will count
# Years people may type; wide enough for any case, narrow enough to catch typing slips.
FIRST_YEAR = 2000
LAST_YEAR = 2099


def _require_admin(actor: dict[str, Any] | None) -> None:
    """Refuse anyone but an admin; None means the server's own command line."""
    if actor is not None and actor.get("role") != ADMIN:
        raise Forbidden("Only administrators can change the partnership's calendar")


def read_date(day: str, month: str, year: str, name: str, field: str) -> date:
    """Read a GOV.UK day/month/year answer, or raise Refused with a message about `name`."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [part for part, value in parts.items() if not value]
    if len(missing) == 3:
        raise Refused(f"Enter the {name}", field=field)
    if missing:
        wanted = " and ".join(f"a {part}" for part in missing)
        raise Refused(f"{name.capitalize()} must include {wanted}", field=field)
    if not all(value.isascii() and value.isdigit() for value in parts.values()):
        raise Refused(f"{name.capitalize()} must be a real date", field=field)
    if len(parts["year"]) != 4:
        raise Refused(f"Year must include 4 numbers, like {FIRST_YEAR + 26}", field=field)
    try:
        when = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise Refused(f"{name.capitalize()} must be a real date", field=field) from None
    return check_year(when, name, field)


def check_year(when: date, name: str, field: str) -> date:
    """Refuse dates outside the years the clock is asked about."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise Refused(
            f"{name.capitalize()} must be between 1 January {FIRST_YEAR} "
            f"and 31 December {LAST_YEAR}",
            field=field,
        )
    return when


# --- Closure days ------------------------------------------------------------------------


def list_closure_days() -> list[dict[str, Any]]:
    """Return the closure days, earliest first."""
    return get_store().find(CLOSURE_DAYS, order_by="date")


def closures() -> frozenset[date]:
    """Return the closure days as the set of dates the clock skips."""
    return frozenset(date.fromisoformat(doc["date"]) for doc in list_closure_days())


def closure_reasons() -> dict[date, str]:
    """Map each closure day to its reason, for showing which days were skipped."""
    return {date.fromisoformat(doc["date"]): doc["reason"] for doc in list_closure_days()}


def clean_reason(reason: str) -> str:
    """Return a closure day's reason with spaces tidied, or raise Refused."""
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("Enter the reason the partnership is closed", field="reason")
    if len(reason) > MAX_REASON:
        raise Refused(f"Reason must be {MAX_REASON} characters or fewer", field="reason")
    return reason


@transactional
def add_closure_day(actor: dict[str, Any] | None, when: date, reason: str) -> dict[str, Any]:
    """Add a day the partnership is closed, so no deadline counts it as a working day."""
    _require_admin(actor)
    check_year(when, "closure date", "date")
    if when.weekday() >= 5:
        raise Refused(
            f"{clock.long_date(when)} is a weekend day, which never counts as a working day. "
            "Enter a weekday",
            field="date",
        )
    holiday = clock.bank_holiday_name(when)
    if holiday:
        raise Refused(
            f"{clock.short_date(when)} is already a bank holiday ({holiday}). "
            "Enter a different date",
            field="date",
        )
    reason = clean_reason(reason)
    store = get_store()
    day_id = when.isoformat()
    duplicate = Refused(f"{clock.short_date(when)} is already a closure day", field="date")
    if store.get(CLOSURE_DAYS, day_id) is not None:
        raise duplicate
    try:
        # The date is the id, so two admins adding the same day at once cannot both succeed.
        added = store.insert(CLOSURE_DAYS, {"id": day_id, "date": day_id, "reason": reason})
    except StoreError:
        if store.get(CLOSURE_DAYS, day_id) is not None:
            raise duplicate from None
        raise
    audit.record("create", "closure_day", added["id"], details={"reason": reason}, user=actor)
    return added


@transactional
def remove_closure_day(actor: dict[str, Any] | None, closure_id: str) -> dict[str, Any]:
    """Remove a closure day, so that day counts as a working day again."""
    _require_admin(actor)
    store = get_store()
    found = store.get(CLOSURE_DAYS, closure_id)
    if found is None:
        raise NotFound(closure_id)
    store.delete(CLOSURE_DAYS, closure_id)
    audit.record(
        "delete", "closure_day", closure_id, details={"reason": found["reason"]}, user=actor
    )
    return found


# --- Counting rule -----------------------------------------------------------------------


def start_is_day_zero() -> bool:
    """Say whether the start day is day 0 (the default) rather than day 1."""
    return bool(get_store().get_setting(DAY_ZERO_SETTING, True))


@transactional
def set_start_is_day_zero(actor: dict[str, Any] | None, day_zero: bool) -> None:
    """Choose whether the start day counts as day 0 or, when a working day, as day 1."""
    _require_admin(actor)
    if start_is_day_zero() == day_zero:
        return
    get_store().set_setting(DAY_ZERO_SETTING, day_zero)
    audit.record(
        "update",
        "setting",
        DAY_ZERO_SETTING,
        details={"start_is_day_zero": day_zero},
        user=actor,
    )
