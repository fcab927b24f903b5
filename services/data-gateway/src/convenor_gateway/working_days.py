"""Working days, approximated as Monday to Friday. Analytics owns the exact calendar with the
England and Wales bank holidays; the gateway needs only a due date and a rough turnaround."""

from __future__ import annotations

from datetime import date, timedelta


def add(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``."""
    if days <= 0:
        return start
    # Any seven days in a row hold five working days: whole weeks first, then the last one
    # to five working days a day at a time (so the result is a working day).
    weeks = (days - 1) // 5
    current = start + timedelta(weeks=weeks)
    days -= weeks * 5
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def between(start: date, end: date) -> int:
    """Working days from ``start`` to ``end`` (0 on the same day; never negative)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count
