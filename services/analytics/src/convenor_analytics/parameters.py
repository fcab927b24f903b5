"""The parameters every indicator is computed with, and their documented defaults.

Nothing here is a constant of the code: every value can be changed by configuration
(``ANALYTICS_PARAMETERS``), and every indicator answer names the values it used, the version of
this set and a fingerprint of it, so that a figure can be reproduced.

On-costs are dated tables, not constants: a meeting is costed with the employer National
Insurance and pension rates in force on its date. A date before a table's first row uses that
first row (and the answer says so).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SALARY_BANDS = (
    "under_25k",
    "25k_35k",
    "35k_45k",
    "45k_55k",
    "55k_70k",
    "70k_90k",
    "90k_120k",
    "120k_150k",
    "over_150k",
)
PENSION_SCHEMES = ("lgps", "civil_service_alpha", "police", "nhs", "teachers", "fire", "other")
Confidence = Literal["given", "published", "check"]


class NationalInsuranceRate(BaseModel):
    """Employer (secondary) Class 1 NI: ``rate`` on pay above ``threshold`` a year."""

    model_config = ConfigDict(frozen=True)

    effective_from: date
    rate: Decimal
    threshold: Decimal
    source: str = ""


class PensionRate(BaseModel):
    """An employer pension contribution rate of a scheme, in force from a date."""

    model_config = ConfigDict(frozen=True)

    scheme: str
    effective_from: date
    rate: Decimal
    confidence: Confidence = "published"
    source: str = ""


def _ni() -> list[NationalInsuranceRate]:
    return [
        NationalInsuranceRate(
            effective_from=date(2022, 4, 6),
            rate=Decimal("0.138"),
            threshold=Decimal(9100),
            source="HMRC rates and thresholds 2022/23-2024/25 (secondary threshold £175 a week)",
        ),
        NationalInsuranceRate(
            effective_from=date(2025, 4, 6),
            rate=Decimal("0.15"),
            threshold=Decimal(5000),
            source="Autumn Budget 2024: 15% above £5,000 from 6 April 2025",
        ),
    ]


def _pensions() -> list[PensionRate]:
    rows = [
        ("lgps", date(2023, 4, 1), "0.211", "given", "LGPS England and Wales 2022 valuation"),
        ("civil_service_alpha", date(2024, 4, 1), "0.2897", "given", "Civil Service alpha"),
        ("police", date(2019, 4, 1), "0.31", "given", "Police pension schemes, 2016 valuation"),
        ("nhs", date(2019, 4, 1), "0.2068", "published", "NHSPS: 14.38% + 6.3% paid centrally"),
        ("nhs", date(2024, 4, 1), "0.237", "check", "NHSPS 2020 valuation (check locally)"),
        ("teachers", date(2019, 9, 1), "0.2368", "published", "TPS 2016 valuation"),
        ("teachers", date(2024, 4, 1), "0.2868", "published", "TPS 2020 valuation"),
        ("fire", date(2019, 4, 1), "0.288", "published", "Firefighters' 2015 scheme"),
        ("fire", date(2024, 4, 1), "0.376", "check", "Firefighters' 2020 valuation (check)"),
    ]
    return [
        PensionRate(scheme=s, effective_from=d, rate=Decimal(r), confidence=c, source=src)  # type: ignore[arg-type]
        for s, d, r, c, src in rows
    ]


def _bands() -> dict[str, Decimal]:
    # Midpoints of the registry's bands; the open bands take a documented nominal point.
    values = (20_000, 30_000, 40_000, 50_000, 62_500, 80_000, 105_000, 135_000, 175_000)
    return {band: Decimal(value) for band, value in zip(SALARY_BANDS, values, strict=True)}


class Parameters(BaseModel):
    """The indicator parameters (see docs/indicators.md for what each one does)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = "convenor-defaults-2026.11"
    # Cost model (Rec 5). 1,764 = 252 working days x 7 hours: the APCC report's convention.
    working_hours_per_year: Decimal = Field(default=Decimal(1764), gt=0)
    prep_minutes_default: int = Field(default=60, ge=0)
    prep_minutes_online: int = Field(default=30, ge=0)
    default_meeting_minutes: int = Field(default=120, ge=1)
    salary_bands: dict[str, Decimal] = Field(default_factory=_bands)
    default_salary_band: str = "45k_55k"
    support_salary_band: str = "25k_35k"
    employer_ni: list[NationalInsuranceRate] = Field(default_factory=_ni)
    pension_rates: list[PensionRate] = Field(default_factory=_pensions)
    default_pension_scheme: str = "lgps"
    apprenticeship_levy_rate: Decimal = Field(default=Decimal(0), ge=0, le=1)
    cost_statuses: list[str] = Field(default_factory=lambda: ["present", "deputy"])
    agenda_item_minutes: int = Field(default=30, ge=1)
    window_months: int = Field(default=12, ge=1, le=120)
    # Thresholds.
    meetings_per_week_flag: int = 30
    contract_hours_per_week: Decimal = Decimal(37)
    back_to_back_minutes: int = 10
    review_amber_years: int = 2
    review_red_years: int = 5
    duplication_tau: float = Field(default=0.4, ge=0, le=1)
    duplication_flag_people: float = 0.5
    duplication_flag_theme: float = 0.5
    cluster_method: Literal["components", "louvain"] = "components"
    interlock_k: int = Field(default=2, ge=1)
    sla_working_days: int = 20
    decision_maker_seniority: int = Field(default=4, ge=1, le=5)
    suppression_threshold: int = Field(default=5, ge=1)
    stale_agenda_meetings: int = Field(default=3, ge=2)
    talking_shop_excluded_purposes: list[str] = Field(
        default_factory=lambda: ["relational", "horizon_scanning"]
    )
    talking_shop_flag: float = 0.5
    confidence: float = Field(default=0.95, gt=0, lt=1)

    @field_validator("employer_ni", "pension_rates")
    @classmethod
    def _rates_have_six_places_at_most(cls, rows: list[Any]) -> list[Any]:
        # Costs are summed exactly in integers of a millionth; finer rates would round.
        for row in rows:
            if row.rate.as_tuple().exponent < -6:
                raise ValueError("rates may have at most six decimal places")
        return sorted(rows, key=lambda row: (getattr(row, "scheme", ""), row.effective_from))

    def band_salary(self, band: str | None) -> Decimal:
        return self.salary_bands.get(band or "", self.salary_bands[self.default_salary_band])

    def fingerprint(self) -> str:
        """A short hash of every value: two answers with the same fingerprint used the same."""
        raw = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()[:12]

    def ni_at(self, when: date) -> tuple[NationalInsuranceRate, bool]:
        """The NI row in force on ``when``; the flag is True if ``when`` precedes the table."""
        return _dated(self.employer_ni, when)

    def pension_at(self, scheme: str | None, when: date) -> tuple[PensionRate, bool]:
        rows = [r for r in self.pension_rates if r.scheme == scheme]
        if not rows:
            rows = [r for r in self.pension_rates if r.scheme == self.default_pension_scheme]
        return _dated(rows, when)

    def breakpoints(self) -> list[date]:
        """Every date on which some on-cost rate changes, in order."""
        dates = {r.effective_from for r in self.employer_ni}
        dates |= {r.effective_from for r in self.pension_rates}
        return sorted(dates)


def _dated(rows: list[Any], when: date) -> tuple[Any, bool]:
    chosen = None
    for row in sorted(rows, key=lambda r: r.effective_from):
        if row.effective_from <= when:
            chosen = row
    if chosen is None:
        return min(rows, key=lambda r: r.effective_from), True
    return chosen, False


def describe(parameters: Parameters, names: list[str]) -> dict[str, Any]:
    """The named parameters as an answer shows them, with the set's version and fingerprint."""
    values = parameters.model_dump(mode="json")
    shown: dict[str, Any] = {name: values[name] for name in names if name in values}
    shown["version"] = parameters.version
    shown["fingerprint"] = parameters.fingerprint()
    return shown
