"""The sync: incremental, idempotent, resumable, and safe when a neighbour misbehaves."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from convenor_analytics.sync import repository as sync_repository

from . import landscapes
from .conftest import running
from .factories import FakeServices, gss


def status_of(body: dict[str, Any], source: str) -> dict[str, Any]:
    return next(s for s in body["sources"] if s["source"] == source)


class TestIncrementalSync:
    async def test_a_second_sync_with_nothing_new_changes_nothing(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake) as service:
            landscapes.build(service.world)
            first = (await service.sync()).json()
            assert first["status"] == "ok"
            assert first["items_applied"] == len(fake.registry.items) + len(fake.gateway.items)
            generation = (await service.get("/v1/sync/status")).json()["generation"]
            second = (await service.sync()).json()
            assert second["items_applied"] == 0
            status = (await service.get("/v1/sync/status")).json()
            assert status["generation"] == generation
            assert status_of(status, "registry")["cursor"] == str(len(fake.registry.items))
            assert status_of(status, "registry")["items_behind"] == 0

    async def test_a_restart_resumes_from_the_stored_cursor(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake) as service:
            land = landscapes.build(service.world)
            await service.sync()
        seen = len(fake.registry.items)
        area = service.world.area("Later", "local_authority", gss("E06"), land.force)
        service.world.partnership("Later Board", [area])
        fake.registry.asked_after.clear()
        async with running(fresh, fake) as again:
            result = (await again.sync()).json()
            assert result["sources"]["registry"]["items_applied"] == 2
            assert fake.registry.asked_after[0] == str(seen)
            c6 = await again.indicator("C6", area=land.force["gss_code"])
            assert c6["n"] == 4

    async def test_a_delete_removes_the_entity(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake) as service:
            land = landscapes.build(service.world)
            await service.sync()
            service.world.delete("partnership", land.c["id"])
            await service.sync()
            g1 = await service.indicator("G1", area=land.force["id"], **landscapes.WINDOW)
            assert g1["n"] == 2

    async def test_a_page_that_fails_half_way_applies_nothing(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake, sync_page_size=1000) as service:
            landscapes.build(service.world)
            fake.registry.fault = "bad-item"
            response = await service.sync()
            assert response.status_code == 502
            assert response.json()["type"] == "/problems/feed-malformed"
            status = (await service.get("/v1/sync/status")).json()
            assert status_of(status, "registry")["cursor"] is None
            assert status_of(status, "registry")["items_applied"] == 0
            assert status_of(status, "registry")["last_error_type"] == "feed-malformed"
            fake.registry.fault = None
            assert (await service.sync()).json()["status"] == "ok"

    async def test_a_database_failure_mid_page_rolls_the_page_back(
        self, fresh: str, monkeypatch: pytest.MonkeyPatch
    ):
        fake = FakeServices()

        async def broken(*args: Any, **kwargs: Any) -> None:
            raise sa_exc.OperationalError("DELETE", {}, Exception("connection lost"))

        async with running(fresh, fake, sync_page_size=1000) as service:
            land = landscapes.build(service.world)
            service.world.delete("partnership", land.c["id"])
            monkeypatch.setattr(sync_repository, "delete_records", broken)
            response = await service.sync()
            assert response.status_code == 503
            assert response.json()["type"] == "/problems/sync-storage-failed"
            monkeypatch.undo()
            status = (await service.get("/v1/sync/status")).json()
            assert status_of(status, "registry")["items_applied"] == 0
            assert (await service.sync()).json()["status"] == "ok"


class TestScheduleAndRecompute:
    async def test_the_sync_runs_on_its_schedule(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake, sync_interval_seconds=0.05) as service:
            landscapes.build(service.world)
            for _ in range(100):
                status = (await service.get("/v1/sync/status")).json()
                if status["last_run"] and status["generation"]:
                    break
                await asyncio.sleep(0.05)
            assert status["last_run"]["trigger"] == "schedule"
            assert status_of(status, "registry")["items_applied"] == len(fake.registry.items)

    async def test_after_a_failure_the_schedule_tries_again_soon(self, fresh: str):
        fake = FakeServices()
        fake.registry.fault = "down"
        overrides = {"sync_interval_seconds": 3600, "sync_retry_seconds": 0.05}
        async with running(fresh, fake, **overrides) as service:
            landscapes.build(service.world)
            await asyncio.sleep(0.1)
            fake.registry.fault = None
            for _ in range(100):
                status = (await service.get("/v1/sync/status")).json()
                registry = status_of(status, "registry")
                # Pages are committed as they are applied and the error is cleared when the
                # run ends: wait for the end of a run, not for its first page.
                if registry["items_applied"] and registry["last_error"] is None:
                    break
                await asyncio.sleep(0.05)
            assert status_of(status, "registry")["last_error"] is None
            assert status_of(status, "registry")["items_applied"] == len(fake.registry.items)

    async def test_a_sync_that_changed_something_recomputes_the_national_indicators(
        self, fresh: str
    ):
        fake = FakeServices()
        async with running(fresh, fake, recompute_after_sync=True) as service:
            land = landscapes.build(service.world)
            await service.sync()
            for task in list(service.app.state.warming):
                await task
            g1 = await service.indicator("G1")
            assert g1["n"] == 3 and g1["read_model_generation"] >= 1
            assert land.a["id"] in {r["key"] for r in g1["breakdowns"]["by_partnership"]}


class TestNeighboursThatMisbehave:
    @pytest.mark.parametrize(
        ("fault", "code", "slug"),
        [("down", 503, "feed-unreachable"), ("slow", 504, "feed-timeout"),
         ("malformed", 502, "feed-malformed")],
    )  # fmt: skip
    async def test_the_failure_is_a_problem_and_is_recorded(
        self, fresh: str, fault: str, code: int, slug: str
    ):
        fake = FakeServices()
        async with running(fresh, fake) as service:
            landscapes.build(service.world)
            fake.gateway.fault = fault
            response = await service.sync()
            assert response.status_code == code
            body = response.json()
            assert body["type"] == f"/problems/{slug}"
            assert body["sync"]["sources"]["registry"]["items_applied"] > 0
            status = (await service.get("/v1/sync/status")).json()
            assert status_of(status, "gateway")["last_error_type"] == slug
            assert status["last_run"]["status"] == "partial"

    async def test_the_feeds_are_read_with_the_services_own_token(self, fresh: str):
        fake = FakeServices()
        async with running(fresh, fake) as service:
            await service.sync()
            await service.sync()
            assert fake.tokens_issued == 1

    async def test_a_sync_needs_a_token(self, fresh: str):
        async with running(fresh, FakeServices()) as service:
            assert (await service.client.post("/v1/sync")).status_code == 401
            other = service.fake.issuer.headers(["registry:read"])
            assert (await service.client.post("/v1/sync", headers=other)).status_code == 403
