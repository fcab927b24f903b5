"""What the gateway's services need besides the session: the catalogue, the registry
directory, the settings, the database (for work that must outlive or stand apart from the
request's transaction) and the keys, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.config import GatewaySettings
from convenor_gateway.directory import Directory
from convenor_gateway.evidence.key_ring import KeyRing
from convenor_gateway.keys import SigningKeys
from convenor_shared.db import Database


@dataclass(frozen=True)
class Runtime:
    catalogue: Catalogue
    directory: Directory
    settings: GatewaySettings
    database: Database
    key_ring: KeyRing
    signing_keys: SigningKeys
