"""The landscape review as Markdown."""

from __future__ import annotations

from decimal import Decimal

from convenor_analytics.costs.ledger import display
from convenor_analytics.reports.review import Review


def cell(value: object) -> str:
    """Table cells must not break the table: pipes and newlines escaped."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render(review: Review) -> str:
    area, w = review.area, review.window
    out = [
        f"# Landscape review: {cell(area['name'])} ({cell(area['gss_code'] or area['id'])})",
        "",
        f"Window {w['from']} to {w['to']}. Parameters {cell(review.parameters['version'])} "
        f"(fingerprint {review.parameters['fingerprint']}), "
        f"{review.parameters['working_hours_per_year']} working hours a year.",
        "",
        "## Summary",
        "",
        f"- Partnerships: {len(review.boards)}; meetings held: {int(review.totals['meetings'])}",
        f"- Cost: {display(review.totals['salary'])} salary only, "
        f"{display(review.totals['loaded'])} loaded ({review.totals['fte']:.2f} FTE)",
        f"- Merge candidates: {len(review.clusters)} cluster(s); reviews overdue (red): "
        f"{sum(1 for b in review.boards if b.review == 'red')}; unanswered data requests: "
        f"{len(review.unanswered)}",
        "",
        "## The map",
        "",
        *[
            f"{'  ' * b.depth}- {cell(b.name)} "
            f"({cell(b.type)}{', statutory' if b.statutory else ''}, "
            f"{cell(b.status)})"
            for b in review.boards
        ],
        "",
        "## Costs (C5)",
        "",
        "| Partnership | Meetings | Salary only | Loaded |",
        "|---|---:|---:|---:|",
        *[
            f"| {cell(b.name)} | {b.meetings} | {display(b.salary)} | {display(b.loaded)} |"
            for b in sorted(review.boards, key=lambda b: -b.loaded)
        ],
        "",
        "## Duplication: merge candidates (D7)",
        "",
    ]
    if review.clusters:
        out += [
            "| Partnerships | Annual cost | Estimated saving | Strongest score |",
            "|---|---:|---:|---:|",
        ]
        out += [
            f"| {cell(' / '.join(c['names']))} | {display(Decimal(c['annual_cost']))} | "
            f"{display(Decimal(c['estimated_saving']))} | {c['strongest_score']:.2f} |"
            for c in review.clusters
        ]
    else:
        out.append("No pair of partnerships reaches the duplication threshold.")
    out += [
        "",
        "Closest pairs (D1-D5):",
        "",
        "| A | B | People overlap | Theme similarity | Score |",
        "|---|---|---:|---:|---:|",
    ]
    out += [
        f"| {cell(p['a_name'])} | {cell(p['b_name'])} | {p['people_overlap']:.2f} | "
        f"{p['theme_similarity']:.2f} | {p['score']:.2f} |"
        for p in review.pairs
    ]
    out += [
        "",
        "## Reviews due (G1)",
        "",
        "| Partnership | Status | Last reviewed | Days |",
        "|---|---|---|---:|",
    ]
    out += [
        f"| {cell(b.name)} | {b.review} | {b.last_reviewed or 'never'} | "
        f"{b.days_since_review or ''} |"
        for b in review.boards
        if b.review in ("red", "amber")
    ]
    out += [
        "",
        "## Talking shops (A5, relational and horizon-scanning meetings excluded)",
        "",
        "| Partnership | Meetings with no decision or action | Meetings counted |",
        "|---|---:|---:|",
    ]
    out += [
        f"| {cell(b.name)} | {b.talking_shop_meetings} | {b.counted_meetings} |"
        for b in review.boards
        if b.talking_shop_meetings
    ]
    out += [
        "",
        "## Overdue actions (A3)",
        "",
        "| Owner | Overdue | Most days overdue |",
        "|---|---:|---:|",
    ]
    out += [f"| {cell(o)} | {n} | {d} |" for o, n, d in review.overdue_by_owner]
    out += [
        "",
        "## Data sharing (S1, S8, S9)",
        "",
        "| Partner | Awaiting decision | Oldest (working days) | Within SLA |",
        "|---|---:|---:|---:|",
    ]
    out += [
        f"| {cell(p.name)} | {p.awaiting_decision} | {p.oldest_days} | "
        f"{p.sla_within}/{p.sla_judged} |"
        for p in review.partners
    ]
    out += [
        "",
        "Unanswered requests:",
        "",
        "| Holder | Requester | Purpose | Submitted | Working days |",
        "|---|---|---|---|---:|",
    ]
    out += [
        f"| {cell(u.holder)} | {cell(u.requester)} | {cell(u.purpose)} | {u.submitted} | "
        f"{u.working_days} |"
        for u in review.unanswered
    ]
    out += ["", "## Recommendations", ""]
    for number, rec in enumerate(review.recommendations, 1):
        out.append(f"{number}. **{cell(rec.title)}** (APCC Rec {rec.apcc_recommendation})")
        for e in rec.evidence:
            values = ", ".join(f"{k}: {cell(v)}" for k, v in e.values.items())
            out.append(f"   - {e.indicator} ({cell(e.subject)}): {values}")
    return "\n".join(out) + "\n"
