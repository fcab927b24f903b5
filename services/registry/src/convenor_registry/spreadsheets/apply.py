"""Applying a checked plan through the domain services, in the request's one transaction.

Every write goes through the same service function the API uses (so through ``records.add``
and ``records.change``): permissions are checked again, history is kept and the change feed
is written as for any other change. Sheets are applied in dependency order; partnerships
parents first; provisional ids are replaced by the real ones as records are created.

An upload can create thousands of records, so two things are done in bulk. The people,
memberships, meetings and actions a sheet creates are inserted together at the end of the
sheet (``records.inserted_together``), each still made by its service. And the first
registers of meetings the upload itself created are written in one insert for all their
rows, rather than each replaced and re-read by ``meetings_service.put_attendance`` (seven
statements a meeting): each meeting is still checked, versioned, noted in history and put on
the change feed as ``put_attendance`` does, and a test holds the two to the same entries.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.actions import service as actions_service
from convenor_registry.actions.schemas import ActionCreate, ActionUpdate
from convenor_registry.meetings import service as meetings_service
from convenor_registry.meetings.schemas import (
    AttendancePut,
    AttendanceRead,
    MeetingCreate,
    MeetingUpdate,
)
from convenor_registry.memberships import service as memberships_service
from convenor_registry.memberships.schemas import MembershipCreate, MembershipUpdate
from convenor_registry.models import Meeting, Record
from convenor_registry.organisations import service as organisations_service
from convenor_registry.organisations.schemas import OrganisationCreate, OrganisationUpdate
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.partnerships.schemas import PartnershipCreate, PartnershipUpdate
from convenor_registry.people import service as people_service
from convenor_registry.people.schemas import PersonCreate, PersonUpdate
from convenor_registry.spreadsheets import repository
from convenor_registry.spreadsheets.columns import SHEETS
from convenor_registry.spreadsheets.plan import Op
from convenor_shared.auth import Caller
from convenor_shared.db import new_id

# Sheets whose records the domain services create alone, writing no other row that refers to
# them (as an organisation's areas or a partnership's footprint do) and looking up none of the
# same sheet (as a sub-group its parent): inserted together, a few statements per sheet.
CREATED_ALONE = frozenset({"people", "memberships", "meetings", "actions"})


class Applier:
    def __init__(self, session: AsyncSession, by: Caller) -> None:
        self.session = session
        self.by = by
        self.real: dict[uuid.UUID, uuid.UUID] = {}  # provisional id → created id
        # The records created, held so that later look-ups by id are found in the session.
        self.made: dict[uuid.UUID, Record] = {}

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
            if sheet.name in CREATED_ALONE:
                async with records.inserted_together(self.session):
                    await self._create(creations)
            else:
                await self._create(creations)
            rest = [op for op in mine if op.action != "create"]
            await self._first_registers([op for op in rest if self._first_register(op)])
            for op in rest:
                if not self._first_register(op):
                    await self.apply(op)

    def _first_register(self, op: Op) -> bool:
        return op.action == "register" and op.record_id in self.made

    async def _create(self, ops: list[Op]) -> None:
        for op in ops:
            record = await self.apply(op)
            self.real[op.record_id] = record.id
            self.made[op.record_id] = record

    async def _first_registers(self, ops: list[Op]) -> None:
        """Registers of meetings created by this upload, as ``put_attendance`` writes them
        (such a meeting has no register yet: nothing to delete, nothing to compare)."""
        session, by = self.session, self.by
        meetings: list[tuple[Meeting, list[dict[str, Any]]]] = []
        for op in ops:
            meeting = cast(Meeting, self.made[op.record_id])
            await meetings_service.ensure_can_manage_meeting(session, meeting, by)
            register = AttendancePut(**self.translate(op.values)).model_dump()["records"]
            rows = [{"id": new_id(), "meeting_id": meeting.id, **record} for record in register]
            meetings.append((meeting, rows))
        await repository.add_attendance(session, [row for _, rows in meetings for row in rows])
        for meeting, rows in meetings:
            # As put_attendance reads it back: the rows in id order, which is the order made.
            shown = AttendanceRead.model_validate({"meeting_id": meeting.id, "records": rows})
            await meetings_service.note_register(session, meeting, [], shown, by)

    async def apply(self, op: Op) -> Record:
        values = self.translate(op.values)
        session, by = self.session, self.by
        if op.sheet == "organisations":
            if op.action == "create":
                body = OrganisationCreate.model_validate(values)
                return await organisations_service.create(session, body, by)
            organisation = await organisations_service.get(session, op.record_id)
            update = OrganisationUpdate.model_validate(values)
            return await organisations_service.update(session, organisation, update, by)
        if op.sheet == "people":
            if op.action == "create":
                return await people_service.create(session, PersonCreate(**values), by)
            person = await people_service.get(session, op.record_id)
            return await people_service.update(session, person, PersonUpdate(**values), by)
        if op.sheet == "partnerships":
            if op.action == "create":
                new = PartnershipCreate.model_validate(values)
                return await partnerships_service.create(session, new, by)
            partnership = await partnerships_service.get(session, op.record_id)
            changes = PartnershipUpdate.model_validate(values)
            return await partnerships_service.update(session, partnership, changes, by)
        return await self._in_partnership(op, values)

    async def _in_partnership(self, op: Op, values: dict[str, Any]) -> Record:
        session, by = self.session, self.by
        if op.action == "register":
            meeting = await meetings_service.get(session, op.record_id)
            await meetings_service.put_attendance(session, meeting, AttendancePut(**values), by)
            return meeting
        partnership_id = values.pop("partnership_id", None)
        meeting_id = values.pop("meeting_id", None)
        if op.action == "create":
            partnership = await partnerships_service.get(session, partnership_id)
        if op.sheet == "memberships":
            if op.action == "create":
                body = MembershipCreate(**values)
                return await memberships_service.create(session, partnership, body, by)
            membership = await memberships_service.get(session, op.record_id)
            update = MembershipUpdate(**values)
            return await memberships_service.update(session, membership, update, by)
        if op.sheet == "meetings":
            if op.action == "create":
                meeting_body = MeetingCreate(**values)
                return await meetings_service.create(session, partnership, meeting_body, by)
            meeting = await meetings_service.get(session, op.record_id)
            return await meetings_service.update(session, meeting, MeetingUpdate(**values), by)
        if op.action == "create":
            agreed = await meetings_service.get(session, meeting_id) if meeting_id else None
            return await actions_service.create(
                session, partnership, ActionCreate(**values), by, meeting=agreed
            )
        action = await actions_service.get(session, op.record_id)
        return await actions_service.update(session, action, ActionUpdate(**values), by)


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
