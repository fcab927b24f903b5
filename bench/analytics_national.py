"""Analytics at national scale: a full recompute over a synthetic landscape of the 43 force
areas (thousands of partnerships, three years of meetings) and over one twice its size, and
indicator reads after the recompute against a bare FastAPI GET of the same body.

    .venv/bin/python bench/analytics_national.py [--runs 3] [--reads 200] [--boards-per-area 50]

The landscape is generated in process as change-feed records (docs/change-feeds.md) and
written to a fresh SQLite read model with the sync's own upsert. "Recompute" is what follows a
sync: load the read model, build the landscape, cost every meeting, and compute all 57
indicators nationally. Goals: t(2N)/t(N) <= 2.2; reads at least 0.5 of the bare GET.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Response

from convenor_analytics.app import MIGRATIONS, create_app
from convenor_analytics.config import AnalyticsSettings
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.indicators.context import Context
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.parameters import Parameters
from convenor_analytics.sync import repository as sync_repository
from convenor_shared import migrations, testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit

AREAS = 43
TODAY = date.today()
THEMES = ["serious_violence", "vawg", "domestic_abuse", "drugs", "asb", "reoffending", "victims"]
THEMES += ["youth_justice", "exploitation", "road_safety", "mental_health", "other"]
BANDS = ["25k_35k", "35k_45k", "45k_55k", "55k_70k", "70k_90k", "90k_120k"]
TYPES = ["csp", "vawg_board", "domestic_abuse_board", "cdp", "svd_partnership", "sub_group"]
KINDS = [("local_authority", "lgps"), ("health", "nhs"), ("probation", "civil_service_alpha")]
KINDS += [("fire_rescue", "fire")]
Row = tuple[str, str, str, dict[str, Any]]


class Generator:
    """(source, entity, id, data) rows: every board meets quarterly for the three years to
    today, with attendance, agendas, decisions, actions; strategies and data requests."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.rows: list[Row] = []

    def put(self, entity: str, source: str = "registry", **data: Any) -> dict[str, Any]:
        data.setdefault("id", str(uuid.UUID(int=self.rng.getrandbits(128), version=4)))
        self.rows.append((source, entity, data["id"], data))
        return data

    def area(self, a: int, boards: int) -> None:
        rng, put = self.rng, self.put
        force = put("area", gss_code=f"E23{a:06d}", name=f"Force {a}",
                    classification="police_force_area", parent_id=None)  # fmt: skip
        las = [
            put(
                "area",
                gss_code=f"E07{a:03d}{k:03d}",
                name=f"LA {a}.{k}",
                classification="local_authority",
                parent_id=force["id"],
            )
            for k in range(8)
        ]
        police = put("organisation", name=f"Police {a}", classification="police_force",
                     pension_scheme="police", area_ids=[force["id"]])  # fmt: skip
        pcc = put("organisation", name=f"OPCC {a}", classification="local_policing_body",
                  pension_scheme="lgps", area_ids=[force["id"]])  # fmt: skip
        orgs = [police, pcc] + [
            put(
                "organisation",
                name=f"Org {a}.{k}",
                classification=KINDS[k % 4][0],
                pension_scheme=KINDS[k % 4][1],
                area_ids=[rng.choice(las)["id"]],
            )
            for k in range(3 + boards // 6)
        ]
        people = [
            put(
                "person",
                organisation_id=rng.choice(orgs)["id"],
                seniority=rng.randint(1, 5),
                salary_band=rng.choice(BANDS),
                contract_hours="37",
            )
            for _ in range(boards * 12 // 3)
        ]
        first: dict[str, Any] | None = None
        for b in range(boards):
            board = self.board(a, b, las, first)
            first = first or board
            self.meetings(board, rng.sample(people, 12), orgs)
        self.strategies(a, pcc, first)
        self.requests(pcc, orgs[2:], boards * 2)

    def board(self, a: int, b: int, las: list[Any], first: dict[str, Any] | None) -> dict[str, Any]:
        rng = self.rng
        reviewed = None if rng.random() < 0.3 else f"{rng.randint(2015, 2026)}-06-01"
        board = self.put(
            "partnership", name=f"Board {a}.{b}", type=rng.choice(TYPES),
            statutory=rng.random() < 0.4, footprint_area_ids=[rng.choice(las)["id"]],
            parent_id=first["id"] if first and rng.random() < 0.3 else None,
            themes=rng.sample(THEMES, 2), status="active",
            established_date=f"{rng.randint(2005, 2025)}-04-01", last_reviewed_date=reviewed,
            meetings_per_year=4, annual_support_cost=str(rng.randint(0, 20000)),
        )  # fmt: skip
        self.put("review", partnership_id=board["id"], outcome="retain",
                 review_date=f"{rng.randint(2018, 2026)}-03-01")  # fmt: skip
        return board

    def meetings(self, board: dict[str, Any], members: list[Any], orgs: list[Any]) -> None:
        rng, put = self.rng, self.put
        for person in members:
            put("membership", partnership_id=board["id"], person_id=person["id"],
                on_behalf_of_id=person["organisation_id"], role="member",
                required=rng.random() < 0.2, start_date="2020-01-01", end_date=None)  # fmt: skip
        # Quarterly for the three years to today, so the trailing year holds four.
        day = TODAY - timedelta(days=3 * 365 - rng.randrange(60))
        start = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        for m in range(12):
            when = start + timedelta(days=91 * m)
            if when.date() > TODAY:
                break
            meeting = put(
                "meeting", partnership_id=board["id"], start=when.isoformat(),
                end=(when + timedelta(hours=2)).isoformat(), prep_minutes=60,
                mode=rng.choice(["in_person", "online"]), status="held", support_hours="2",
                purpose=rng.choice(["decision", "delivery", "relational", "horizon_scanning"]),
                direct_costs="50",
            )  # fmt: skip
            statuses = rng.choices(
                ["present", "apologies", "absent", "deputy"], [80, 10, 5, 5], k=12
            )
            records = [
                {"person_id": p["id"], "status": s, "deputy_for_id": None,
                 "on_behalf_of_id": p["organisation_id"]}
                for p, s in zip(members, statuses, strict=True)
            ]  # fmt: skip
            put("attendance", id=meeting["id"], meeting_id=meeting["id"], records=records)
            for position in range(3):
                put("agenda_item", meeting_id=meeting["id"], position=position,
                    item_type=rng.choice(["decision", "discussion", "information"]),
                    themes=[rng.choice(THEMES)],
                    recurring_key="standing" if position == 0 else None)  # fmt: skip
            for _ in range(rng.randint(0, 2)):
                put("decision", meeting_id=meeting["id"], agenda_item_id=None)
            if rng.random() < 0.7:
                due = when.date() + timedelta(days=60)
                done = rng.random() < 0.6
                finished = (due - timedelta(days=rng.randint(-20, 20))).isoformat()
                put("action", partnership_id=board["id"], meeting_id=meeting["id"],
                    owner_organisation_id=rng.choice(orgs)["id"], due_date=due.isoformat(),
                    status="done" if done else "open",
                    completed_date=finished if done else None)  # fmt: skip

    def strategies(self, a: int, pcc: dict[str, Any], board: dict[str, Any] | None) -> None:
        rng, put = self.rng, self.put
        plan = put("strategy", name=f"Police and Crime Plan {a}", kind="police_and_crime_plan",
                   owner_organisation_id=pcc["id"], status="active")  # fmt: skip
        goals = [put("priority", strategy_id=plan["id"], themes=[t]) for t in THEMES[:5]]
        for s in range(5):
            strategy = put("strategy", name=f"Strategy {a}.{s}", kind="partnership_strategy",
                           owner_partnership_id=board["id"] if board else None,
                           status="active")  # fmt: skip
            for _ in range(5):
                aligned = [rng.choice(goals)["id"]] if rng.random() < 0.6 else []
                put("priority", strategy_id=strategy["id"], themes=[rng.choice(THEMES)],
                    aligned_to_ids=aligned)  # fmt: skip

    def requests(self, pcc: dict[str, Any], holders: list[Any], count: int) -> None:
        rng = self.rng
        for _ in range(count):
            day = TODAY - timedelta(days=rng.randrange(700))
            submitted = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            decided = submitted + timedelta(days=rng.randint(2, 60)) if rng.random() < 0.8 else None
            status = (
                rng.choice(["approved", "refused", "partially_approved"])
                if decided
                else "submitted"
            )
            request = self.put(
                "data_request", "gateway", requester_organisation_id=pcc["id"],
                holder_organisation_id=rng.choice(holders)["id"],
                purpose="serious_violence_prevention", data_categories=["aggregate"],
                legal_gateways=["cda-1998-s115"] if rng.random() < 0.8 else [], status=status,
                reason_code="not_held" if status == "refused" else None,
                submitted_at=submitted.isoformat(), decided_at=decided and decided.isoformat(),
                clarification_rounds=rng.choice([0, 0, 0, 1, 2]),
            )  # fmt: skip
            if decided:
                self.put("request_transition", "gateway", request_id=request["id"],
                         to_status=status, at=decided.isoformat())  # fmt: skip


def generate(boards_per_area: int) -> list[Row]:
    generator = Generator()
    for a in range(AREAS):
        generator.area(a, boards_per_area)
    return generator.rows


async def fill(url: str, rows: list[Row]) -> None:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    database = Database(url)
    now = datetime.now(UTC)
    for start in range(0, len(rows), 20_000):
        async with database.session() as session:
            await sync_repository.upsert_records(
                session,
                [
                    {
                        "source": s,
                        "entity": e,
                        "entity_id": i,
                        "cursor": start + n + 1,
                        "at": now,
                        "data": d,
                    }
                    for n, (s, e, i, d) in enumerate(rows[start : start + 20_000])
                ],
            )
            await sync_repository.bump_generation(session, now)
            await commit(session)
    async with database.engine.connect() as conn:  # fold the write-ahead log into the file
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    await database.dispose()


async def recompute(url: str) -> tuple[float, float, int]:
    """(load and build, compute every national indicator) in seconds, and the partnerships."""
    database = Database(url)
    parameters = Parameters()
    cache = LandscapeCache(parameters, 0, 4096)
    start = time.perf_counter()
    async with database.session() as session:
        land = await cache.current(session)
    loaded = time.perf_counter()
    ctx = Context(land, parameters, cache)
    scope = indicators_service.scope_of(ctx, None, None, None, None, TODAY)
    indicators_service.recompute(ctx, scope)
    done = time.perf_counter()
    await database.dispose()
    return loaded - start, done - loaded, len(land.partnerships)


def bare_app(body: bytes) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/indicators/{indicator}")
    async def get(indicator: str) -> Response:
        return Response(body, media_type="application/json")

    return app


async def reads(url: str, count: int, batches: int = 10) -> tuple[float, float, int]:
    """Median seconds per batch of ``count`` reads, ours and the bare app's, interleaved so
    that the machine's noise hits both alike."""
    issuer = testing.LocalIssuer("http://registry.bench")
    settings = AnalyticsSettings(
        database_url=url,
        issuer_url=issuer.issuer,
        registry_url=issuer.issuer,
        sync_interval_seconds=0,
        rate_limit_per_minute=0,
        log_level="WARNING",
        log_json=False,
        recompute_after_sync=False,
    )
    headers = issuer.headers(["analytics:read"])
    path, params = "/v1/indicators/G1", {"area": "E23000007"}
    ours: list[float] = []
    bare: list[float] = []
    app = create_app(settings, http_transport=issuer.transport())
    async with testing.running(app) as client:
        body = (await client.get(path, params=params, headers=headers)).content
        async with testing.running(bare_app(body)) as baseline:
            for _ in range(batches):
                ours.append(await _time(client, path, params, headers, count))
                bare.append(await _time(baseline, path, params, headers, count))
    return statistics.median(ours), statistics.median(bare), len(body)


async def _time(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    count: int,
) -> float:
    for _ in range(20):
        assert (await client.get(path, params=params, headers=headers)).status_code == 200
    start = time.perf_counter()
    for _ in range(count):
        await client.get(path, params=params, headers=headers)
    return time.perf_counter() - start


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--boards-per-area", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="convenor-bench-"))
    sizes = {"N": args.boards_per_area, "2N": args.boards_per_area * 2}
    urls, records = {}, {}
    for label, boards in sizes.items():
        rows = generate(boards)
        urls[label] = f"sqlite+aiosqlite:///{folder / f'analytics-{label}.db'}"
        records[label] = len(rows)
        await fill(urls[label], rows)
        del rows
    # N and 2N alternate, so that whatever else the machine is doing hits both alike.
    runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in sizes}
    for _ in range(args.runs):
        for label in sizes:
            gc.collect()
            runs[label].append(await recompute(urls[label]))
    totals = {}
    for label, measured in runs.items():
        load = statistics.median(r[0] for r in measured)
        compute = statistics.median(r[1] for r in measured)
        totals[label] = statistics.median(r[0] + r[1] for r in measured)
        print(
            f"{label}: {measured[0][2]} partnerships, {records[label]} records; recompute median "
            f"of {args.runs}: {totals[label]:.2f} s (load and build {load:.2f} s, indicators "
            f"{compute:.2f} s)"
        )
    print(f"t(2N)/t(N) = {totals['2N'] / totals['N']:.2f} (goal <= 2.2)")
    ours, bare, size = await reads(urls["N"], args.reads)
    print(
        f"reads after recompute (N): batches of {args.reads} GET /v1/indicators/G1?area=... "
        f"({size} bytes), median {ours:.3f} s; bare FastAPI GET of the same body {bare:.3f} s; "
        f"ratio {bare / ours:.2f} (goal >= 0.5)"
    )


if __name__ == "__main__":
    asyncio.run(main())
