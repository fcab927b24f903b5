"""Data gateway settings (environment prefix ``GATEWAY_``)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from convenor_shared.settings import ServiceSettings

WEAK_SECRET_LENGTH = 24
DEVELOPMENT_ORIGIN = "convenor-gateway/development"


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite+aiosqlite:///var/gateway.db"
    registry_url: str = "http://127.0.0.1:8001"
    # Empty means "the registry": the registry is the default token issuer.
    issuer_url: str = ""
    token_url: str | None = None  # defaults to <issuer>/oauth/token
    # The gateway's own client, for reading organisations from the registry.
    client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("GATEWAY_CLIENT_ID", "CONVENOR_BOOTSTRAP_CLIENT_ID"),
    )
    client_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("GATEWAY_CLIENT_SECRET", "CONVENOR_BOOTSTRAP_CLIENT_SECRET"),
    )
    registry_scope: str = "registry:read"
    registry_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    organisation_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    max_registry_response_bytes: int = Field(default=64 * 1024, ge=1024)
    # Another catalogue file (same format) in place of the one shipped with the service.
    catalogue_path: str | None = None
    # The service level for answering a request: no statute sets one, so it is configuration.
    service_level_working_days: int = Field(default=20, ge=1, le=365)
    max_retention_days: int = Field(default=3650, ge=1)
    suppression_threshold: int = Field(default=5, ge=1, le=100)
    webhook_delivery_interval_seconds: float = Field(default=2.0, ge=0)  # 0: no background task
    webhook_max_attempts: int = Field(default=10, ge=1, le=50)
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    webhook_batch_size: int = Field(default=50, ge=1, le=1000)
    # Key-encryption keys for delivered datasets: "<id>:<base64 32 bytes>" (or a bare base64
    # key, or "kms:<reference>"), comma-separated, the newest (the one that wraps) first.
    # Unset in development: one is generated into key_encryption_key_file.
    key_encryption_key: SecretStr | None = None
    key_encryption_key_file: str = "var/gateway-kek"
    # Ed25519 keys that sign audit checkpoints: PEM files in signing_key_dir, the newest signs
    # unless signing_key names one; every key in the directory verifies.
    signing_key: str | None = None
    signing_key_dir: str = "var/gateway-keys"
    checkpoint_origin: str = Field(
        default=DEVELOPMENT_ORIGIN, min_length=1, max_length=200, pattern=r"^[^\s+]+$"
    )
    checkpoint_interval_seconds: float = Field(default=10.0, ge=0)  # 0: no background task
    checkpoint_max_entries: int = Field(default=100_000, ge=1)  # per checkpoint made
    retention_interval_seconds: float = Field(default=3600.0, ge=0)  # 0: no background task
    max_delivery_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    delivery_chunk_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024)

    @model_validator(mode="after")
    def issuer_defaults_to_registry(self) -> GatewaySettings:
        if not self.issuer_url:
            self.issuer_url = self.registry_url
        return self

    @property
    def audience(self) -> str:
        return "convenor-gateway"

    def resolved_token_url(self) -> str:
        return self.token_url or self.issuer_url.rstrip("/") + "/oauth/token"

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not self.client_id or not self.client_secret:
            problems.append("GATEWAY_CLIENT_ID and GATEWAY_CLIENT_SECRET must be set")
        elif len(self.client_secret) < WEAK_SECRET_LENGTH:
            problems.append("GATEWAY_CLIENT_SECRET is too short to be a real secret")
        if self.client_id and self.client_id == os.environ.get("CONVENOR_BOOTSTRAP_CLIENT_ID"):
            problems.append("the bootstrap client is for development; give the gateway its own")
        for name, url in (("GATEWAY_REGISTRY_URL", self.registry_url), ("issuer", self.issuer_url)):
            if not url.startswith("https://"):
                problems.append(f"{name} must be an https URL")
        if self.key_encryption_key is None:
            problems.append(
                "GATEWAY_KEY_ENCRYPTION_KEY must be set: a generated key-encryption key is for "
                "development"
            )
        if not self.signing_key:
            problems.append(
                "GATEWAY_SIGNING_KEY must name the PEM file of the checkpoint signing key: a "
                "generated key is for development"
            )
        if self.checkpoint_origin == DEVELOPMENT_ORIGIN:
            problems.append("GATEWAY_CHECKPOINT_ORIGIN must name the deployment's log")
        return problems


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
