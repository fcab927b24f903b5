"""Costs: the stateless calculator, and the cost of a meeting, partnership, area, person or
organisation from the read model, salary-only and loaded side by side."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.costs import calculator
from convenor_analytics.costs.ledger import ZERO, money, scheme_of
from convenor_analytics.costs.rates import OnCosts, Rates, on_costs_at
from convenor_analytics.costs.schemas import CostRead, EstimateRead, EstimateRequest, Subject
from convenor_analytics.indicators import context as context_service
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.cost import LOADED_PARAMETERS, partnership_totals
from convenor_analytics.landscape import scope as scopes
from convenor_analytics.landscape.scope import Scope, Window
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.parameters import Parameters, describe
from convenor_shared.auth import Caller
from convenor_shared.problems import NotFound

PENNY = Decimal("0.01")


class MeetingNotFound(NotFound):
    """There is no meeting with that id in the read model, or it has not happened."""

    slug = "meeting-not-found"


class PersonNotFound(NotFound):
    """There is no person with that id visible to you: a person's cost is shown to their own
    organisation and to administrators only."""

    slug = "person-not-found"


class OrganisationNotFound(NotFound):
    """There is no organisation with that id in the read model."""

    slug = "organisation-not-found"


def resolve_on_costs(parameters: Parameters, body: EstimateRequest) -> OnCosts | None:
    asked = body.on_costs
    if asked is None:
        return None
    table = on_costs_at(
        parameters, asked.pension_scheme, asked.date or calculator.default_on_costs_date()
    )
    return OnCosts(
        ni_rate=asked.employer_ni_rate if asked.employer_ni_rate is not None else table.ni_rate,
        ni_threshold=asked.employer_ni_threshold
        if asked.employer_ni_threshold is not None
        else table.ni_threshold,
        pension_rate=asked.pension_rate if asked.pension_rate is not None else table.pension_rate,
        levy_rate=asked.apprenticeship_levy_rate
        if asked.apprenticeship_levy_rate is not None
        else table.levy_rate,
        pension_scheme=None if asked.pension_rate is not None else table.pension_scheme,
        ni_effective_from=None if asked.employer_ni_rate is not None else table.ni_effective_from,
        pension_effective_from=None
        if asked.pension_rate is not None
        else table.pension_effective_from,
        before_table=table.before_table,
    )


def estimate(parameters: Parameters, body: EstimateRequest) -> EstimateRead:
    hours = body.working_hours_per_year or parameters.working_hours_per_year
    prep = parameters.prep_minutes_default if body.prep_minutes is None else body.prep_minutes
    on_costs = resolve_on_costs(parameters, body)
    result = calculator.estimate(
        [calculator.Group(g.salary, g.count) for g in body.attendees],
        duration_minutes=body.duration_minutes,
        prep_minutes=prep,
        meetings_per_year=body.meetings_per_year,
        boards=body.boards,
        working_hours_per_year=hours,
        on_costs=on_costs,
    )
    figures = {
        "per_meeting": result.per_meeting,
        "per_board_year": result.per_board_year,
        "portfolio_year": result.portfolio_year,
    }
    return EstimateRead(
        **{k: money(v) for k, v in figures.items()},
        person_hours_per_board_year=money(result.person_hours_per_board_year),
        rounded={k: money(v.quantize(PENNY)) for k, v in figures.items()},
        parameters={
            "working_hours_per_year": money(hours),
            "duration_minutes": body.duration_minutes,
            "prep_minutes": prep,
            "meetings_per_year": body.meetings_per_year,
            "boards": body.boards,
            "on_costs": on_costs.describe() if on_costs else None,
            "version": parameters.version,
        },
    )


def _read(
    ctx: Context,
    subject: Subject,
    span: Window,
    salary: Decimal,
    loaded: Decimal,
    components: dict[str, Decimal],
    meetings: int,
    attendances: int,
    minutes: int,
) -> CostRead:
    hours = Decimal(minutes) / 60
    return CostRead(
        subject=subject,
        window=span.as_dict(),
        salary=money(salary),
        loaded=money(loaded),
        components={k: money(v) for k, v in components.items()},
        meetings=meetings,
        attendances=attendances,
        person_hours=money(hours),
        fte=money(hours / ctx.parameters.working_hours_per_year),
        parameters=describe(ctx.parameters, LOADED_PARAMETERS),
        read_model_generation=ctx.land.generation,
    )


def _scope_cost(ctx: Context, scope: Scope, subject: Subject) -> CostRead:
    per = partnership_totals(ctx, scope)
    t = list(per.values())
    salary = sum((x.salary for x in t), ZERO)
    components = {
        "attendee_salary": salary,
        "attendee_on_costs": sum((x.attendee_loaded - x.salary for x in t), ZERO),
        "meeting_support": sum((x.support for x in t), ZERO),
        "direct_costs": sum((x.direct for x in t), ZERO),
        "annual_support_cost": sum((x.annual_support for x in t), ZERO),
    }
    attendances = sum(c.attendees for c in ctx.held(scope))
    return _read(
        ctx,
        subject,
        scope.window,
        salary,
        sum((x.loaded for x in t), ZERO),
        components,
        sum(x.meetings for x in t),
        attendances,
        sum(x.person_minutes for x in t),
    )


async def _context(session: AsyncSession, cache: LandscapeCache) -> Context:
    return await context_service.current(session, cache)


def _window(ctx: Context, start: date | None, end: date | None, today: date) -> Window:
    return scopes.window(start, end, ctx.parameters.window_months, today)


async def meeting_cost(
    session: AsyncSession, cache: LandscapeCache, meeting_id: uuid.UUID
) -> CostRead:
    ctx = await _context(session, cache)
    cost = ctx.ledger.meetings.get(str(meeting_id))
    if cost is None:
        raise MeetingNotFound(f"No meeting that happened with id {meeting_id}.")
    name = ctx.land.partnerships[cost.partnership_id].name
    return _read(
        ctx,
        Subject(kind="meeting", id=cost.meeting_id, name=f"{name} {cost.day}"),
        Window(cost.day, cost.day),
        cost.salary,
        cost.loaded,
        {
            "attendee_salary": cost.salary,
            "attendee_on_costs": cost.attendee_loaded - cost.salary,
            "meeting_support": cost.support,
            "direct_costs": cost.direct,
        },
        1,
        cost.attendees,
        cost.person_minutes,
    )


async def partnership_cost(
    session: AsyncSession,
    cache: LandscapeCache,
    partnership_id: uuid.UUID,
    start: date | None,
    end: date | None,
    today: date,
) -> CostRead:
    ctx = await _context(session, cache)
    scope = scopes.resolve(ctx.land, None, str(partnership_id), _window(ctx, start, end, today))
    p = scope.partnership
    assert p is not None
    return _scope_cost(ctx, scope, Subject(kind="partnership", id=p.id, name=p.name))


async def area_cost(
    session: AsyncSession,
    cache: LandscapeCache,
    area: str,
    start: date | None,
    end: date | None,
    today: date,
) -> CostRead:
    ctx = await _context(session, cache)
    scope = scopes.resolve(ctx.land, area, None, _window(ctx, start, end, today))
    a = scope.area
    assert a is not None
    return _scope_cost(ctx, scope, Subject(kind="area", id=a.id, name=a.name))


def _attendance_cost(
    ctx: Context, span: Window, match: str, by_person: bool
) -> tuple[Decimal, Decimal, int, int, int]:
    """Salary and loaded cost of the attendances of one person (or organisation) in a window."""
    rates = Rates(ctx.parameters)
    counted = frozenset(ctx.parameters.cost_statuses)
    divisor = 60 * ctx.parameters.working_hours_per_year
    salary = loaded = ZERO
    meetings = attendances = minutes = 0
    for cost in ctx.ledger.meetings.values():
        if not span.holds(cost.day):
            continue
        meeting = ctx.land.meetings[cost.meeting_id]
        hits = [
            a
            for a in ctx.land.attendance.get(cost.meeting_id, ())
            if a.status in counted and (a.person_id if by_person else a.organisation_id) == match
        ]
        if not hits:
            continue
        meetings += 1
        length = meeting.minutes + meeting.prep_minutes
        for a in hits:
            person = ctx.land.people.get(a.person_id)
            band = person.salary_band if person else None
            salary += rates.salary(band) * length / divisor
            loaded += rates.loaded(band, scheme_of(ctx.land, person), cost.day) * length / divisor
            attendances += 1
            minutes += length
    return salary, loaded, meetings, attendances, minutes


async def person_cost(
    session: AsyncSession,
    cache: LandscapeCache,
    person_id: uuid.UUID,
    caller: Caller,
    start: date | None,
    end: date | None,
    today: date,
) -> CostRead:
    ctx = await _context(session, cache)
    person = ctx.land.people.get(str(person_id))
    # A person's cost reveals their salary band: their organisation and admins only.
    if person is None or not (
        caller.is_admin
        or (
            caller.organisation_id is not None
            and str(caller.organisation_id) == person.organisation_id
        )
    ):
        raise PersonNotFound(f"No person {person_id} visible to you.")
    span = _window(ctx, start, end, today)
    salary, loaded, meetings, attendances, minutes = _attendance_cost(ctx, span, person.id, True)
    return _read(
        ctx,
        Subject(kind="person", id=person.id, name=person.id),
        span,
        salary,
        loaded,
        {"attendee_salary": salary, "attendee_on_costs": loaded - salary},
        meetings,
        attendances,
        minutes,
    )


async def organisation_cost(
    session: AsyncSession,
    cache: LandscapeCache,
    organisation_id: uuid.UUID,
    start: date | None,
    end: date | None,
    today: date,
) -> CostRead:
    ctx = await _context(session, cache)
    org = ctx.land.organisations.get(str(organisation_id))
    if org is None:
        raise OrganisationNotFound(f"No organisation {organisation_id}.")
    span = _window(ctx, start, end, today)
    salary, loaded, meetings, attendances, minutes = _attendance_cost(ctx, span, org.id, False)
    return _read(
        ctx,
        Subject(kind="organisation", id=org.id, name=org.name),
        span,
        salary,
        loaded,
        {"attendee_salary": salary, "attendee_on_costs": loaded - salary},
        meetings,
        attendances,
        minutes,
    )
