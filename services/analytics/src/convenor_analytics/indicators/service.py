"""Indicators: the catalogue, and one indicator's answer for an area, a partnership and a
window, computed once per read-model generation and then served from the cache."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.indicators import context as context_service
from convenor_analytics.indicators.catalogue import BY_ID, CATALOGUE, Indicator
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import render
from convenor_analytics.indicators.schemas import (
    IndicatorCatalogue,
    IndicatorDefinition,
    IndicatorValue,
)
from convenor_analytics.landscape import scope as scopes
from convenor_analytics.landscape.build import collector_paused
from convenor_analytics.landscape.scope import Scope
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.parameters import Parameters, describe
from convenor_shared.db import Database
from convenor_shared.problems import NotFound

ALWAYS = ["suppression_threshold", "confidence", "window_months"]


class IndicatorNotFound(NotFound):
    """There is no indicator with that id; ``GET /v1/indicators`` lists them (C1, D5, S8...)."""

    slug = "indicator-not-found"


def definition(indicator: Indicator) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=indicator.id,
        name=indicator.name,
        definition=indicator.definition,
        unit=indicator.unit,
        recommendation=indicator.recommendation,
        parameters=list(indicator.parameters),
    )


def catalogue(parameters: Parameters) -> IndicatorCatalogue:
    return IndicatorCatalogue(
        items=[definition(i) for i in CATALOGUE],
        parameters_version=parameters.version,
        parameters_fingerprint=parameters.fingerprint(),
    )


def indicator(indicator_id: str) -> Indicator:
    found = BY_ID.get(indicator_id.upper())
    if found is None:
        raise IndicatorNotFound(f"No indicator {indicator_id!r}.")
    return found


def compute(ctx: Context, chosen: Indicator, scope: Scope) -> IndicatorValue:
    """One indicator for one scope, cached per read-model generation."""

    def work() -> IndicatorValue:
        answer = chosen.compute(ctx, scope)
        rendered: dict[str, Any] = render(answer, ctx.parameters.suppression_threshold)
        names = list(dict.fromkeys([*chosen.parameters, *answer.parameters, *ALWAYS]))
        return IndicatorValue(
            indicator=chosen.id,
            name=chosen.name,
            unit=chosen.unit,
            scope=scope.describe(),
            window=scope.window.as_dict(),
            parameters=describe(ctx.parameters, names),
            read_model_generation=ctx.land.generation,
            **rendered,
        )

    return ctx.remember(("indicator", chosen.id, scope.key()), work)


def scope_of(
    ctx: Context,
    area: str | None,
    partnership: uuid.UUID | None,
    start: date | None,
    end: date | None,
    today: date,
) -> Scope:
    chosen = str(partnership) if partnership else None

    def resolve() -> Scope:
        span = scopes.window(start, end, ctx.parameters.window_months, today)
        return scopes.resolve(ctx.land, area, chosen, span)

    return ctx.remember(("scope", area, chosen, start, end, today), resolve)


async def value(
    session: AsyncSession | Database,
    cache: LandscapeCache,
    indicator_id: str,
    *,
    area: str | None,
    partnership: uuid.UUID | None,
    start: date | None,
    end: date | None,
    today: date,
) -> bytes:
    chosen = indicator(indicator_id)
    ctx = await context_service.current(session, cache)
    return as_json(ctx, chosen, scope_of(ctx, area, partnership, start, end, today))


def as_json(ctx: Context, chosen: Indicator, scope: Scope) -> bytes:
    """The answer as the bytes a read sends, rendered once per generation."""
    return ctx.remember(
        ("json", chosen.id, scope.key()),
        lambda: compute(ctx, chosen, scope).model_dump_json().encode(),
    )


def recompute(ctx: Context, scope: Scope) -> dict[str, bytes]:
    """Every indicator for a scope (what a full recompute does after a sync)."""
    with collector_paused():
        return {i.id: as_json(ctx, i, scope) for i in CATALOGUE}


async def warm(database: Database, cache: LandscapeCache, today: date) -> None:
    """Rebuild the landscape and every national indicator after a sync, off the event loop,
    so that the first reads after a sync find them ready."""
    async with database.session() as session:
        ctx = await context_service.current(session, cache)
    national = scope_of(ctx, None, None, None, None, today)
    await asyncio.to_thread(recompute, ctx, national)
