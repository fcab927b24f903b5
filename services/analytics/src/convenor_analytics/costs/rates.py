"""Hourly rates: salary over working hours (C1), loaded with the employer on-costs in force on
a date (C2). On-costs come from the dated tables in :mod:`convenor_analytics.parameters`."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from convenor_analytics.parameters import Parameters


@dataclass(frozen=True)
class OnCosts:
    """Employer on-costs on a salary: NI above a threshold, pension, apprenticeship levy."""

    ni_rate: Decimal
    ni_threshold: Decimal
    pension_rate: Decimal
    levy_rate: Decimal
    pension_scheme: str | None = None
    ni_effective_from: date | None = None
    pension_effective_from: date | None = None
    before_table: bool = False

    def loaded(self, salary: Decimal) -> Decimal:
        """Salary plus employer NI, pension and levy (exact: rates have few decimals)."""
        ni = self.ni_rate * max(Decimal(0), salary - self.ni_threshold)
        return salary + ni + (self.pension_rate + self.levy_rate) * salary

    def describe(self) -> dict[str, Any]:
        return {
            "employer_ni_rate": str(self.ni_rate),
            "employer_ni_threshold": str(self.ni_threshold),
            "employer_ni_effective_from": _iso(self.ni_effective_from),
            "pension_scheme": self.pension_scheme,
            "pension_rate": str(self.pension_rate),
            "pension_effective_from": _iso(self.pension_effective_from),
            "apprenticeship_levy_rate": str(self.levy_rate),
            "date_before_tables": self.before_table,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def on_costs_at(parameters: Parameters, scheme: str | None, when: date) -> OnCosts:
    """The on-costs of ``scheme`` in force on ``when``."""
    ni, ni_early = parameters.ni_at(when)
    pension, pension_early = parameters.pension_at(scheme, when)
    return OnCosts(
        ni_rate=ni.rate,
        ni_threshold=ni.threshold,
        pension_rate=pension.rate,
        levy_rate=parameters.apprenticeship_levy_rate,
        pension_scheme=pension.scheme,
        ni_effective_from=ni.effective_from,
        pension_effective_from=pension.effective_from,
        before_table=ni_early or pension_early,
    )


class Rates:
    """Annual salary and loaded cost of a salary band under a scheme on a date, memoised by
    the on-cost period (the rates only change on the tables' breakpoints)."""

    def __init__(self, parameters: Parameters) -> None:
        self.parameters = parameters
        self._breakpoints = parameters.breakpoints()
        self._loaded: dict[tuple[str | None, str | None, int], Decimal] = {}

    def salary(self, band: str | None) -> Decimal:
        return self.parameters.band_salary(band)

    def loaded(self, band: str | None, scheme: str | None, when: date) -> Decimal:
        period = bisect_right(self._breakpoints, when)
        key = (band, scheme, period)
        value = self._loaded.get(key)
        if value is None:
            value = on_costs_at(self.parameters, scheme, when).loaded(self.salary(band))
            self._loaded[key] = value
        return value

    def hourly(self, annual: Decimal) -> Decimal:
        return annual / self.parameters.working_hours_per_year
