"""The landscape review of an area (Rec 4): what the report says, gathered as plain data that
the Markdown and HTML renderers lay out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from convenor_analytics.costs.ledger import ZERO
from convenor_analytics.duplication import service as duplication_service
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.cost import non_decision, partnership_totals
from convenor_analytics.indicators.delivery import overdue, review_status
from convenor_analytics.indicators.sharing import open_requests, requests, sla
from convenor_analytics.landscape.scope import Scope
from convenor_analytics.reports.recommendations import Recommendation, recommend


@dataclass
class Board:
    id: str
    name: str
    type: str
    statutory: bool
    status: str
    depth: int
    meetings: int
    salary: Decimal
    loaded: Decimal
    review: str
    last_reviewed: date | None
    days_since_review: int | None
    talking_shop_meetings: int
    counted_meetings: int
    overdue_actions: int


@dataclass
class Unanswered:
    id: str
    holder: str
    requester: str
    purpose: str
    submitted: date
    working_days: int


@dataclass
class Partner:
    name: str
    awaiting_decision: int
    oldest_days: int
    sla_within: int
    sla_judged: int


@dataclass
class Review:
    area: dict[str, Any]
    window: dict[str, str]
    parameters: dict[str, Any]
    boards: list[Board]
    clusters: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    unanswered: list[Unanswered]
    partners: list[Partner]
    overdue_by_owner: list[tuple[str, int, int]]
    totals: dict[str, Decimal]
    recommendations: list[Recommendation] = field(default_factory=list)


def _depths(ctx: Context, ids: list[str]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for pid in ids:
        d, current, seen = 0, ctx.land.partnerships[pid].parent_id, set()
        while current and current in ctx.land.partnerships and current not in seen:
            seen.add(current)
            d += 1
            current = ctx.land.partnerships[current].parent_id
        depth[pid] = d
    return depth


def _ordered(ctx: Context, ids: set[str]) -> list[str]:
    """Parents before their sub-groups (the hierarchy as an indented list)."""
    land = ctx.land
    children: dict[str | None, list[str]] = {}
    for pid in ids:
        parent = land.partnerships[pid].parent_id
        children.setdefault(parent if parent in ids else None, []).append(pid)
    out: list[str] = []

    def walk(parent: str | None) -> None:
        for pid in sorted(children.get(parent, []), key=lambda x: land.partnerships[x].name):
            if pid not in out:
                out.append(pid)
                walk(pid)

    walk(None)
    return out + sorted(ids - set(out))


def gather(ctx: Context, scope: Scope) -> Review:
    land, p = ctx.land, ctx.parameters
    assert scope.area is not None
    ids = _ordered(ctx, set(scope.partnership_ids))
    costs = partnership_totals(ctx, scope)
    depth = _depths(ctx, ids)
    shops = {c.meeting_id for c in non_decision(ctx, scope)}
    excluded = set(p.talking_shop_excluded_purposes)
    late = overdue(ctx, scope)
    late_by_board = Counter(land.partnership_of_action(a) for a, _ in late)
    boards = []
    for pid in ids:
        b = land.partnerships[pid]
        rag, age, last = review_status(ctx, pid, scope.window.end)
        counted = [
            c
            for c in ctx.held_of(scope).get(pid, [])
            if land.meetings[c.meeting_id].purpose not in excluded
        ]
        boards.append(
            Board(
                pid,
                b.name,
                b.type or "other",
                b.statutory,
                b.status,
                depth[pid],
                costs[pid].meetings,
                costs[pid].salary,
                costs[pid].loaded,
                rag if b.status != "discontinued" else "n/a",
                last,
                age,
                sum(1 for c in counted if c.meeting_id in shops),
                len(counted),
                late_by_board.get(pid, 0),
            )
        )
    analysis = duplication_service.analyse(ctx, scope, "membership")
    clusters = analysis.clusters
    flagged = [
        duplication_service.pair_read(ctx, x).model_dump() for x in analysis.top(10) if x.score > 0
    ]
    owners: dict[str, list[int]] = {}
    for a, days in late:
        org = land.organisations.get(a.owner_organisation_id or "")
        owners.setdefault(org.name if org else "unassigned", []).append(days)

    def name(org: str | None) -> str:
        o = land.organisations.get(org or "")
        return o.name if o else (org or "unknown")

    unanswered = [
        Unanswered(
            r.id,
            name(r.holder_organisation_id),
            name(r.requester_organisation_id),
            r.purpose or "",
            (r.submitted_at or datetime.min).date(),
            age,
        )
        for r, age, waiting in open_requests(ctx, scope)
        if waiting == "decision"
    ]
    submitted = requests(ctx, scope)
    partners = []
    for holder in sorted({r.holder_organisation_id or "" for r in submitted}):
        mine = [r for r in submitted if r.holder_organisation_id == holder]
        waiting = [u for u in unanswered if u.holder == name(holder)]
        within, judged = sla(ctx, mine, scope.window.end)
        partners.append(
            Partner(
                name(holder),
                len(waiting),
                max((u.working_days for u in waiting), default=0),
                within,
                judged,
            )
        )
    totals = {
        "salary": sum((c.salary for c in costs.values()), ZERO),
        "loaded": sum((c.loaded for c in costs.values()), ZERO),
        "person_hours": sum((c.person_hours for c in costs.values()), ZERO),
        "meetings": Decimal(sum(c.meetings for c in costs.values())),
    }
    totals["fte"] = totals["person_hours"] / p.working_hours_per_year
    review = Review(
        area={"id": scope.area.id, "name": scope.area.name, "gss_code": scope.area.gss_code},
        window=scope.window.as_dict(),
        parameters={
            "version": p.version,
            "fingerprint": p.fingerprint(),
            "working_hours_per_year": p.working_hours_per_year,
            "sla_working_days": p.sla_working_days,
            "duplication_tau": p.duplication_tau,
        },
        boards=boards,
        clusters=[duplication_service.cluster_read(ctx, c).model_dump() for c in clusters],
        pairs=flagged,
        unanswered=unanswered,
        partners=sorted(partners, key=lambda x: (-x.awaiting_decision, x.name)),
        overdue_by_owner=sorted(
            ((k, len(v), max(v)) for k, v in owners.items()), key=lambda x: -x[1]
        ),
        totals=totals,
    )
    review.recommendations = recommend(review, ctx.parameters)
    return review
