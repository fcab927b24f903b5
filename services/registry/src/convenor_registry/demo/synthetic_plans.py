"""The plans of a synthetic area: its Police and Crime Plan and partnership strategies whose
priorities align to it (most of them), for the alignment indicators."""

from __future__ import annotations

import uuid
from datetime import date

from convenor_registry.demo.synthetic_area import AreaGenerator
from convenor_registry.demo.synthetic_meetings import seeded_id
from convenor_registry.models import Priority, Strategy
from convenor_registry.strategies.schemas import PriorityRead, StrategyRead
from convenor_registry.vocabularies import THEMES


def strategies(gen: AreaGenerator) -> None:
    """A Police and Crime Plan of five priorities, and three partnership strategies whose
    priorities mostly align to it."""
    plan = gen.w.add(
        "strategy",
        Strategy,
        {
            "id": seeded_id(gen.rng),
            "name": f"Police and Crime Plan 2024-2029 ({gen.force.name})",
            "kind": "police_and_crime_plan",
            "owner_partnership_id": None,
            "owner_organisation_id": gen.pcc.id,
            "joint_owner_ids": [],
            "period_start": date(2024, 7, 1),
            "period_end": date(2029, 3, 31),
            "status": "active",
            "url": None,
        },
        StrategyRead,
        managed_by=gen.pcc.id,
    )
    plan_priorities = [priority(gen, plan, i, [], ()) for i in range(5)]
    for partnership_id, _, themes in gen.rng.sample(gen.partnerships, k=3):
        strategy = gen.w.add(
            "strategy",
            Strategy,
            {
                "id": seeded_id(gen.rng),
                "name": f"Partnership strategy {gen.rng.randint(1, 999)}",
                "kind": "partnership_strategy",
                "owner_partnership_id": partnership_id,
                "owner_organisation_id": None,
                "joint_owner_ids": [],
                "period_start": date(2024, 4, 1),
                "period_end": date(2027, 3, 31),
                "status": "active",
                "url": None,
            },
            StrategyRead,
            managed_by=gen.pcc.id,
        )
        for position in range(gen.rng.randint(3, 6)):
            aligned = [str(gen.rng.choice(plan_priorities))] if gen.rng.random() < 0.7 else []
            priority(gen, strategy, position, aligned, themes)


def priority(
    gen: AreaGenerator,
    strategy: uuid.UUID,
    position: int,
    aligned: list[str],
    themes: tuple[str, ...],
) -> uuid.UUID:
    chosen = list(themes[:1]) or [gen.rng.choice(THEMES)]
    return gen.w.add(
        "priority",
        Priority,
        {
            "id": seeded_id(gen.rng),
            "strategy_id": strategy,
            "parent_id": None,
            "title": f"Priority {position + 1}: {chosen[0].replace('_', ' ')}",
            "position": position,
            "themes": chosen,
            "aligned_to_ids": aligned,
        },
        PriorityRead,
        managed_by=gen.pcc.id,
    )
