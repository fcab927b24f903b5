"""The landscape of the current read-model generation, built once and shared, and a cache of
computed answers keyed by generation, so that reads after a recompute are lookups."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.landscape import repository
from convenor_analytics.landscape.build import build
from convenor_analytics.landscape.model import Landscape
from convenor_analytics.parameters import Parameters
from convenor_shared.db import Database

T = TypeVar("T")


class LandscapeCache:
    """Per process. Another replica's sync is noticed within ``check_seconds``; this
    process's own sync calls :meth:`invalidate` and is seen at once."""

    def __init__(self, parameters: Parameters, check_seconds: float, entries: int) -> None:
        self.parameters = parameters
        self._check_seconds = check_seconds
        self._entries = entries
        self._landscape: Landscape | None = None
        self._checked = 0.0
        self._lock = asyncio.Lock()
        self._answers: OrderedDict[tuple[int, Hashable], Any] = OrderedDict()
        self._guard = threading.Lock()

    def invalidate(self) -> None:
        self._checked = 0.0

    async def current(self, session: AsyncSession | Database) -> Landscape:
        """The landscape of the current generation. Given the database rather than a session,
        a short session is opened only when the generation has to be checked."""
        land = self._landscape
        if land is not None and time.monotonic() - self._checked < self._check_seconds:
            return land
        if isinstance(session, Database):
            async with session.session() as own:
                return await self.current(own)
        async with self._lock:
            generation = await repository.generation(session)
            self._checked = time.monotonic()
            land = self._landscape
            if land is None or land.generation != generation:
                rows = await repository.rows(session)
                land = await asyncio.to_thread(build, rows, self.parameters, generation)
                self._landscape = land
                self._answers.clear()
            return land

    def answer(self, land: Landscape, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per generation and key."""
        full = (land.generation, key)
        with self._guard:
            if full in self._answers:
                self._answers.move_to_end(full)
                return self._answers[full]  # type: ignore[no-any-return]
        value = compute()
        with self._guard:  # the warm-up after a sync computes in a worker thread
            self._answers[full] = value
            if len(self._answers) > self._entries:
                self._answers.popitem(last=False)
        return value
