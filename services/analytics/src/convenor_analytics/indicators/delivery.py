"""Delivery and governance indicators A1-A6 and G1-G3 (Rec 3, 4, 8)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from convenor_analytics.costs.ledger import ZERO
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.cost import non_decision
from convenor_analytics.indicators.result import Answer, Row, rate, rate_row
from convenor_analytics.intervals import quantile
from convenor_analytics.landscape.model import Action
from convenor_analytics.landscape.scope import Scope

OPEN = ("open", "in_progress")


def _actions(ctx: Context, scope: Scope) -> list[Action]:
    return [
        a for a in ctx.land.actions if ctx.land.partnership_of_action(a) in scope.partnership_ids
    ]


def _org(ctx: Context, org: str | None) -> str:
    o = ctx.land.organisations.get(org or "")
    return o.name if o else (org or "unassigned")


def a1(ctx: Context, scope: Scope) -> Answer:
    due = [
        a
        for a in _actions(ctx, scope)
        if scope.window.holds(a.due_date) and a.status != "cancelled"
    ]
    done = sum(1 for a in due if a.status == "done")
    value, interval = rate(done, len(due), ctx.parameters.confidence)
    groups: dict[str, list[Action]] = defaultdict(list)
    for a in due:
        groups[a.owner_organisation_id or "unassigned"].append(a)
    rows = [
        rate_row(
            k,
            _org(ctx, k),
            sum(1 for a in v if a.status == "done"),
            len(v),
            ctx.parameters.confidence,
        )
        for k, v in sorted(groups.items())
    ]
    return Answer(
        value,
        len(due),
        "actions due in the window",
        interval,
        breakdowns={"by_owner_organisation": rows},
    )


def a2(ctx: Context, scope: Scope) -> Answer:
    done = [
        a
        for a in _actions(ctx, scope)
        if a.status == "done" and a.completed_date and a.due_date and scope.window.holds(a.due_date)
    ]
    on_time = sum(
        1 for a in done if a.completed_date and a.due_date and a.completed_date <= a.due_date
    )
    value, interval = rate(on_time, len(done), ctx.parameters.confidence)
    return Answer(value, len(done), "completed actions due in the window", interval)


def overdue(ctx: Context, scope: Scope) -> list[tuple[Action, int]]:
    """Open actions past their due date on the window's last day, with days overdue."""
    as_of = scope.window.end
    return [
        (a, (as_of - a.due_date).days)
        for a in _actions(ctx, scope)
        if a.status in OPEN and a.due_date and a.due_date < as_of
    ]


def a3(ctx: Context, scope: Scope) -> Answer:
    late = overdue(ctx, scope)
    days = [float(d) for _, d in late]
    groups: dict[str, list[int]] = defaultdict(list)
    for a, d in late:
        groups[a.owner_organisation_id or "unassigned"].append(d)
    rows = [
        Row(
            k,
            _org(ctx, k),
            len(v),
            extra={"median_days": quantile([float(x) for x in v], 0.5), "max_days": max(v)},
        )
        for k, v in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    ]
    by_partnership = Counter(ctx.land.partnership_of_action(a) for a, _ in late)
    return Answer(
        len(late),
        len(late),
        "overdue actions",
        breakdowns={
            "by_owner_organisation": rows,
            "by_partnership": [
                Row(p or "", ctx.land.partnerships[p].name if p else "", c)
                for p, c in by_partnership.most_common()
            ],
        },
        extra={
            "median_days_overdue": quantile(days, 0.5),
            "p90_days_overdue": quantile(days, 0.9),
            "as_of": scope.window.end.isoformat(),
        },
    )


def a4(ctx: Context, scope: Scope) -> Answer:
    held = [m for m in ctx.meetings(scope) if m.id in ctx.ledger.meetings]
    decisions = sum(ctx.land.decisions_of.get(m.id, 0) for m in held)
    actions = sum(ctx.land.actions_of_meeting.get(m.id, 0) for m in held)
    n = len(held)
    return Answer(
        {
            "decisions_per_meeting": decisions / n if n else None,
            "actions_per_meeting": actions / n if n else None,
        },
        n,
        "meetings held",
    )


def a5(ctx: Context, scope: Scope) -> Answer:
    excluded = set(ctx.parameters.talking_shop_excluded_purposes)
    counted = [
        m for m in ctx.meetings(scope) if m.id in ctx.ledger.meetings and m.purpose not in excluded
    ]
    shops = {c.meeting_id for c in non_decision(ctx, scope)}
    value, interval = rate(len(shops), len(counted), ctx.parameters.confidence)
    groups: dict[str, list[str]] = defaultdict(list)
    for m in counted:
        groups[m.partnership_id].append(m.id)
    rows = [
        rate_row(
            pid,
            ctx.land.partnerships[pid].name,
            sum(1 for i in ids if i in shops),
            len(ids),
            ctx.parameters.confidence,
        )
        for pid, ids in sorted(groups.items())
    ]
    items = [i for m in counted for i in ctx.land.items_of.get(m.id, ())]
    info = sum(1 for i in items if i.item_type == "information")
    shop_cost = sum((ctx.ledger.meetings[i].loaded for i in shops), ZERO)
    all_cost = sum((ctx.ledger.meetings[m.id].loaded for m in counted), ZERO)
    return Answer(
        value,
        len(counted),
        "meetings held (relational and horizon-scanning excluded)",
        interval,
        breakdowns={"by_partnership": rows},
        parameters=["talking_shop_excluded_purposes", "confidence"],
        extra={
            "information_item_share": info / len(items) if items else None,
            "cost_weighted": float(shop_cost / all_cost) if all_cost else None,
            "excluded_meetings": sum(
                1
                for m in ctx.meetings(scope)
                if m.id in ctx.ledger.meetings and m.purpose in excluded
            ),
        },
    )


def a6(ctx: Context, scope: Scope) -> Answer:
    land = ctx.land
    decided_items = {d.agenda_item_id for d in land.decisions if d.agenda_item_id}
    series: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid in scope.partnership_ids:
        for m in land.meetings_of.get(pid, ()):
            if m.day <= scope.window.end and m.id in ctx.ledger.meetings:
                for item in land.items_of.get(m.id, ()):
                    if item.recurring_key:
                        series[(pid, item.recurring_key)].append(item.id)
    minimum = ctx.parameters.stale_agenda_meetings
    stale = [
        (k, ids)
        for k, ids in series.items()
        if len(ids) >= minimum and not decided_items.intersection(ids)
    ]
    rows = [
        Row(f"{pid}|{key}", f"{land.partnerships[pid].name}: {key}", len(ids))
        for (pid, key), ids in stale
    ]
    return Answer(
        len(stale),
        len(series),
        "recurring agenda items",
        breakdowns={"stale": rows},
        parameters=["stale_agenda_meetings"],
    )


def last_review(ctx: Context, pid: str) -> date | None:
    dates = [r.review_date for r in ctx.land.reviews_of.get(pid, ()) if r.review_date]
    recorded = ctx.land.partnerships[pid].last_reviewed_date
    if recorded:
        dates.append(recorded)
    return max(dates, default=None)


def review_status(ctx: Context, pid: str, as_of: date) -> tuple[str, int | None, date | None]:
    """G1 for one partnership: RAG, days since its last review, and that review's date."""
    last = last_review(ctx, pid)
    if last is None:
        return "red", None, None
    p = ctx.parameters
    age = (as_of - last).days
    if last + relativedelta(years=p.review_red_years) < as_of:
        return "red", age, last
    if last + relativedelta(years=p.review_amber_years) < as_of:
        return "amber", age, last
    return "green", age, last


def live(ctx: Context, scope: Scope) -> list[str]:
    return sorted(
        pid for pid in scope.partnership_ids if ctx.land.partnerships[pid].status != "discontinued"
    )


def g1(ctx: Context, scope: Scope) -> Answer:
    counts: Counter[str] = Counter()
    rows = []
    for pid in live(ctx, scope):
        rag, age, last = review_status(ctx, pid, scope.window.end)
        counts[rag] += 1
        rows.append(
            Row(
                pid,
                ctx.land.partnerships[pid].name,
                rag,
                extra={
                    "days_since_review": age,
                    "last_reviewed": last.isoformat() if last else None,
                    "never_reviewed": last is None,
                },
            )
        )
    order = {"red": 0, "amber": 1, "green": 2}
    rows.sort(key=lambda r: (order[str(r.value)], -(r.extra["days_since_review"] or 10**9)))
    return Answer(
        {k: counts.get(k, 0) for k in ("red", "amber", "green")},
        len(rows),
        "live partnerships",
        breakdowns={"by_partnership": rows},
        parameters=["review_amber_years", "review_red_years"],
        extra={"as_of": scope.window.end.isoformat()},
    )


def g2(ctx: Context, scope: Scope) -> Answer:
    as_of = scope.window.end
    horizon = as_of - relativedelta(years=ctx.parameters.review_amber_years)
    rows, complete = [], 0
    for pid in live(ctx, scope):
        terms = ctx.land.terms_of.get(pid, [])
        has_tor = any(
            (t.adopted_date is None or t.adopted_date <= as_of)
            and (
                (t.review_date and t.review_date >= as_of)
                or (t.adopted_date and t.adopted_date >= horizon)
            )
            for t in terms
        )
        held = ctx.held_of(scope).get(pid, [])
        actions = sum(ctx.land.actions_of_meeting.get(c.meeting_id, 0) for c in held)
        log_in_use = bool(held) and actions / len(held) >= 1
        complete += has_tor and log_in_use
        rows.append(
            Row(
                pid,
                ctx.land.partnerships[pid].name,
                has_tor and log_in_use,
                extra={
                    "terms_of_reference_current": has_tor,
                    "action_log_in_use": log_in_use,
                    "performance_framework": None,
                },
            )
        )
    value, interval = rate(complete, len(rows), ctx.parameters.confidence)
    return Answer(
        value,
        len(rows),
        "live partnerships",
        interval,
        breakdowns={"by_partnership": rows},
        notes=["performance_framework is not recorded by the registry (null)"],
        parameters=["review_amber_years"],
    )


def g3(ctx: Context, scope: Scope) -> Answer:
    land = ctx.land
    reviewed = {
        r.partnership_id for r in land.reviews if r.outcome in ("discontinue", "merge_into")
    }
    merged = {r.partnership_id: r.start_date for r in land.relations if r.type == "merged_into"}
    years: dict[int, Counter[str]] = defaultdict(Counter)
    for pid in scope.partnership_ids:
        p = land.partnerships[pid]
        when = merged.get(pid) or p.ended_date
        if when is None:
            continue
        kind = "merged" if pid in merged else "discontinued"
        years[when.year][kind] += 1
        years[when.year]["after_review"] += pid in reviewed
    rows = [
        Row(str(y), str(y), c["merged"] + c["discontinued"], extra=dict(c))
        for y, c in sorted(years.items())
    ]
    in_window = sum(
        c["merged"] + c["discontinued"]
        for y, c in years.items()
        if scope.window.start.year <= y <= scope.window.end.year
    )  # type: ignore[arg-type]
    return Answer(
        in_window, len(scope.partnership_ids), "partnerships", breakdowns={"by_year": rows}
    )
