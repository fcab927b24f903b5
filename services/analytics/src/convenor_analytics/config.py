"""Analytics settings (environment prefix ``ANALYTICS_``).

The indicator parameters (working hours, on-cost tables, thresholds) are configuration too:
``ANALYTICS_PARAMETERS__WORKING_HOURS_PER_YEAR=1800``, or the whole set as JSON in
``ANALYTICS_PARAMETERS``. Their defaults and sources are in :mod:`convenor_analytics.parameters`.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from convenor_analytics.parameters import Parameters
from convenor_shared.settings import ServiceSettings

WEAK_SECRET_LENGTH = 24


class AnalyticsSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="ANALYTICS_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_nested_delimiter="__",
    )

    database_url: str = "sqlite+aiosqlite:///var/analytics.db"
    registry_url: str = "http://127.0.0.1:8001"
    gateway_url: str = "http://127.0.0.1:8002"
    issuer_url: str = Field(default="http://127.0.0.1:8001", description="Default: registry_url")
    client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANALYTICS_CLIENT_ID", "CONVENOR_BOOTSTRAP_CLIENT_ID"),
    )
    client_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "ANALYTICS_CLIENT_SECRET", "CONVENOR_BOOTSTRAP_CLIENT_SECRET"
        ),
    )
    # The scopes the sync asks for: reading both change feeds, nothing more.
    sync_scopes: str = "registry:read gateway:feed"
    # 0 turns the background sync off (the tests do); POST /v1/sync still works.
    sync_interval_seconds: float = Field(default=300.0, ge=0)
    sync_retry_seconds: float = Field(default=15.0, gt=0)
    sync_page_size: int = Field(default=500, ge=1, le=1000)
    # A run stops after this many pages and resumes at the next one, so one run stays short.
    sync_max_pages: int = Field(default=200, ge=1)
    sync_timeout_seconds: float = Field(default=10.0, gt=0)
    # How often a replica checks whether another one synced new data (seconds).
    cache_check_seconds: float = Field(default=1.0, ge=0)
    cache_entries: int = Field(default=1024, ge=16)
    # After a sync that changed something, recompute every national indicator in the
    # background so that reads find them ready (the tests turn it off to stay deterministic).
    recompute_after_sync: bool = True
    parameters: Parameters = Field(default_factory=Parameters)

    @model_validator(mode="after")
    def _issuer_defaults_to_the_registry(self) -> AnalyticsSettings:
        # The registry issues the tokens unless another issuer is named.
        if "issuer_url" not in self.model_fields_set:
            self.issuer_url = self.registry_url
        return self

    @property
    def audience(self) -> str:
        return "convenor-analytics"

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not self.client_id or not self.client_secret:
            problems.append("ANALYTICS_CLIENT_ID and ANALYTICS_CLIENT_SECRET must be set")
        elif len(self.client_secret) < WEAK_SECRET_LENGTH:
            problems.append("ANALYTICS_CLIENT_SECRET is too short to be a real secret")
        if self.client_id and self.client_id == os.environ.get("CONVENOR_BOOTSTRAP_CLIENT_ID"):
            problems.append("the bootstrap client is for development; give analytics its own")
        for name, url in (
            ("ANALYTICS_REGISTRY_URL", self.registry_url),
            ("ANALYTICS_GATEWAY_URL", self.gateway_url),
            ("ANALYTICS_ISSUER_URL", self.issuer_url),
        ):
            if not url.startswith("https://"):
                problems.append(f"{name} must be an https URL")
        return problems


@lru_cache
def get_settings() -> AnalyticsSettings:
    return AnalyticsSettings()
