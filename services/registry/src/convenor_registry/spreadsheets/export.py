"""Writing the landscape of an area as the import's sheets, so that an export re-imported
changes nothing. References are written as names when the name is unique and as ids when it
is not; every row carries its own id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.landscape import service as landscape_service
from convenor_registry.spreadsheets import cells, repository
from convenor_registry.spreadsheets.columns import (
    ACTIONS,
    ATTENDANCE,
    CONTACT_COLUMNS,
    MEETINGS,
    MEMBERSHIPS,
    ORGANISATIONS,
    PARTNERSHIPS,
    PEOPLE,
    SHEETS,
    SheetSpec,
)
from convenor_registry.spreadsheets.index import Index, load
from convenor_registry.spreadsheets.workbook import Table
from convenor_shared.auth import Caller


def _table(spec: SheetSpec, rows: list[dict[str, Any]], hide: tuple[str, ...] = ()) -> Table:
    header = [name for name in spec.names if name not in hide]
    return Table(
        spec.name, header, [(i + 2, [r.get(c) for c in header]) for i, r in enumerate(rows)]
    )


def template(*, contacts: bool = True) -> list[Table]:
    hide = () if contacts else CONTACT_COLUMNS
    return [_table(spec, [], hide) for spec in SHEETS]


def readme() -> list[list[str]]:
    lines = [["sheet", "column", "required", "what to write"]]
    for spec in SHEETS:
        lines.append([spec.name, "(rows are matched by)", "", f"id, else {spec.key}"])
        for column in spec.columns:
            lines.append([spec.name, column.name, "yes" if column.required else "", column.help])
    return lines


async def tables(session: AsyncSession, area: str | None, by: Caller) -> list[Table]:
    index = await load(session)
    if area:
        within = await landscape_service.scope(session, area)
        partnership_ids = {p.id for p in await landscape_service.partnerships_in(session, within)}
        organisation_ids = await repository.organisations_in(session, within.area_ids)
    else:
        partnership_ids = set(index.partnerships)
        organisation_ids = set(index.organisations)
    await index.load_children(session, partnership_ids, set(), set())
    memberships = [m for m in index.memberships.values() if m.partnership_id in partnership_ids]
    meetings = [m for m in index.meetings.values() if m.partnership_id in partnership_ids]
    actions = [a for a in index.actions.values() if a.partnership_id in partnership_ids]
    registers = [(m, a) for m in meetings for a in index.attendance.get(m.id, [])]
    people = (
        await repository.people_of(session, sorted(organisation_ids)) if area else set(index.people)
    )
    for m in memberships:
        people |= {m.person_id} if m.person_id else set()
        people |= {uuid.UUID(d) for d in m.deputy_ids or []}
        organisation_ids |= {o for o in (m.organisation_id, m.on_behalf_of_id) if o}
    for _, a in registers:
        people |= {p for p in (a.person_id, a.deputy_for_id) if p}
        organisation_ids |= {a.on_behalf_of_id} if a.on_behalf_of_id else set()
    for action in actions:
        people |= {action.owner_person_id} if action.owner_person_id else set()
        if action.owner_organisation_id:
            organisation_ids.add(action.owner_organisation_id)
    for pid in partnership_ids:
        p = index.partnerships[pid]
        organisation_ids |= {
            o for o in (p.chair_organisation_id, p.secretariat_organisation_id) if o
        }
    people &= set(index.people)  # not the deleted
    for person_id in people:
        employer = index.people[person_id].organisation_id
        if employer is not None:
            organisation_ids.add(employer)
    contacts = by.has("registry:write")
    return [
        _table(ORGANISATIONS, _organisations(index, organisation_ids)),
        _table(PEOPLE, _people(index, people), () if contacts else CONTACT_COLUMNS),
        _table(PARTNERSHIPS, _partnerships(index, partnership_ids)),
        _table(MEMBERSHIPS, _memberships(index, memberships)),
        _table(MEETINGS, _meetings(index, meetings)),
        _table(ATTENDANCE, _attendance(index, registers)),
        _table(ACTIONS, _actions(index, actions)),
    ]


def _codes(index: Index, area_ids: list[uuid.UUID]) -> str | None:
    return cells.joined(sorted(index.area_codes[a] for a in area_ids if a in index.area_codes))


def _organisations(index: Index, ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    rows = []
    for organisation in sorted(
        (index.organisations[i] for i in ids if i in index.organisations),
        key=lambda o: (o.name, o.id),
    ):
        identifiers = [f"{i['scheme']}:{i['identifier']}" for i in organisation.identifiers or []]
        rows.append(
            {
                "id": organisation.id,
                "name": organisation.name,
                "classification": organisation.classification,
                "kind": organisation.kind,
                "kind_effective_from": organisation.kind_effective_from,
                "pension_scheme": organisation.pension_scheme,
                "website": organisation.website,
                "areas": _codes(index, index.organisation_areas.get(organisation.id, [])),
                "identifiers": cells.joined(identifiers),
            }
        )
    return rows


def _people(index: Index, ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    employers = index.organisation_names
    return [
        {
            "id": p.id,
            "name": p.name,
            "organisation": employers.label(p.organisation_id),
            "role_title": p.role_title,
            "seniority": p.seniority,
            "salary_band": p.salary_band,
            "contract_hours": p.contract_hours,
            "email": p.email,
            "phone": p.phone,
        }
        for p in sorted((index.people[i] for i in ids), key=lambda p: (p.name, p.id))
    ]


def _partnerships(index: Index, ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    names, organisations = index.partnership_names, index.organisation_names
    rows = []
    for p in sorted((index.partnerships[i] for i in ids), key=lambda p: (p.name, p.id)):
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "short_name": p.short_name,
                "type": p.type,
                "description": p.description,
                "statutory": p.statutory,
                "statutory_basis_citation": p.statutory_basis_citation,
                "statutory_basis_url": p.statutory_basis_url,
                "footprint": _codes(index, index.footprints.get(p.id, [])),
                "parent": names.label(p.parent_id),
                "chair_organisation": organisations.label(p.chair_organisation_id),
                "secretariat_organisation": organisations.label(p.secretariat_organisation_id),
                "themes": cells.joined(sorted(p.themes or [])),
                "status": p.status,
                "established_date": p.established_date,
                "ended_date": p.ended_date,
                "review_cycle_months": p.review_cycle_months,
                "last_reviewed_date": p.last_reviewed_date,
                "meetings_per_year": p.meetings_per_year,
                "annual_support_cost": p.annual_support_cost,
            }
        )
    return rows


def _memberships(index: Index, memberships: list[Any]) -> list[dict[str, Any]]:
    people, organisations = index.person_names, index.organisation_names
    partnerships = index.partnership_names
    rows = [
        {
            "id": m.id,
            "partnership": partnerships.label(m.partnership_id),
            "person": people.label(m.person_id),
            "organisation": organisations.label(m.organisation_id),
            "on_behalf_of": organisations.label(m.on_behalf_of_id),
            "role": m.role,
            "voting": m.voting,
            "required": m.required,
            "start_date": m.start_date,
            "end_date": m.end_date,
            "deputies": cells.joined([str(people.label(uuid.UUID(d))) for d in m.deputy_ids or []]),
        }
        for m in memberships
    ]
    return sorted(rows, key=lambda r: (str(r["partnership"]), str(r["person"]), str(r["id"])))


def _meetings(index: Index, meetings: list[Any]) -> list[dict[str, Any]]:
    partnerships = index.partnership_names
    ordered = sorted(meetings, key=lambda m: (partnerships.names[m.partnership_id], m.start))
    return [
        {"id": m.id, "partnership": partnerships.label(m.partnership_id)}
        | {name: getattr(m, name) for name in MEETINGS.names if name not in ("id", "partnership")}
        for m in ordered
    ]


def _attendance(index: Index, registers: list[tuple[Any, Any]]) -> list[dict[str, Any]]:
    people, organisations = index.person_names, index.organisation_names
    ordered = sorted(registers, key=lambda r: (r[0].start, r[0].id, people.names[r[1].person_id]))
    return [
        {
            "meeting_id": meeting.id,
            "partnership": index.partnership_names.label(meeting.partnership_id),
            "meeting_start": meeting.start,
            "person": people.label(record.person_id),
            "status": record.status,
            "deputy_for": people.label(record.deputy_for_id),
            "on_behalf_of": organisations.label(record.on_behalf_of_id),
        }
        for meeting, record in ordered
    ]


def _actions(index: Index, actions: list[Any]) -> list[dict[str, Any]]:
    people, organisations = index.person_names, index.organisation_names
    partnerships = index.partnership_names
    ordered = sorted(actions, key=lambda a: (partnerships.names[a.partnership_id], a.title, a.id))
    return [
        {
            "id": a.id,
            "partnership": partnerships.label(a.partnership_id),
            "meeting_id": a.meeting_id,
            "meeting_start": index.meetings[a.meeting_id].start
            if a.meeting_id in index.meetings
            else None,
            "title": a.title,
            "description": a.description,
            "owner_person": people.label(a.owner_person_id),
            "owner_organisation": organisations.label(a.owner_organisation_id),
            "due_date": a.due_date,
            "status": a.status,
            "completed_date": a.completed_date,
        }
        for a in ordered
    ]
