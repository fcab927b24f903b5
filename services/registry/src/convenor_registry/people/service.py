"""People: who sits on partnerships, with seniority and a salary band (never a salary)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.models import Person
from convenor_registry.organisations import service as organisations_service
from convenor_registry.people import repository
from convenor_registry.people.schemas import (
    PersonCreate,
    PersonRead,
    PersonUpdate,
    PersonWithContact,
)
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import NotFound


class PersonNotFound(NotFound):
    """There is no person with that id."""

    slug = "person-not-found"


async def _serialise(session: AsyncSession, person: Person) -> dict[str, Any]:
    return PersonRead.model_validate(person).model_dump(mode="json")


ENTITY = records.Entity("person", Person, PersonNotFound, _serialise)


def present(person: Person, caller: Caller) -> PersonRead:
    """Contact details only for callers who may write to the registry."""
    if caller.has("registry:write"):
        return PersonWithContact.model_validate(person)
    return PersonRead.model_validate(person)


async def get(session: AsyncSession, person_id: uuid.UUID) -> Person:
    return await records.get(session, ENTITY, person_id)


async def get_many(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Person]:
    return await records.get_many(session, ENTITY, ids)


async def list_people(
    session: AsyncSession,
    page: PageParams,
    *,
    organisation_id: uuid.UUID | None = None,
    name: str | None = None,
) -> tuple[list[Person], str | None]:
    query = repository.list_query(
        organisation_id=organisation_id, name=name, after=page.after_id(), limit=page.limit
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


def _values(body: PersonCreate | PersonUpdate, *, unset: bool) -> dict[str, Any]:
    return body.model_dump(exclude_unset=unset)


async def create(session: AsyncSession, body: PersonCreate, by: Caller) -> Person:
    if body.organisation_id:
        await organisations_service.get(session, body.organisation_id)
    return await records.add(session, ENTITY, _values(body, unset=False), by)


async def update(session: AsyncSession, person: Person, body: PersonUpdate, by: Caller) -> Person:
    ensure_can_manage(by, person)
    values = _values(body, unset=True)
    if values.get("organisation_id"):
        await organisations_service.get(session, values["organisation_id"])
    return await records.change(session, ENTITY, person, values, by)


async def delete(session: AsyncSession, person: Person, by: Caller) -> None:
    ensure_can_manage(by, person)
    await records.remove(session, ENTITY, person, by)
