"""Applying a checked plan through the domain services, in the request's one transaction.

Every write goes through the same service function the API uses (so through ``records.add``
and ``records.change``): permissions are checked again, history is kept and the change feed
is written as for any other change. Sheets are applied in dependency order; partnerships
parents first; provisional ids are replaced by the real ones as records are created.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.actions import service as actions_service
from convenor_registry.actions.schemas import ActionCreate, ActionUpdate
from convenor_registry.meetings import service as meetings_service
from convenor_registry.meetings.schemas import AttendancePut, MeetingCreate, MeetingUpdate
from convenor_registry.memberships import service as memberships_service
from convenor_registry.memberships.schemas import MembershipCreate, MembershipUpdate
from convenor_registry.organisations import service as organisations_service
from convenor_registry.organisations.schemas import OrganisationCreate, OrganisationUpdate
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from convenor_registry.people import service as people_service
from convenor_registry.people.schemas import PersonCreate, PersonUpdate
from convenor_registry.spreadsheets.columns import SHEETS
from convenor_registry.spreadsheets.plan import Op
from convenor_shared.auth import Caller

Writer = Callable[[AsyncSession, Op, Caller], Awaitable[uuid.UUID]]


class Applier:
    def __init__(self, session: AsyncSession, by: Caller) -> None:
        self.session = session
        self.by = by
        self.real: dict[uuid.UUID, uuid.UUID] = {}  # provisional id → created id

    def translate(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return self.real.get(value, value)
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        return value

    async def run(self, ops: list[Op]) -> None:
        """Sheet by sheet in dependency order; in each, creations first."""
        for sheet in SHEETS:
            mine = [op for op in ops if op.sheet == sheet.name]
            creations = [op for op in mine if op.action == "create"]
            if sheet.name == "partnerships":
                creations = _parents_first(creations)
            for op in [*creations, *(op for op in mine if op.action != "create")]:
                created = await self.apply(op)
                if op.action == "create":
                    self.real[op.record_id] = created

    async def apply(self, op: Op) -> uuid.UUID:
        values = self.translate(op.values)
        session, by = self.session, self.by
        if op.sheet == "organisations":
            if op.action == "create":
                body = OrganisationCreate.model_validate(values)
                return (await organisations_service.create(session, body, by)).id
            organisation = await organisations_service.get(session, op.record_id)
            update = OrganisationUpdate.model_validate(values)
            return (await organisations_service.update(session, organisation, update, by)).id
        if op.sheet == "people":
            if op.action == "create":
                return (await people_service.create(session, PersonCreate(**values), by)).id
            person = await people_service.get(session, op.record_id)
            return (await people_service.update(session, person, PersonUpdate(**values), by)).id
        if op.sheet == "partnerships":
            if op.action == "create":
                new = PartnershipCreate.model_validate(values)
                return (await partnerships_service.create(session, new, by)).id
            partnership = await partnerships_service.get(session, op.record_id)
            changes = PartnershipUpdate.model_validate(values)
            return (await partnerships_service.update(session, partnership, changes, by)).id
        return await self._in_partnership(op, values)

    async def _in_partnership(self, op: Op, values: dict[str, Any]) -> uuid.UUID:
        session, by = self.session, self.by
        if op.action == "register":
            meeting = await meetings_service.get(session, self.translate(op.record_id))
            await meetings_service.put_attendance(session, meeting, AttendancePut(**values), by)
            return meeting.id
        partnership_id = values.pop("partnership_id", None)
        meeting_id = values.pop("meeting_id", None)
        if op.action == "create":
            partnership = await partnerships_service.get(session, partnership_id)
        if op.sheet == "memberships":
            if op.action == "create":
                body = MembershipCreate(**values)
                return (await memberships_service.create(session, partnership, body, by)).id
            membership = await memberships_service.get(session, op.record_id)
            update = MembershipUpdate(**values)
            return (await memberships_service.update(session, membership, update, by)).id
        if op.sheet == "meetings":
            if op.action == "create":
                meeting_body = MeetingCreate(**values)
                created = await meetings_service.create(session, partnership, meeting_body, by)
                return created.id
            meeting = await meetings_service.get(session, op.record_id)
            return (await meetings_service.update(session, meeting, MeetingUpdate(**values), by)).id
        if op.action == "create":
            agreed = await meetings_service.get(session, meeting_id) if meeting_id else None
            return (
                await actions_service.create(
                    session, partnership, ActionCreate(**values), by, meeting=agreed
                )
            ).id
        action = await actions_service.get(session, op.record_id)
        return (await actions_service.update(session, action, ActionUpdate(**values), by)).id


def _parents_first(ops: list[Op]) -> list[Op]:
    """New partnerships ordered so that a parent created by the upload comes before its
    sub-groups (the plan has already refused cycles)."""
    by_id = {op.record_id: op for op in ops}
    done: set[uuid.UUID] = set()
    ordered: list[Op] = []

    def visit(op: Op) -> None:
        if op.record_id in done:
            return
        done.add(op.record_id)
        parent = by_id.get(op.values.get("parent_id"))  # type: ignore[arg-type]
        if parent is not None:
            visit(parent)
        ordered.append(op)

    for op in ops:
        visit(op)
    return ordered
