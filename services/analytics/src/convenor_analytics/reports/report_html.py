"""The landscape review as one self-contained HTML page: inline CSS, charts as inline SVG, no
JavaScript, nothing fetched. Every value from the data is escaped."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from html import escape

from convenor_analytics.costs.ledger import display
from convenor_analytics.reports import svg
from convenor_analytics.reports.review import Review

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right} .red{color:#c0392b;font-weight:bold} .amber{color:#a66f00}
.evidence{color:#444;font-size:.92em} h2{border-bottom:2px solid #1d5a8a;padding-bottom:.2rem}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(head: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    th = "".join(
        f"<th{' class=n' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{_e(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
        if rows
        else "<p>None.</p>"
    )


def _map(review: Review) -> str:
    items = "".join(
        f'<li style="margin-left:{b.depth * 1.5}rem">{_e(b.name)} '
        f"<small>({_e(b.type)}{', statutory' if b.statutory else ''}, {_e(b.status)})</small></li>"
        for b in review.boards
    )
    return f"<ul>{items}</ul>"


def render(review: Review) -> str:
    area, w, t = review.area, review.window, review.totals
    costs = sorted(review.boards, key=lambda b: -b.loaded)
    chart = svg.bars(
        [(b.name, float(b.loaded), display(b.loaded)) for b in costs[:25]],
        "Annual loaded cost by partnership (C5)",
    )
    rag = svg.rag(
        dict(Counter(b.review for b in review.boards if b.review != "n/a")), "Review status (G1)"
    )
    backlog = svg.bars(
        [
            (p.name, float(p.awaiting_decision), str(p.awaiting_decision))
            for p in review.partners
            if p.awaiting_decision
        ],
        "Data requests awaiting a decision, by partner (S9)",
        "#7a3e9d",
    )
    recs = "".join(
        f"<li><strong>{_e(r.title)}</strong> <small>(APCC Rec {_e(r.apcc_recommendation)})</small>"
        "<ul class=evidence>"
        + "".join(
            f"<li>{_e(e.indicator)} ({_e(e.subject)}): "
            + _e(", ".join(f"{k}: {v}" for k, v in e.values.items()))
            + "</li>"
            for e in r.evidence
        )
        + "</ul></li>"
        for r in review.recommendations
    )
    sections = [
        f"<h1>Landscape review: {_e(area['name'])} "
        f"<small>({_e(area['gss_code'] or area['id'])})</small></h1>",
        f"<p>Window {_e(w['from'])} to {_e(w['to'])}. "
        f"Parameters {_e(review.parameters['version'])} "
        f"(fingerprint {_e(review.parameters['fingerprint'])}).</p>",
        "<h2>Summary</h2>",
        f"<p>{len(review.boards)} partnerships, {int(t['meetings'])} meetings held, costing "
        f"{_e(display(t['salary']))} in salaries alone and {_e(display(t['loaded']))} loaded "
        f"({t['fte']:.2f} FTE).</p>",
        "<h2>The map</h2>",
        _map(review),
        "<h2>Costs</h2>",
        chart,
        _table(
            ["Partnership", "Meetings", "Salary only", "Loaded"],
            [[b.name, b.meetings, display(b.salary), display(b.loaded)] for b in costs],
            {1, 2, 3},
        ),
        "<h2>Duplication: merge candidates</h2>",
        _table(
            ["Partnerships", "Annual cost", "Estimated saving", "Strongest score"],
            [
                [
                    " / ".join(c["names"]),
                    display(Decimal(c["annual_cost"])),
                    display(Decimal(c["estimated_saving"])),
                    f"{c['strongest_score']:.2f}",
                ]
                for c in review.clusters
            ],
            {1, 2, 3},
        ),
        _table(
            ["A", "B", "People overlap", "Theme similarity", "Score"],
            [
                [
                    p["a_name"],
                    p["b_name"],
                    f"{p['people_overlap']:.2f}",
                    f"{p['theme_similarity']:.2f}",
                    f"{p['score']:.2f}",
                ]
                for p in review.pairs
            ],
            {2, 3, 4},
        ),
        "<h2>Reviews due</h2>",
        rag,
        _table(
            ["Partnership", "Status", "Last reviewed", "Days"],
            [
                [b.name, b.review, b.last_reviewed or "never", b.days_since_review or ""]
                for b in review.boards
                if b.review in ("red", "amber")
            ],
            {3},
        ),
        "<h2>Talking shops</h2><p>Relational and horizon-scanning meetings are not counted.</p>",
        _table(
            ["Partnership", "No decision or action", "Meetings counted"],
            [
                [b.name, b.talking_shop_meetings, b.counted_meetings]
                for b in review.boards
                if b.talking_shop_meetings
            ],
            {1, 2},
        ),
        "<h2>Overdue actions</h2>",
        _table(
            ["Owner", "Overdue", "Most days overdue"],
            [list(x) for x in review.overdue_by_owner],
            {1, 2},
        ),
        "<h2>Data sharing</h2>",
        backlog,
        _table(
            ["Partner", "Awaiting decision", "Oldest (working days)", "Within SLA"],
            [
                [p.name, p.awaiting_decision, p.oldest_days, f"{p.sla_within}/{p.sla_judged}"]
                for p in review.partners
            ],
            {1, 2},
        ),
        _table(
            ["Holder", "Requester", "Purpose", "Submitted", "Working days"],
            [
                [u.holder, u.requester, u.purpose, u.submitted, u.working_days]
                for u in review.unanswered
            ],
            {4},
        ),
        "<h2>Recommendations</h2>",
        f"<ol>{recs}</ol>",
    ]
    title = _e(f"Landscape review: {area['name']}")
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )
