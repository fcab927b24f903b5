"""What the gateway's services need besides the session: the catalogue, the registry
directory and the settings, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.config import GatewaySettings
from convenor_gateway.directory import Directory


@dataclass(frozen=True)
class Runtime:
    catalogue: Catalogue
    directory: Directory
    settings: GatewaySettings
