"""The landscape in memory: typed, read-only copies of the read model's entities.

Built once per read-model generation (:mod:`convenor_analytics.landscape.build`) and shared by
every indicator until the next sync changes something.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    gss_code: str | None
    name: str
    classification: str | None
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    classification: str | None
    pension_scheme: str | None
    area_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    organisation_id: str | None
    seniority: int | None
    salary_band: str | None
    contract_hours: Decimal | None


@dataclass(frozen=True, slots=True)
class Partnership:
    id: str
    name: str
    type: str | None
    statutory: bool
    footprint_area_ids: tuple[str, ...]
    parent_id: str | None
    themes: tuple[str, ...]
    status: str
    established_date: date | None
    ended_date: date | None
    review_cycle_months: int | None
    last_reviewed_date: date | None
    meetings_per_year: int | None
    annual_support_cost: Decimal | None


@dataclass(frozen=True, slots=True)
class Relation:
    partnership_id: str
    type: str
    related_partnership_id: str
    start_date: date | None


@dataclass(frozen=True, slots=True)
class Terms:
    partnership_id: str
    adopted_date: date | None
    review_date: date | None


@dataclass(frozen=True, slots=True)
class Membership:
    id: str
    partnership_id: str
    person_id: str | None
    organisation_id: str | None  # the organisation represented (on behalf of, or its own)
    role: str
    required: bool
    start_date: date | None
    end_date: date | None

    def active_on(self, day: date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or self.end_date >= day
        )

    def active_during(self, start: date, end: date) -> bool:
        return (self.start_date is None or self.start_date <= end) and (
            self.end_date is None or self.end_date >= start
        )


@dataclass(frozen=True, slots=True)
class Attendee:
    person_id: str
    status: str
    organisation_id: str | None  # on behalf of (or the person's own organisation)


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    partnership_id: str
    start: datetime
    end: datetime | None
    minutes: int  # duration
    prep_minutes: int
    mode: str | None
    status: str
    purpose: str | None
    support_hours: Decimal | None
    direct_costs: Decimal | None

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: str
    meeting_id: str
    item_type: str | None
    themes: tuple[str, ...]
    recurring_key: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    meeting_id: str | None
    agenda_item_id: str | None


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    partnership_id: str | None
    meeting_id: str | None
    decision_id: str | None
    owner_organisation_id: str | None
    due_date: date | None
    status: str
    completed_date: date | None


@dataclass(frozen=True, slots=True)
class Strategy:
    id: str
    name: str
    kind: str | None
    owner_partnership_id: str | None
    owner_organisation_id: str | None
    joint_owner_ids: tuple[str, ...]
    period_start: date | None
    period_end: date | None
    status: str | None


@dataclass(frozen=True, slots=True)
class Priority:
    id: str
    strategy_id: str | None
    themes: tuple[str, ...]
    aligned_to_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Review:
    partnership_id: str
    review_date: date | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class DataRequest:
    id: str
    requester_organisation_id: str | None
    holder_organisation_id: str | None
    purpose: str | None
    legal_gateways: tuple[str, ...]
    data_categories: tuple[str, ...]
    agreement_id: str | None
    status: str
    reason_code: str | None
    created_at: datetime | None
    submitted_at: datetime | None
    acknowledged_at: datetime | None
    decided_at: datetime | None
    delivered_at: datetime | None
    clarification_rounds: int


@dataclass(frozen=True, slots=True)
class Transition:
    request_id: str
    to_status: str
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Agreement:
    id: str
    party_organisation_ids: tuple[str, ...]
    status: str | None
    dpia_status: str | None
    start_date: date | None
    end_date: date | None


@dataclass
class Landscape:
    """Every entity of the read model, by id, plus the indexes the indicators need."""

    generation: int = 0
    areas: dict[str, Area] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    terms: list[Terms] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    attendance: dict[str, tuple[Attendee, ...]] = field(default_factory=dict)
    agenda_items: list[AgendaItem] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    strategies: dict[str, Strategy] = field(default_factory=dict)
    priorities: list[Priority] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    requests: dict[str, DataRequest] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        tree: dict[str, list[str]] = defaultdict(list)
        for area in self.areas.values():
            if area.parent_id:
                tree[area.parent_id].append(area.id)
        return tree

    @cached_property
    def area_by_code(self) -> dict[str, Area]:
        return {a.gss_code.upper(): a for a in self.areas.values() if a.gss_code}

    @cached_property
    def meetings_of(self) -> dict[str, list[Meeting]]:
        grouped: dict[str, list[Meeting]] = defaultdict(list)
        for meeting in sorted(self.meetings.values(), key=lambda m: m.start):
            grouped[meeting.partnership_id].append(meeting)
        return grouped

    @cached_property
    def memberships_of(self) -> dict[str, list[Membership]]:
        grouped: dict[str, list[Membership]] = defaultdict(list)
        for membership in self.memberships:
            grouped[membership.partnership_id].append(membership)
        return grouped

    @cached_property
    def terms_of(self) -> dict[str, list[Terms]]:
        grouped: dict[str, list[Terms]] = defaultdict(list)
        for terms in self.terms:
            grouped[terms.partnership_id].append(terms)
        return grouped

    @cached_property
    def reviews_of(self) -> dict[str, list[Review]]:
        grouped: dict[str, list[Review]] = defaultdict(list)
        for review in self.reviews:
            grouped[review.partnership_id].append(review)
        return grouped

    @cached_property
    def items_of(self) -> dict[str, list[AgendaItem]]:
        grouped: dict[str, list[AgendaItem]] = defaultdict(list)
        for item in self.agenda_items:
            grouped[item.meeting_id].append(item)
        return grouped

    @cached_property
    def decisions_of(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for decision in self.decisions:
            if decision.meeting_id:
                counts[decision.meeting_id] += 1
        return counts

    @cached_property
    def actions_of_meeting(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for action in self.actions:
            if action.meeting_id:
                counts[action.meeting_id] += 1
        return counts

    def descendants(self, area_id: str) -> set[str]:
        found = {area_id}
        frontier = [area_id]
        while frontier:
            frontier = [c for a in frontier for c in self.children.get(a, ()) if c not in found]
            found.update(frontier)
        return found

    def partnership_of_action(self, action: Action) -> str | None:
        if action.partnership_id:
            return action.partnership_id
        meeting = self.meetings.get(action.meeting_id or "")
        return meeting.partnership_id if meeting else None
