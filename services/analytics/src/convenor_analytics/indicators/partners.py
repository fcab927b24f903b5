"""Data-sharing indicators about partners and agreements: S10-S12 (Rec 6, 7)."""

from __future__ import annotations

from collections import defaultdict

from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row, rate
from convenor_analytics.indicators.sharing import AWAITING_DELIVERY, DECIDED, outcome, requests, sla
from convenor_analytics.landscape.model import DataRequest
from convenor_analytics.landscape.scope import Scope

DPIA_DONE = ("completed", "approved", "done")


def _scaled(values: dict[str, float]) -> dict[str, float]:
    low, high = min(values.values(), default=0.0), max(values.values(), default=0.0)
    if high == low:
        return {k: 1.0 for k in values}
    return {k: (v - low) / (high - low) for k, v in values.items()}


def s10(ctx: Context, scope: Scope) -> Answer:
    threshold = ctx.parameters.suppression_threshold
    groups: dict[str, list[DataRequest]] = defaultdict(list)
    for r in requests(ctx, scope):
        groups[r.holder_organisation_id or "unknown"].append(r)
    components: dict[str, dict[str, float]] = {}
    for holder, rows in groups.items():
        if len(rows) < threshold:
            continue
        within, judged = sla(ctx, rows, scope.window.end)
        settled = [r for r in rows if outcome(ctx, r) in (*DECIDED, "withdrawn")]
        approved = sum(1 for r in settled if outcome(ctx, r) in AWAITING_DELIVERY)
        clarified = sum(1 for r in rows if r.clarification_rounds > 0)
        components[holder] = {
            "sla_compliance": within / judged if judged else 0.0,
            "approval_rate": approved / len(settled) if settled else 0.0,
            "inverse_clarification_rate": 1 - clarified / len(rows),
        }
    scaled = {
        name: _scaled({h: c[name] for h, c in components.items()})
        for name in ("sla_compliance", "approval_rate", "inverse_clarification_rate")
    }
    rows_out = []
    for holder, rows in sorted(groups.items()):
        org = ctx.land.organisations.get(holder)
        label = org.name if org else holder
        if holder not in components:
            # Fewer requests than the threshold: suppressed (people= carries the count).
            rows_out.append(Row(holder, label, None, len(rows), people=len(rows)))
            continue
        index = 100 * sum(scaled[name][holder] for name in scaled) / len(scaled)
        rows_out.append(
            Row(holder, label, index, len(rows), extra={"components": components[holder]})
        )
    values = [r.value for r in rows_out if isinstance(r.value, float)]
    return Answer(
        sum(values) / len(values) if values else None,
        len(values),
        "partners with enough requests",
        breakdowns={"by_holder": sorted(rows_out, key=lambda r: -(r.value or -1))},  # type: ignore[operator]
        parameters=["sla_working_days", "suppression_threshold"],
        notes=[
            "each component is min-max scaled across partners; the index is their mean x 100",
            "partners with fewer requests than the suppression threshold are suppressed",
        ],
    )


def s11(ctx: Context, scope: Scope) -> Answer:
    rows = requests(ctx, scope)
    agreements = ctx.land.agreements
    covered = [
        r
        for r in rows
        if r.agreement_id in agreements and agreements[r.agreement_id].status == "active"
    ]  # type: ignore[index]
    dpia = [r for r in covered if (agreements[r.agreement_id].dpia_status or "") in DPIA_DONE]  # type: ignore[index]
    value, interval = rate(len(covered), len(rows), ctx.parameters.confidence)
    dpia_share, dpia_interval = rate(len(dpia), len(rows), ctx.parameters.confidence)
    return Answer(
        value,
        len(rows),
        "submitted requests",
        interval,
        extra={
            "dpia_coverage": dpia_share,
            "dpia_interval": dpia_interval.as_dict() if dpia_interval else None,
            "one_off_decisions": len(rows) - len(covered),
        },
    )


def s12(ctx: Context, scope: Scope) -> Answer:
    land = ctx.land
    policing = {
        o.id for o in land.organisations.values() if o.classification == "local_policing_body"
    }
    outward: dict[str, int] = defaultdict(int)
    inward: dict[str, int] = defaultdict(int)
    rows = requests(ctx, scope)
    for r in rows:
        if r.requester_organisation_id in policing and r.holder_organisation_id not in policing:
            outward[r.holder_organisation_id or "unknown"] += 1
        elif r.holder_organisation_id in policing and r.requester_organisation_id not in policing:
            inward[r.requester_organisation_id or "unknown"] += 1
    partners = sorted(set(outward) | set(inward))
    out_rows = [
        Row(
            p,
            land.organisations[p].name if p in land.organisations else p,
            outward[p] / inward[p] if inward[p] else None,
            extra={"policing_body_to_partner": outward[p], "partner_to_policing_body": inward[p]},
        )
        for p in partners
    ]
    total_out, total_in = sum(outward.values()), sum(inward.values())
    return Answer(
        total_out / total_in if total_in else None,
        len(rows),
        "submitted requests",
        breakdowns={"by_partner": out_rows},
        extra={"policing_body_to_partner": total_out, "partner_to_policing_body": total_in},
    )
