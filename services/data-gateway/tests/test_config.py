"""Gateway settings: defaults that follow the registry, and what production refuses."""

from __future__ import annotations

import pytest

from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import new_kek_entry

CLEAN = (
    "GATEWAY_ISSUER_URL",
    "GATEWAY_CLIENT_ID",
    "GATEWAY_CLIENT_SECRET",
    "CONVENOR_BOOTSTRAP_CLIENT_ID",
    "CONVENOR_BOOTSTRAP_CLIENT_SECRET",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in CLEAN:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


class TestSettings:
    def test_the_issuer_and_token_endpoint_default_to_the_registry(self, env):
        env.setenv("GATEWAY_REGISTRY_URL", "https://registry.example")
        settings = GatewaySettings(_env_file=None)
        assert settings.issuer_url == "https://registry.example"
        assert settings.resolved_token_url() == "https://registry.example/oauth/token"
        assert settings.resolved_jwks_url() == "https://registry.example/oauth/jwks.json"

    def test_the_service_client_falls_back_to_the_bootstrap_client(self, env):
        env.setenv("CONVENOR_BOOTSTRAP_CLIENT_ID", "bootstrap")
        env.setenv("CONVENOR_BOOTSTRAP_CLIENT_SECRET", "bootstrap-secret")
        assert GatewaySettings(_env_file=None).client_id == "bootstrap"
        env.setenv("GATEWAY_CLIENT_ID", "gateway")
        assert GatewaySettings(_env_file=None).client_id == "gateway"

    def test_production_refuses_sqlite_http_and_the_bootstrap_client(self, env):
        env.setenv("CONVENOR_BOOTSTRAP_CLIENT_ID", "bootstrap")
        env.setenv("CONVENOR_BOOTSTRAP_CLIENT_SECRET", "short")
        problems = GatewaySettings(_env_file=None, environment="production").production_problems()
        text = " ".join(problems)
        assert "SQLite" in text and "https" in text and "bootstrap" in text
        assert "GATEWAY_KEY_ENCRYPTION_KEY" in text and "GATEWAY_SIGNING_KEY" in text
        assert "GATEWAY_CHECKPOINT_ORIGIN" in text
        good = GatewaySettings(
            _env_file=None,
            environment="production",
            database_url="postgresql+asyncpg://gateway@db/gateway",
            registry_url="https://registry.example",
            client_id="convenor-gateway",
            client_secret="a-long-and-random-secret-from-the-vault",
            key_encryption_key=new_kek_entry("kek-2026"),
            signing_key="/run/secrets/gateway-checkpoint.pem",
            checkpoint_origin="convenor-gateway/thames-valley",
        )
        assert good.production_problems() == []
