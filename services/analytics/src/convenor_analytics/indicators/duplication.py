"""Duplication and landscape indicators D1-D13 (Rec 1, 2, 4)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from convenor_analytics.duplication import service as duplication_service
from convenor_analytics.duplication.incidence import Basis
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row
from convenor_analytics.intervals import quantile
from convenor_analytics.landscape.scope import Scope

TOP = 50
DUP = ["duplication_tau", "duplication_flag_people", "duplication_flag_theme", "cost_statuses"]


def _pairs_answer(ctx: Context, scope: Scope, field: str, basis: Basis = "membership") -> Answer:
    found = duplication_service.analyse(ctx, scope, basis).overlaps
    column: npt.NDArray[np.float64] = getattr(found, field)
    ordered = found.pairs(np.lexsort((found.j, found.i, -column))[:TOP])
    values = column.tolist()
    rows = [
        Row(
            f"{p.a}|{p.b}",
            f"{ctx.land.partnerships[p.a].name} / {ctx.land.partnerships[p.b].name}",
            getattr(p, field),
            extra={"a": p.a, "b": p.b},
        )
        for p in ordered
    ]
    value: dict[str, float | int | None] = {
        "mean": sum(values) / len(values) if values else None,
        "p90": quantile(values, 0.9),
        "max": max(values, default=None),
        "pairs_at_or_above_half": int((column >= 0.5).sum()),
    }
    return Answer(
        value,
        len(values),
        "pairs of partnerships sharing someone",
        breakdowns={"top_pairs": rows},
        parameters=DUP,
        extra={"basis": basis},
    )


def d1(ctx: Context, scope: Scope) -> Answer:
    answer = _pairs_answer(ctx, scope, "people_jaccard")
    attended = _pairs_answer(ctx, scope, "people_jaccard", "attendance")
    answer.extra["attendance_basis"] = attended.value  # D1a
    return answer


def d2(ctx: Context, scope: Scope) -> Answer:
    answer = _pairs_answer(ctx, scope, "people_overlap")
    answer.extra["attendance_basis"] = _pairs_answer(
        ctx, scope, "people_overlap", "attendance"
    ).value
    return answer


def d3(ctx: Context, scope: Scope) -> Answer:
    answer = _pairs_answer(ctx, scope, "organisation_jaccard")
    answer.extra["overlap_coefficient"] = _pairs_answer(ctx, scope, "organisation_overlap").value
    return answer


def d4(ctx: Context, scope: Scope) -> Answer:
    return _pairs_answer(ctx, scope, "theme_similarity")


def d5(ctx: Context, scope: Scope) -> Answer:
    answer = _pairs_answer(ctx, scope, "score")
    analysis = duplication_service.analyse(ctx, scope, "membership")
    found, p = analysis.overlaps, ctx.parameters
    mask = (found.people_overlap >= p.duplication_flag_people) & (
        found.theme_similarity >= p.duplication_flag_theme
    )
    flagged = found.pairs(analysis.order[mask[analysis.order]])
    answer.flags = [
        f"{ctx.land.partnerships[x.a].name} and {ctx.land.partnerships[x.b].name}: "
        f"people overlap {x.people_overlap:.2f}, theme similarity {x.theme_similarity:.2f}"
        for x in flagged[:TOP]
    ]
    answer.extra["flagged_pairs"] = len(flagged)
    return answer


def d6(ctx: Context, scope: Scope) -> Answer:
    k = ctx.parameters.interlock_k
    found = duplication_service.analyse(ctx, scope, "membership").overlaps
    strong = found.people_shared >= k
    counts_by_index = np.bincount(
        np.concatenate([found.i[strong], found.j[strong]]), minlength=len(found.partnerships)
    )
    degree: Counter[str] = Counter(
        {found.partnerships[x]: int(c) for x, c in enumerate(counts_by_index.tolist()) if c}
    )
    rows = [
        Row(pid, ctx.land.partnerships[pid].name, degree.get(pid, 0))
        for pid in sorted(scope.partnership_ids, key=lambda x: (-degree.get(x, 0), x))
    ]
    seats: Counter[str] = Counter()
    window = scope.window
    for pid in scope.partnership_ids:
        for m in ctx.land.memberships_of.get(pid, ()):
            if m.person_id and m.active_during(window.start, window.end):
                seats[m.person_id] += 1
    counts = list(seats.values())
    return Answer(
        {
            "mean_interlock_degree": sum(degree.values()) / len(rows) if rows else None,
            "max_interlock_degree": max(degree.values(), default=0),
        },
        len(rows),
        "partnerships",
        breakdowns={"by_partnership": rows[:TOP]},
        parameters=["interlock_k"],
        extra={
            "seats_per_person": {
                "mean": sum(counts) / len(counts) if counts else None,
                "p90": quantile(counts, 0.9),
                "max": max(counts, default=None),
                "people": len(counts),
            }
        },
        people=len(counts) if counts else None,
    )


def d7(ctx: Context, scope: Scope) -> Answer:
    found = duplication_service.analyse(ctx, scope, "membership").clusters
    rows = [
        Row(
            "|".join(c.partnerships),
            " / ".join(ctx.land.partnerships[p].name for p in c.partnerships),
            c.estimated_saving,
            len(c.partnerships),
            extra={"partnerships": list(c.partnerships), "annual_cost": c.annual_cost},
        )
        for c in found
    ]
    total = sum((c.estimated_saving for c in found), Decimal(0))
    return Answer(
        {"clusters": len(found), "estimated_saving": total},
        len(found),
        "clusters",
        breakdowns={"clusters": rows},
        parameters=[*DUP, "cluster_method", "working_hours_per_year"],
    )


def _active(ctx: Context, scope: Scope) -> list[str]:
    end = scope.window.end
    return [
        pid
        for pid in scope.partnership_ids
        if ctx.land.partnerships[pid].status != "discontinued"
        and _open_on(ctx.land.partnerships[pid].ended_date, end)
    ]


def _open_on(ended: date | None, day: date) -> bool:
    return ended is None or ended > day


def d8(ctx: Context, scope: Scope) -> Answer:
    land = ctx.land
    active = _active(ctx, scope)
    per_area: dict[str, Counter[str]] = defaultdict(Counter)
    for pid in active:
        for area_id in land.partnerships[pid].footprint_area_ids:
            per_area[area_id][land.partnerships[pid].type or "other"] += 1
    rows = [
        Row(
            a,
            land.areas[a].name if a in land.areas else a,
            sum(c.values()),
            extra={
                "by_type": dict(c),
                "gss_code": land.areas[a].gss_code if a in land.areas else None,
            },
        )
        for a, c in sorted(per_area.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    district_csps = sum(
        1
        for pid in active
        if land.partnerships[pid].type == "csp"
        and any(
            (land.areas.get(a) and (land.areas[a].gss_code or "").startswith("E07"))
            for a in land.partnerships[pid].footprint_area_ids
        )
    )
    return Answer(
        len(active),
        len(active),
        "active partnerships",
        breakdowns={"by_area": rows},
        extra={"two_tier_multiplier": district_csps},
    )


def d9(ctx: Context, scope: Scope) -> Answer:
    land = ctx.land
    merged = {r.partnership_id: r.start_date for r in land.relations if r.type == "merged_into"}
    years: dict[int, Counter[str]] = defaultdict(Counter)
    for pid in scope.partnership_ids:
        p = land.partnerships[pid]
        if p.established_date:
            years[p.established_date.year]["created"] += 1
        if merged.get(pid):
            years[merged[pid].year]["merged"] += 1  # type: ignore[union-attr]
        elif p.ended_date:
            years[p.ended_date.year]["discontinued"] += 1
    rows = [
        Row(str(y), str(y), c["created"] - c["discontinued"] - c["merged"], extra=dict(c))
        for y, c in sorted(years.items())
    ]
    net = sum(
        c["created"] - c["discontinued"] - c["merged"]
        for y, c in years.items()
        if scope.window.start.year <= y <= scope.window.end.year
    )
    return Answer(net, len(scope.partnership_ids), "partnerships", breakdowns={"by_year": rows})


def _strategies(ctx: Context, scope: Scope) -> list[str]:
    land, end = ctx.land, scope.window.end
    orgs = scope.organisation_ids
    found = []
    for s in land.strategies.values():
        if s.status not in (None, "active") or (s.period_end and s.period_end < scope.window.start):
            continue
        if s.period_start and s.period_start > end:
            continue
        owners = {s.owner_organisation_id, *s.joint_owner_ids} - {None}
        if s.owner_partnership_id in scope.partnership_ids or orgs is None or owners & orgs:
            found.append(s.id)
    return sorted(found)
