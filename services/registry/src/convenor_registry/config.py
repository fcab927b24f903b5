"""Registry settings (environment prefix ``REGISTRY_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from convenor_shared.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="REGISTRY_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite+aiosqlite:///var/registry.db"
    # Where the issuer's Ed25519 signing keys live: the newest file signs, all verify.
    signing_key: str | None = None
    signing_key_dir: str = "var/registry-keys"
    token_lifetime_seconds: int = Field(default=900, ge=60, le=86_400)
    bootstrap_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "CONVENOR_BOOTSTRAP_CLIENT_ID", "REGISTRY_BOOTSTRAP_CLIENT_ID"
        ),
    )
    bootstrap_client_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "CONVENOR_BOOTSTRAP_CLIENT_SECRET", "REGISTRY_BOOTSTRAP_CLIENT_SECRET"
        ),
    )
    calendar_window_days: int = Field(default=400, ge=1, le=3660)
    max_series_occurrences: int = Field(default=200, ge=1, le=1000)
    max_import_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)

    @property
    def audience(self) -> str:
        return "convenor-registry"

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.bootstrap_client_id or self.bootstrap_client_secret:
            problems.append("the bootstrap client is for development; create clients with the CLI")
        if not self.signing_key:
            problems.append("REGISTRY_SIGNING_KEY must name the PEM file of the signing key")
        if not self.issuer_url.startswith("https://"):
            problems.append("REGISTRY_ISSUER_URL must be an https URL")
        return problems


@lru_cache
def get_settings() -> RegistrySettings:
    return RegistrySettings()
