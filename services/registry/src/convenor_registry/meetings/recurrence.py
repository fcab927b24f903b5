"""Expanding a recurring series (RFC 5545 RRULE) into dated occurrences.

Boards meet at a local time ("second Tuesday, 10:00"), so the rule is expanded in UK local
time and each occurrence converted to UTC: a 10:00 meeting stays at 10:00 across the clock
change. Expansion is bounded by a count and a horizon, so an open-ended rule cannot create
an unbounded number of meetings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from convenor_shared.problems import RuleBroken

LOCAL = ZoneInfo("Europe/London")


def expand(rule: str, first_start: datetime, *, limit: int, horizon: timedelta) -> list[datetime]:
    """Occurrence start times (UTC) of ``rule`` from ``first_start``, at most ``limit``."""
    if any(part in rule.upper() for part in ("DTSTART", "\n", "BYSECOND", "FREQ=SECONDLY")):
        raise RuleBroken("The rule must be a bare RRULE value (no DTSTART, no seconds).")
    local_start = first_start.astimezone(LOCAL).replace(tzinfo=None)
    try:
        recurrence = rrulestr(rule.removeprefix("RRULE:"), dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise RuleBroken(f"The recurrence rule is not valid RFC 5545: {exc}") from exc
    until = local_start + horizon
    starts: list[datetime] = []
    for occurrence in recurrence:
        if occurrence > until or len(starts) >= limit:
            break
        starts.append(occurrence.replace(tzinfo=LOCAL).astimezone(ZoneInfo("UTC")))
    if not starts:
        raise RuleBroken("The recurrence rule gives no occurrence.")
    return starts
