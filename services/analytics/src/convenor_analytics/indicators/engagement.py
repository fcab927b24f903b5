"""Engagement indicators E1-E7 (Rec 1, 4, 6, 8, 9): who comes, who sends a deputy, how senior,
whether the organisations a board needs are in the room."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row, rate, rate_row
from convenor_analytics.landscape.model import Attendee, Meeting
from convenor_analytics.landscape.scope import Scope

EXPECTED = ("present", "apologies", "absent", "deputy")


def _expected(ctx: Context, scope: Scope) -> list[tuple[Meeting, Attendee]]:
    return ctx.remember(
        ("expected", scope.key()),
        lambda: [
            (m, a)
            for m in ctx.meetings(scope)
            if m.id in ctx.ledger.meetings
            for a in ctx.land.attendance.get(m.id, ())
            if a.status in EXPECTED
        ],
    )


def _rows(
    ctx: Context,
    scope: Scope,
    records: list[tuple[Meeting, Attendee]],
    key: Callable[[Meeting, Attendee], str | None],
    label: Callable[[str], str],
    status: str,
) -> list[Row]:
    groups: dict[str, list[Attendee]] = ctx.remember(
        ("expected-by", scope.key(), key.__name__), lambda: _group(records, key)
    )
    return [
        rate_row(
            k,
            label(k),
            sum(1 for a in rows if a.status == status),
            len(rows),
            ctx.parameters.confidence,
            people=len({a.person_id for a in rows}),
        )
        for k, rows in sorted(groups.items())
    ]


def _group(
    records: list[tuple[Meeting, Attendee]], key: Callable[[Meeting, Attendee], str | None]
) -> dict[str, list[Attendee]]:
    groups: dict[str, list[Attendee]] = defaultdict(list)
    for meeting, attendee in records:
        k = key(meeting, attendee)
        if k:
            groups[k].append(attendee)
    return groups


def _by_partnership(meeting: Meeting, attendee: Attendee) -> str | None:
    return meeting.partnership_id


def _by_organisation(meeting: Meeting, attendee: Attendee) -> str | None:
    return attendee.organisation_id


def _status_rate(ctx: Context, scope: Scope, status: str) -> Answer:
    records = _expected(ctx, scope)
    hits = sum(1 for _, a in records if a.status == status)
    value, interval = rate(hits, len(records), ctx.parameters.confidence)
    land = ctx.land
    return Answer(
        value,
        len(records),
        "expected attendances",
        interval,
        people=len({a.person_id for _, a in records}),
        breakdowns={
            "by_partnership": _rows(
                ctx,
                scope,
                records,
                _by_partnership,
                lambda k: land.partnerships[k].name,
                status,
            ),
            "by_organisation": _rows(
                ctx,
                scope,
                records,
                _by_organisation,
                lambda k: land.organisations[k].name if k in land.organisations else k,
                status,
            ),
        },
        parameters=["confidence", "suppression_threshold"],
    )


def e1(ctx: Context, scope: Scope) -> Answer:
    return _status_rate(ctx, scope, "present")


def e2(ctx: Context, scope: Scope) -> Answer:
    answer = _status_rate(ctx, scope, "deputy")
    for status in ("apologies", "absent"):
        other = _status_rate(ctx, scope, status)
        answer.extra[f"{status}_rate"] = other.value
        answer.extra[f"{status}_interval"] = other.interval.as_dict() if other.interval else None
    answer.notes.append("value is the deputy rate; apologies_rate and absent_rate alongside")
    return answer


def e3(ctx: Context, scope: Scope) -> Answer:
    counted = frozenset(ctx.parameters.cost_statuses)
    seats: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    seat_meetings: Counter[tuple[str, str]] = Counter()
    board_scores: dict[str, list[float]] = defaultdict(list)
    last: dict[str, frozenset[str]] = {}
    people: set[str] = set()
    for m in ctx.meetings(scope):
        if m.id not in ctx.ledger.meetings:
            continue
        present = [a for a in ctx.land.attendance.get(m.id, ()) if a.status in counted]
        people.update(a.person_id for a in present)
        for org in {a.organisation_id for a in present if a.organisation_id}:
            seat_meetings[(m.partnership_id, org)] += 1
            for person in {a.person_id for a in present if a.organisation_id == org}:
                seats[(m.partnership_id, org)][person] += 1
        current = frozenset(a.person_id for a in present)
        before = last.get(m.partnership_id)
        if before is not None and (before | current):
            board_scores[m.partnership_id].append(len(before & current) / len(before | current))
        last[m.partnership_id] = current
    shares = [max(c.values()) / seat_meetings[k] for k, c in seats.items()]
    rows = [
        Row(pid, ctx.land.partnerships[pid].name, sum(v) / len(v), len(v))
        for pid, v in sorted(board_scores.items())
    ]
    boards = [sum(v) / len(v) for v in board_scores.values()]
    return Answer(
        sum(shares) / len(shares) if shares else None,
        len(shares),
        "organisation seats",
        people=len(people),
        breakdowns={"by_partnership_consecutive_jaccard": rows},
        extra={"mean_consecutive_jaccard": sum(boards) / len(boards) if boards else None},
    )


def _required(ctx: Context, meeting: Meeting) -> set[str]:
    return {
        m.organisation_id
        for m in ctx.land.memberships_of.get(meeting.partnership_id, ())
        if m.required and m.organisation_id and m.active_on(meeting.day)
    }


def e4(ctx: Context, scope: Scope) -> Answer:
    counted = frozenset(ctx.parameters.cost_statuses)
    level = ctx.parameters.decision_maker_seniority
    seniorities: list[int] = []
    slots = senior = 0
    people: set[str] = set()
    for m in ctx.meetings(scope):
        if m.id not in ctx.ledger.meetings:
            continue
        present = [a for a in ctx.land.attendance.get(m.id, ()) if a.status in counted]
        by_org: dict[str, int] = defaultdict(int)
        for a in present:
            person = ctx.land.people.get(a.person_id)
            if person and person.seniority:
                seniorities.append(person.seniority)
                people.add(a.person_id)
                if a.organisation_id:
                    by_org[a.organisation_id] = max(by_org[a.organisation_id], person.seniority)
        for org in _required(ctx, m):
            slots += 1
            senior += by_org.get(org, 0) >= level
    share, interval = rate(senior, slots, ctx.parameters.confidence)
    return Answer(
        sum(seniorities) / len(seniorities) if seniorities else None,
        len(seniorities),
        "attendances with a known seniority",
        people=len(people),
        parameters=["decision_maker_seniority"],
        extra={
            "required_at_decision_level": share,
            "required_at_decision_level_interval": interval.as_dict() if interval else None,
            "required_slots": slots,
        },
    )


def e5(ctx: Context, scope: Scope) -> Answer:
    counted = frozenset(ctx.parameters.cost_statuses)
    meetings = full = 0
    sector: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for m in ctx.meetings(scope):
        if m.id not in ctx.ledger.meetings:
            continue
        required = _required(ctx, m)
        if not required:
            continue
        came = {a.organisation_id for a in ctx.land.attendance.get(m.id, ()) if a.status in counted}
        meetings += 1
        full += required <= came
        for org in required:
            kind = (
                ctx.land.organisations[org].classification
                if org in ctx.land.organisations
                else None
            )
            sector[kind or "other"][0] += org in came
            sector[kind or "other"][1] += 1
    value, interval = rate(full, meetings, ctx.parameters.confidence)
    rows = [
        rate_row(k, k, v[0], v[1], ctx.parameters.confidence) for k, v in sorted(sector.items())
    ]
    return Answer(
        value,
        meetings,
        "meetings with required organisations",
        interval,
        breakdowns={"by_sector": rows},
    )


def e6(ctx: Context, scope: Scope) -> Answer:
    records = _expected(ctx, scope)
    split: dict[bool, list[int]] = {True: [0, 0], False: [0, 0]}
    for m, a in records:
        statutory = ctx.land.partnerships[m.partnership_id].statutory
        split[statutory][0] += a.status == "present"
        split[statutory][1] += 1
    rates = {k: (v[0] / v[1] if v[1] else None) for k, v in split.items()}
    on_duty, voluntary = rates[True], rates[False]
    gap = None if on_duty is None or voluntary is None else (on_duty - voluntary) * 100
    return Answer(
        gap,
        len(records),
        "expected attendances",
        people=len({a.person_id for _, a in records}),
        extra={
            "statutory_attendance": rates[True],
            "non_statutory_attendance": rates[False],
            "unit": "percentage points",
        },
    )


def e7(ctx: Context, scope: Scope) -> Answer:
    w = scope.window
    members = [m for pid in scope.partnership_ids for m in ctx.land.memberships_of.get(pid, ())]
    joiners = sum(1 for m in members if w.holds(m.start_date))
    leavers = sum(1 for m in members if w.holds(m.end_date))
    at_start = sum(1 for m in members if m.active_on(w.start))
    at_end = sum(1 for m in members if m.active_on(w.end))
    mean = (at_start + at_end) / 2
    years = w.days / 365
    value = (joiners + leavers) / mean / years if mean else None
    people = len({m.person_id for m in members if m.person_id})
    return Answer(
        value,
        joiners + leavers,
        "joiners and leavers",
        people=people,
        extra={"joiners": joiners, "leavers": leavers, "mean_membership": mean},
    )
