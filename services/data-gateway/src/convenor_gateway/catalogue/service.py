"""The legal-gateway catalogue: versioned data shipped with the service, loaded at start-up.

The rules are data (``legal-gateways.json``), not code, so a correction to the law's encoding
is a new catalogue version; ``GATEWAY_CATALOGUE_PATH`` can point at another file of the same
shape. A catalogue that does not validate stops the service from starting.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.catalogue.schemas import CatalogueFile, LegalGateway, PurposeInfo
from convenor_gateway.models import CatalogueVersion
from convenor_gateway.vocabularies import PURPOSES
from convenor_shared.db import utcnow
from convenor_shared.problems import NotFound

SHIPPED = Path(__file__).parent / "legal-gateways.json"


class CatalogueError(RuntimeError):
    """The catalogue file is not one the gateway can run with."""


class LegalGatewayNotFound(NotFound):
    """There is no legal gateway with that id in the catalogue. ``GET /v1/legal-gateways``
    lists the ids; they are stable slugs such as ``cda-1998-s115``."""

    slug = "legal-gateway-not-found"


@dataclass(frozen=True)
class Catalogue:
    data: CatalogueFile
    sha256: str
    by_id: dict[str, LegalGateway] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.data.version

    def gateway(self, gateway_id: str) -> LegalGateway:
        found = self.by_id.get(gateway_id)
        if found is None:
            raise LegalGatewayNotFound(f"No legal gateway '{gateway_id}' in the catalogue.")
        return found

    def purpose(self, purpose_id: str) -> PurposeInfo:
        return next(p for p in self.data.purposes if p.id == purpose_id)

    def label(self, classification: str) -> str:
        return self.data.classifications.get(classification, classification)  # type: ignore[call-overload,no-any-return]


def load(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (the shipped one by default)."""
    raw = (path or SHIPPED).read_bytes()
    try:
        data = CatalogueFile.model_validate_json(raw)
    except ValueError as exc:
        raise CatalogueError(f"the legal-gateway catalogue does not validate: {exc}") from exc
    ids = [g.id for g in data.gateways]
    if len(set(ids)) != len(ids):
        raise CatalogueError("the legal-gateway catalogue repeats a gateway id")
    if sorted(p.id for p in data.purposes) != sorted(PURPOSES):
        raise CatalogueError("the catalogue's purposes differ from the purposes vocabulary")
    return Catalogue(data, hashlib.sha256(raw).hexdigest(), {g.id: g for g in data.gateways})


async def record_version(session: AsyncSession, catalogue: Catalogue) -> None:
    """Note that this database has run with this catalogue version (once per version)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(CatalogueVersion)
        .values(version=catalogue.version, sha256=catalogue.sha256, loaded_at=utcnow())
        .on_conflict_do_nothing(index_elements=["version"])
    )
