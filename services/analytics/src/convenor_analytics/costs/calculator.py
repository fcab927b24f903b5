"""The stateless cost calculator behind ``POST /v1/costs/estimate`` (and indicator C7).

Each figure is one exact numerator divided once (decimal, 34 significant digits): the APCC
report's example (12 attendees, 2 hours plus 1 of preparation, 4 meetings a year, 1,764 hours)
gives £4,081.63 a board at £50,000 and £6,530.61 at £80,000, and 50 boards £204,081.63 and
£326,530.61 (the report's £356,500 for the last is an arithmetic slip).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from convenor_analytics.costs.rates import OnCosts

PRECISION = 34


@dataclass(frozen=True)
class Group:
    salary: Decimal
    count: int


@dataclass(frozen=True)
class Estimate:
    per_meeting: Decimal
    per_board_year: Decimal
    portfolio_year: Decimal
    person_hours_per_board_year: Decimal


def estimate(
    groups: list[Group],
    *,
    duration_minutes: int,
    prep_minutes: int,
    meetings_per_year: int,
    boards: int,
    working_hours_per_year: Decimal,
    on_costs: OnCosts | None,
) -> Estimate:
    with decimal.localcontext() as context:
        context.prec = PRECISION
        annual = sum(
            (g.count * (on_costs.loaded(g.salary) if on_costs else g.salary) for g in groups),
            Decimal(0),
        )
        minutes = duration_minutes + prep_minutes
        meeting = annual * minutes
        divisor = 60 * working_hours_per_year
        people = sum(g.count for g in groups)
        return Estimate(
            per_meeting=meeting / divisor,
            per_board_year=meeting * meetings_per_year / divisor,
            portfolio_year=meeting * meetings_per_year * boards / divisor,
            person_hours_per_board_year=Decimal(people * minutes * meetings_per_year) / 60,
        )


def apcc_example(working_hours_per_year: Decimal) -> dict[str, Decimal]:
    """The report's table, recomputed (indicator C7)."""
    figures: dict[str, Decimal] = {}
    for salary in (50_000, 80_000):
        result = estimate(
            [Group(Decimal(salary), 12)],
            duration_minutes=120,
            prep_minutes=60,
            meetings_per_year=4,
            boards=50,
            working_hours_per_year=working_hours_per_year,
            on_costs=None,
        )
        figures[f"per_board_year_at_{salary}"] = result.per_board_year
        figures[f"fifty_boards_at_{salary}"] = result.portfolio_year
    return figures


def default_on_costs_date() -> date:
    return date.today()
