"""The demo landscape (``convenor-registry demo load``), built from the APCC report's case
studies through the domain services, so it has history and change-feed entries like any other
data and the analytics service can sync it. Loading is idempotent: a registry that already
has the demo is left as it is."""

from __future__ import annotations

import random
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.demo import repository
from convenor_registry.demo.activity import Activity
from convenor_registry.demo.builder import AreaBuilder, Built
from convenor_registry.demo.cambridgeshire_lincolnshire import CAMBRIDGESHIRE, LINCOLNSHIRE
from convenor_registry.demo.case_studies import MERSEYSIDE
from convenor_registry.demo.elsewhere import ALL_WALES, AVON_AND_SOMERSET, BEDFORDSHIRE
from convenor_registry.demo.humberside_surrey import HUMBERSIDE, SURREY
from convenor_registry.demo.people import Names
from convenor_shared.db import utcnow

SEED = 2025  # the same demo every time, dated relative to the day it is loaded
MARKER = "Merseyside Strategic Policing and Partnership Board"
CASE_STUDIES = (
    MERSEYSIDE,
    CAMBRIDGESHIRE,
    LINCOLNSHIRE,
    HUMBERSIDE,
    SURREY,
    AVON_AND_SOMERSET,
    BEDFORDSHIRE,
    ALL_WALES,
)


async def is_loaded(session: AsyncSession) -> bool:
    return await repository.partnership_named(session, MARKER) is not None


async def load(session: AsyncSession) -> dict[str, Any]:
    """Build the demo landscape in ``session`` (the caller commits). Returns what it made."""
    if await is_loaded(session):
        return {"loaded": False, "reason": "the demo landscape is already loaded"}
    rng = random.Random(SEED)
    names = Names(rng)
    builder = AreaBuilder(session, rng, names)
    activity = Activity(session, rng, utcnow().date())
    built: list[Built] = []
    for area in CASE_STUDIES:
        built.append(await builder.build(area))
        await activity.year(built[-1])
    return {"loaded": True, **asdict(activity.tally), **await repository.counts(session)}


async def organisations_for_requests(session: AsyncSession) -> dict[str, Any]:
    """The organisations the demo's data requests are between, by the demo's names."""
    wanted = {
        "merseyside_pcc": "Police and Crime Commissioner for Merseyside",
        "liverpool": "Liverpool City Council",
        "sefton": "Sefton Council",
        "merseyside_health": "Cheshire and Merseyside Health and Care Partnership",
        "cambs_pcc": "Police and Crime Commissioner for Cambridgeshire",
        "peterborough": "Peterborough City Council",
        "humber_pcc": "Police and Crime Commissioner for Humberside",
        "hull": "Hull City Council",
        "lincs_pcc": "Police and Crime Commissioner for Lincolnshire",
        "lincs_county": "Lincolnshire County Council",
    }
    found = {}
    for key, name in wanted.items():
        organisation = await repository.organisation_named(session, name)
        if organisation is not None:
            found[key] = organisation
    return found
