"""Production mode refuses to start with the development defaults that are unsafe (OWASP API8:
security misconfiguration): SQLite, debug, TLS verification off, the bootstrap client,
generated keys, plain-http issuers, weak service secrets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager

from convenor_analytics.config import AnalyticsSettings
from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_registry.app import create_app as create_registry
from convenor_registry.config import RegistrySettings
from convenor_shared.settings import InsecureConfiguration, ServiceSettings

PG = "postgresql+asyncpg://convenor@db.example/{}"
SECRET = "a-long-random-service-secret-0123456789"


def good(kind: str, tmp: Path) -> ServiceSettings:
    if kind == "registry":
        return RegistrySettings(
            environment="production",
            database_url=PG.format("registry"),
            issuer_url="https://registry.example",
            signing_key=str(tmp / "signing.pem"),
        )
    if kind == "gateway":
        return GatewaySettings(
            environment="production",
            database_url=PG.format("gateway"),
            registry_url="https://registry.example",
            issuer_url="https://registry.example",
            client_id="gateway-client",
            client_secret=SECRET,
            key_encryption_key=new_kek_entry("k1"),
            signing_key=str(tmp / "checkpoint.pem"),
            checkpoint_origin="convenor-gateway/example",
        )
    return AnalyticsSettings(
        environment="production",
        database_url=PG.format("analytics"),
        registry_url="https://registry.example",
        gateway_url="https://gateway.example",
        issuer_url="https://registry.example",
        client_id="analytics-client",
        client_secret=SECRET,
    )


BAD: dict[str, dict[str, Any]] = {
    "sqlite": {"database_url": "sqlite+aiosqlite:///var/x.db"},
    "debug": {"debug": True},
    "no TLS verification": {"tls_verify": False},
}
SERVICE_BAD: dict[str, dict[str, dict[str, Any]]] = {
    "registry": {
        "bootstrap client": {"bootstrap_client_id": "admin", "bootstrap_client_secret": SECRET},
        "generated signing key": {"signing_key": None},
        "http issuer": {"issuer_url": "http://registry.example"},
    },
    "gateway": {
        "weak client secret": {"client_secret": "short"},
        "generated key-encryption key": {"key_encryption_key": None},
        "generated checkpoint key": {"signing_key": None},
        "http registry": {"registry_url": "http://registry.example"},
    },
    "analytics": {
        "weak client secret": {"client_secret": "short"},
        "no client": {"client_id": None},
        "http gateway": {"gateway_url": "http://gateway.example"},
    },
}
CASES = [
    (kind, name, change)
    for kind in SERVICE_BAD
    for name, change in {**BAD, **SERVICE_BAD[kind]}.items()
]


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Judge the settings written here, not whatever the shell or a ``.env`` file adds."""
    for name in list(os.environ):
        if name.startswith(("REGISTRY_", "GATEWAY_", "ANALYTICS_", "CONVENOR_BOOTSTRAP_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


class TestProductionMode:
    @pytest.mark.parametrize("kind", sorted(SERVICE_BAD))
    def test_a_sound_production_configuration_starts(self, kind: str, tmp_path: Path):
        good(kind, tmp_path).check_production()

    @pytest.mark.parametrize(
        ("kind", "name", "change"), CASES, ids=[f"{k}: {n}" for k, n, _ in CASES]
    )
    def test_is_refused(self, kind: str, name: str, change: dict[str, Any], tmp_path: Path):
        settings = good(kind, tmp_path).model_copy(update=change)
        with pytest.raises(InsecureConfiguration):
            settings.check_production()

    async def test_the_app_will_not_start_with_a_refused_setting(self, tmp_path: Path):
        settings = good("registry", tmp_path).model_copy(update={"debug": True})
        with pytest.raises(InsecureConfiguration):
            async with LifespanManager(create_registry(settings)):
                pass
