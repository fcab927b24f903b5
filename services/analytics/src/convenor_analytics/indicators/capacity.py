"""Capacity indicators K1-K5 (Rec 1, 3, 4): the meeting load people and organisations carry.

Load counts the meetings of the partnerships in scope, in the window. K4 needs invitations,
which the registry does not record: a membership active on a meeting's day stands for an
invitation to it.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row, rate
from convenor_analytics.intervals import quantile
from convenor_analytics.landscape.model import Meeting
from convenor_analytics.landscape.scope import Scope


@dataclass(frozen=True, slots=True)
class Attended:
    person_id: str
    organisation_id: str | None
    meeting: Meeting


def attended(ctx: Context, scope: Scope) -> list[Attended]:
    """Who attended which meeting that happened (present or deputising, by default)."""

    def compute() -> list[Attended]:
        counted = frozenset(ctx.parameters.cost_statuses)
        found = []
        for meeting in ctx.meetings(scope):
            if meeting.id not in ctx.ledger.meetings:
                continue
            for a in ctx.land.attendance.get(meeting.id, ()):
                if a.status in counted:
                    found.append(Attended(a.person_id, a.organisation_id, meeting))
        return found

    return ctx.remember(("attended", scope.key()), compute)


def invited(ctx: Context, scope: Scope) -> Counter[str]:
    """Invitations per person: active memberships on the day of each meeting that happened."""
    counts: Counter[str] = Counter()
    for meeting in ctx.meetings(scope):
        if meeting.id not in ctx.ledger.meetings:
            continue
        for m in ctx.land.memberships_of.get(meeting.partnership_id, ()):
            if m.person_id and m.active_on(meeting.day):
                counts[m.person_id] += 1
    return counts


def _week(meeting: Meeting, weeks: dict[str, tuple[int, int]]) -> tuple[int, int]:
    found = weeks.get(meeting.id)
    if found is None:
        year, week, _ = meeting.start.isocalendar()
        found = weeks[meeting.id] = (year, week)
    return found


def _summary(values: list[float]) -> dict[str, float | None]:
    return {
        "mean": sum(values) / len(values) if values else None,
        "p90": quantile(values, 0.9),
        "max": max(values, default=None),
    }


def k1(ctx: Context, scope: Scope) -> Answer:
    weeks: dict[str, tuple[int, int]] = {}
    weekly: Counter[tuple[str, tuple[int, int]]] = Counter()
    for a in attended(ctx, scope):
        weekly[(a.person_id, _week(a.meeting, weeks))] += 1
    invited_weekly: Counter[tuple[str, tuple[int, int]]] = Counter()
    for meeting in ctx.meetings(scope):
        if meeting.id in ctx.ledger.meetings:
            for m in ctx.land.memberships_of.get(meeting.partnership_id, ()):
                if m.person_id and m.active_on(meeting.day):
                    invited_weekly[(m.person_id, _week(meeting, weeks))] += 1
    values = [float(v) for v in weekly.values()]
    flag = ctx.parameters.meetings_per_week_flag
    over = sum(1 for v in values if v >= flag)
    people = len({p for p, _ in weekly})
    return Answer(
        _summary(values),
        len(values),
        "person-weeks with a meeting",
        people=people,
        flags=[f"{over} person-weeks at or above {flag} meetings"] if over else [],
        parameters=["meetings_per_week_flag", "cost_statuses"],
        extra={
            "invited": _summary([float(v) for v in invited_weekly.values()]),
            "person_weeks_flagged": over,
        },
    )


def k2(ctx: Context, scope: Scope) -> Answer:
    weeks: dict[str, tuple[int, int]] = {}
    hours: dict[tuple[str, tuple[int, int]], Decimal] = defaultdict(Decimal)
    for a in attended(ctx, scope):
        minutes = a.meeting.minutes + a.meeting.prep_minutes
        hours[(a.person_id, _week(a.meeting, weeks))] += Decimal(minutes) / 60
    default = ctx.parameters.contract_hours_per_week
    shares = []
    for (person_id, _), h in hours.items():
        person = ctx.land.people.get(person_id)
        contract = person.contract_hours if person and person.contract_hours else default
        shares.append(float(h / contract))
    return Answer(
        _summary(shares),
        len(shares),
        "person-weeks with a meeting",
        people=len({p for p, _ in hours}),
        parameters=["contract_hours_per_week"],
    )


def k3(ctx: Context, scope: Scope) -> Answer:
    weeks = max(scope.window.days / 7, 1 / 7)
    meetings: dict[str, set[str]] = defaultdict(set)
    for a in attended(ctx, scope):
        if a.organisation_id:
            meetings[a.organisation_id].add(a.meeting.id)
    seats: Counter[str] = Counter()
    people: dict[str, set[str]] = defaultdict(set)
    for pid in scope.partnership_ids:
        for m in ctx.land.memberships_of.get(pid, ()):
            if m.organisation_id and m.active_during(scope.window.start, scope.window.end):
                seats[m.organisation_id] += 1
                if m.person_id:
                    people[m.organisation_id].add(m.person_id)
    orgs = sorted(set(meetings) | set(seats), key=lambda o: (-len(meetings.get(o, ())), o))
    rows = [
        Row(
            o,
            ctx.land.organisations[o].name if o in ctx.land.organisations else o,
            len(meetings.get(o, ())) / weeks,
            extra={"seats": seats.get(o, 0), "people_committed": len(people.get(o, ()))},
        )
        for o in orgs
    ]
    total = sum(len(v) for v in meetings.values())
    return Answer(
        total / weeks / len(orgs) if orgs else None,
        len(orgs),
        "organisations",
        breakdowns={"by_organisation": rows},
    )


def k4(ctx: Context, scope: Scope) -> Answer:
    went: Counter[str] = Counter(a.person_id for a in attended(ctx, scope))
    asked = invited(ctx, scope)
    people = set(asked)
    attended_invited = sum(min(went.get(p, 0), asked[p]) for p in people)
    total = sum(asked.values())
    value, interval = rate(attended_invited, total, ctx.parameters.confidence)
    return Answer(
        value,
        total,
        "invitations (active memberships on meeting days)",
        interval,
        people=len(people),
        notes=[
            "The registry records memberships, not invitations: each membership "
            "active on a meeting's day counts as an invitation to it."
        ],
    )


def k5(ctx: Context, scope: Scope) -> Answer:
    gap = timedelta(minutes=ctx.parameters.back_to_back_minutes)
    by_person: dict[str, list[Meeting]] = defaultdict(list)
    for a in attended(ctx, scope):
        by_person[a.person_id].append(a.meeting)
    back_to_back = total = 0
    for meetings in by_person.values():
        meetings.sort(key=lambda m: m.start)
        total += len(meetings)
        for before, after in itertools.pairwise(meetings):
            end = before.end or before.start + timedelta(minutes=before.minutes)
            if after.start - end <= gap:
                back_to_back += 1
    value, interval = rate(back_to_back, total, ctx.parameters.confidence)
    return Answer(
        value,
        total,
        "meetings attended",
        interval,
        people=len(by_person),
        parameters=["back_to_back_minutes"],
    )
