"""Spreadsheet export and import of the synthetic national landscape, each against a bare
openpyxl read of the same file, in one run.

1. A fresh database (PostgreSQL when one answers on localhost:5432, SQLite otherwise) gets the
   reference data and ``demo generate --areas N --seed 1 --years Y``.
2. Export of the whole registry to XLSX (build the sheets, write the file) and to a zip of CSVs.
3. The baseline: ``openpyxl.load_workbook(read_only=True)`` iterating every row of that XLSX.
4. Re-import of the export as a dry run: every row read, checked, matched and compared (the
   diff is empty). Its ratio to the bare read is the issue's goal (at most 5).
5. A creating import that writes: one area's export with its ids blanked, imported with
   ``dry_run=false`` into a database holding only reference data, through the domain services
   and committed (history and change feed included) inside an outer transaction that is then
   rolled back, so each round starts the same.

The figures are of the service functions the endpoints call (no HTTP), medians of ``--rounds``.

    .venv/bin/python bench/import_export.py [--areas 43] [--years 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.app import MIGRATIONS
from convenor_registry.areas import reference
from convenor_registry.demo import synthetic
from convenor_registry.spreadsheets import service, workbook
from convenor_shared import migrations, testing
from convenor_shared.auth import Caller
from convenor_shared.db import Database
from convenor_shared.transactions import commit

ADMIN = Caller(client_id="bench", organisation_id=None, org_kind=None, scopes=frozenset({"admin"}))
WRITE_AREA = "E23000004"  # Merseyside: real local authorities, names unique within the area


async def fresh(name: str) -> Database:
    url = await testing.create_database(name)
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    database = Database(url)
    async with database.session() as session:
        await reference.load_all(session)
        await commit(session)
    return database


async def timed(rounds: int, work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bare_read(content: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    finally:
        book.close()


async def export(database: Database, area: str | None) -> list[workbook.Table]:
    async with database.read_session() as session:
        return await service.export_tables(session, area, ADMIN)


async def import_(database: Database, content: bytes, name: str, *, write: bool) -> Any:
    """One import as the endpoint runs it, commit included (its before-commit hooks write the
    history and the change feed), inside an outer transaction rolled back afterwards so that a
    benchmark round leaves the database as it found it."""
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            result = await service.import_file(
                session, content, filename=name, sheet=None, dry_run=not write, by=ADMIN
            )
            await commit(session)
            return result
        finally:
            await session.close()
            await outer.rollback()


def without_ids(tables: list[workbook.Table]) -> list[workbook.Table]:
    """The export as someone's own spreadsheet: no ids, every reference by name (an export
    writes an id where a name is shared nationally; within one area names are unique)."""
    names: dict[str, str] = {}
    for table in tables:
        if "name" in table.header:
            at, named = table.header.index("id"), table.header.index("name")
            names.update({str(row[at]): row[named] for _, row in table.rows})

    def by_name(value: Any) -> Any:
        if isinstance(value, str) and "-" in value:
            return "; ".join(names.get(part, part) for part in value.split("; "))
        return value

    out = []
    for table in tables:
        keep = [i for i, c in enumerate(table.header) if c not in ("id", "meeting_id")]
        rows = [(n, [by_name(row[i]) for i in keep]) for n, row in table.rows]
        out.append(workbook.Table(table.name, [table.header[i] for i in keep], rows))
    return out


def rows_of(tables: list[workbook.Table]) -> int:
    return sum(len(t.rows) for t in tables)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    source = await fresh("bench_interchange")
    target = await fresh("bench_interchange_empty")
    try:
        async with source.session() as session:
            started = time.perf_counter()
            made = await synthetic.generate(
                session, areas=args.areas, seed=1, years=args.years, now=datetime.now(UTC)
            )
            generated = time.perf_counter() - started
        print(f"generated {json.dumps(made)} in {generated:.0f} s", file=sys.stderr)

        build, tables = await timed(args.rounds, lambda: export(source, None))
        rows = rows_of(tables)
        write_xlsx, xlsx = await timed(args.rounds, lambda: _sync(workbook.write_xlsx, tables))
        write_csv, zipped = await timed(args.rounds, lambda: _sync(workbook.write_zip, tables))
        bare, read_rows = await timed(args.rounds, lambda: _sync(bare_read, xlsx))
        again, result = await timed(
            args.rounds, lambda: import_(source, xlsx, "national.xlsx", write=False)
        )
        assert all(c["created"] == c["updated"] == 0 for c in result.summary.values())
        again_csv, _ = await timed(
            args.rounds, lambda: import_(source, zipped, "national.zip", write=False)
        )

        own = without_ids(await export(source, WRITE_AREA))
        own_xlsx = workbook.write_xlsx(own)
        own_bare, _ = await timed(args.rounds, lambda: _sync(bare_read, own_xlsx))
        creating, created = await timed(
            args.rounds, lambda: import_(target, own_xlsx, "merseyside.xlsx", write=True)
        )
        made_rows = sum(c["created"] for c in created.summary.values())
        kept = sum(c["unchanged"] for c in created.summary.values())  # the reference PCC
        assert made_rows + kept == rows_of(own) and kept < 5, created.summary
    finally:
        for database in (source, target):
            url = database.url
            await database.dispose()
            await testing.drop_database(url)
    export_xlsx = build + write_xlsx
    return {
        "database": testing.backend_name(),
        "landscape": made,
        "rounds": args.rounds,
        "rows": rows,
        "xlsx_bytes": len(xlsx),
        "export_xlsx_s": round(export_xlsx, 2),
        "export_xlsx_rows_per_s": round(rows / export_xlsx),
        "export_csv_rows_per_s": round(rows / (build + write_csv)),
        "bare_openpyxl_read_s": round(bare, 2),
        "bare_openpyxl_rows_per_s": round(read_rows / bare),
        "reimport_xlsx_dry_run_s": round(again, 2),
        "reimport_xlsx_rows_per_s": round(rows / again),
        "reimport_xlsx_over_bare_read": round(again / bare, 2),
        "reimport_csv_rows_per_s": round(rows / again_csv),
        "create_area": WRITE_AREA,
        "create_rows": made_rows,
        "create_import_s": round(creating, 2),
        "create_import_rows_per_s": round(made_rows / creating),
        "create_bare_openpyxl_read_s": round(own_bare, 3),
        "create_import_over_bare_read": round(creating / own_bare, 1),
    }


async def _sync(work: Callable[..., Any], *args: Any) -> Any:
    return work(*args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=43)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    figures = asyncio.run(main(parser.parse_args()))
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {json.dumps(value) if isinstance(value, dict) else value}")
    goal = figures["reimport_xlsx_over_bare_read"]
    print(f"ratio: XLSX re-import / bare openpyxl read = {goal} (goal <= 5)")
    creating = figures["create_import_over_bare_read"]
    print(f"ratio: creating XLSX import / bare openpyxl read = {creating}")
