"""The demo landscape, its data requests, and the synthetic generator, on a database of their
own (the demo is a whole landscape; other tests keep building theirs in the shared one)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from convenor_registry.app import MIGRATIONS, create_app
from convenor_registry.areas import reference
from convenor_registry.config import RegistrySettings
from convenor_registry.demo import gateway_requests, synthetic
from convenor_registry.demo import service as demo_service
from convenor_registry.models import Change, HistoryEntry, Organisation
from convenor_shared import migrations, testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit

from .conftest import BOOTSTRAP_ID, BOOTSTRAP_SECRET
from .factories import Api, feed_cursor, token_for


@pytest.fixture(scope="module")
async def demo_database(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    url = await testing.create_database("registry_demo")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    database = Database(url)
    async with database.session() as session:
        await reference.load_all(session)
        await commit(session)
        assert (await demo_service.load(session))["loaded"] is True
        await commit(session)
    yield database
    await database.dispose()
    await testing.drop_database(url)


@pytest.fixture(scope="module")
async def demo(
    demo_database: Database, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    settings = RegistrySettings(
        database_url=demo_database.url,
        issuer_url="http://testserver",
        signing_key_dir=str(tmp_path_factory.mktemp("demo-keys")),
        bootstrap_client_id=BOOTSTRAP_ID,
        bootstrap_client_secret=BOOTSTRAP_SECRET,
        rate_limit_per_minute=0,
        log_level="WARNING",
        log_json=False,
    )
    async with testing.running(create_app(settings)) as http:
        yield Api(http, await token_for(http, BOOTSTRAP_ID, BOOTSTRAP_SECRET))


async def items(api: Api, url: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 200, **params} | ({"cursor": cursor} if cursor else {})
        page = (await api.get(url, params=query)).json()
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


class TestTheDemoLandscape:
    async def test_loading_it_again_changes_nothing(self, demo: Api, demo_database: Database):
        before = await feed_cursor(demo)
        async with demo_database.session() as session:
            again = await demo_service.load(session)
            await commit(session)
        assert again["loaded"] is False
        assert await feed_cursor(demo) == before

    async def test_merseyside_is_mapped_as_the_report_describes_it(self, demo: Api):
        body = (await demo.get("/v1/landscape", params={"area": "E23000004"})).json()
        by_name = {n["name"]: n["id"] for n in body["nodes"]}
        edges = {(e["source"], e["target"], e["kind"]): e for e in body["edges"]}
        board = by_name["Merseyside Strategic Policing and Partnership Board"]
        assert (by_name["Merseyside Violence Reduction Partnership"], board, "parent") in edges
        assert (by_name["Merseyside Criminal Justice Board"], board, "reports_to") in edges
        assert (by_name["Merseyside Combating Drugs Partnerships"], board, "reports_to") in edges
        vawg = by_name["Merseyside VAWG Strategic Group"]
        abuse = by_name["Merseyside Domestic Abuse Partnership Board"]
        pair = tuple(sorted([vawg, abuse]))
        assert edges[(*pair, "shared_members")]["jaccard"] == 1.0  # the duplication to find
        csps = [n for n in body["nodes"] if n["type"] == "csp"]
        assert len(csps) == 5 and all(len(n["footprint_gss_codes"]) == 1 for n in csps)

    async def test_every_indicator_has_something_to_show(self, demo: Api):
        assert await items(demo, "/v1/actions", overdue="true")
        partnerships = await items(demo, "/v1/partnerships")
        assert len(partnerships) >= 60
        today = datetime.now(UTC).date()
        never = [p for p in partnerships if p["last_reviewed_date"] is None]
        stale = [
            p
            for p in partnerships
            if p["last_reviewed_date"]
            and (today - date.fromisoformat(p["last_reviewed_date"])).days > 5 * 365
        ]
        assert never and stale
        assert {p["status"] for p in partnerships} >= {"active", "merging", "discontinued"}
        vrp = next(
            p for p in partnerships if p["name"] == "Merseyside Violence Reduction Partnership"
        )
        meetings = await items(demo, f"/v1/partnerships/{vrp['id']}/meetings")
        assert {m["status"] for m in meetings} >= {"held", "scheduled"}
        held = next(m for m in meetings if m["status"] == "held")
        register = (await demo.get(f"/v1/meetings/{held['id']}/attendance")).json()["records"]
        assert {"present", "officer"} <= {r["status"] for r in register}
        agenda = (await demo.get(f"/v1/meetings/{held['id']}/agenda-items")).json()
        assert agenda and any(item["themes"] for item in agenda)
        plans = await items(demo, "/v1/strategies", kind="police_and_crime_plan")
        assert len(plans) >= 5
        strategy = next(
            s for s in await items(demo, "/v1/strategies") if "Serious Violence" in s["name"]
        )
        priorities = (await demo.get(f"/v1/strategies/{strategy['id']}/priorities")).json()
        assert any(p["aligned_to_ids"] for p in priorities)

    async def test_an_export_of_merseyside_reimports_as_a_no_op(self, demo: Api):
        exported = await demo.get("/v1/export", params={"area": "E23000004"})
        response = await demo.post(
            "/v1/import",
            params={"dry_run": "true"},
            files={"file": ("merseyside.xlsx", exported.content, "application/octet-stream")},
        )
        assert response.status_code == 200, response.text
        summary = response.json()["summary"]
        assert all(c["created"] == c["updated"] == 0 for c in summary.values()), summary
        assert summary["attendance"]["unchanged"] > 200


class TestDataRequestsInFlight:
    async def test_the_requests_go_to_the_gateway_over_http(self, demo_database: Database):
        calls: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            calls.append(request)
            path = request.url.path
            if path == "/oauth/token":
                return httpx.Response(200, json={"access_token": "token-" + str(len(calls))})
            if request.method == "GET" and path == "/v1/requests":
                return httpx.Response(200, json={"items": [], "next_cursor": None})
            if path == "/v1/requests":
                return httpx.Response(201, json={"id": f"r{len(calls)}", "status": "submitted"})
            body = json.loads(request.content)
            return httpx.Response(200, json={"id": "r", "status": body["to"]})

        async with demo_database.session() as session:
            clients = await gateway_requests.make_clients(session)
            await commit(session)
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
            result = await gateway_requests.create(
                http, "http://registry", "http://gateway", clients, date(2026, 3, 1)
            )
        assert result["requests"] == len(gateway_requests.ASKS)
        assert result["by_status"]["refused"] == 1 and result["by_status"]["approved"] == 1
        created = [c for c in calls if c.method == "POST" and c.url.path == "/v1/requests"]
        assert all(c.headers["idempotency-key"].startswith("demo-") for c in created)
        first = json.loads(created[0].content)
        assert (
            first["legal_gateways"] == ["pcsc-2022-s17"] and first["identifiability"] == "aggregate"
        )

    async def test_without_a_gateway_it_says_so(self):
        def down(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
            assert await gateway_requests.gateway_ready(http, "http://gateway") is False


class TestTheSyntheticLandscape:
    async def test_it_is_seeded_bulk_written_and_on_the_feed_as_the_api_shows_it(
        self, demo: Api, demo_database: Database
    ):
        async with demo_database.session() as session:
            made = await synthetic.generate(
                session, areas=2, seed=11, years=1, now=datetime.now(UTC)
            )
        assert made["areas"] == 2 and made["partnerships"] >= 40 and made["meetings"] > 100
        async with demo_database.session() as session:
            again = await synthetic.generate(
                session, areas=2, seed=11, years=1, now=datetime.now(UTC)
            )
            assert again["areas"] == 0 and len(again["skipped"]) == 2
            synthetic_rows = await session.scalar(
                select(func.count())
                .select_from(HistoryEntry)
                .where(HistoryEntry.actor == "system:synthetic")
            )
            assert synthetic_rows and synthetic_rows > 1000
            office = (
                await session.execute(
                    select(Organisation).where(
                        Organisation.name == "Cumbria Police Partnership Office"
                    )
                )
            ).scalar_one()
            entries = (
                await session.execute(select(Change).where(Change.entity == "partnership"))
            ).scalars()
            feed = {c.entity_id: c.data for c in entries}
        assert office.managed_by_id is not None
        partnerships = await items(demo, "/v1/partnerships", area="E23000002")
        sample = partnerships[0]
        assert feed[sample["id"]] == sample
        meetings = await items(demo, f"/v1/partnerships/{sample['id']}/meetings")
        assert meetings
        meeting = (await demo.get(f"/v1/meetings/{meetings[0]['id']}")).json()
        async with demo_database.session() as session:
            change = (
                await session.execute(select(Change).where(Change.entity_id == meeting["id"]))
            ).scalar_one()
        assert change.data == meeting
