"""The working-day clock: bank holidays, counting rules and the statutory deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspr.casework import clock
from cspr.casework.clock import (
    add_months,
    add_working_days,
    bank_holiday_name,
    deadline_status,
    internal_target,
    is_bank_holiday,
    is_working_day,
    keep_published_until,
    notice_given,
    notification_due,
    panel_notice_due,
    publication_due,
    rapid_review_due,
    working_days_between,
)

D = date

# Good Friday and Easter Monday, as published on gov.uk/bank-holidays and in the Royal
# Proclamations; written out by hand so the test does not trust the library it checks.
EASTER = {
    2025: (D(2025, 4, 18), D(2025, 4, 21)),
    2026: (D(2026, 4, 3), D(2026, 4, 6)),
    2027: (D(2027, 3, 26), D(2027, 3, 29)),
    2028: (D(2028, 4, 14), D(2028, 4, 17)),
    2029: (D(2029, 3, 30), D(2029, 4, 2)),
    2030: (D(2030, 4, 19), D(2030, 4, 22)),
}
# Early May, spring and summer bank holidays (first Monday in May, last Mondays in May
# and August).
MAY_AND_SUMMER = {
    2025: (D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25)),
    2026: (D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31)),
    2027: (D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30)),
    2028: (D(2028, 5, 1), D(2028, 5, 29), D(2028, 8, 28)),
    2029: (D(2029, 5, 7), D(2029, 5, 28), D(2029, 8, 27)),
    2030: (D(2030, 5, 6), D(2030, 5, 27), D(2030, 8, 26)),
}
# Christmas, Boxing Day and New Year's Day as they are taken, substitute days included.
CHRISTMAS_NEW_YEAR = {
    2025: [D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1)],
    2026: [D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)],  # Boxing Day is a Saturday
    2027: [D(2027, 12, 27), D(2027, 12, 28), D(2028, 1, 3)],  # all three at a weekend
    2028: [D(2028, 12, 25), D(2028, 12, 26), D(2029, 1, 1)],
    2029: [D(2029, 12, 25), D(2029, 12, 26), D(2030, 1, 1)],
    2030: [D(2030, 12, 25), D(2030, 12, 26), D(2031, 1, 1)],
    2032: [D(2032, 12, 27), D(2032, 12, 28), D(2033, 1, 3)],  # Saturday and Sunday again
}
ONE_OFF = {
    D(2022, 6, 3): "Platinum Jubilee",
    D(2022, 9, 19): "Queen Elizabeth II",
    D(2023, 5, 8): "Coronation",
}


# --- Bank holidays -----------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(EASTER))
def test_good_friday_and_easter_monday_are_not_working_days(year: int) -> None:
    good_friday, easter_monday = EASTER[year]
    assert good_friday.weekday() == 4 and easter_monday.weekday() == 0
    assert bank_holiday_name(good_friday) == "Good Friday"
    assert bank_holiday_name(easter_monday) == "Easter Monday"
    assert not is_working_day(good_friday) and not is_working_day(easter_monday)
    # The Thursday before and the Tuesday after are ordinary working days.
    assert is_working_day(good_friday - timedelta(days=1))
    assert is_working_day(easter_monday + timedelta(days=1))
    # So the Thursday plus 1 working day is the Tuesday.
    assert add_working_days(good_friday - timedelta(days=1), 1) == easter_monday + timedelta(1)


@pytest.mark.parametrize("year", sorted(MAY_AND_SUMMER))
def test_may_spring_and_summer_bank_holidays(year: int) -> None:
    early_may, spring, summer = MAY_AND_SUMMER[year]
    assert bank_holiday_name(early_may) == "Early May bank holiday"
    assert bank_holiday_name(spring) == "Spring bank holiday"
    assert bank_holiday_name(summer) == "Summer bank holiday"
    for day in (early_may, spring, summer):
        assert day.weekday() == 0 and not is_working_day(day)
        # Friday before + 1 working day skips the weekend and the Monday.
        assert add_working_days(day - timedelta(days=3), 1) == day + timedelta(days=1)


@pytest.mark.parametrize("year", sorted(CHRISTMAS_NEW_YEAR))
def test_christmas_and_new_year_with_substitute_days(year: int) -> None:
    days_off = CHRISTMAS_NEW_YEAR[year]
    for day in days_off:
        assert day.weekday() < 5, "a substitute day always falls on a weekday"
        assert not is_working_day(day), day
    # Every other weekday from 20 December to 5 January is a working day.
    first, last = D(year, 12, 20), D(year + 1, 1, 5)
    others = [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5 and first + timedelta(days=n) not in days_off
    ]
    assert all(is_working_day(day) for day in others)
    assert working_days_between(first, last) == len(others) - (1 if first in others else 0)


def test_substitute_days_are_named_as_such() -> None:
    assert bank_holiday_name(D(2026, 12, 28)) == "Boxing Day (substitute day)"
    assert bank_holiday_name(D(2027, 12, 27)) == "Christmas Day (substitute day)"
    assert bank_holiday_name(D(2028, 1, 3)) == "New Year's Day (substitute day)"
    # The real days are still bank holidays too, though weekends anyway.
    assert is_bank_holiday(D(2027, 12, 25)) and is_bank_holiday(D(2027, 12, 26))


@pytest.mark.parametrize("day", sorted(ONE_OFF))
def test_one_off_bank_holidays(day: date) -> None:
    name = bank_holiday_name(day)
    assert name is not None and ONE_OFF[day] in name
    assert not is_working_day(day)
    assert is_working_day(day + timedelta(days=7))  # the same weekday a week later


def test_the_2022_jubilee_weekend_moved_the_spring_bank_holiday() -> None:
    assert bank_holiday_name(D(2022, 6, 2)) == "Spring bank holiday"
    assert bank_holiday_name(D(2022, 5, 30)) is None
    # Wednesday 1 June 2022 + 1 working day jumps the Thursday, Friday and weekend.
    assert add_working_days(D(2022, 6, 1), 1) == D(2022, 6, 6)


def test_england_and_wales_share_every_bank_holiday() -> None:
    years = range(2022, 2034)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert sorted(england) == sorted(wales)
    # Scotland's 2 January and St Andrew's Day are not ours.
    assert not is_bank_holiday(D(2025, 1, 2)) and not is_bank_holiday(D(2026, 11, 30))


def test_bank_holiday_listing_covers_year_ends() -> None:
    listed = clock.bank_holidays(D(2027, 12, 20), D(2028, 1, 5))
    assert [day for day, _ in listed] == [
        D(2027, 12, 25), D(2027, 12, 26), D(2027, 12, 27), D(2027, 12, 28), D(2028, 1, 1),
        D(2028, 1, 3),
    ]  # fmt: skip


def test_weekends_are_never_working_days() -> None:
    assert not is_working_day(D(2026, 6, 6)) and not is_working_day(D(2026, 6, 7))
    assert is_working_day(D(2026, 6, 8))


# --- Counting working days ---------------------------------------------------------------


def test_the_domain_example_24_december_2026_plus_5_is_5_january_2027() -> None:
    aware = D(2026, 12, 24)
    assert aware.weekday() == 3
    assert add_working_days(aware, 5) == D(2027, 1, 5)
    assert notification_due(aware) == D(2027, 1, 5)
    # The working days counted are 29, 30 and 31 December, 4 and 5 January.
    counted = [add_working_days(aware, n) for n in range(1, 6)]
    assert counted == [D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 4),
                       D(2027, 1, 5)]  # fmt: skip


def test_day_one_counting_includes_a_working_start_day() -> None:
    assert add_working_days(D(2026, 12, 24), 5, start_is_day_zero=False) == D(2027, 1, 4)
    monday = D(2026, 6, 1)
    assert add_working_days(monday, 5) == D(2026, 6, 8)
    assert add_working_days(monday, 5, start_is_day_zero=False) == D(2026, 6, 5)
    assert add_working_days(monday, 1, start_is_day_zero=False) == monday


def test_day_one_counting_on_a_non_working_start_day_changes_nothing() -> None:
    saturday, christmas = D(2026, 6, 6), D(2026, 12, 25)
    for start in (saturday, christmas):
        assert add_working_days(start, 5, start_is_day_zero=False) == add_working_days(start, 5)


def test_zero_days_is_the_start_date_under_either_rule() -> None:
    saturday = D(2026, 6, 6)
    assert add_working_days(saturday, 0) == saturday
    assert add_working_days(saturday, 0, start_is_day_zero=False) == saturday


def test_a_deadline_from_a_weekend_starts_counting_on_monday() -> None:
    assert add_working_days(D(2026, 6, 6), 1) == D(2026, 6, 8)
    assert add_working_days(D(2026, 6, 7), 5) == D(2026, 6, 12)


def test_closure_days_push_the_due_date_back() -> None:
    closures = frozenset({D(2026, 12, 29), D(2026, 12, 30)})
    assert add_working_days(D(2026, 12, 24), 5, closures) == D(2027, 1, 7)
    assert not is_working_day(D(2026, 12, 29), closures)
    # A closure day on a weekend or bank holiday changes nothing.
    assert add_working_days(D(2026, 12, 24), 5, {D(2026, 12, 26), D(2027, 1, 1)}) == D(2027, 1, 5)


def test_negative_days_count_backwards() -> None:
    assert add_working_days(D(2027, 1, 5), -5) == D(2026, 12, 24)
    assert add_working_days(D(2026, 6, 8), -1) == D(2026, 6, 5)


def test_working_days_between() -> None:
    aware, due = D(2026, 12, 24), D(2027, 1, 5)
    assert working_days_between(aware, due) == 5
    assert working_days_between(due, aware) == -5
    assert working_days_between(aware, aware) == 0
    # Day-1 counting counts both ends when they are working days.
    assert working_days_between(aware, due, start_is_day_zero=False) == 6
    assert working_days_between(aware, aware, start_is_day_zero=False) == 1
    # Closure days reduce the count; over a whole year the count is the known figure:
    # 2026 has 261 weekdays and 8 bank holidays on weekdays (Boxing Day is a Saturday).
    assert working_days_between(aware, due, {D(2026, 12, 29)}) == 4
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 253
    # From Friday to the following Saturday or Sunday, the weekend adds nothing.
    assert working_days_between(D(2026, 6, 5), D(2026, 6, 7)) == 0


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    st.integers(min_value=0, max_value=400),
    st.booleans(),
    st.sets(st.dates(min_value=D(2020, 1, 1), max_value=D(2037, 12, 31)), max_size=20),
)
def test_adding_and_counting_agree(
    start: date, days: int, day_zero: bool, closures: set[date]
) -> None:
    closed = frozenset(closures)
    due = add_working_days(start, days, closed, day_zero)
    assert due >= start
    if days:
        assert is_working_day(due, closed)
        assert working_days_between(start, due, closed, day_zero) == days
    if days and is_working_day(start, closed):
        # Counting back the same number of days returns to a working start day.
        assert add_working_days(due, -days, closed, day_zero) == start


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    st.sets(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)), max_size=10),
)
def test_fast_counting_matches_walking_each_day(
    start: date, end: date, closures: set[date]
) -> None:
    lo, hi = min(start, end), max(start, end)
    walked = sum(
        1 for n in range(1, (hi - lo).days + 1) if is_working_day(lo + timedelta(n), closures)
    )
    expected = walked if end >= start else -walked
    if end < start:
        # Backwards, the earlier day counts and the later one does not.
        expected = -(walked - is_working_day(start, closures) + is_working_day(end, closures))
    assert working_days_between(start, end, closures) == expected


# --- Calendar months and the statutory deadlines -----------------------------------------


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(D(2026, 1, 15), 6) == D(2026, 7, 15)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2026, 10, 31), 1) == D(2026, 11, 30)
    assert add_months(D(2026, 11, 30), 2) == D(2027, 1, 30)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2026, 5, 1), 0) == D(2026, 5, 1)


def test_notification_and_rapid_review_deadlines() -> None:
    assert notification_due(D(2026, 12, 24)) == D(2027, 1, 5)
    # Statutory clocks always count the event as day 0; counting it as day 1 is a partnership's
    # own choice, for its internal targets only.
    assert internal_target(D(2026, 12, 24), 5, start_is_day_zero=False) == D(2027, 1, 4)
    # Notified on Tuesday 5 January 2027: 15 working days is Tuesday 26 January.
    assert rapid_review_due(D(2027, 1, 5)) == D(2027, 1, 26)
    # Over Easter 2026 (Good Friday 3 April, Easter Monday 6 April).
    assert rapid_review_due(D(2026, 3, 30)) == D(2026, 4, 22)
    # A closure day moves an internal target, never the statutory date.
    assert internal_target(D(2026, 3, 30), 15, {D(2026, 4, 7)}) == D(2026, 4, 23)


def test_publication_and_keeping_deadlines() -> None:
    assert publication_due(D(2026, 1, 20)) == D(2026, 7, 20)
    assert publication_due(D(2026, 8, 31)) == D(2027, 2, 28)
    assert keep_published_until(D(2027, 3, 1)) == D(2028, 3, 1)
    assert keep_published_until(D(2028, 2, 29)) == D(2029, 2, 28)


def test_panel_notice_is_seven_working_days_before_publication() -> None:
    # Publishing on Wednesday 15 January 2025: send by Monday 6 January.
    sent = panel_notice_due(D(2025, 1, 15))
    assert sent == D(2025, 1, 6)
    assert working_days_between(sent, D(2025, 1, 15)) == 7
    # Over Christmas 2026: publishing Friday 8 January 2027 means sending by 29 December.
    assert panel_notice_due(D(2027, 1, 8)) == D(2026, 12, 29)
    assert notice_given(D(2025, 1, 6), D(2025, 1, 15)) == 7


# --- Deadline status ---------------------------------------------------------------------


def test_status_due_and_due_soon() -> None:
    due = D(2027, 1, 26)
    far = deadline_status(due, D(2027, 1, 5))
    assert (far.state, far.working_days, far.phrase) == ("due", 15, "due in 15 working days")
    soon = deadline_status(due, D(2027, 1, 21))
    assert (soon.state, soon.phrase) == ("due_soon", "due in 3 working days")
    assert deadline_status(due, D(2027, 1, 25)).phrase == "due in 1 working day"
    today = deadline_status(due, due)
    assert (today.state, today.phrase) == ("due_soon", "due today")
    assert deadline_status(due, D(2027, 1, 21), soon_days=2).state == "due"
    assert not soon.is_late


def test_status_counts_bank_holidays_and_closures() -> None:
    due = D(2027, 1, 5)
    status = deadline_status(due, D(2026, 12, 24))
    assert status.phrase == "due in 5 working days"
    closed = deadline_status(due, D(2026, 12, 24), closures={D(2026, 12, 31)})
    assert closed.phrase == "due in 4 working days"


def test_status_overdue() -> None:
    status = deadline_status(D(2027, 1, 5), D(2027, 1, 7))
    assert (status.state, status.working_days, status.phrase) == (
        "overdue",
        2,
        "overdue by 2 working days",
    )
    assert status.is_late
    assert deadline_status(D(2027, 1, 5), D(2027, 1, 6)).phrase == "overdue by 1 working day"
    # Due on a Friday, looked at on Saturday: overdue though no working day has passed.
    weekend = deadline_status(D(2026, 6, 5), D(2026, 6, 6))
    assert weekend.state == "overdue" and weekend.phrase == "overdue since Friday 5 June 2026"


def test_status_met_and_missed() -> None:
    due = D(2027, 1, 5)
    on_time = deadline_status(due, D(2027, 2, 1), done=due)
    assert (on_time.state, on_time.phrase) == ("met", "done on time")
    early = deadline_status(due, D(2027, 2, 1), done=D(2026, 12, 31))
    assert (early.state, early.phrase) == ("met", "done 2 working days early")
    late = deadline_status(due, D(2027, 2, 1), done=D(2027, 1, 8))
    assert (late.state, late.working_days, late.phrase) == ("missed", 3, "done 3 working days late")
    assert late.is_late and not early.is_late


def test_status_for_a_calendar_deadline_on_a_weekend() -> None:
    # Publication deadlines are calendar months and can fall on a Sunday.
    sunday = D(2026, 6, 7)
    assert deadline_status(sunday, D(2026, 6, 6)).phrase == "due tomorrow"
    assert deadline_status(sunday, D(2026, 6, 6)).state == "due_soon"


def test_dates_are_written_the_gov_uk_way() -> None:
    assert clock.long_date(D(2027, 1, 5)) == "Tuesday 5 January 2027"
    assert clock.short_date(D(2027, 1, 5)) == "5 January 2027"


def test_days_off_lists_bank_holidays_and_closures_with_reasons() -> None:
    listed = clock.days_off(D(2026, 12, 25), D(2027, 1, 5), {D(2026, 12, 29): "Office move"})
    assert listed == [
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 12, 28), "Boxing Day (substitute day)"),
        (D(2026, 12, 29), "Closure day: Office move"),
        (D(2027, 1, 1), "New Year's Day"),
    ]
