"""Cost and efficiency indicators C1-C11 (Rec 5, 3, 10)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from convenor_analytics.costs import calculator
from convenor_analytics.costs.ledger import (
    ZERO,
    MeetingCost,
    Totals,
    scheme_of,
    support_share,
    totals,
)
from convenor_analytics.costs.rates import Rates, on_costs_at
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer, Row
from convenor_analytics.landscape.scope import Scope

MAX_ROWS = 200
COST_PARAMETERS = ["working_hours_per_year", "salary_bands", "cost_statuses"]
LOADED_PARAMETERS = [
    *COST_PARAMETERS,
    "employer_ni",
    "pension_rates",
    "apprenticeship_levy_rate",
    "support_salary_band",
]


def partnership_totals(ctx: Context, scope: Scope) -> dict[str, Totals]:
    """C5 of each partnership of the scope over the window (salary and loaded)."""

    def compute() -> dict[str, Totals]:
        grouped = ctx.held_of(scope)
        share = support_share(scope.window.days)
        return {
            pid: totals(
                grouped.get(pid, ()),
                ctx.land.partnerships[pid].annual_support_cost or ZERO,
                share,
            )
            for pid in sorted(scope.partnership_ids)
        }

    return ctx.remember(("totals", scope.key()), compute)


def _people(ctx: Context, scope: Scope) -> set[str]:
    return {
        m.person_id
        for pid in scope.partnership_ids
        for m in ctx.land.memberships_of.get(pid, ())
        if m.person_id and m.active_during(scope.window.start, scope.window.end)
    }


def c1(ctx: Context, scope: Scope) -> Answer:
    rates = Rates(ctx.parameters)
    people = _people(ctx, scope)
    hourly = [rates.hourly(rates.salary(_band(ctx, p))) for p in people]
    mean = sum(hourly, ZERO) / len(hourly) if hourly else None
    rows = [
        Row(band, band, rates.hourly(salary), extra={"annual": salary})
        for band, salary in ctx.parameters.salary_bands.items()
    ]
    return Answer(
        mean,
        len(hourly),
        "people",
        people=len(people),
        breakdowns={"by_band": rows},
        parameters=COST_PARAMETERS,
    )


def _band(ctx: Context, person_id: str) -> str | None:
    person = ctx.land.people.get(person_id)
    return person.salary_band if person else None


def c2(ctx: Context, scope: Scope) -> Answer:
    rates = Rates(ctx.parameters)
    day = scope.window.end
    people = _people(ctx, scope)
    hourly = [
        rates.hourly(rates.loaded(_band(ctx, p), scheme_of(ctx.land, ctx.land.people.get(p)), day))
        for p in people
    ]
    mean = sum(hourly, ZERO) / len(hourly) if hourly else None
    rows = []
    for scheme in sorted({r.scheme for r in ctx.parameters.pension_rates}):
        costs = on_costs_at(ctx.parameters, scheme, day)
        for band, salary in ctx.parameters.salary_bands.items():
            rows.append(
                Row(
                    f"{scheme}:{band}",
                    f"{band} ({scheme})",
                    rates.hourly(costs.loaded(salary)),
                    extra={"on_costs": costs.describe()},
                )
            )
    return Answer(
        mean,
        len(hourly),
        "people",
        people=len(people),
        breakdowns={"by_band_and_scheme": rows},
        parameters=LOADED_PARAMETERS,
        extra={"as_of": day.isoformat()},
    )


def _meeting_rows(ctx: Context, costs: list[MeetingCost], loaded: bool) -> list[Row]:
    ordered = sorted(costs, key=lambda c: c.loaded if loaded else c.salary, reverse=True)
    return [
        Row(
            c.meeting_id,
            f"{ctx.land.partnerships[c.partnership_id].name} {c.day.isoformat()}",
            c.loaded if loaded else c.salary,
            c.attendees,
            extra={
                "date": c.day.isoformat(),
                "partnership_id": c.partnership_id,
                "salary": c.salary,
                "loaded": c.loaded,
            },
        )
        for c in ordered[:MAX_ROWS]
    ]


def c3(ctx: Context, scope: Scope) -> Answer:
    costs = ctx.held(scope)
    total = sum((c.salary for c in costs), ZERO)
    return Answer(
        {"mean": total / len(costs) if costs else None, "total": total},
        len(costs),
        "meetings held",
        breakdowns={"by_meeting": _meeting_rows(ctx, costs, False)},
        parameters=[*COST_PARAMETERS, "prep_minutes_default", "prep_minutes_online"],
        notes=[f"by_meeting lists at most the {MAX_ROWS} costliest meetings"],
    )


def c4(ctx: Context, scope: Scope) -> Answer:
    costs = ctx.held(scope)
    total = sum((c.loaded for c in costs), ZERO)
    return Answer(
        {"mean": total / len(costs) if costs else None, "total": total},
        len(costs),
        "meetings held",
        breakdowns={"by_meeting": _meeting_rows(ctx, costs, True)},
        parameters=[*LOADED_PARAMETERS, "prep_minutes_default", "prep_minutes_online"],
        notes=[f"by_meeting lists at most the {MAX_ROWS} costliest meetings"],
    )


def _totals_extra(t: Totals, hours: Decimal) -> dict[str, object]:
    return {
        "salary": t.salary,
        "loaded": t.loaded,
        "components": {
            "attendee_salary": t.salary,
            "attendee_on_costs": t.attendee_loaded - t.salary,
            "meeting_support": t.support,
            "direct_costs": t.direct,
            "annual_support_cost": t.annual_support,
        },
        "meetings": t.meetings,
        "person_hours": t.person_hours,
        "fte": t.person_hours / hours,
    }


def c5(ctx: Context, scope: Scope) -> Answer:
    per = partnership_totals(ctx, scope)
    hours = ctx.parameters.working_hours_per_year
    rows = [
        Row(
            pid,
            ctx.land.partnerships[pid].name,
            t.loaded,
            t.meetings,
            extra=_totals_extra(t, hours),
        )
        for pid, t in sorted(per.items(), key=lambda kv: kv[1].loaded, reverse=True)
    ]
    salary = sum((t.salary for t in per.values()), ZERO)
    loaded = sum((t.loaded for t in per.values()), ZERO)
    return Answer(
        {"salary": salary, "loaded": loaded},
        len(per),
        "partnerships",
        breakdowns={"by_partnership": rows},
        parameters=LOADED_PARAMETERS,
    )


def c6(ctx: Context, scope: Scope) -> Answer:
    per = partnership_totals(ctx, scope)
    hours = ctx.parameters.working_hours_per_year
    by_type: dict[str, list[Totals]] = defaultdict(list)
    for pid, t in per.items():
        by_type[ctx.land.partnerships[pid].type or "other"].append(t)
    whole = _sum_totals(list(per.values()))
    rows = [
        Row(
            kind, kind, _sum_totals(ts).loaded, len(ts), extra=_totals_extra(_sum_totals(ts), hours)
        )
        for kind, ts in sorted(by_type.items())
    ]
    return Answer(
        _totals_extra(whole, hours),
        len(per),
        "partnerships",
        breakdowns={"by_type": rows},
        parameters=LOADED_PARAMETERS,
    )


def _sum_totals(items: list[Totals]) -> Totals:
    return Totals(
        meetings=sum(t.meetings for t in items),
        salary=sum((t.salary for t in items), ZERO),
        attendee_loaded=sum((t.attendee_loaded for t in items), ZERO),
        support=sum((t.support for t in items), ZERO),
        direct=sum((t.direct for t in items), ZERO),
        annual_support=sum((t.annual_support for t in items), ZERO),
        person_minutes=sum(t.person_minutes for t in items),
    )


def c7(ctx: Context, scope: Scope) -> Answer:
    figures = calculator.apcc_example(ctx.parameters.working_hours_per_year)
    expected = {"per_board_year_at_50000": "4081.63", "per_board_year_at_80000": "6530.61"}
    matches = all(f"{figures[k].quantize(Decimal('0.01'))}" == v for k, v in expected.items())
    return Answer(
        dict(figures),
        4,
        "figures",
        flags=[] if matches else ["does not reproduce the APCC figures with these parameters"],
        notes=[
            "The report's £356,500 for 50 boards at £80,000 is an arithmetic slip: "
            "50 x £6,530.61 = £326,530.61."
        ],
        parameters=["working_hours_per_year"],
        extra={"reproduces_apcc": matches},
    )


def _per_unit(ctx: Context, scope: Scope, counts: dict[str, int], what: str) -> Answer:
    per = partnership_totals(ctx, scope)
    rows, flags = [], []
    for pid, t in per.items():
        count = counts.get(pid, 0)
        if count == 0 and t.loaded > 0:
            flags.append(f"{ctx.land.partnerships[pid].name}: cost with no {what}")
        rows.append(
            Row(
                pid,
                ctx.land.partnerships[pid].name,
                t.loaded / count if count else None,
                count,
                extra={"salary": t.salary / count if count else None, "loaded_total": t.loaded},
            )
        )
    total = sum((t.loaded for t in per.values()), ZERO)
    salary = sum((t.salary for t in per.values()), ZERO)
    n = sum(counts.get(pid, 0) for pid in per)
    value = {"loaded": total / n if n else None, "salary": salary / n if n else None}
    return Answer(
        value,
        n,
        what,
        breakdowns={"by_partnership": rows},
        flags=flags,
        parameters=LOADED_PARAMETERS,
    )


def c8(ctx: Context, scope: Scope) -> Answer:
    counts: dict[str, int] = defaultdict(int)
    for meeting in ctx.meetings(scope):
        if meeting.id in ctx.ledger.meetings:
            counts[meeting.partnership_id] += ctx.land.decisions_of.get(meeting.id, 0)
    return _per_unit(ctx, scope, counts, "decisions")


def c9(ctx: Context, scope: Scope) -> Answer:
    counts: dict[str, int] = defaultdict(int)
    for action in ctx.land.actions:
        pid = ctx.land.partnership_of_action(action)
        done = action.status == "done" and scope.window.holds(action.completed_date)
        if pid in scope.partnership_ids and done:
            counts[pid] += 1
    return _per_unit(ctx, scope, counts, "completed actions")


def non_decision(ctx: Context, scope: Scope) -> list[MeetingCost]:
    """Meetings held with no decision and no action, not relational or horizon scanning."""
    excluded = set(ctx.parameters.talking_shop_excluded_purposes)
    found = []
    for meeting in ctx.meetings(scope):
        cost = ctx.ledger.meetings.get(meeting.id)
        if cost is None or meeting.purpose in excluded:
            continue
        if not ctx.land.decisions_of.get(meeting.id) and not ctx.land.actions_of_meeting.get(
            meeting.id
        ):
            found.append(cost)
    return found


def c10(ctx: Context, scope: Scope) -> Answer:
    costs = non_decision(ctx, scope)
    grouped: dict[str, list[MeetingCost]] = defaultdict(list)
    for c in costs:
        grouped[c.partnership_id].append(c)
    all_loaded = sum((c.loaded for c in ctx.held(scope)), ZERO)
    total = sum((c.loaded for c in costs), ZERO)
    rows = [
        Row(pid, ctx.land.partnerships[pid].name, sum((c.loaded for c in cs), ZERO), len(cs))
        for pid, cs in sorted(grouped.items())
    ]
    return Answer(
        {
            "loaded": total,
            "salary": sum((c.salary for c in costs), ZERO),
            "share_of_meeting_cost": float(total / all_loaded) if all_loaded else None,
        },
        len(costs),
        "meetings with no decision or action",
        breakdowns={"by_partnership": rows},
        parameters=[*LOADED_PARAMETERS, "talking_shop_excluded_purposes"],
    )
