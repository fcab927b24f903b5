"""Spreadsheet import and export of the landscape (CSV and XLSX).

Import checks every row of every sheet before writing anything, and answers with every
problem found (sheet, row, column, why) or with the diff: what would be created, updated and
left unchanged. A dry run stops there; otherwise the changes are applied in the request's one
transaction through the domain services, so history and the change feed stay right. Importing
the same file twice, or an export, changes nothing the second time. See
``columns.py`` for the sheets, their columns and natural keys, and ``index.py`` for the
likely-duplicate rule.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.spreadsheets import (
    apply,
    export,
    index,
    plan_directory,
    plan_meetings,
    workbook,
)
from convenor_registry.spreadsheets.cells import as_uuid
from convenor_registry.spreadsheets.columns import BY_NAME, SHEETS
from convenor_registry.spreadsheets.plan import Plan, Row, RowError
from convenor_registry.spreadsheets.schemas import ImportEntry, ImportResult, SheetChanges
from convenor_shared.auth import Caller
from convenor_shared.problems import RuleBroken

STEPS = {
    "organisations": plan_directory.organisations,
    "people": plan_directory.people,
    "partnerships": plan_directory.partnerships,
    "memberships": plan_meetings.memberships,
    "meetings": plan_meetings.meetings,
    "attendance": plan_meetings.attendance,
    "actions": plan_meetings.actions,
}
ORDER = {spec.name: position for position, spec in enumerate(SHEETS)}


class ImportInvalid(RuleBroken):
    """The upload has problems; nothing was written. ``errors`` lists every one of them with
    its sheet, row (the header is row 1) and column. Fix them and upload again (a dry run
    first, if you like)."""

    slug, title = "import-invalid", "The spreadsheet has problems"


def _problem(errors: list[RowError]) -> ImportInvalid:
    ordered = sorted(errors, key=lambda e: (ORDER.get(e.sheet, 99), e.row, e.column or ""))
    listed: list[dict[str, Any]] = []
    for error in ordered:
        item: dict[str, Any] = {
            "sheet": error.sheet,
            "row": error.row,
            "column": error.column,
            "code": error.code,
            "message": error.message,
        }
        if error.candidates:
            item["candidates"] = error.candidates
        listed.append(item)
    return ImportInvalid(
        f"{len(listed)} problem(s) found; nothing was written.",
        extensions={"errors": listed, "error_count": len(listed)},
    )


def _scope(rows: dict[str, list[Row]], found: index.Index) -> tuple[set[uuid.UUID], ...]:
    """Existing partnerships and records the sheets under partnerships refer to."""
    partnerships: set[uuid.UUID] = set()
    ids: set[uuid.UUID] = set()
    meetings: set[uuid.UUID] = set()
    for sheet in ("memberships", "meetings", "attendance", "actions"):
        for row in rows.get(sheet, []):
            raw = row["partnership"]
            if raw:
                as_id = as_uuid(raw)
                try:
                    match = as_id or found.partnership_names.find(raw)
                except index.Ambiguous:
                    match = None
                if match is not None:
                    partnerships.add(match)
            for column in ("id", "meeting_id"):
                if isinstance(row[column], uuid.UUID):
                    ids.add(row[column])
                    meetings.add(row[column])
    return partnerships, ids, meetings


async def import_file(
    session: AsyncSession,
    content: bytes,
    *,
    filename: str | None,
    sheet: str | None,
    dry_run: bool,
    by: Caller,
) -> ImportResult:
    try:
        tables = workbook.read(content, filename=filename, sheet=sheet)
    except ValueError as exc:
        raise _problem([RowError(sheet or "", 0, None, str(exc), "invalid_file")]) from exc
    found = await index.load(session)
    plan = Plan(found, by)
    rows: dict[str, list[Row]] = {}
    for table in tables:
        spec = BY_NAME.get(table.name)
        if spec is None:
            known = ", ".join(BY_NAME)
            plan.errors.append(
                RowError(table.name, 1, None, f"is not a sheet; expected {known}", "unknown_sheet")
            )
            continue
        rows[spec.name] = plan.rows(spec, table)
    await found.load_children(session, *_scope(rows, found))
    for name, step in STEPS.items():
        if name in rows:
            step(plan, rows[name])
    if plan.errors:
        raise _problem(plan.errors)
    if not dry_run:
        await apply.Applier(session, by).run(plan.ops)
    return _result(plan, dry_run)


def _result(plan: Plan, dry_run: bool) -> ImportResult:
    sheets: dict[str, SheetChanges] = {}
    summary: dict[str, dict[str, int]] = {}
    for name, diff in plan.diff.items():
        changes = SheetChanges(
            **{
                kind: [ImportEntry(**vars(entry)) for entry in getattr(diff, kind)]
                for kind in ("created", "updated", "unchanged", "removed")
            }
        )
        sheets[name] = changes
        summary[name] = {
            kind: len(getattr(changes, kind)) for kind in ("created", "updated", "unchanged")
        } | ({"removed": len(changes.removed)} if name == "attendance" else {})
    return ImportResult(dry_run=dry_run, applied=not dry_run, summary=summary, sheets=sheets)


async def export_tables(
    session: AsyncSession, area: str | None, by: Caller
) -> list[workbook.Table]:
    return await export.tables(session, area, by)


def template_tables(by: Caller) -> list[workbook.Table]:
    return export.template(contacts=by.has("registry:write"))


def readme() -> list[list[str]]:
    return export.readme()
