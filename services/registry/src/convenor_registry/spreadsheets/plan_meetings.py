"""Planning what belongs to partnerships: memberships, meetings, attendance and actions.

Changing any of it needs a stake in the partnership (its manager, chair or secretariat), as
through the API; a partnership created by the same upload is the caller's own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial
from typing import Any

from pydantic import ValidationError

from convenor_registry.actions.schemas import ActionCreate
from convenor_registry.meetings.schemas import AttendanceRecord, MeetingCreate
from convenor_registry.memberships.schemas import MembershipCreate
from convenor_registry.spreadsheets.index import normalise
from convenor_registry.spreadsheets.plan import SKIP, Entry, Op, Plan, Row

MEMBERSHIP_COLUMNS = {
    "person": "person_id",
    "organisation": "organisation_id",
    "on_behalf_of": "on_behalf_of_id",
    "role": "role",
    "voting": "voting",
    "required": "required",
    "start_date": "start_date",
    "end_date": "end_date",
    "deputies": "deputy_ids",
}
MEETING_COLUMNS = {
    name: name
    for name in (
        "title",
        "start",
        "end",
        "status",
        "purpose",
        "mode",
        "prep_minutes",
        "location",
        "online_url",
        "support_hours",
        "direct_costs",
    )
}
ACTION_COLUMNS = {
    "title": "title",
    "description": "description",
    "owner_person": "owner_person_id",
    "owner_organisation": "owner_organisation_id",
    "due_date": "due_date",
    "status": "status",
    "completed_date": "completed_date",
}


def membership_values(membership: Any) -> dict[str, Any]:
    values = {f: getattr(membership, f) for f in MEMBERSHIP_COLUMNS.values()}
    return values | {"deputy_ids": [uuid.UUID(d) for d in membership.deputy_ids or []]}


def meeting_values(meeting: Any) -> dict[str, Any]:
    return {f: getattr(meeting, f) for f in MEETING_COLUMNS.values()}


def action_values(action: Any) -> dict[str, Any]:
    return {f: getattr(action, f) for f in ACTION_COLUMNS.values()}


def _name(plan: Plan, partnership_id: uuid.UUID) -> str:
    return plan.index.partnership_names.names.get(partnership_id, str(partnership_id))


def _people(plan: Plan, row: Row, column: str) -> Any:
    found = []
    for item in row[column] or []:
        person = plan.person(row, column, item)
        if person is SKIP:
            return SKIP
        found.append(person)
    return list(dict.fromkeys(found))


def _existing(row: Row, kind: str, known: dict[uuid.UUID, Any]) -> Any:
    record_id = row["id"]
    if record_id is not None and record_id not in known:
        row.error("id", f"no {kind} has id {record_id}", "unknown_id")
    return known.get(record_id) if record_id is not None else None


def _moved(row: Row, existing: Any, partnership: uuid.UUID) -> None:
    if existing is not None and existing.partnership_id != partnership:
        row.error("partnership", "cannot change on an existing record")


def memberships(plan: Plan, rows: list[Row]) -> None:
    index = plan.index
    for row in rows:
        partnership = plan.partnership(row, "partnership")
        existing = _existing(row, "membership", index.memberships)
        overlay: dict[str, Any] = {}
        for column, field in MEMBERSHIP_COLUMNS.items():
            if column not in row.present:
                continue
            if column == "person":
                overlay[field] = plan.person(row, column)
            elif column in ("organisation", "on_behalf_of"):
                overlay[field] = plan.organisation(row, column)
            elif column == "deputies":
                overlay[field] = _people(plan, row, column)
            else:
                overlay[field] = row[column]
        if partnership in (None, SKIP) or any(v is SKIP for v in overlay.values()):
            continue
        member = overlay.get("person_id") or overlay.get("organisation_id")
        if existing is None and row["id"] is None and member:
            match = index.keys.get(("membership", partnership, member))
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.memberships.get(match)
        _moved(row, existing, partnership)
        record_id = existing.id if existing else plan.provisional(row)
        values = plan.finish(
            row,
            MembershipCreate,
            overlay,
            current=membership_values(existing) if existing else None,
            record_id=record_id,
            key=f"{_name(plan, partnership)} / {_member(plan, member)}",
            columns=MEMBERSHIP_COLUMNS,
            may_change=partial(plan.steward, row, partnership),
            fixed=("person_id", "organisation_id"),
            extra={"partnership_id": partnership},
        )
        if values is not None and existing is None:
            index.keys[("membership", partnership, member)] = record_id


def _member(plan: Plan, member: uuid.UUID | None) -> str:
    if member is None:
        return "nobody"
    index = plan.index
    return index.person_names.names.get(member) or index.organisation_names.names.get(
        member, str(member)
    )


def meeting_of(plan: Plan, row: Row, partnership: Any, *, id_column: str, start_column: str) -> Any:
    """The meeting a row refers to, by id or by partnership and start; None if not given."""
    index = plan.index
    meeting_id = row[id_column]
    if meeting_id is not None:
        if meeting_id in index.meetings:
            return meeting_id
        row.error(id_column, f"no meeting has id {meeting_id}", "unknown_reference")
        return SKIP
    start: datetime | None = row[start_column]
    if start is None or partnership in (None, SKIP):
        return None
    found = index.meeting_at(partnership, start)
    if found is not None:
        return found
    if ("meeting", partnership, start) in index.failed:
        row.skip = True
        return SKIP
    row.error(
        start_column,
        f"{_name(plan, partnership)} has no meeting starting {start.isoformat()}",
        "unknown_reference",
    )
    return SKIP


def partnership_of_meeting(plan: Plan, meeting_id: uuid.UUID) -> uuid.UUID:
    meeting = plan.index.meetings.get(meeting_id)
    return meeting.partnership_id if meeting else plan.owners[meeting_id]


def meetings(plan: Plan, rows: list[Row]) -> None:
    index = plan.index
    for row in rows:
        partnership = plan.partnership(row, "partnership")
        existing = _existing(row, "meeting", index.meetings)
        start = row["start"]
        if partnership in (None, SKIP):
            continue
        if existing is None and row["id"] is None and start is not None:
            match = index.meeting_at(partnership, start)
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.meetings.get(match)
        _moved(row, existing, partnership)
        record_id = existing.id if existing else plan.provisional(row)
        overlay = {f: row[c] for c, f in MEETING_COLUMNS.items() if c in row.present}
        when = start.isoformat() if start else "?"
        values = plan.finish(
            row,
            MeetingCreate,
            overlay,
            current=meeting_values(existing) if existing else None,
            record_id=record_id,
            key=f"{_name(plan, partnership)} / {when}",
            columns=MEETING_COLUMNS,
            may_change=partial(plan.steward, row, partnership),
            extra={"partnership_id": partnership},
        )
        if values is None:
            if existing is None and start is not None:
                index.failed.add(("meeting", partnership, start))
            continue
        index.keys[("meeting", partnership, values["start"])] = record_id
        if existing is None:
            plan.owners[record_id] = partnership


def attendance(plan: Plan, rows: list[Row]) -> None:
    """Rows grouped by meeting; a meeting's rows are its whole register."""
    registers: dict[uuid.UUID, list[tuple[Row, dict[str, Any]]]] = {}
    broken: set[uuid.UUID] = set()
    for row in rows:
        partnership = plan.partnership(row, "partnership") if "partnership" in row.present else None
        meeting = meeting_of(
            plan, row, partnership, id_column="meeting_id", start_column="meeting_start"
        )
        if meeting is None:
            row.error("meeting_id", "give meeting_id, or partnership and meeting_start")
            continue
        record = {
            "person_id": plan.person(row, "person"),
            "status": row["status"],
            "deputy_for_id": plan.person(row, "deputy_for")
            if "deputy_for" in row.present
            else None,
            "on_behalf_of_id": (
                plan.organisation(row, "on_behalf_of") if "on_behalf_of" in row.present else None
            ),
        }
        if meeting is SKIP or any(v is SKIP for v in record.values()):
            if meeting is not SKIP:
                broken.add(meeting)
            continue
        try:
            AttendanceRecord.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors():
                row.error("deputy_for" if not err["loc"] else str(err["loc"][0]), err["msg"])
        if any(
            record["person_id"] == other["person_id"] for _, other in registers.get(meeting, [])
        ):
            row.error("person", "appears twice in this meeting's register", "duplicate_row")
        registers.setdefault(meeting, []).append((row, record))
    for meeting, entries in registers.items():
        if meeting in broken or not all(row.ok for row, _ in entries):
            continue
        _plan_register(plan, meeting, entries)


def _plan_register(
    plan: Plan, meeting: uuid.UUID, entries: list[tuple[Row, dict[str, Any]]]
) -> None:
    index, diff = plan.index, plan.diff["attendance"]
    before = {
        a.person_id: (a.status, a.deputy_for_id, a.on_behalf_of_id)
        for a in index.attendance.get(meeting, [])
    }
    partnership = partnership_of_meeting(plan, meeting)
    start = (index.meetings[meeting].start if meeting in index.meetings else None) or "new"
    prefix = (
        f"{_name(plan, partnership)} / {start if isinstance(start, str) else start.isoformat()}"
    )
    created, updated, unchanged = [], [], []
    for row, record in entries:
        person = record["person_id"]
        after = (record["status"], record["deputy_for_id"], record["on_behalf_of_id"])
        entry = Entry(row.number, f"{prefix} / {_member(plan, person)}", meeting)
        if person not in before:
            created.append(entry)
        elif before[person] != after:
            entry.changes = {"status": [before[person][0], after[0]]}
            updated.append(entry)
        else:
            unchanged.append(entry)
    wanted = {record["person_id"] for _, record in entries}
    removed = [
        Entry(entries[0][0].number, f"{prefix} / {_member(plan, p)}", meeting)
        for p in before
        if p not in wanted
    ]
    if (created or updated or removed) and not plan.steward(entries[0][0], partnership):
        return
    diff.created += created
    diff.updated += updated
    diff.unchanged += unchanged
    diff.removed += removed
    if created or updated or removed:
        records = [record for _, record in entries]
        plan.ops.append(
            Op("attendance", entries[0][0].number, "register", meeting, {"records": records})
        )


def actions(plan: Plan, rows: list[Row]) -> None:
    index = plan.index
    for row in rows:
        partnership = plan.partnership(row, "partnership")
        meeting = meeting_of(
            plan, row, partnership, id_column="meeting_id", start_column="meeting_start"
        )
        existing = _existing(row, "action", index.actions)
        overlay: dict[str, Any] = {}
        for column, field in ACTION_COLUMNS.items():
            if column not in row.present:
                continue
            if column == "owner_person":
                overlay[field] = plan.person(row, column)
            elif column == "owner_organisation":
                overlay[field] = plan.organisation(row, column)
            else:
                overlay[field] = row[column]
        if (
            partnership in (None, SKIP)
            or meeting is SKIP
            or any(v is SKIP for v in overlay.values())
        ):
            continue
        if meeting is not None and partnership_of_meeting(plan, meeting) != partnership:
            row.error("meeting_id", "is a meeting of another partnership")
        title = row["title"]
        if existing is None and row["id"] is None and title:
            match = index.keys.get(("action", partnership, meeting, normalise(title)))
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.actions.get(match)
        _moved(row, existing, partnership)
        if existing is not None and meeting is not None and existing.meeting_id != meeting:
            row.error("meeting_id", "cannot change on an existing record")
        current = action_values(existing) if existing else None
        status = overlay.get("status") or (current or {}).get("status")
        if current and status == "done" and overlay.get("completed_date", 0) is None:
            overlay.pop("completed_date")  # done without a date keeps the date recorded
        record_id = existing.id if existing else plan.provisional(row)
        values = plan.finish(
            row,
            ActionCreate,
            overlay,
            current=current,
            record_id=record_id,
            key=f"{_name(plan, partnership)} / {title}",
            columns=ACTION_COLUMNS,
            may_change=partial(plan.steward, row, partnership),
            extra={"partnership_id": partnership, "meeting_id": meeting},
        )
        if values is not None and existing is None:
            key = ("action", partnership, meeting, normalise(values["title"]))
            index.keys[key] = record_id
