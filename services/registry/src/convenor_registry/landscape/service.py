"""The landscape of an area: its partnerships, their hierarchy and typed relations, and which
of them share people (the "same people in different rooms" the APCC report describes).

Shared-member edges count current person members (memberships without an end date, or ending
today or later): weight is the number of people in common, ``jaccard`` that number over the
people in either. Partnerships outside the area that a partnership in it sits under or
relates to are included for context, marked ``in_area: false``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.areas import service as areas_service
from convenor_registry.landscape import repository
from convenor_registry.landscape.schemas import AreaRef, Landscape, LandscapeEdge, LandscapeNode
from convenor_registry.models import Area, Membership, Partnership
from convenor_shared.db import utcnow


@dataclass(frozen=True)
class AreaScope:
    """An area asked for by id or GSS code, and every area inside it."""

    area: Area
    areas: list[Area]

    @property
    def area_ids(self) -> list[uuid.UUID]:
        return [a.id for a in self.areas]


async def scope(session: AsyncSession, reference: str) -> AreaScope:
    area = await areas_service.resolve(session, reference)
    return AreaScope(area, await repository.area_and_descendants(session, area.id))


async def partnerships_in(session: AsyncSession, within: AreaScope) -> list[Partnership]:
    return await repository.partnerships_in(session, within.area_ids)


async def footprints(
    session: AsyncSession, partnership_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    return await repository.footprints(session, partnership_ids)


async def memberships(
    session: AsyncSession, partnership_ids: list[uuid.UUID], *, current: bool = False
) -> list[Membership]:
    on = utcnow().date() if current else None
    return await repository.memberships(session, partnership_ids, on=on)


def shared_member_edges(people: dict[uuid.UUID, set[uuid.UUID]]) -> list[LandscapeEdge]:
    """Pairs of partnerships with people in common, through an index of person → boards."""
    boards_of: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for partnership_id, members in people.items():
        for person_id in members:
            boards_of[person_id].append(partnership_id)
    common: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for boards in boards_of.values():
        for a, b in combinations(sorted(set(boards), key=str), 2):
            common[(a, b)] += 1
    edges = []
    for (a, b), shared in sorted(
        common.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))
    ):
        union = len(people[a] | people[b])
        edges.append(
            LandscapeEdge(
                source=a,
                target=b,
                kind="shared_members",
                weight=shared,
                jaccard=round(shared / union, 4),
            )
        )
    return edges


async def landscape(session: AsyncSession, reference: str) -> Landscape:
    within = await scope(session, reference)
    inside = await partnerships_in(session, within)
    inside_ids = [p.id for p in inside]
    relations = await repository.relations(session, inside_ids)
    context_ids = {p.parent_id for p in inside if p.parent_id} | {
        end for r in relations for end in (r.partnership_id, r.related_partnership_id)
    }
    context_ids -= set(inside_ids)
    context = await repository.partnerships_by_id(session, sorted(context_ids, key=str))
    known = {p.id for p in inside} | {p.id for p in context}
    footprint = await repository.footprints(session, inside_ids)
    codes = {a.id: a.gss_code for a in within.areas}
    people: dict[uuid.UUID, set[uuid.UUID]] = {pid: set() for pid in inside_ids}
    for membership in await memberships(session, inside_ids, current=True):
        if membership.person_id is not None:
            people[membership.partnership_id].add(membership.person_id)

    def node(partnership: Partnership, in_area: bool) -> LandscapeNode:
        return LandscapeNode(
            id=partnership.id,
            name=partnership.name,
            short_name=partnership.short_name,
            type=partnership.type,
            status=partnership.status,
            statutory=partnership.statutory,
            themes=list(partnership.themes),
            parent_id=partnership.parent_id,
            chair_organisation_id=partnership.chair_organisation_id,
            secretariat_organisation_id=partnership.secretariat_organisation_id,
            footprint_gss_codes=sorted(
                codes[a] for a in footprint.get(partnership.id, []) if a in codes
            ),
            members=len(people.get(partnership.id, ())),
            in_area=in_area,
        )

    nodes = [node(p, True) for p in inside] + [
        node(p, False) for p in sorted(context, key=lambda p: (p.name, p.id))
    ]
    edges = [
        LandscapeEdge(source=p.id, target=p.parent_id, kind="parent")
        for p in [*inside, *context]
        if p.parent_id in known
    ]
    edges += [
        LandscapeEdge(
            source=r.partnership_id,
            target=r.related_partnership_id,
            kind=r.type,  # type: ignore[arg-type]
            start_date=r.start_date,
            end_date=r.end_date,
        )
        for r in relations
        if r.partnership_id in known and r.related_partnership_id in known
    ]
    edges += shared_member_edges(people)
    area = within.area
    return Landscape(
        area=AreaRef(id=area.id, gss_code=area.gss_code, name=area.name), nodes=nodes, edges=edges
    )
