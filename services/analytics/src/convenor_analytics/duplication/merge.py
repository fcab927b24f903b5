"""What if some partnerships merged? The merged board meets as often as the most frequent of
them, for as long as the longest, with everyone who sits on any of them attending once; its
support costs are the largest of theirs. The saving is what they cost now less that."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from convenor_analytics.costs.ledger import ZERO, Totals, scheme_of
from convenor_analytics.costs.rates import Rates
from convenor_analytics.indicators.context import Context
from convenor_analytics.landscape.scope import Scope


@dataclass(frozen=True)
class Merged:
    members: int
    meetings_per_year: int
    minutes_per_meeting: int
    salary: Decimal
    loaded: Decimal


def merged_board(
    ctx: Context,
    scope: Scope,
    ids: list[str],
    current: dict[str, Totals],
    meetings_per_year: int | None,
    duration_minutes: int | None,
) -> Merged:
    land = ctx.land
    window = scope.window
    people = {
        m.person_id
        for pid in ids
        for m in land.memberships_of.get(pid, ())
        if m.person_id and m.active_during(window.start, window.end)
    }
    held = {pid: ctx.held_of(scope).get(pid, []) for pid in ids}
    frequency = meetings_per_year or max(
        (max(len(held[pid]), land.partnerships[pid].meetings_per_year or 0) for pid in ids),
        default=0,
    )
    longest = duration_minutes or max(
        (max((land.meetings[c.meeting_id].minutes for c in held[pid]), default=0) for pid in ids),
        default=0,
    )
    longest = longest or ctx.parameters.default_meeting_minutes
    minutes = longest + ctx.parameters.prep_minutes_default
    rates = Rates(ctx.parameters)
    salaries = loaded = ZERO
    for person_id in people:
        person = land.people.get(person_id)
        band = person.salary_band if person else None
        salaries += rates.salary(band)
        loaded += rates.loaded(band, scheme_of(land, person), window.end)
    divisor = 60 * ctx.parameters.working_hours_per_year
    support = max((current[pid].annual_support for pid in ids), default=ZERO)
    return Merged(
        members=len(people),
        meetings_per_year=frequency,
        minutes_per_meeting=minutes,
        salary=salaries * minutes * frequency / divisor,
        loaded=loaded * minutes * frequency / divisor + support,
    )
