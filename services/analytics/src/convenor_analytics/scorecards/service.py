"""Scorecards: the headline indicators of one partnership or one area on one page."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.duplication import service as duplication_service
from convenor_analytics.indicators import context as context_service
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.indicators.context import Context
from convenor_analytics.landscape.scope import Scope
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.scorecards.schemas import AreaScorecard, Headline, PartnershipScorecard

PARTNERSHIP = (
    "C5",
    "C8",
    "C9",
    "C10",
    "A1",
    "A3",
    "A4",
    "A5",
    "E1",
    "E2",
    "E4",
    "E5",
    "G1",
    "G2",
    "D6",
)
AREA = ("C6", "D7", "D8", "D10", "D12", "G1", "A1", "A3", "A5", "E1", "K1", "S1", "S8", "S9", "S11")


def headlines(ctx: Context, scope: Scope, ids: tuple[str, ...]) -> dict[str, Headline]:
    found = {}
    for indicator_id in ids:
        v = indicators_service.compute(ctx, indicators_service.indicator(indicator_id), scope)
        found[indicator_id] = Headline(
            name=v.name,
            unit=v.unit,
            value=v.value,
            n=v.n,
            interval=v.interval,
            suppressed="value" in v.suppressed,
            flags=v.flags,
        )
    return found


async def partnership(
    session: AsyncSession,
    cache: LandscapeCache,
    partnership_id: uuid.UUID,
    start: date | None,
    end: date | None,
    today: date,
) -> PartnershipScorecard:
    ctx = await context_service.current(session, cache)
    scope = indicators_service.scope_of(ctx, None, partnership_id, start, end, today)
    p = scope.partnership
    assert p is not None
    # Overlaps are sought across the whole force area (or other top area) it sits in.
    area = next((a for a in p.footprint_area_ids if a in ctx.land.areas), None)
    while area and ctx.land.areas[area].parent_id in ctx.land.areas:
        area = ctx.land.areas[area].parent_id
    neighbours = indicators_service.scope_of(ctx, area, None, start, end, today) if area else scope
    mine = duplication_service.analyse(ctx, neighbours, "membership").involving(p.id, 10)
    return PartnershipScorecard(
        partnership={
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "status": p.status,
            "statutory": p.statutory,
            "themes": list(p.themes),
        },
        window=scope.window.as_dict(),
        indicators=headlines(ctx, scope, PARTNERSHIP),
        overlaps=[duplication_service.pair_read(ctx, x) for x in mine],
        parameters_version=ctx.parameters.version,
        read_model_generation=ctx.land.generation,
    )


async def area(
    session: AsyncSession,
    cache: LandscapeCache,
    area_ref: str,
    start: date | None,
    end: date | None,
    today: date,
) -> AreaScorecard:
    ctx = await context_service.current(session, cache)
    scope = indicators_service.scope_of(ctx, area_ref, None, start, end, today)
    a = scope.area
    assert a is not None
    clusters = duplication_service.analyse(ctx, scope, "membership").clusters
    return AreaScorecard(
        area={
            "id": a.id,
            "gss_code": a.gss_code,
            "name": a.name,
            "partnerships": len(scope.partnership_ids),
        },
        window=scope.window.as_dict(),
        indicators=headlines(ctx, scope, AREA),
        clusters=[duplication_service.cluster_read(ctx, c) for c in clusters],
        parameters_version=ctx.parameters.version,
        read_model_generation=ctx.land.generation,
    )
