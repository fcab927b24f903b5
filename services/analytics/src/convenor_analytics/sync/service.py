"""The sync: follow both change feeds into the read model, one page per transaction.

Each page is fetched and checked whole, then applied in a single transaction that also moves
the feed's stored cursor and bumps the read model's generation, so a crash or a restart never
double-counts or misses a change, and a page that fails half-way applies nothing. Items are
applied in order keeping only the latest data per ``(entity, id)``, which makes applying an
item idempotent: a second sync with nothing new changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.config import AnalyticsSettings
from convenor_analytics.models import ReadModelState, SyncRun, SyncSource
from convenor_analytics.sync import repository
from convenor_analytics.sync.feeds import FeedReader, ServiceToken, Source, position, sources
from convenor_analytics.sync.schemas import SourceResult, SourceStatus, SyncResult, SyncStatus
from convenor_shared.db import Database, utcnow
from convenor_shared.outbox import ChangePage
from convenor_shared.problems import Problem, ServiceUnavailable
from convenor_shared.transactions import commit, rollback, serialize_writes

log = logging.getLogger("convenor.analytics.sync")


@dataclass
class Syncer:
    """What a sync needs, built once per app (the token is reused between runs)."""

    database: Database
    http: httpx.AsyncClient
    settings: AnalyticsSettings
    token: ServiceToken
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    on_change: list[Any] = field(default_factory=list)

    @classmethod
    def build(
        cls, database: Database, http: httpx.AsyncClient, settings: AnalyticsSettings
    ) -> Syncer:
        return cls(database, http, settings, ServiceToken(settings))


class SyncStorageFailed(ServiceUnavailable):
    """The analytics database failed while a page of changes was being applied. That page was
    rolled back whole; the next sync applies it again from the stored cursor."""

    slug, title = "sync-storage-failed", "Sync could not store the changes"


class SyncFailed(Exception):
    def __init__(self, result: SyncResult, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.result = result
        self.problem = problem


async def run(syncer: Syncer, trigger: str) -> SyncResult:
    """One run over both feeds. Raises :class:`SyncFailed` (with what was done) on failure."""
    async with syncer.lock:
        started = utcnow()
        results: dict[str, SourceResult] = {}
        first_problem: Problem | None = None
        reader = FeedReader(syncer.http, syncer.token, syncer.settings)
        for source in sources(syncer.settings):
            result, problem = await _follow(syncer, reader, source)
            results[source.name] = result
            first_problem = first_problem or problem
        applied = sum(r.items_applied for r in results.values())
        status = "ok" if first_problem is None else ("partial" if applied else "failed")
        outcome = SyncResult(
            status=status,
            trigger=trigger,
            started_at=started,
            finished_at=utcnow(),
            items_applied=applied,
            sources=results,
        )
        await _record_run(syncer.database, outcome)
        if applied:
            for callback in syncer.on_change:
                callback()
        if first_problem is not None:
            raise SyncFailed(outcome, first_problem)
        return outcome


async def _follow(
    syncer: Syncer, reader: FeedReader, source: Source
) -> tuple[SourceResult, Problem | None]:
    applied = pages = 0
    caught_up = False
    cursor: str | None = None
    try:
        cursor = await _cursor(syncer.database, source.name)
        while pages < syncer.settings.sync_max_pages:
            page = await reader.page(source, cursor)
            pages += 1
            count, cursor = await _apply_page(syncer.database, source.name, cursor, page)
            applied += count
            if not page.has_more:
                caught_up = True
                break
        await _mark(syncer.database, source.name, caught_up=caught_up, error=None)
        return SourceResult(
            cursor=cursor, items_applied=applied, pages=pages, caught_up=caught_up
        ), None
    except (Problem, SQLAlchemyError, OSError) as failure:
        problem = (
            failure
            if isinstance(failure, Problem)
            else SyncStorageFailed(f"The {source.name} page could not be stored.")
        )
        log.warning("sync of %s failed: %s", source.name, problem.detail)
        try:
            await _mark(syncer.database, source.name, caught_up=False, error=problem)
        except (SQLAlchemyError, OSError):
            log.warning("could not record the failure of the %s sync", source.name)
        return SourceResult(
            cursor=cursor,
            items_applied=applied,
            pages=pages,
            caught_up=False,
            error=problem.detail,
            error_type=problem.slug,
        ), problem


async def _write_session(database: Database) -> AsyncSession:
    session = database.session()
    if database.dialect == "sqlite":
        await session.connection(execution_options={"sqlite_immediate": True})
    return session


async def _cursor(database: Database, name: str) -> str | None:
    async with database.session() as session:
        state = await session.get(SyncSource, name)
        return state.cursor if state else None


async def _apply_page(
    database: Database, name: str, expected: str | None, page: ChangePage
) -> tuple[int, str | None]:
    """Apply one page with its cursor in one transaction; returns (items applied, cursor)."""
    async with await _write_session(database) as session:
        try:
            await serialize_writes(session)
            state = await repository.source(session, name)
            if state.cursor != expected:
                # Another replica moved this feed on since we read it: start again from there.
                await rollback(session)
                return 0, state.cursor
            done = position(state.cursor)
            items = [item for item in page.items if int(item.cursor) > done]
            final: dict[tuple[str, str], Any] = {}
            for item in items:  # in order: the last item of a key wins
                final[(item.entity, item.id)] = item
            upserts = [
                {
                    "source": name,
                    "entity": entity,
                    "entity_id": entity_id,
                    "cursor": int(item.cursor),
                    "at": item.at,
                    "data": item.data,
                }
                for (entity, entity_id), item in final.items()
                if item.op == "upsert"
            ]
            deletes = [key for key, item in final.items() if item.op == "delete"]
            await repository.upsert_records(session, upserts)
            await repository.delete_records(session, name, deletes)
            now = utcnow()
            if page.next_cursor is not None:
                state.cursor = page.next_cursor
            if items:
                state.items_applied += len(items)
                newest = max(item.at for item in items)
                if state.newest_change_at is None or newest > state.newest_change_at:
                    state.newest_change_at = newest
                await repository.bump_generation(session, now)
            await commit(session)
            return len(items), state.cursor
        except BaseException:
            await rollback(session)
            raise


async def _mark(database: Database, name: str, *, caught_up: bool, error: Problem | None) -> None:
    async with await _write_session(database) as session:
        state = await repository.source(session, name)
        now = utcnow()
        state.last_run_at = now
        if error is None:
            state.last_success_at = now
            state.last_error = state.last_error_type = None
            state.items_behind = 0 if caught_up else None
        else:
            state.last_error, state.last_error_type = error.detail, error.slug
            state.items_behind = None
        await commit(session)


async def _record_run(database: Database, result: SyncResult) -> None:
    async with await _write_session(database) as session:
        session.add(
            SyncRun(
                trigger=result.trigger,
                started_at=result.started_at,
                finished_at=result.finished_at,
                status=result.status,
                items_applied=result.items_applied,
                sources={k: v.model_dump(mode="json") for k, v in result.sources.items()},
                error=next((s.error for s in result.sources.values() if s.error), None),
            )
        )
        await commit(session)


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else max(0.0, (now - moment).total_seconds())


async def status(session: AsyncSession, settings: AnalyticsSettings) -> SyncStatus:
    now = utcnow()
    rows = {row.source: row for row in await repository.all_sources(session)}
    shown = []
    for source in sources(settings):
        row = rows.get(source.name)
        shown.append(
            SourceStatus(
                source=source.name,
                cursor=row.cursor if row else None,
                items_applied=row.items_applied if row else 0,
                items_behind=row.items_behind if row else None,
                newest_change_at=row.newest_change_at if row else None,
                seconds_since_newest_change=_seconds_since(
                    row.newest_change_at if row else None, now
                ),
                last_run_at=row.last_run_at if row else None,
                last_success_at=row.last_success_at if row else None,
                last_error=row.last_error if row else None,
                last_error_type=row.last_error_type if row else None,
            )
        )
    run_row = await repository.latest_run(session)
    last = None
    if run_row is not None and run_row.finished_at is not None:
        last = SyncResult(
            status=run_row.status,  # type: ignore[arg-type]
            trigger=run_row.trigger,
            started_at=run_row.started_at,
            finished_at=run_row.finished_at,
            items_applied=run_row.items_applied,
            sources={k: SourceResult.model_validate(v) for k, v in run_row.sources.items()},
        )
    state = await session.get(ReadModelState, 1)
    return SyncStatus(
        sources=shown,
        last_run=last,
        generation=state.generation if state else 0,
        schedule_seconds=settings.sync_interval_seconds,
    )
