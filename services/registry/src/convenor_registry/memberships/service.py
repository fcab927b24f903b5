"""Memberships: who sits on a partnership, for whom, in what role, with which deputies."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.memberships import repository
from convenor_registry.memberships.schemas import MembershipCreate, MembershipRead, MembershipUpdate
from convenor_registry.models import Membership, Partnership
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.people import service as people_service
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.problems import NotFound


class MembershipNotFound(NotFound):
    """There is no membership with that id."""

    slug = "membership-not-found"


async def _serialise(session: AsyncSession, membership: Membership) -> dict[str, Any]:
    return MembershipRead.model_validate(membership).model_dump(mode="json")


ENTITY = records.Entity("membership", Membership, MembershipNotFound, _serialise)


async def get(session: AsyncSession, membership_id: uuid.UUID) -> Membership:
    return await records.get(session, ENTITY, membership_id)


async def list_for(session: AsyncSession, partnership: Partnership) -> list[Membership]:
    return list((await session.execute(repository.of_partnership(partnership.id))).scalars())


async def _check(session: AsyncSession, values: dict[str, Any]) -> None:
    if values.get("person_id"):
        await people_service.get(session, values["person_id"])
    for key in ("organisation_id", "on_behalf_of_id"):
        if values.get(key):
            await organisations_service.get(session, values[key])
    if values.get("deputy_ids"):
        await people_service.get_many(session, values["deputy_ids"])
        values["deputy_ids"] = [str(d) for d in dict.fromkeys(values["deputy_ids"])]


async def create(
    session: AsyncSession, partnership: Partnership, body: MembershipCreate, by: Caller
) -> Membership:
    ensure_can_manage(by, partnership)
    values = body.model_dump() | {"partnership_id": partnership.id}
    await _check(session, values)
    return await records.add(session, ENTITY, values, by)


async def update(
    session: AsyncSession, membership: Membership, body: MembershipUpdate, by: Caller
) -> Membership:
    partnership = await partnerships_service.get(session, membership.partnership_id)
    ensure_can_manage(by, partnership)
    values = body.model_dump(exclude_unset=True)
    await _check(session, values)
    return await records.change(session, ENTITY, membership, values, by)


async def delete(session: AsyncSession, membership: Membership, by: Caller) -> None:
    partnership = await partnerships_service.get(session, membership.partnership_id)
    ensure_can_manage(by, partnership)
    await records.remove(session, ENTITY, membership, by)
