"""``GET /v1/transparency``: how the gateway is used, published with small numbers suppressed.

Counts, turnaround and outcomes by legal gateway, purpose and partner classification (the
holder's). Any count from 1 to threshold - 1 is shown as null, and so is a median over fewer
requests than the threshold. Turnaround is approximate (Monday to Friday); analytics computes
it with the bank-holiday calendar.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway import working_days
from convenor_gateway.models import DataRequest
from convenor_gateway.runtime import Runtime
from convenor_gateway.transparency import repository
from convenor_gateway.transparency.schemas import Breakdown, TransparencyReport
from convenor_shared.db import utcnow

OUTCOMES = ("approved", "partially_approved", "refused", "withdrawn", "expired", "open")
REFUSALS = (
    "no_lawful_basis",
    "purpose_unclear",
    "not_held",
    "disproportionate",
    "needs_agreement",
    "confidentiality",
)


@dataclass
class Tally:
    requests: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    refusals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REFUSALS, 0))
    turnaround: list[int] = field(default_factory=list)

    def add(self, outcome: str, reason: str | None, days: int | None) -> None:
        self.requests += 1
        self.outcomes[outcome] += 1
        if reason in self.refusals:
            self.refusals[reason] += 1
        if days is not None:
            self.turnaround.append(days)


def outcome_of(request: DataRequest) -> str:
    """The decision, whatever happened after it (a delivered request was approved)."""
    if request.reason_code:
        return "refused"
    if request.approved_items is not None:
        complete = len(request.approved_items) >= len(request.data_items)
        return "approved" if complete else "partially_approved"
    if request.status in ("withdrawn", "expired"):
        return request.status
    return "open"


def _suppress(value: int, threshold: int) -> int | None:
    return None if 0 < value < threshold else value


def breakdown(key: str, tally: Tally, threshold: int) -> Breakdown:
    hidden = tally.requests < threshold
    median = (
        float(statistics.median(tally.turnaround)) if len(tally.turnaround) >= threshold else None
    )
    return Breakdown(
        key=key,
        requests=None if hidden and tally.requests else tally.requests,
        outcomes={
            k: None if hidden else _suppress(v, threshold) for k, v in tally.outcomes.items()
        },
        refusal_reasons={
            k: None if hidden else _suppress(v, threshold) for k, v in tally.refusals.items()
        },
        median_turnaround_working_days=median,
        suppressed=hidden,
    )


def _groups(tallies: dict[str, Tally], threshold: int) -> list[Breakdown]:
    return [breakdown(key, tallies[key], threshold) for key in sorted(tallies)]


async def report(
    session: AsyncSession, rt: Runtime, period_from: date | None, period_to: date | None
) -> TransparencyReport:
    threshold = rt.settings.suppression_threshold
    total = Tally()
    by: dict[str, dict[str, Tally]] = {
        name: defaultdict(Tally) for name in ("gateway", "purpose", "classification")
    }
    rows = (await session.execute(repository.submitted(period_from, period_to))).scalars()
    for request in rows:
        outcome = outcome_of(request)
        days = None
        if request.decided_at and request.submitted_at:
            days = working_days.between(request.submitted_at.date(), request.decided_at.date())
        reason = request.reason_code
        total.add(outcome, reason, days)
        for gateway in request.legal_gateways:
            by["gateway"][gateway].add(outcome, reason, days)
        by["purpose"][request.purpose].add(outcome, reason, days)
        by["classification"][request.holder_classification].add(outcome, reason, days)
    return TransparencyReport(
        catalogue_version=rt.catalogue.version,
        generated_at=utcnow(),
        period_from=period_from,
        period_to=period_to,
        suppression_threshold=threshold,
        notes=[
            f"Counts from 1 to {threshold - 1} are shown as null, as are medians over fewer "
            f"than {threshold} requests and every figure of a group with fewer requests.",
            "Turnaround is in working days from submission to decision, Monday to Friday "
            "without bank holidays (approximate).",
            "A request citing several gateways counts under each of them.",
            "Partner classification is the holder's.",
        ],
        totals=breakdown("all", total, threshold),
        by_legal_gateway=_groups(by["gateway"], threshold),
        by_purpose=_groups(by["purpose"], threshold),
        by_partner_classification=_groups(by["classification"], threshold),
    )
