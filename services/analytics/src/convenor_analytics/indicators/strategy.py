"""Strategy proliferation and alignment with the Police and Crime Plan, D10-D13 (Rec 2)."""

from __future__ import annotations

from collections import Counter, defaultdict

from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.duplication import _strategies
from convenor_analytics.indicators.result import Answer, Row, rate, rate_row
from convenor_analytics.landscape.model import Priority
from convenor_analytics.landscape.scope import Scope


def _priorities(ctx: Context, strategy_ids: set[str]) -> list[Priority]:
    return [p for p in ctx.land.priorities if p.strategy_id in strategy_ids]


def d10(ctx: Context, scope: Scope) -> Answer:
    ids = set(_strategies(ctx, scope))
    priorities = _priorities(ctx, ids)
    distinct = {t for p in priorities for t in p.themes}
    total = len(priorities)
    rows = [
        Row(
            s,
            ctx.land.strategies[s].name,
            sum(1 for p in priorities if p.strategy_id == s),
            extra={"kind": ctx.land.strategies[s].kind},
        )
        for s in sorted(ids)
    ]
    return Answer(
        {
            "strategies": len(ids),
            "priorities": total,
            "priorities_per_strategy": total / len(ids) if ids else None,
            "distinct_priority_themes": len(distinct),
            "redundancy": 1 - len(distinct) / total if total else None,
        },
        len(ids),
        "active strategies",
        breakdowns={"by_strategy": rows},
    )


def d11(ctx: Context, scope: Scope) -> Answer:
    ids = set(_strategies(ctx, scope))
    by_theme: dict[str, Counter[str]] = defaultdict(Counter)
    for s in ids:
        strategy = ctx.land.strategies[s]
        themes = {t for p in _priorities(ctx, {s}) for t in p.themes}
        kind = (
            "joint_partnership" if strategy.kind == "partnership_strategy" else "own_organisation"
        )
        if strategy.kind == "police_and_crime_plan":
            kind = "police_and_crime_plan"
        for theme in themes:
            by_theme[theme][kind] += 1
    rows = [
        Row(t, t, sum(c.values()), extra={"by_kind": dict(c)})
        for t, c in sorted(by_theme.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    return Answer(len(rows), len(ids), "active strategies", breakdowns={"by_theme": rows})


def _pcp(ctx: Context, ids: set[str]) -> tuple[list[Priority], list[Priority]]:
    plans = {s for s in ids if ctx.land.strategies[s].kind == "police_and_crime_plan"}
    partnership = {s for s in ids if ctx.land.strategies[s].kind == "partnership_strategy"}
    return _priorities(ctx, plans), _priorities(ctx, partnership)


def d12(ctx: Context, scope: Scope) -> Answer:
    ids = set(_strategies(ctx, scope))
    pcp, partnership = _pcp(ctx, ids)
    pcp_ids = {p.id for p in pcp}
    aligned = sum(1 for p in partnership if pcp_ids.intersection(p.aligned_to_ids))
    value, interval = rate(aligned, len(partnership), ctx.parameters.confidence)
    by_strategy = defaultdict(list)
    for p in partnership:
        by_strategy[p.strategy_id or ""].append(p)
    rows = [
        rate_row(
            s,
            ctx.land.strategies[s].name,
            sum(1 for p in ps if pcp_ids.intersection(p.aligned_to_ids)),
            len(ps),
            ctx.parameters.confidence,
        )
        for s, ps in sorted(by_strategy.items())
    ]
    return Answer(
        value,
        len(partnership),
        "partnership priorities",
        interval,
        breakdowns={"by_strategy": rows},
        parameters=["confidence"],
    )


def d13(ctx: Context, scope: Scope) -> Answer:
    ids = set(_strategies(ctx, scope))
    pcp, partnership = _pcp(ctx, ids)
    strategies_per_pcp: dict[str, set[str]] = defaultdict(set)
    for p in partnership:
        for target in p.aligned_to_ids:
            strategies_per_pcp[target].add(p.strategy_id or "")
    addressed = sum(1 for p in pcp if strategies_per_pcp.get(p.id))
    over = sum(1 for p in pcp if len(strategies_per_pcp.get(p.id, ())) > 3)
    value, interval = rate(addressed, len(pcp), ctx.parameters.confidence)
    rows = [
        Row(p.id, ", ".join(p.themes) or p.id, len(strategies_per_pcp.get(p.id, ()))) for p in pcp
    ]
    return Answer(
        value,
        len(pcp),
        "Police and Crime Plan priorities",
        interval,
        breakdowns={"by_pcp_priority": rows},
        extra={"over_served": over, "over_served_share": over / len(pcp) if pcp else None},
    )
