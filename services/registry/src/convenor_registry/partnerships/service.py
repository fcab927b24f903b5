"""Partnerships: the boards of the local partnership system, with footprint, hierarchy, typed
relations and versioned terms of reference."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.areas import service as areas_service
from convenor_registry.models import Partnership, PartnershipRelation, TermsOfReference
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import repository
from convenor_registry.partnerships.schemas import (
    PartnershipCreate,
    PartnershipRead,
    PartnershipUpdate,
    RelationCreate,
    RelationRead,
    TermsOfReferenceCreate,
    TermsOfReferenceRead,
)
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import Conflict, NotFound


class PartnershipNotFound(NotFound):
    """There is no partnership with that id."""

    slug = "partnership-not-found"


class RelationNotFound(NotFound):
    """There is no such relation on this partnership."""

    slug = "relation-not-found"


class TermsNotFound(NotFound):
    """There are no such terms of reference."""

    slug = "terms-of-reference-not-found"


def _review_due(cycle: int | None, last: date | None, established: date | None) -> date | None:
    since = last or established
    if cycle is None or since is None:
        return None
    return since + relativedelta(months=cycle)


def next_review_due(partnership: Partnership) -> date | None:
    """Last review (or, never reviewed, establishment) plus the review cycle."""
    return _review_due(
        partnership.review_cycle_months,
        partnership.last_reviewed_date,
        partnership.established_date,
    )


def _read(partnership: Partnership, footprint: list[uuid.UUID]) -> PartnershipRead:
    model = PartnershipRead.model_validate(partnership)
    model.footprint_area_ids = footprint
    model.next_review_due = next_review_due(partnership)
    return model


async def read(session: AsyncSession, partnership: Partnership) -> PartnershipRead:
    footprints = await repository.footprints(session, [partnership.id])
    return _read(partnership, footprints[partnership.id])


async def read_by_id(session: AsyncSession, partnership_id: uuid.UUID) -> PartnershipRead:
    """A partnership as read, in one query and without building ORM objects."""
    values = await repository.WITH_FOOTPRINT.one_or_none(
        session, {"partnership_id": partnership_id}
    )
    if values is None:
        raise PartnershipNotFound(f"No partnership with id {partnership_id}.")
    footprint = values.pop("footprint")
    if isinstance(footprint, str):  # SQLite's json_group_array gives text
        footprint = json.loads(footprint)
    model = PartnershipRead.model_validate(values)
    model.footprint_area_ids = sorted(uuid.UUID(str(a)) for a in footprint or [] if a is not None)
    model.next_review_due = _review_due(
        model.review_cycle_months, model.last_reviewed_date, model.established_date
    )
    return model


async def read_many(session: AsyncSession, rows: list[Partnership]) -> list[PartnershipRead]:
    footprints = await repository.footprints(session, [row.id for row in rows])
    return [_read(row, footprints[row.id]) for row in rows]


async def _serialise(session: AsyncSession, partnership: Partnership) -> dict[str, Any]:
    return (await read(session, partnership)).model_dump(mode="json")


async def _serialise_relation(
    session: AsyncSession, relation: PartnershipRelation
) -> dict[str, Any]:
    return RelationRead.model_validate(relation).model_dump(mode="json")


async def _serialise_terms(session: AsyncSession, terms: TermsOfReference) -> dict[str, Any]:
    return TermsOfReferenceRead.model_validate(terms).model_dump(mode="json", exclude={"text"})


ENTITY = records.Entity("partnership", Partnership, PartnershipNotFound, _serialise)
RELATION = records.Entity(
    "partnership_relation", PartnershipRelation, RelationNotFound, _serialise_relation
)
TERMS = records.Entity("terms_of_reference", TermsOfReference, TermsNotFound, _serialise_terms)


async def get(session: AsyncSession, partnership_id: uuid.UUID) -> Partnership:
    return await records.get(session, ENTITY, partnership_id)


async def list_partnerships(
    session: AsyncSession,
    page: PageParams,
    *,
    area: str | None = None,
    type: str | None = None,
    status: str | None = None,
    theme: str | None = None,
    parent_id: uuid.UUID | None = None,
) -> tuple[list[Partnership], str | None]:
    area_ids = None
    if area:
        root = await areas_service.resolve(session, area)
        area_ids = await repository.area_and_descendants(session, root.id)
    query = repository.list_query(
        dialect=session.get_bind().dialect.name,
        area_ids=area_ids,
        type=type,
        status=status,
        theme=theme,
        parent_id=parent_id,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


async def _check_references(
    session: AsyncSession, values: dict[str, Any], footprint: list[uuid.UUID] | None
) -> None:
    for key in ("chair_organisation_id", "secretariat_organisation_id"):
        if values.get(key):
            await organisations_service.get(session, values[key])
    if footprint:
        for area_id in footprint:
            await areas_service.get(session, area_id)


async def _check_parent(
    session: AsyncSession, partnership_id: uuid.UUID | None, parent_id: uuid.UUID
) -> None:
    """The parent must exist and must not be the partnership itself or below it."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = parent_id
    while current is not None:
        if current == partnership_id:
            raise Conflict("A partnership cannot sit under itself or one of its sub-groups.")
        if current in seen:  # an existing cycle; stop rather than loop
            break
        seen.add(current)
        parent = await get(session, current)
        current = parent.parent_id


def _values(body: PartnershipCreate | PartnershipUpdate, *, unset: bool) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=unset, exclude={"footprint_area_ids"})
    if values.get("statutory_basis_url") is not None:
        values["statutory_basis_url"] = str(values["statutory_basis_url"])
    return values


async def create(session: AsyncSession, body: PartnershipCreate, by: Caller) -> Partnership:
    values = _values(body, unset=False)
    footprint = list(dict.fromkeys(body.footprint_area_ids))
    await _check_references(session, values, footprint)
    if body.parent_id:
        await _check_parent(session, None, body.parent_id)
    partnership = await records.add(session, ENTITY, values, by)
    if footprint:
        await repository.set_footprint(session, partnership.id, footprint)
    return partnership


async def update(
    session: AsyncSession, partnership: Partnership, body: PartnershipUpdate, by: Caller
) -> Partnership:
    ensure_can_manage(by, partnership)
    values = _values(body, unset=True)
    footprint = (
        list(dict.fromkeys(body.footprint_area_ids))
        if body.footprint_area_ids is not None
        else None
    )
    await _check_references(session, values, footprint)
    if values.get("parent_id"):
        await _check_parent(session, partnership.id, values["parent_id"])
    ended = values.get("ended_date", partnership.ended_date)
    established = values.get("established_date", partnership.established_date)
    if ended and established and ended < established:
        raise Conflict("ended_date is before established_date.")
    partnership = await records.change(session, ENTITY, partnership, values, by)
    if footprint is not None:
        current = (await repository.footprints(session, [partnership.id]))[partnership.id]
        if sorted(current) != sorted(footprint):
            await repository.set_footprint(session, partnership.id, footprint)
            await records.touch(
                session,
                ENTITY,
                partnership,
                {"footprint_area_ids": [[str(a) for a in current], [str(a) for a in footprint]]},
                by,
            )
    return partnership


async def delete(session: AsyncSession, partnership: Partnership, by: Caller) -> None:
    ensure_can_manage(by, partnership)
    await records.remove(session, ENTITY, partnership, by)


async def list_relations(
    session: AsyncSession, partnership: Partnership
) -> list[PartnershipRelation]:
    return list((await session.execute(repository.relations_of(partnership.id))).scalars())


async def add_relation(
    session: AsyncSession, partnership: Partnership, body: RelationCreate, by: Caller
) -> PartnershipRelation:
    ensure_can_manage(by, partnership)
    if body.related_partnership_id == partnership.id:
        raise Conflict("A partnership cannot be related to itself.")
    await get(session, body.related_partnership_id)
    values = body.model_dump() | {"partnership_id": partnership.id}
    return await records.add(session, RELATION, values, by)


async def remove_relation(
    session: AsyncSession, partnership: Partnership, relation_id: uuid.UUID, by: Caller
) -> None:
    ensure_can_manage(by, partnership)
    relation = await records.get(session, RELATION, relation_id)
    if relation.partnership_id != partnership.id:
        raise RelationNotFound(f"No relation {relation_id} on this partnership.")
    await records.remove(session, RELATION, relation, by)


async def list_terms(session: AsyncSession, partnership: Partnership) -> list[TermsOfReference]:
    return list((await session.execute(repository.terms_of(partnership.id))).scalars())


async def add_terms(
    session: AsyncSession, partnership: Partnership, body: TermsOfReferenceCreate, by: Caller
) -> TermsOfReference:
    ensure_can_manage(by, partnership)
    values = body.model_dump()
    if values.get("url") is not None:
        values["url"] = str(values["url"])
    values |= {
        "partnership_id": partnership.id,
        "number": await repository.next_terms_number(session, partnership.id),
    }
    return await records.add(session, TERMS, values, by)
