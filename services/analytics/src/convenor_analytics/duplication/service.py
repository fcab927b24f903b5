"""Duplication between partnerships (D1-D7): ranked pairs, merge clusters, and what-if merges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.costs.ledger import ZERO, money
from convenor_analytics.duplication.clusters import Cluster, clusters
from convenor_analytics.duplication.incidence import Basis, incidence
from convenor_analytics.duplication.merge import merged_board
from convenor_analytics.duplication.overlap import Overlaps, Pair, overlaps
from convenor_analytics.duplication.schemas import (
    BoardCost,
    ClusterRead,
    CostPair,
    DuplicationRead,
    MergedBoard,
    PairRead,
    WhatIfRead,
    WhatIfRequest,
)
from convenor_analytics.indicators import context as context_service
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.cost import partnership_totals
from convenor_analytics.landscape import scope as scopes
from convenor_analytics.landscape.scope import PartnershipNotFound, Scope
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.parameters import describe
from convenor_shared.problems import RuleBroken

PARAMETERS = [
    "duplication_tau",
    "duplication_flag_people",
    "duplication_flag_theme",
    "cluster_method",
    "cost_statuses",
    "working_hours_per_year",
]


@dataclass(frozen=True)
class Analysis:
    """The overlaps of a scope, their order by score, and the merge clusters."""

    overlaps: Overlaps
    order: npt.NDArray[np.int64]
    clusters: list[Cluster]

    def top(self, limit: int, min_score: float = 0.0) -> list[Pair]:
        order = self.order[self.overlaps.score[self.order] >= min_score]
        return self.overlaps.pairs(order[:limit])

    def involving(self, partnership_id: str, limit: int) -> list[Pair]:
        index = list(self.overlaps.partnerships).index(partnership_id)
        o = self.overlaps
        order = self.order[(o.i[self.order] == index) | (o.j[self.order] == index)]
        return o.pairs(order[:limit])


def analyse(ctx: Context, scope: Scope, basis: Basis) -> Analysis:
    """Ranked pairs and clusters of a scope (cached per read-model generation)."""

    def compute() -> Analysis:
        found = overlaps(incidence(ctx, scope, basis))
        costs = {pid: t.loaded for pid, t in partnership_totals(ctx, scope).items()}
        merge = clusters(
            found, ctx.parameters.duplication_tau, costs, ctx.parameters.cluster_method
        )
        return Analysis(found, found.ranked(), merge)

    return ctx.remember(("duplication", scope.key(), basis), compute)


def pair_read(ctx: Context, pair: Pair) -> PairRead:
    names = ctx.land.partnerships
    p = ctx.parameters
    return PairRead(
        a=pair.a,
        b=pair.b,
        a_name=names[pair.a].name,
        b_name=names[pair.b].name,
        people_shared=pair.people_shared,
        people_jaccard=pair.people_jaccard,
        people_overlap=pair.people_overlap,
        organisations_shared=pair.organisations_shared,
        organisation_jaccard=pair.organisation_jaccard,
        organisation_overlap=pair.organisation_overlap,
        theme_similarity=pair.theme_similarity,
        score=pair.score,
        flagged=pair.people_overlap >= p.duplication_flag_people
        and pair.theme_similarity >= p.duplication_flag_theme,
    )


def cluster_read(ctx: Context, cluster: Cluster) -> ClusterRead:
    return ClusterRead(
        partnerships=list(cluster.partnerships),
        names=[ctx.land.partnerships[p].name for p in cluster.partnerships],
        annual_cost=money(cluster.annual_cost),
        estimated_saving=money(cluster.estimated_saving),
        strongest_score=cluster.strongest,
    )


async def duplication(
    session: AsyncSession,
    cache: LandscapeCache,
    *,
    area: str | None,
    basis: Basis,
    start: date | None,
    end: date | None,
    limit: int,
    min_score: float,
    today: date,
) -> DuplicationRead:
    ctx = await context_service.current(session, cache)
    p = ctx.parameters
    scope = scopes.resolve(ctx.land, area, None, scopes.window(start, end, p.window_months, today))
    analysis = analyse(ctx, scope, basis)
    total = int((analysis.overlaps.score >= min_score).sum())
    return DuplicationRead(
        scope=scope.describe(),
        window=scope.window.as_dict(),
        basis=basis,
        tau=p.duplication_tau,
        method=p.cluster_method,
        total_pairs=total,
        pairs=[pair_read(ctx, pair) for pair in analysis.top(limit, min_score)],
        clusters=[cluster_read(ctx, c) for c in analysis.clusters],
        parameters=describe(p, PARAMETERS),
    )


async def what_if(
    session: AsyncSession, cache: LandscapeCache, body: WhatIfRequest, today: date
) -> WhatIfRead:
    ctx = await context_service.current(session, cache)
    p = ctx.parameters
    ids = list(dict.fromkeys(str(i) for i in body.partnership_ids))
    if len(ids) < 2:
        raise RuleBroken("Name at least two different partnerships to merge.")
    for pid in ids:
        if pid not in ctx.land.partnerships:
            raise PartnershipNotFound(f"No partnership with id {pid!r}.")
    span = scopes.window(body.from_, body.to, p.window_months, today)
    scope = Scope(None, None, frozenset(ids), None, span)
    current = partnership_totals(ctx, scope)
    merged = merged_board(ctx, scope, ids, current, body.meetings_per_year, body.duration_minutes)
    salary = sum((t.salary for t in current.values()), ZERO)
    loaded = sum((t.loaded for t in current.values()), ZERO)
    largest = max((t.loaded for t in current.values()), default=ZERO)
    return WhatIfRead(
        partnerships=[
            BoardCost(
                id=pid,
                name=ctx.land.partnerships[pid].name,
                salary=money(t.salary),
                loaded=money(t.loaded),
            )
            for pid, t in current.items()
        ],
        current=CostPair(salary=money(salary), loaded=money(loaded)),
        merged=MergedBoard(
            members=merged.members,
            meetings_per_year=merged.meetings_per_year,
            minutes_per_meeting=merged.minutes_per_meeting,
            salary=money(merged.salary),
            loaded=money(merged.loaded),
        ),
        saving=CostPair(salary=money(salary - merged.salary), loaded=money(loaded - merged.loaded)),
        upper_bound_saving=money(loaded - largest),
        window=span.as_dict(),
        parameters=describe(p, [*PARAMETERS, "prep_minutes_default", "default_meeting_minutes"]),
    )
