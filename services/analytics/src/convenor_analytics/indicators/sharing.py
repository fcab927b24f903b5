"""Data-sharing indicators S1-S12 (Rec 6): turnaround in England and Wales working days,
outcomes, refusal reasons, clarification loops, SLA, backlog, responsiveness, agreements."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime

from convenor_analytics.calendar import working_days
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row, rate, rate_row
from convenor_analytics.intervals import kaplan_meier_median, quantile
from convenor_analytics.landscape.model import DataRequest
from convenor_analytics.landscape.scope import Scope

DECIDED = ("approved", "partially_approved", "refused")
AWAITING_DECISION = ("submitted", "acknowledged", "clarification_requested")
AWAITING_DELIVERY = ("approved", "partially_approved")
ENDED = ("withdrawn", "expired")


def requests(ctx: Context, scope: Scope) -> list[DataRequest]:
    """Requests submitted in the window that involve an organisation of the scope."""
    orgs = scope.organisation_ids
    return [
        r
        for r in ctx.land.requests.values()
        if r.submitted_at
        and scope.window.holds(r.submitted_at.date())
        and (orgs is None or {r.requester_organisation_id, r.holder_organisation_id} & orgs)
    ]


def outcome(ctx: Context, r: DataRequest) -> str | None:
    """approved, partially_approved, refused, withdrawn, expired, or None while undecided."""
    decisions = ctx.remember("decisions", lambda: _decisions(ctx))
    if r.id in decisions:
        return decisions[r.id]
    if r.status in DECIDED or r.status in ENDED:
        return r.status
    if r.status in ("delivered", "closed"):
        return "approved"
    return None


def _decisions(ctx: Context) -> dict[str, str]:
    found: dict[str, tuple[datetime | None, str]] = {}
    for t in ctx.land.transitions:
        if t.to_status in DECIDED + ENDED:
            before = found.get(t.request_id)
            if before is None or (t.at and (before[0] is None or t.at >= before[0])):
                found[t.request_id] = (t.at, t.to_status)
    return {k: v[1] for k, v in found.items()}


def _days(start: datetime | None, end: datetime | date | None) -> int | None:
    return working_days(start, end) if start and end else None


def _name(ctx: Context, org: str | None) -> str:
    o = ctx.land.organisations.get(org or "")
    return o.name if o else (org or "unknown")


def _by(
    items: Iterable[DataRequest], key: Callable[[DataRequest], Iterable[str | None]]
) -> dict[str, list[DataRequest]]:
    groups: dict[str, list[DataRequest]] = defaultdict(list)
    for r in items:
        for k in key(r):
            groups[k or "none"].append(r)
    return groups


def _durations(rows: list[DataRequest], start: str, end: str) -> list[float]:
    found = []
    for r in rows:
        d = _days(getattr(r, start), getattr(r, end))
        if d is not None:
            found.append(float(d))
    return found


def _summary(values: list[float]) -> dict[str, float | None]:
    return {
        "median": quantile(values, 0.5),
        "p90": quantile(values, 0.9),
        "max": max(values, default=None),
    }


def s1(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    as_of = scope.window.end
    decided = [r for r in rows if r.decided_at and outcome(ctx, r) in DECIDED]
    times = _durations(decided, "submitted_at", "decided_at")
    open_ = [r for r in rows if r.decided_at is None and outcome(ctx, r) is None]
    censored = [float(_days(r.submitted_at, as_of) or 0) for r in open_]
    km = kaplan_meier_median(times + censored, [True] * len(times) + [False] * len(censored))
    p90 = quantile(times, 0.9)
    groups = _by(decided, lambda r: [r.holder_organisation_id])
    breakdown = [
        Row(
            k,
            _name(ctx, k),
            quantile(_durations(v, "submitted_at", "decided_at"), 0.5),
            len(v),
            extra={"p90": quantile(_durations(v, "submitted_at", "decided_at"), 0.9)},
        )
        for k, v in sorted(groups.items())
    ]
    gateways = _by(decided, lambda r: r.legal_gateways or [None])
    by_gateway = [
        Row(k, k, quantile(_durations(v, "submitted_at", "decided_at"), 0.5), len(v))
        for k, v in sorted(gateways.items())
    ]
    return Answer(
        {**_summary(times), "kaplan_meier_median": km},
        len(times),
        "decided requests",
        breakdowns={"by_holder": breakdown, "by_gateway": by_gateway},
        extra={
            "unit": "working days",
            "open": len(open_),
            "open_beyond_p90": sum(1 for c in censored if p90 is not None and c > p90),
        },
    )


def s2(ctx: Context, scope: Scope) -> Answer:
    rows = [
        r for r in requests(ctx, scope) if outcome(ctx, r) in AWAITING_DELIVERY and r.delivered_at
    ]
    fulfil = _durations(rows, "decided_at", "delivered_at")
    end_to_end = _durations(rows, "submitted_at", "delivered_at")
    return Answer(
        _summary(fulfil),
        len(fulfil),
        "delivered approved requests",
        extra={"unit": "working days", "end_to_end": _summary(end_to_end)},
    )


def s3(ctx: Context, scope: Scope) -> Answer:
    times = _durations(requests(ctx, scope), "submitted_at", "acknowledged_at")
    return Answer(
        _summary(times), len(times), "acknowledged requests", extra={"unit": "working days"}
    )


def _outcome_rows(
    ctx: Context, groups: dict[str, list[DataRequest]], label: Callable[[str], str]
) -> list[Row]:
    conf = ctx.parameters.confidence
    rows = []
    for k, v in sorted(groups.items()):
        settled = [r for r in v if outcome(ctx, r) in (*DECIDED, "withdrawn")]
        yes = sum(1 for r in settled if outcome(ctx, r) in AWAITING_DELIVERY)
        rows.append(rate_row(k, label(k), yes, len(settled), conf))
    return rows


def s4(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    settled = [r for r in rows if outcome(ctx, r) in (*DECIDED, "withdrawn")]
    counts = Counter(outcome(ctx, r) for r in settled)
    conf = ctx.parameters.confidence
    value = {}
    for kind in (*DECIDED, "withdrawn"):
        share, interval = rate(counts.get(kind, 0), len(settled), conf)
        value[kind] = {
            "rate": share,
            "count": counts.get(kind, 0),
            "interval": interval.as_dict() if interval else None,
        }
    return Answer(
        value,
        len(settled),
        "decided or withdrawn requests",
        breakdowns={
            "approval_by_holder": _outcome_rows(
                ctx, _by(settled, lambda r: [r.holder_organisation_id]), lambda k: _name(ctx, k)
            ),
            "approval_by_gateway": _outcome_rows(
                ctx, _by(settled, lambda r: r.legal_gateways or [None]), str
            ),
            "approval_by_purpose": _outcome_rows(ctx, _by(settled, lambda r: [r.purpose]), str),
            "approval_by_category": _outcome_rows(
                ctx, _by(settled, lambda r: r.data_categories or [None]), str
            ),
        },
        notes=["approval counts approved and partially approved"],
    )


def s5(ctx: Context, scope: Scope) -> Answer:
    refused = [r for r in requests(ctx, scope) if outcome(ctx, r) == "refused"]
    counts = Counter(r.reason_code or "unstated" for r in refused)
    rows = [
        rate_row(k, k, c, len(refused), ctx.parameters.confidence) for k, c in counts.most_common()
    ]
    return Answer(dict(counts), len(refused), "refused requests", breakdowns={"by_reason": rows})


def s6(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    looped = sum(1 for r in rows if r.clarification_rounds > 0)
    share, interval = rate(looped, len(rows), ctx.parameters.confidence)
    mean = sum(r.clarification_rounds for r in rows) / len(rows) if rows else None
    return Answer(
        mean,
        len(rows),
        "submitted requests",
        extra={
            "share_with_clarification": share,
            "share_interval": interval.as_dict() if interval else None,
        },
    )


def s7(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    named = sum(1 for r in rows if r.legal_gateways)
    value, interval = rate(named, len(rows), ctx.parameters.confidence)
    mix = Counter(g for r in rows for g in r.legal_gateways)
    settled = [r for r in rows if outcome(ctx, r) in (*DECIDED, "withdrawn")]
    return Answer(
        value,
        len(rows),
        "submitted requests",
        interval,
        breakdowns={
            "mix": [Row(g, g, c) for g, c in mix.most_common()],
            "approval_by_gateway": _outcome_rows(
                ctx, _by(settled, lambda r: r.legal_gateways or [None]), str
            ),
        },
    )


def sla(ctx: Context, rows: list[DataRequest], as_of: date) -> tuple[int, int]:
    """(within SLA, judged): decided within the SLA, or breached (decided late or still open
    past it); requests still open inside the SLA are not judged yet."""
    limit = ctx.parameters.sla_working_days
    within = judged = 0
    for r in rows:
        done = outcome(ctx, r)
        if done in ENDED:
            continue
        days = _days(r.submitted_at, r.decided_at) if r.decided_at else _days(r.submitted_at, as_of)
        if days is None or (r.decided_at is None and days <= limit):
            continue
        judged += 1
        within += r.decided_at is not None and days <= limit
    return within, judged


def s8(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    within, judged = sla(ctx, rows, scope.window.end)
    value, interval = rate(within, judged, ctx.parameters.confidence)
    groups = _by(rows, lambda r: [r.holder_organisation_id])
    breakdown = []
    for k, v in sorted(groups.items()):
        w, j = sla(ctx, v, scope.window.end)
        breakdown.append(rate_row(k, _name(ctx, k), w, j, ctx.parameters.confidence))
    return Answer(
        value,
        judged,
        "requests decided, or open past the SLA",
        interval,
        breakdowns={"by_holder": breakdown},
        parameters=["sla_working_days"],
    )


def open_requests(ctx: Context, scope: Scope) -> list[tuple[DataRequest, int, str]]:
    """Requests open on the window's last day: (request, age in working days, awaiting what)."""
    as_of = scope.window.end
    orgs = scope.organisation_ids
    found = []
    for r in ctx.land.requests.values():
        if not r.submitted_at or r.submitted_at.date() > as_of:
            continue
        if orgs is not None and not {r.requester_organisation_id, r.holder_organisation_id} & orgs:
            continue
        if r.status in AWAITING_DECISION:
            found.append((r, _days(r.submitted_at, as_of) or 0, "decision"))
        elif r.status in AWAITING_DELIVERY:
            found.append((r, _days(r.decided_at or r.submitted_at, as_of) or 0, "delivery"))
    return sorted(found, key=lambda x: -x[1])


def s9(ctx: Context, scope: Scope) -> Answer:
    found = open_requests(ctx, scope)
    ages = [float(a) for _, a, _ in found]
    groups: dict[str, list[int]] = defaultdict(list)
    for r, age, _ in found:
        groups[r.holder_organisation_id or "unknown"].append(age)
    rows = [
        Row(k, _name(ctx, k), len(v), extra={"oldest_days": max(v)})
        for k, v in sorted(groups.items(), key=lambda kv: -max(kv[1]))
    ]
    return Answer(
        len(found),
        len(found),
        "open requests",
        breakdowns={"by_holder": rows},
        extra={
            "age": _summary(ages),
            "unit": "working days",
            "awaiting_decision": sum(1 for *_, w in found if w == "decision"),
            "awaiting_delivery": sum(1 for *_, w in found if w == "delivery"),
        },
    )
