"""The landscape of an area as Popolo JSON.

Organisations and partnerships both become Popolo ``organizations`` (a partnership's
``classification`` is its type, its ``parent_id`` its parent partnership, its founding and
dissolution dates its establishment and end). Seats on partnerships become ``memberships``
(``on_behalf_of_id`` kept; an organisation's seat uses Popolo's ``member``). A person's job
becomes a membership of their organisation with the role title as ``role``. Chairs and vice
chairs hold ``posts``. Contact details only for callers with ``registry:write``.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.landscape import service as landscape_service
from convenor_registry.models import Area, Membership, Organisation, Partnership, Person
from convenor_registry.popolo import repository
from convenor_registry.popolo.schemas import (
    ContactDetail,
    Link,
    PopoloArea,
    PopoloExport,
    PopoloIdentifier,
    PopoloMembership,
    PopoloOrganization,
    PopoloPerson,
    PopoloPost,
)
from convenor_shared.auth import Caller

POSTS = {"chair": "Chair", "vice_chair": "Vice-chair"}


def _area(area: Area) -> PopoloArea:
    return PopoloArea(
        id=str(area.id),
        name=area.name,
        identifier=area.gss_code,
        classification=area.classification,
        parent_id=str(area.parent_id) if area.parent_id else None,
    )


def _organisation(organisation: Organisation, area_ids: list[uuid.UUID]) -> PopoloOrganization:
    return PopoloOrganization(
        id=str(organisation.id),
        name=organisation.name,
        classification=organisation.classification,
        area_id=str(area_ids[0]) if len(area_ids) == 1 else None,
        identifiers=[PopoloIdentifier(**i) for i in organisation.identifiers or []],
        links=[Link(url=organisation.website)] if organisation.website else [],
    )


def _partnership(
    partnership: Partnership, footprint: list[uuid.UUID], base_url: str
) -> PopoloOrganization:
    return PopoloOrganization(
        id=str(partnership.id),
        name=partnership.name,
        classification=partnership.type,
        parent_id=str(partnership.parent_id) if partnership.parent_id else None,
        area_id=str(footprint[0]) if len(footprint) == 1 else None,
        founding_date=partnership.established_date,
        dissolution_date=partnership.ended_date,
        other_names=[{"name": partnership.short_name}] if partnership.short_name else [],
        identifiers=[
            PopoloIdentifier(scheme="convenor", identifier=f"partnership/{partnership.id}")
        ],
        links=[Link(url=f"{base_url.rstrip('/')}/v1/partnerships/{partnership.id}")],
    )


def _person(person: Person, contacts: bool) -> PopoloPerson:
    details = []
    if contacts and person.email:
        details.append(ContactDetail(type="email", value=person.email))
    if contacts and person.phone:
        details.append(ContactDetail(type="voice", value=person.phone))
    return PopoloPerson(id=str(person.id), name=person.name, contact_details=details)


def _seat(membership: Membership, posts: dict[tuple[uuid.UUID, str], str]) -> PopoloMembership:
    organisation_seat = membership.person_id is None and membership.organisation_id is not None
    return PopoloMembership(
        id=str(membership.id),
        role=membership.role,
        person_id=str(membership.person_id) if membership.person_id else None,
        member=(
            {"@type": "Organization", "id": str(membership.organisation_id)}
            if organisation_seat
            else None
        ),
        organization_id=str(membership.partnership_id),
        on_behalf_of_id=str(membership.on_behalf_of_id) if membership.on_behalf_of_id else None,
        post_id=posts.get((membership.partnership_id, membership.role)),
        start_date=membership.start_date,
        end_date=membership.end_date,
    )


async def export(session: AsyncSession, reference: str, by: Caller, base_url: str) -> PopoloExport:
    within = await landscape_service.scope(session, reference)
    partnerships = await landscape_service.partnerships_in(session, within)
    ids = [p.id for p in partnerships]
    footprints = await landscape_service.footprints(session, ids)
    seats = await landscape_service.memberships(session, ids)
    person_ids = {m.person_id for m in seats if m.person_id}
    person_ids |= {uuid.UUID(d) for m in seats for d in m.deputy_ids or []}
    people = await repository.live(session, Person, sorted(person_ids))
    organisation_ids = await repository.organisation_ids_in(session, within.area_ids)
    organisation_ids |= {p.organisation_id for p in people if p.organisation_id}
    for membership in seats:
        organisation_ids |= {
            o for o in (membership.organisation_id, membership.on_behalf_of_id) if o
        }
    for partnership in partnerships:
        organisation_ids |= {
            o
            for o in (partnership.chair_organisation_id, partnership.secretariat_organisation_id)
            if o
        }
    organisations = await repository.live(session, Organisation, sorted(organisation_ids))
    organisation_areas = await repository.organisation_areas(session, [o.id for o in organisations])
    area_ids = set(within.area_ids) | {a for ids in footprints.values() for a in ids}
    areas = await repository.live(session, Area, sorted(area_ids))
    posts = {
        (m.partnership_id, m.role): f"{m.partnership_id}/{m.role}" for m in seats if m.role in POSTS
    }
    names = {p.id: p.name for p in partnerships}
    jobs = [
        PopoloMembership(
            id=f"{person.id}/employment",
            role=person.role_title,
            person_id=str(person.id),
            organization_id=str(person.organisation_id),
        )
        for person in people
        if person.organisation_id in organisation_ids
    ]
    return PopoloExport(
        meta={
            "generator": "Convenor registry",
            "specification": "https://www.popoloproject.com/specs/",
            "area": {"id": str(within.area.id), "identifier": within.area.gss_code},
        },
        areas=[_area(a) for a in areas],
        organizations=[_organisation(o, organisation_areas[o.id]) for o in organisations]
        + [_partnership(p, footprints[p.id], base_url) for p in partnerships],
        persons=[_person(p, by.has("registry:write")) for p in people],
        posts=[
            PopoloPost(
                id=post_id,
                label=f"{POSTS[role]} of {names[partnership_id]}",
                role=role,
                organization_id=str(partnership_id),
            )
            for (partnership_id, role), post_id in sorted(posts.items(), key=lambda i: i[1])
        ],
        memberships=[_seat(m, posts) for m in seats] + jobs,
    )
