"""What every indicator is computed from: the landscape, the parameters, the per-meeting
costs, and the day the answer is as of."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.costs.ledger import Ledger, MeetingCost, build_ledger
from convenor_analytics.landscape.model import Landscape, Meeting
from convenor_analytics.landscape.scope import Scope
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.parameters import Parameters
from convenor_shared.db import Database

T = TypeVar("T")


@dataclass
class Context:
    land: Landscape
    parameters: Parameters
    cache: LandscapeCache | None = None
    _memo: dict[Hashable, Any] = field(default_factory=dict)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for this landscape (in the shared cache if there is one)."""
        if self.cache is not None:
            return self.cache.answer(self.land, key, compute)
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    @cached_property
    def ledger(self) -> Ledger:
        return build_ledger(self.land, self.parameters)

    def meetings(self, scope: Scope) -> list[Meeting]:
        """Meetings of the scope's partnerships starting in the window, in time order."""

        def compute() -> list[Meeting]:
            found = [
                m
                for pid in scope.partnership_ids
                for m in self.land.meetings_of.get(pid, ())
                if scope.window.holds(m.day)
            ]
            return sorted(found, key=lambda m: (m.start, m.id))

        return self.remember(("meetings", scope.key()), compute)

    def held(self, scope: Scope) -> list[MeetingCost]:
        """Costs of the meetings that happened in the scope and window."""
        costs = self.ledger.meetings
        return self.remember(
            ("held", scope.key()),
            lambda: [costs[m.id] for m in self.meetings(scope) if m.id in costs],
        )

    def held_of(self, scope: Scope) -> dict[str, list[MeetingCost]]:
        """:meth:`held`, by partnership."""

        def compute() -> dict[str, list[MeetingCost]]:
            grouped: dict[str, list[MeetingCost]] = {}
            for cost in self.held(scope):
                grouped.setdefault(cost.partnership_id, []).append(cost)
            return grouped

        return self.remember(("held_of", scope.key()), compute)

    def as_of(self, scope: Scope) -> date:
        return scope.window.end


async def current(session: AsyncSession | Database, cache: LandscapeCache) -> Context:
    """The context of the read model's current generation (one per generation)."""
    land = await cache.current(session)
    return cache.answer(land, "context", lambda: Context(land, cache.parameters, cache))
