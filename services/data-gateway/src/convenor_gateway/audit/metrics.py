"""Prometheus gauges of the audit log, read from the database at each scrape: how many entries
no signed checkpoint covers yet, and how old the latest checkpoint is."""

from __future__ import annotations

import time

from fastapi import FastAPI
from prometheus_client import Gauge

from convenor_gateway.audit import repository as audit_repository


def install(app: FastAPI) -> None:
    registry = app.state.metrics.registry
    entries = Gauge("convenor_gateway_audit_entries", "Entries in the audit log", registry=registry)
    backlog = Gauge(
        "convenor_gateway_audit_uncheckpointed_entries",
        "Audit entries not yet covered by a signed checkpoint",
        registry=registry,
    )
    age = Gauge(
        "convenor_gateway_checkpoint_age_seconds",
        "Seconds since the latest checkpoint was signed (0 before the first)",
        registry=registry,
    )

    async def refresh(app: FastAPI) -> None:
        async with app.state.database.session() as session:
            size = await audit_repository.log_size(session)
            latest = await audit_repository.latest_checkpoint(session)
        entries.set(size)
        covered = latest.tree_size if latest is not None else 0
        backlog.set(size - covered)
        age.set(time.time() - latest.timestamp if latest is not None else 0)

    app.state.metrics.refreshers.append(refresh)
