"""The cost of every meeting that happened (C3, C4), computed once per landscape.

C3, salary: the sum over attendees counted (present and deputies, by default) of salary / H x
(duration + preparation). C4, loaded: the same with employer on-costs in force on the meeting's
date, plus support hours at the support grade's loaded rate, plus direct costs. Sums of
salaries are exact (band midpoints and on-cost rates have few decimals); each meeting divides
once, by 60 x H, so figures are exact far beyond the penny and rounded only for display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from convenor_analytics.costs.rates import Rates
from convenor_analytics.landscape.model import Landscape, Meeting, Person
from convenor_analytics.parameters import Parameters

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class MeetingCost:
    meeting_id: str
    partnership_id: str
    day: date
    salary: Decimal  # C3
    attendee_loaded: Decimal  # C3 with on-costs
    support: Decimal
    direct: Decimal
    person_minutes: int
    attendees: int

    @property
    def loaded(self) -> Decimal:  # C4
        return self.attendee_loaded + self.support + self.direct


@dataclass
class Ledger:
    """Per-meeting costs, and the people whose band was unknown (costed at the default)."""

    meetings: dict[str, MeetingCost] = field(default_factory=dict)
    by_partnership: dict[str, list[MeetingCost]] = field(default_factory=dict)
    unknown_band_attendances: int = 0


def happened(meeting: Meeting, attendees: int) -> bool:
    """Held, or still marked scheduled but with attendance recorded."""
    return meeting.status == "held" or (meeting.status == "scheduled" and attendees > 0)


def scheme_of(land: Landscape, person: Person | None) -> str | None:
    if person is None or person.organisation_id is None:
        return None
    organisation = land.organisations.get(person.organisation_id)
    return organisation.pension_scheme if organisation else None


def build_ledger(land: Landscape, parameters: Parameters) -> Ledger:
    rates = Rates(parameters)
    counted = frozenset(parameters.cost_statuses)
    divisor = 60 * parameters.working_hours_per_year
    support_band = parameters.support_salary_band
    ledger = Ledger()
    grouped: dict[str, list[MeetingCost]] = defaultdict(list)
    schemes: dict[str, str | None] = {}
    for meeting in land.meetings.values():
        attendees = [a for a in land.attendance.get(meeting.id, ()) if a.status in counted]
        if not happened(meeting, len(attendees)):
            continue
        day = meeting.day
        salaries = loaded = ZERO
        for attendee in attendees:
            person = land.people.get(attendee.person_id)
            band = person.salary_band if person else None
            if band not in parameters.salary_bands:
                ledger.unknown_band_attendances += 1
            scheme = schemes.get(attendee.person_id, "?")
            if scheme == "?":
                scheme = schemes[attendee.person_id] = scheme_of(land, person)
            salaries += rates.salary(band)
            loaded += rates.loaded(band, scheme, day)
        minutes = meeting.minutes + meeting.prep_minutes
        support = ZERO
        if meeting.support_hours:
            support = meeting.support_hours * rates.hourly(rates.loaded(support_band, None, day))
        cost = MeetingCost(
            meeting_id=meeting.id,
            partnership_id=meeting.partnership_id,
            day=day,
            salary=salaries * minutes / divisor,
            attendee_loaded=loaded * minutes / divisor,
            support=support,
            direct=meeting.direct_costs or ZERO,
            person_minutes=minutes * len(attendees),
            attendees=len(attendees),
        )
        ledger.meetings[meeting.id] = cost
        grouped[meeting.partnership_id].append(cost)
    ledger.by_partnership = dict(grouped)
    return ledger


@dataclass(frozen=True)
class Totals:
    meetings: int
    salary: Decimal
    attendee_loaded: Decimal
    support: Decimal
    direct: Decimal
    annual_support: Decimal
    person_minutes: int

    @property
    def loaded(self) -> Decimal:
        return self.attendee_loaded + self.support + self.direct + self.annual_support

    @property
    def person_hours(self) -> Decimal:
        return Decimal(self.person_minutes) / 60


def support_share(days: int) -> Decimal:
    """The share of a year's support cost a window carries (a 12-month window carries it all)."""
    return Decimal(1) if 365 <= days <= 366 else Decimal(days) / Decimal(365)


def totals(
    costs: Iterable[MeetingCost], annual_support: Decimal = ZERO, share: Decimal = Decimal(1)
) -> Totals:
    rows = list(costs)
    return Totals(
        meetings=len(rows),
        salary=sum((c.salary for c in rows), ZERO),
        attendee_loaded=sum((c.attendee_loaded for c in rows), ZERO),
        support=sum((c.support for c in rows), ZERO),
        direct=sum((c.direct for c in rows), ZERO),
        annual_support=annual_support * share,
        person_minutes=sum(c.person_minutes for c in rows),
    )


def money(value: Decimal) -> str:
    """A figure as the API shows it: unrounded, as a decimal string."""
    return f"{value:f}"


def display(value: Decimal) -> str:
    """Rounded to the penny, for people."""
    return f"£{value.quantize(Decimal('0.01')):,}"
