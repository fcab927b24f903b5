"""Whether a token's client has been revoked, checked against the database at most every few
seconds per client (and at once after a revocation made by this process)."""

from __future__ import annotations

import time

from convenor_registry.clients import service as clients_service
from convenor_shared.auth import Caller
from convenor_shared.db import Database


class RevocationCheck:
    def __init__(self, database: Database, ttl_seconds: float = 5.0) -> None:
        self.database = database
        self.ttl = ttl_seconds
        self._seen: dict[str, tuple[bool, float]] = {}

    def forget(self, client_id: str) -> None:
        self._seen.pop(client_id, None)

    async def __call__(self, caller: Caller) -> bool:
        now = time.monotonic()
        cached = self._seen.get(caller.client_id)
        if cached is not None and now - cached[1] < self.ttl:
            return cached[0]
        async with self.database.session() as session:
            revoked = await clients_service.is_revoked(session, caller.client_id)
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[caller.client_id] = (revoked, now)
        return revoked
