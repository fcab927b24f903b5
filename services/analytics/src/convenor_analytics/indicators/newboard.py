"""C11, the marginal cost of a new board: what a board established in the window is expected to
cost a year, against adding its business as an item to the existing board it most resembles
(highest D5 score)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from convenor_analytics.costs.ledger import ZERO, scheme_of
from convenor_analytics.costs.rates import Rates
from convenor_analytics.duplication import service as duplication_service
from convenor_analytics.duplication.overlap import Overlaps
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row
from convenor_analytics.landscape.scope import Scope


def _annual_members(ctx: Context, scope: Scope, pid: str) -> tuple[Decimal, int]:
    rates = Rates(ctx.parameters)
    total, count = ZERO, 0
    for m in ctx.land.memberships_of.get(pid, ()):
        if m.person_id and m.active_on(scope.window.end):
            person = ctx.land.people.get(m.person_id)
            band = person.salary_band if person else None
            total += rates.loaded(band, scheme_of(ctx.land, person), scope.window.end)
            count += 1
    return total, count


def _frequency(ctx: Context, scope: Scope, pid: str) -> int:
    held = len(ctx.held_of(scope).get(pid, []))
    return ctx.land.partnerships[pid].meetings_per_year or held or 4


def _best_existing(found: Overlaps, new: set[str]) -> dict[str, tuple[str, float]]:
    """For each new board, the existing board with the highest D5 score (one pass)."""
    names = found.partnerships
    is_new = np.array([name in new for name in names], dtype=bool)
    if not len(found) or not is_new.any():
        return {}
    boards = np.concatenate([found.i, found.j])
    others = np.concatenate([found.j, found.i])
    scores = np.concatenate([found.score, found.score])
    keep = is_new[boards] & ~is_new[others] & (scores > 0)
    boards, others, scores = boards[keep], others[keep], scores[keep]
    order = np.lexsort((others, -scores, boards))  # by board, best score first
    firsts = np.unique(boards[order], return_index=True)[1]
    chosen = order[firsts]
    return {
        names[int(b)]: (names[int(o)], float(v))
        for b, o, v in zip(boards[chosen], others[chosen], scores[chosen], strict=True)
    }


def c11(ctx: Context, scope: Scope) -> Answer:
    p = ctx.parameters
    divisor = 60 * p.working_hours_per_year
    new = sorted(
        pid
        for pid in scope.partnership_ids
        if scope.window.holds(ctx.land.partnerships[pid].established_date)
    )
    found = duplication_service.analyse(ctx, scope, "membership").overlaps
    matches = _best_existing(found, set(new))
    rows = []
    for pid in new:
        board = ctx.land.partnerships[pid]
        annual, members = _annual_members(ctx, scope, pid)
        minutes = p.default_meeting_minutes + p.prep_minutes_default
        expected = annual * minutes * _frequency(ctx, scope, pid) / divisor
        expected += board.annual_support_cost or ZERO
        extra: dict[str, object] = {"members": members, "expected_annual_cost": expected}
        if pid in matches:
            other, score = matches[pid]
            host, _ = _annual_members(ctx, scope, other)
            item = host * p.agenda_item_minutes * _frequency(ctx, scope, other) / divisor
            extra |= {
                "best_match": other,
                "best_match_name": ctx.land.partnerships[other].name,
                "best_match_score": score,
                "cost_as_agenda_item": item,
                "difference": expected - item,
            }
        rows.append(Row(pid, board.name, expected, extra=extra))
    total = sum((r.extra["expected_annual_cost"] for r in rows), ZERO)  # type: ignore[misc]
    return Answer(
        total,
        len(rows),
        "partnerships established in the window",
        breakdowns={"new_boards": rows},
        parameters=[
            "working_hours_per_year",
            "agenda_item_minutes",
            "default_meeting_minutes",
            "prep_minutes_default",
        ],
    )
