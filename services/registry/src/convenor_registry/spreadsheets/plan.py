"""The plan of an import: every row checked, matched and compared before anything is written.

A row is read cell by cell (its column's type), its references resolved (an id, or a name that
must be unique), matched to an existing record (by ``id``, else by the sheet's natural key),
validated with the same request model the API uses, and compared with what is stored. The
result is a list of errors (all of them, each with sheet, row and column) or a list of
operations and the diff they make. Records the upload creates get a provisional id at once, so
later rows can refer to them by name; the apply step swaps in the real ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from convenor_registry.permissions import can_manage
from convenor_registry.spreadsheets.cells import CellError, as_uuid
from convenor_registry.spreadsheets.columns import READERS, SheetSpec
from convenor_registry.spreadsheets.index import Ambiguous, Index, Named, normalise
from convenor_registry.spreadsheets.workbook import Table
from convenor_shared.auth import Caller
from convenor_shared.db import new_id

Action = Literal["create", "update", "register"]
SKIP = object()  # a reference to a row that already failed: no second error, no write


@dataclass
class RowError:
    sheet: str
    row: int
    column: str | None
    message: str
    code: str = "invalid"
    candidates: list[dict[str, str]] | None = None


@dataclass
class Op:
    sheet: str
    row: int
    action: Action
    record_id: uuid.UUID  # the existing id, or the provisional id of a creation
    values: dict[str, Any]


@dataclass
class Entry:
    row: int
    key: str
    id: uuid.UUID | None = None
    changes: dict[str, list[Any]] | None = None


@dataclass
class SheetDiff:
    created: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """How a sheet's columns were laid out in the upload: worked out once per sheet."""

    present: frozenset[str]
    readers: tuple[tuple[int, str, Callable[[Any], Any]], ...]
    required: tuple[str, ...]


class Row:
    """One row being planned: its typed cells, and whether anything in it failed."""

    def __init__(
        self, plan: Plan, spec: SheetSpec, number: int, cells: list[Any], layout: Layout
    ) -> None:
        self.plan, self.spec, self.number = plan, spec, number
        self.present = layout.present
        self.values: dict[str, Any] = {}
        self.bad = False
        self.failed: set[str | None] = set()  # columns already reported
        self.skip = False  # depends on a row that failed
        for position, name, read in layout.readers:
            try:
                self.values[name] = read(cells[position])
            except CellError as exc:
                self.error(name, str(exc))
        for name in layout.required:
            value = self.values.get(name)
            if (value is None or value == []) and name not in self.failed:
                self.error(name, "is required")

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)

    def error(self, column: str | None, message: str, code: str = "invalid", **extra: Any) -> None:
        self.bad = True
        self.failed.add(column)
        self.plan.errors.append(
            RowError(self.spec.name, self.number, column, message, code, **extra)
        )

    @property
    def ok(self) -> bool:
        return not self.bad and not self.skip


def canon(value: Any) -> Any:
    """A form in which equal values compare equal whatever order or type they came in."""
    if isinstance(value, list | tuple | set):
        return tuple(sorted((canon(v) for v in value), key=repr))
    if isinstance(value, dict):
        return tuple(sorted((k, canon(v)) for k, v in value.items()))
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, BaseModel):
        return canon(value.model_dump())
    if value is not None and not isinstance(value, str | bool | date | datetime):
        return str(value)  # URLs and the like
    return value


class Plan:
    def __init__(self, index: Index, caller: Caller) -> None:
        self.index = index
        self.caller = caller
        self.errors: list[RowError] = []
        self.ops: list[Op] = []
        self.diff: dict[str, SheetDiff] = {}
        self.owners: dict[uuid.UUID, uuid.UUID] = {}  # planned meeting → its partnership

    # Reading a table

    def rows(self, spec: SheetSpec, table: Table) -> list[Row]:
        unknown = [name for name in table.header if name and spec.column(name) is None]
        for name in unknown:
            self.errors.append(
                RowError(spec.name, 1, name, "is not a column of this sheet", "unknown_column")
            )
        seen: set[str] = set()
        for name in table.header:
            if name and name in seen:
                self.errors.append(RowError(spec.name, 1, name, "appears twice", "duplicate"))
            seen.add(name)
        missing = [c.name for c in spec.columns if c.required and c.name not in table.header]
        for name in missing:
            self.errors.append(RowError(spec.name, 1, name, "is missing", "missing_column"))
        if missing:
            return []
        self.diff.setdefault(spec.name, SheetDiff())
        readers = []
        for position, name in enumerate(table.header):
            column = spec.column(name) if name else None
            if column is not None:
                readers.append((position, name, READERS[column.kind]))
        layout = Layout(
            present=frozenset(name for _, name, _ in readers),
            readers=tuple(readers),
            required=tuple(c.name for c in spec.columns if c.required),
        )
        return [Row(self, spec, number, values, layout) for number, values in table.rows]

    # References

    def reference(
        self,
        row: Row,
        column: str,
        named: Named,
        kind: str,
        known: dict[uuid.UUID, Any],
        raw: str | None,
    ) -> Any:
        """An id for a reference in ``column``: None if empty, SKIP if unusable."""
        if raw is None:
            return None
        as_id = as_uuid(raw)
        if as_id is not None:
            if as_id in known or as_id in self.index.planned:
                return as_id
            row.error(column, f"no {kind} has id {as_id}", "unknown_reference")
            return SKIP
        try:
            found = named.find(raw)
        except Ambiguous as exc:
            row.error(column, str(exc), "ambiguous_reference")
            return SKIP
        if found is not None:
            return found
        if (kind, normalise(raw)) in self.index.failed:
            row.skip = True
            return SKIP
        row.error(column, f"no {kind} is called {raw!r}", "unknown_reference")
        return SKIP

    def organisation(self, row: Row, column: str) -> Any:
        index = self.index
        return self.reference(
            row, column, index.organisation_names, "organisation", index.organisations, row[column]
        )

    def person(self, row: Row, column: str, raw: str | None = None) -> Any:
        index = self.index
        value = row[column] if raw is None else raw
        return self.reference(row, column, index.person_names, "person", index.people, value)

    def partnership(self, row: Row, column: str) -> Any:
        index = self.index
        return self.reference(
            row, column, index.partnership_names, "partnership", index.partnerships, row[column]
        )

    def areas(self, row: Row, column: str) -> list[uuid.UUID]:
        found = []
        for code in row[column] or []:
            area_id = self.index.area_ids.get(code.upper()) or (
                as_uuid(code) if as_uuid(code) in self.index.area_codes else None
            )
            if area_id is None:
                row.error(column, f"no area has GSS code {code!r}", "unknown_reference")
            else:
                found.append(area_id)
        return list(dict.fromkeys(found))

    # Matching, validating, comparing

    def provisional(self, row: Row) -> uuid.UUID:
        record_id = new_id()
        self.index.planned[record_id] = (row.spec.name, row.number)
        return record_id

    def duplicate_of(self, row: Row, match: uuid.UUID) -> bool:
        planned = self.index.planned.get(match)
        if planned is not None and planned[0] == row.spec.name:
            row.error(None, f"repeats row {planned[1]} (the same natural key)", "duplicate_row")
            return True
        return False

    def steward(self, row: Row, partnership_id: uuid.UUID) -> bool:
        """Whether the caller may change what belongs to this partnership; records why not."""
        if partnership_id in self.index.planned:
            return True  # the caller creates it, so it will manage it
        partnership = self.index.partnerships[partnership_id]
        if can_manage(self.caller, partnership):
            return True
        row.error(
            None,
            f"your organisation does not manage {partnership.name!r}: ask its chair, its "
            "secretariat or the organisation that manages it",
            "not_your_record",
        )
        return False

    def finish(
        self,
        row: Row,
        model: type[BaseModel],
        overlay: dict[str, Any],
        *,
        current: dict[str, Any] | None,
        record_id: uuid.UUID,
        key: str,
        columns: dict[str, str],
        may_change: Callable[[], bool],
        fixed: tuple[str, ...] = (),
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Validate the row as the API would, then plan a create, an update or nothing."""
        fields = model.model_fields
        # An empty cell clears a field that may be empty; where the field has a default
        # instead (a meeting's mode, say), it means "the default" or "leave it as it is".
        overlay = {
            k: v
            for k, v in overlay.items()
            if not (v is None and k in fields and _has_default(fields[k]))
        }
        try:
            validated = model.model_validate((current or {}) | overlay)
        except ValidationError as exc:
            reverse = {field: column for column, field in columns.items()}
            for err in exc.errors():
                where = str(err["loc"][0]) if err["loc"] else None
                column = reverse.get(where or "", where)
                if column not in row.failed or column is None:
                    row.error(column, err["msg"].removeprefix("Value error, "))
            return None
        values = {k: _stored(v) for k, v in validated.model_dump().items()}
        diff = self.diff[row.spec.name]
        if current is None:
            if not row.ok or not may_change():
                return None
            self.ops.append(
                Op(row.spec.name, row.number, "create", record_id, values | (extra or {}))
            )
            diff.created.append(Entry(row.number, key))
            return values
        changes = {
            name: [to_jsonable_python(current.get(name)), to_jsonable_python(values[name])]
            for name in overlay
            if name in values and canon(current.get(name)) != canon(values[name])
        }
        for name in fixed:
            if name in changes:
                row.error(columns.get(name, name), "cannot change on an existing record")
        if not row.ok:
            return None
        if not changes:
            diff.unchanged.append(Entry(row.number, key, record_id))
            return values
        if not may_change():
            return None
        self.ops.append(
            Op(row.spec.name, row.number, "update", record_id, {k: values[k] for k in changes})
        )
        shown = {reverse_column(columns, k): v for k, v in changes.items()}
        diff.updated.append(Entry(row.number, key, record_id, shown))
        return values


def reverse_column(columns: dict[str, str], field_name: str) -> str:
    return next((c for c, f in columns.items() if f == field_name), field_name)


def _has_default(info: Any) -> bool:
    return not info.is_required() and (info.default is not None or info.default_factory is not None)


def _stored(value: Any) -> Any:
    """A validated value as a service stores it (URLs as text)."""
    if value is None or isinstance(value, str | bool | int | float | Decimal | date | uuid.UUID):
        return value
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    return str(value)
