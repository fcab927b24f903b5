"""Due dates in working days (Monday to Friday)."""

from __future__ import annotations

from datetime import date, timedelta

from convenor_gateway import working_days


def day_by_day(start: date, days: int) -> date:
    """The definition: step a day at a time, counting only Monday to Friday."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def test_adding_working_days_matches_counting_them_one_by_one():
    starts = [date(2026, 11, 23) + timedelta(days=n) for n in range(14)]  # every weekday twice
    for start in starts:
        for days in range(0, 66):
            assert working_days.add(start, days) == day_by_day(start, days), (start, days)


def test_twenty_working_days_from_a_friday_is_four_weeks_later():
    assert working_days.add(date(2026, 11, 27), 20) == date(2026, 12, 25)
    assert working_days.add(date(2026, 11, 28), 5) == date(2026, 12, 4)  # Saturday to Friday
    assert working_days.between(date(2026, 11, 27), date(2026, 12, 25)) == 20
