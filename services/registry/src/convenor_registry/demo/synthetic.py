"""A seeded synthetic landscape at national scale, for benchmarks and load tests
(``convenor-registry demo generate --areas N --seed S --years Y``).

Every one of the first ``N`` police force areas (GSS order; all 43 by default) gets its
partners (the case-study areas their real local authorities, the others invented councils),
a few people in each, some forty to sixty partnerships (force-wide boards with sub-groups and
task-and-finish groups, a CSP and a delivery group per council), members drawn so that senior
people sit on many boards, ``Y`` years of meetings with registers, agendas, decisions and
actions, reviews, and a Police and Crime Plan with aligned partnership strategies.

The same seed gives the same landscape: each area draws from its own generator and its ids
come from it too, so an area already generated is recognised and skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.demo import repository
from convenor_registry.demo.bulk import BulkWriter
from convenor_registry.demo.synthetic_area import AreaGenerator
from convenor_registry.demo.synthetic_plans import strategies
from convenor_registry.models import Organisation
from convenor_shared.transactions import commit


async def generate(
    session: AsyncSession, *, areas: int, seed: int, years: int, now: datetime
) -> dict[str, Any]:
    """Generate the first ``areas`` force areas, committing after each one."""
    forces = (await repository.force_areas(session))[:areas]
    totals: dict[str, Any] = {
        "areas": 0,
        "skipped": [],
        "partnerships": 0,
        "meetings": 0,
        "rows": 0,
    }
    for force in forces:
        pcc = await repository.policing_body(session, force.id)
        if pcc is None:
            continue
        councils = await repository.local_authorities(session, force.id)
        writer = BulkWriter(session, actor="system:synthetic", now=now)
        area = AreaGenerator(writer, force, pcc, councils, seed, years, now.date())
        if await session.get(Organisation, area.marker) is not None:
            totals["skipped"].append(force.gss_code)  # generated before with this seed
            continue
        area.build()
        strategies(area)
        totals["meetings"] += area.activity(now)
        await writer.flush()
        await commit(session)
        session.expunge_all()
        totals["areas"] += 1
        totals["partnerships"] += len(area.partnerships)
        totals["rows"] += writer.written
    return totals
