"""From read-model records (``entity``, ``id``, ``data``) to a typed :class:`Landscape`."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from convenor_analytics.landscape import fields as f
from convenor_analytics.landscape.model import (
    Action,
    AgendaItem,
    Agreement,
    Area,
    Attendee,
    DataRequest,
    Decision,
    Landscape,
    Meeting,
    Membership,
    Organisation,
    Partnership,
    Person,
    Priority,
    Relation,
    Review,
    Strategy,
    Terms,
    Transition,
)
from convenor_analytics.parameters import Parameters

Row = tuple[str, str, Any]


def build(rows: Iterable[Row], parameters: Parameters, generation: int = 0) -> Landscape:
    """Every row becomes a typed entity; entities of kinds analytics does not use are skipped.
    ``data`` may still be JSON text: it is parsed here, one record at a time."""
    with collector_paused():
        land = Landscape(generation=generation)
        later: dict[str, list[tuple[str, Any]]] = {"membership": [], "attendance": []}
        for entity, entity_id, data in rows:
            if entity in later:  # these need people and organisations first
                later[entity].append((entity_id, data))
                continue
            reader = READERS.get(entity)
            if reader is not None:
                reader(land, entity_id, _decode(data), parameters)
        for entity_id, data in later["membership"]:
            _membership(land, entity_id, _decode(data))
        for entity_id, data in later["attendance"]:
            _attendance(land, entity_id, _decode(data))
        return land


@contextmanager
def collector_paused() -> Iterator[None]:
    # Building makes hundreds of thousands of objects and no reference cycles: the cyclic
    # collector would only rescan them again and again, which grows faster than the input.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _decode(data: Any) -> dict[str, Any]:
    value = orjson.loads(data) if isinstance(data, str | bytes) else data
    return value if isinstance(value, dict) else {}


def _area(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.areas[i] = Area(
        i,
        f.text(d, "gss_code"),
        f.text(d, "name") or i,
        f.text(d, "classification"),
        f.text(d, "parent_id"),
    )


def _organisation(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.organisations[i] = Organisation(
        i,
        f.text(d, "name") or i,
        f.text(d, "classification"),
        f.text(d, "pension_scheme"),
        f.ids(d, "area_ids"),
    )


def _person(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.people[i] = Person(
        i,
        f.text(d, "organisation_id"),
        f.number(d, "seniority"),
        f.text(d, "salary_band"),
        f.money(d, "contract_hours"),
    )


def _partnership(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.partnerships[i] = Partnership(
        id=i,
        name=f.text(d, "name") or i,
        type=f.text(d, "type"),
        statutory=f.flag(d, "statutory"),
        footprint_area_ids=f.ids(d, "footprint_area_ids"),
        parent_id=f.text(d, "parent_id"),
        themes=f.ids(d, "themes"),
        status=f.text(d, "status") or "active",
        established_date=f.day(d, "established_date"),
        ended_date=f.day(d, "ended_date"),
        review_cycle_months=f.number(d, "review_cycle_months"),
        last_reviewed_date=f.day(d, "last_reviewed_date"),
        meetings_per_year=f.number(d, "meetings_per_year"),
        annual_support_cost=f.money(d, "annual_support_cost"),
    )


def _relation(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    a, b = f.text(d, "partnership_id"), f.text(d, "related_partnership_id")
    if a and b:
        land.relations.append(Relation(a, f.text(d, "type") or "", b, f.day(d, "start_date")))


def _terms(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    pid = f.text(d, "partnership_id")
    if pid:
        land.terms.append(Terms(pid, f.day(d, "adopted_date"), f.day(d, "review_date")))


def _membership(land: Landscape, i: str, d: dict[str, Any]) -> None:
    pid = f.text(d, "partnership_id")
    if not pid:
        return
    person_id = f.text(d, "person_id")
    person = land.people.get(person_id or "")
    organisation = (
        f.text(d, "on_behalf_of_id")
        or f.text(d, "organisation_id")
        or (person.organisation_id if person else None)
    )
    land.memberships.append(
        Membership(
            i,
            pid,
            person_id,
            organisation,
            f.text(d, "role") or "member",
            f.flag(d, "required"),
            f.day(d, "start_date"),
            f.day(d, "end_date"),
        )
    )


def _meeting(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    pid, start = f.text(d, "partnership_id"), f.moment(d, "start")
    if not pid or start is None:
        return
    end = f.moment(d, "end")
    minutes = int((end - start).total_seconds() // 60) if end and end > start else 0
    mode = f.text(d, "mode")
    prep = f.number(d, "prep_minutes")
    if prep is None or prep < 0:
        prep = p.prep_minutes_online if mode == "online" else p.prep_minutes_default
    land.meetings[i] = Meeting(
        i,
        pid,
        start,
        end,
        minutes or p.default_meeting_minutes,
        prep,
        mode,
        f.text(d, "status") or "scheduled",
        f.text(d, "purpose"),
        f.money(d, "support_hours"),
        f.money(d, "direct_costs"),
    )


def _attendance(land: Landscape, i: str, d: dict[str, Any]) -> None:
    meeting_id = f.text(d, "meeting_id") or i
    records = d.get("records")
    if not isinstance(records, list):
        return
    attendees = []
    for record in records:
        if not isinstance(record, dict) or not record.get("person_id"):
            continue
        person_id = str(record["person_id"])
        person = land.people.get(person_id)
        organisation = f.text(record, "on_behalf_of_id") or (
            person.organisation_id if person else None
        )
        attendees.append(Attendee(person_id, f.text(record, "status") or "present", organisation))
    land.attendance[meeting_id] = tuple(attendees)


def _agenda_item(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    mid = f.text(d, "meeting_id")
    if mid:
        land.agenda_items.append(
            AgendaItem(
                i, mid, f.text(d, "item_type"), f.ids(d, "themes"), f.text(d, "recurring_key")
            )
        )


def _decision(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.decisions.append(Decision(i, f.text(d, "meeting_id"), f.text(d, "agenda_item_id")))


def _action(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.actions.append(
        Action(
            i,
            f.text(d, "partnership_id"),
            f.text(d, "meeting_id"),
            f.text(d, "decision_id"),
            f.text(d, "owner_organisation_id"),
            f.day(d, "due_date"),
            f.text(d, "status") or "open",
            f.day(d, "completed_date"),
        )
    )


def _strategy(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.strategies[i] = Strategy(
        i,
        f.text(d, "name") or i,
        f.text(d, "kind"),
        f.text(d, "owner_partnership_id"),
        f.text(d, "owner_organisation_id"),
        f.ids(d, "joint_owner_ids"),
        f.day(d, "period_start"),
        f.day(d, "period_end"),
        f.text(d, "status"),
    )


def _priority(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.priorities.append(
        Priority(i, f.text(d, "strategy_id"), f.ids(d, "themes"), f.ids(d, "aligned_to_ids"))
    )


def _review(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    pid = f.text(d, "partnership_id")
    if pid:
        land.reviews.append(Review(pid, f.day(d, "review_date"), f.text(d, "outcome")))


def _request(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.requests[i] = DataRequest(
        id=i,
        requester_organisation_id=f.text(d, "requester_organisation_id"),
        holder_organisation_id=f.text(d, "holder_organisation_id"),
        purpose=f.text(d, "purpose"),
        legal_gateways=f.ids(d, "legal_gateways"),
        data_categories=f.ids(d, "data_categories"),
        agreement_id=f.text(d, "agreement_id"),
        status=f.text(d, "status") or "draft",
        reason_code=f.text(d, "reason_code"),
        created_at=f.moment(d, "created_at"),
        submitted_at=f.moment(d, "submitted_at"),
        acknowledged_at=f.moment(d, "acknowledged_at"),
        decided_at=f.moment(d, "decided_at"),
        delivered_at=f.moment(d, "delivered_at"),
        clarification_rounds=f.number(d, "clarification_rounds") or 0,
    )


def _agreement(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    land.agreements[i] = Agreement(
        i,
        f.ids(d, "party_organisation_ids"),
        f.text(d, "status"),
        f.text(d, "dpia_status"),
        f.day(d, "start_date"),
        f.day(d, "end_date"),
    )


def _transition(land: Landscape, i: str, d: dict[str, Any], p: Parameters) -> None:
    rid, to = f.text(d, "request_id"), f.text(d, "to_status")
    if rid and to:
        land.transitions.append(Transition(rid, to, f.moment(d, "at")))


READERS = {
    "area": _area,
    "organisation": _organisation,
    "person": _person,
    "partnership": _partnership,
    "partnership_relation": _relation,
    "terms_of_reference": _terms,
    "meeting": _meeting,
    "agenda_item": _agenda_item,
    "decision": _decision,
    "action": _action,
    "strategy": _strategy,
    "priority": _priority,
    "review": _review,
    "data_request": _request,
    "agreement": _agreement,
    "request_transition": _transition,
}
