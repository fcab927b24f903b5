"""Settings every service shares. Each service subclasses :class:`ServiceSettings` with its own
environment prefix (``REGISTRY_``, ``GATEWAY_``, ``ANALYTICS_``) and adds what only it needs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ALL_AUDIENCES = ("convenor-registry", "convenor-gateway", "convenor-analytics")


class InsecureConfiguration(RuntimeError):
    """Raised at start-up when production mode finds a setting it will not run with."""


class ServiceSettings(BaseSettings):
    """What every service is configured with. Subclasses set ``model_config`` with their prefix."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///var/service.db"
    database_pool_size: int = Field(default=10, ge=1)
    database_timeout_seconds: float = Field(default=5.0, gt=0)
    # Most requests one group-commit batch takes (PostgreSQL; 0 or 1 turns batching off).
    # About half the requests a process serves at once: one batch works while another
    # commits (a batch holding every request in flight leaves the process idle during its
    # commit).
    group_commit_max: int = Field(default=8, ge=0, le=256)
    issuer_url: str = "http://127.0.0.1:8001"
    jwks_url: str | None = None  # defaults to <issuer>/oauth/jwks.json
    revocations_url: str | None = None  # defaults to <issuer>/oauth/revocations
    revocation_check_seconds: float = Field(default=30.0, ge=0)  # 0: no check
    token_algorithms: list[str] = ["Ed25519", "EdDSA", "ES256"]
    token_leeway_seconds: int = Field(default=30, ge=0, le=300)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_page_limit: int = Field(default=200, ge=1)
    default_page_limit: int = Field(default=50, ge=1)
    rate_limit_per_minute: int = Field(default=1200, ge=0)  # 0 turns rate limiting off
    log_level: str = "INFO"
    log_json: bool = True
    debug: bool = False
    tls_verify: bool = True
    tracing_enabled: bool = False
    tracing_endpoint: str | None = None  # else OTEL_EXPORTER_OTLP_ENDPOINT

    @property
    def audience(self) -> str:
        """The ``aud`` value this service accepts in tokens."""
        raise NotImplementedError

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_jwks_url(self) -> str:
        return self.jwks_url or self.issuer_url.rstrip("/") + "/oauth/jwks.json"

    def resolved_revocations_url(self) -> str:
        return self.revocations_url or self.issuer_url.rstrip("/") + "/oauth/revocations"

    def production_problems(self) -> list[str]:
        """What production mode refuses; subclasses extend the list."""
        problems: list[str] = []
        if self.is_sqlite:
            problems.append("SQLite is the development database; set a PostgreSQL DATABASE_URL")
        if self.debug:
            problems.append("debug must be off")
        if not self.tls_verify:
            problems.append("TLS verification must stay on")
        return problems

    def check_production(self) -> None:
        """Refuse to start in production with any of :meth:`production_problems`."""
        if self.environment != "production":
            return
        problems = self.production_problems()
        if problems:
            raise InsecureConfiguration("; ".join(problems))
