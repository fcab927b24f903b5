"""Working days in England and Wales: weekdays that are not bank holidays.

The bank holidays are shipped as data (``data/bank-holidays-england-and-wales.json``, in the
shape of gov.uk's ``bank-holidays.json``, 2015-2030: the published list, substitute days
included, and the statutory rules for the years gov.uk has not yet published). Turnaround in
working days is ``numpy.busday_count`` with that holiday calendar.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

FIRST_YEAR, LAST_YEAR = 2015, 2030


@cache
def bank_holidays() -> tuple[date, ...]:
    """Every England and Wales bank holiday in the shipped list."""
    text = resources.files("convenor_analytics").joinpath(
        "data/bank-holidays-england-and-wales.json"
    )
    events = json.loads(text.read_text("utf-8"))["events"]
    return tuple(sorted(date.fromisoformat(event["date"]) for event in events))


@cache
def _calendar() -> np.busdaycalendar:
    return np.busdaycalendar(holidays=np.array(bank_holidays(), dtype="datetime64[D]"))


def _day(value: date | datetime) -> np.datetime64:
    if isinstance(value, datetime):
        value = value.date()
    return np.datetime64(value, "D")


def working_days(start: date | datetime, end: date | datetime) -> int:
    """Working days from ``start`` to ``end``: the day of ``start`` is not counted, the day of
    ``end`` is (a request submitted on Monday and answered on Tuesday took one working day)."""
    return int(working_days_many(np.array([_day(start)]), np.array([_day(end)]))[0])


def working_days_many(
    starts: npt.NDArray[np.datetime64], ends: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.int64]:
    """:func:`working_days` over arrays of days (``datetime64[D]``)."""
    day = np.timedelta64(1, "D")
    counts: npt.NDArray[np.int64] = np.busday_count(
        starts.astype("datetime64[D]") + day,
        ends.astype("datetime64[D]") + day,
        busdaycal=_calendar(),
    )
    return counts


def is_working_day(day: date) -> bool:
    return bool(np.is_busday(_day(day), busdaycal=_calendar()))
