"""Loading reference geography: the 43 police force areas (with their local policing bodies)
and the local authorities of the case-study areas, shipped with the registry; and, on demand,
the full ONS local authority to police force area lookup from its published CSV."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.areas.service import ENTITY as AREA
from convenor_registry.models import Area, Organisation, OrganisationArea
from convenor_registry.organisations.service import ENTITY as ORGANISATION
from convenor_shared.auth import Caller

log = logging.getLogger("convenor.registry.reference")
SYSTEM = Caller(
    client_id="system:reference-data",
    organisation_id=None,
    org_kind=None,
    scopes=frozenset({"admin"}),
)
VINTAGE = "2025"
TIER_BY_PREFIX = {
    "E06": "unitary",
    "E07": "district",
    "E08": "metropolitan_district",
    "E09": "london_borough",
    "E10": "county",
    "W06": "unitary",
}


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("convenor_registry.reference").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


async def _upsert_area(session: AsyncSession, values: dict[str, Any]) -> tuple[Area, bool]:
    existing = (
        await session.execute(select(Area).where(Area.gss_code == values["gss_code"]))
    ).scalar_one_or_none()
    if existing is None:
        return await records.add(session, AREA, values, SYSTEM), True
    changes = {k: v for k, v in values.items() if k != "gss_code"}
    return await records.change(session, AREA, existing, changes, SYSTEM), False


async def load_police_force_areas(session: AsyncSession) -> int:
    """The 43 force areas and a local policing body for each; returns how many were new."""
    created = 0
    for row in _read("police-force-areas.csv"):
        area, new = await _upsert_area(
            session,
            {
                "gss_code": row["gss_code"],
                "name": row["name"],
                "classification": "police_force_area",
                "country": row["country"],
                "vintage": VINTAGE,
                "ocd_id": row["ocd_id"] or None,
            },
        )
        created += new
        await _ensure_policing_body(
            session, area, row["policing_body_name"], row["policing_body_kind"]
        )
    return created


async def _ensure_policing_body(session: AsyncSession, area: Area, name: str, kind: str) -> None:
    existing = (
        await session.execute(
            select(Organisation)
            .join(OrganisationArea, OrganisationArea.organisation_id == Organisation.id)
            .where(
                OrganisationArea.area_id == area.id,
                Organisation.classification == "local_policing_body",
                Organisation.deleted_at.is_(None),
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return
    organisation = await records.add(
        session,
        ORGANISATION,
        {
            "name": name,
            "classification": "local_policing_body",
            "kind": kind,
            "identifiers": [{"scheme": "gss", "identifier": area.gss_code}],
        },
        SYSTEM,
    )
    session.add(OrganisationArea(organisation_id=organisation.id, area_id=area.id))


async def load_local_authorities(session: AsyncSession, rows: Iterable[dict[str, str]]) -> int:
    """Local authorities linked to their force area (``gss_code, name, tier, pfa_gss_code``)."""
    forces = {
        area.gss_code: area
        for area in (
            await session.execute(select(Area).where(Area.classification == "police_force_area"))
        ).scalars()
    }
    created = 0
    for row in rows:
        parent = forces.get(row["pfa_gss_code"])
        if parent is None:
            log.warning("no force area %s for %s", row["pfa_gss_code"], row["gss_code"])
            continue
        _, new = await _upsert_area(
            session,
            {
                "gss_code": row["gss_code"],
                "name": row["name"],
                "classification": "local_authority",
                "tier": row.get("tier") or TIER_BY_PREFIX.get(row["gss_code"][:3]),
                "country": "Wales" if row["gss_code"].startswith("W") else "England",
                "vintage": VINTAGE,
                "parent_id": parent.id,
            },
        )
        created += new
    return created


async def load_all(session: AsyncSession) -> dict[str, int]:
    """Everything shipped with the registry; safe to run again (it updates in place)."""
    forces = await load_police_force_areas(session)
    await session.flush()
    authorities = await load_local_authorities(
        session, _read("local-authorities-case-study-areas.csv")
    )
    return {"police_force_areas_created": forces, "local_authorities_created": authorities}


def parse_ons_lookup(text: str) -> list[dict[str, str]]:
    """Rows of the ONS LAD→PFA lookup (columns like ``LAD24CD, LAD24NM, PFA24CD``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = reader.fieldnames or []

    def column(prefix: str, suffix: str) -> str:
        for name in fields:
            upper = name.upper()
            if upper.startswith(prefix) and upper.endswith(suffix):
                return name
        raise ValueError(f"the lookup has no {prefix}..{suffix} column (columns: {fields})")

    code, name, pfa = column("LAD", "CD"), column("LAD", "NM"), column("PFA", "CD")
    return [
        {
            "gss_code": row[code].strip(),
            "name": row[name].strip(),
            "tier": "",
            "pfa_gss_code": row[pfa].strip(),
        }
        for row in reader
        if row.get(code)
    ]
