"""Settings, the command line and the migrations."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from convenor_analytics.app import MIGRATIONS
from convenor_analytics.cli import parser
from convenor_analytics.config import AnalyticsSettings
from convenor_analytics.parameters import Parameters
from convenor_shared import migrations


class TestSettings:
    def test_the_issuer_defaults_to_the_registry(self):
        assert AnalyticsSettings(registry_url="http://r.example").issuer_url == "http://r.example"
        named = AnalyticsSettings(registry_url="http://r.example", issuer_url="https://idp")
        assert named.issuer_url == "https://idp"

    def test_the_client_defaults_to_the_bootstrap_credentials(
        self, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setenv("CONVENOR_BOOTSTRAP_CLIENT_ID", "boot")
        monkeypatch.setenv("CONVENOR_BOOTSTRAP_CLIENT_SECRET", "boot-secret")
        settings = AnalyticsSettings()
        assert (settings.client_id, settings.client_secret) == ("boot", "boot-secret")
        monkeypatch.setenv("ANALYTICS_CLIENT_ID", "own")
        assert AnalyticsSettings().client_id == "own"

    def test_parameters_are_configuration(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("ANALYTICS_PARAMETERS__WORKING_HOURS_PER_YEAR", "1800")
        monkeypatch.setenv("ANALYTICS_PARAMETERS__SLA_WORKING_DAYS", "15")
        parameters = AnalyticsSettings().parameters
        assert parameters.working_hours_per_year == Decimal(1800)
        assert parameters.sla_working_days == 15
        assert parameters.fingerprint() != Parameters().fingerprint()

    def test_rates_finer_than_a_millionth_are_refused(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv(
            "ANALYTICS_PARAMETERS__PENSION_RATES",
            '[{"scheme": "lgps", "effective_from": "2023-04-01", "rate": "0.2111111"}]',
        )
        with pytest.raises(ValueError, match="six decimal places"):
            AnalyticsSettings()


class TestTheCommandLine:
    def test_serve_migrate_and_sync_are_commands(self):
        args = parser().parse_args(["serve"])
        assert (args.host, args.port) == ("127.0.0.1", 8003)
        assert parser().parse_args(["migrate"]).revision == "head"
        assert parser().parse_args(["sync"]).command == "sync"


class TestMigrations:
    async def test_they_go_down_to_nothing_and_up_again(self, fresh: str):
        def tables() -> set[str]:
            async def read() -> set[str]:
                engine = create_async_engine(fresh)
                async with engine.connect() as conn:
                    names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
                await engine.dispose()
                return names

            return asyncio.run(read())

        await asyncio.to_thread(migrations.downgrade, MIGRATIONS, fresh, "base")
        assert await asyncio.to_thread(tables) <= {"alembic_version"}
        await asyncio.to_thread(migrations.upgrade, MIGRATIONS, fresh)
        assert {"records", "sync_sources", "sync_runs"} <= await asyncio.to_thread(tables)
