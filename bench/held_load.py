"""Held load: a constant arrival rate (open model) for a minute, latency from each request's
intended send time, and the cost of signing audit checkpoints under that load.

    .venv/bin/python bench/held_load.py [--duration 60] [--max-in-flight 100]
    CONVENOR_HELD_SECONDS=20 .venv/bin/python bench/held_load.py   # shorter

The registry and the gateway run under uvicorn on fresh databases (``tests/live.py``). For each
endpoint -- registry ``GET /v1/partnerships/{id}``, gateway ``POST /v1/requests`` (submitted at
once, a fresh ``Idempotency-Key`` each), gateway ``GET /v1/requests/{id}`` -- the benchmark

1. measures the endpoint's own saturation: a closed loop of 16 concurrent clients for 5 s,
   the rate of 2xx answers;
2. holds HALF of that rate for ``--duration`` seconds in an open model: request ``i`` is due at
   ``start + i / rate`` whatever happened to the ones before, each is sent in its own task, and
   its latency runs from the moment it was DUE, not the moment it was sent. A server that
   stalls (or a load generator that falls behind) shows in the latency instead of silently
   slowing the arrivals (no coordinated omission). At most ``--max-in-flight`` requests are
   outstanding: one due while that many are is not sent and counts as an error, never waits.

Printed per endpoint: saturation, target rate, achieved rate (2xx answers per second of the
hold), errors (non-2xx, over the in-flight cap, timeouts and transport failures), p50 and p99
latency in ms over every request sent (errors included: a timeout counts at its full length);
and, to tell the service's own stalls from its neighbours', the cores busy on the whole machine
during the hold and how many of them were ours (load generator and servers; PostgreSQL is in
the rest), and how many checkpoints PostgreSQL itself made (on a shared server other suites'
CREATE/DROP DATABASE force them, and their fsyncs stall every commit for a moment).

Then the checkpoint-signing comparison: the gateway submit is held at the same rate with the
background checkpointer off (``GATEWAY_CHECKPOINT_INTERVAL_SECONDS=0``) and on (``=1``: every
second, when the log has grown, a checkpoint over the new entries is verified, extended and
signed, off the request path), the gateway restarted for each, the runs interleaved
(off, on, on, off, off, on, ...). Before a run with signing on, the checkpointer first catches
up with the log the earlier runs left, so the run measures steady-state signing, not a backlog;
both arms then pause two seconds. The runs share one database, so each starts with a longer
audit log than the one before (recorded as ``audit_log_entries_at_start``); the ABBA order
balances a steady drift between the arms. Printed: the medians of each arm's p50 and p99
and the ratio p99 on / p99 off (goal at most 1.2). A p99 over 20 s is about the slowest 14
requests, so one stall of the machine of a few hundred ms moves it: compare runs, not single
figures.

Results go to ``build/reliability/held_load.json`` too (to ``$CONVENOR_RELIABILITY_FIGURES``
if set, as ``make soak`` does). The exit status is non-zero only if the
benchmark itself fails; a missed goal is reported, not asserted.

Caveat: on a shared 2-core machine the load generator (Python, asyncio + httpx, one process)
competes for the same cores with both servers and PostgreSQL, and with whatever else runs there.
Saturation is "what the whole machine manages", the held rate is half of that, and absolute
figures move from run to run; the on/off ratio, measured in one run with interleaving, much less.
Uses PostgreSQL when one answers on localhost:5432 (``CONVENOR_TEST_POSTGRES=required`` makes
it an error if none does), SQLite otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.live, when run as a script

from tests.live import LiveStack, Organisation  # noqa: E402

# Where `make soak` collects the figures of the long runs (CONVENOR_RELIABILITY_FIGURES).
FIGURES = Path(os.environ.get("CONVENOR_RELIABILITY_FIGURES") or ROOT / "build" / "reliability")
OUTPUT = FIGURES / "held_load.json"
SATURATION_CLIENTS = 16
SATURATION_SECONDS = 5.0
WARM_SECONDS = 1.5
REQUEST_TIMEOUT = 10.0
SIGNING_GOAL = 1.2
SETTLE_SECONDS = 2.0

# One request: given the client and a serial number, its answer.
Send = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


# --- the load generator ------------------------------------------------------------------------


@dataclass
class Held:
    """What one held run saw."""

    target_rate: float
    duration: float
    due: int = 0
    ok: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds from due to answered
    errors: Counter[str] = field(default_factory=Counter)
    behind: float = 0.0  # the most the scheduler was late in sending a request, seconds

    @property
    def achieved_rate(self) -> float:
        return self.ok / self.duration

    def summary(self) -> dict[str, Any]:
        return {
            "target_rate": round(self.target_rate, 1),
            "achieved_rate": round(self.achieved_rate, 1),
            "requests": self.due,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=math.nan) * 1000, 1),
            "scheduler_max_late_ms": round(self.behind * 1000, 1),
        }


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (NaN of nothing)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def client(max_in_flight: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight)
    return httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT)


async def closed_loop(send: Send, clients: int, seconds: float, max_in_flight: int) -> float:
    """2xx answers per second from ``clients`` sending back to back for ``seconds``."""
    ok = 0
    serial = 0
    async with client(max(clients, max_in_flight)) as http:
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal ok, serial
            while time.monotonic() < deadline:
                serial += 1
                try:
                    response = await send(http, serial)
                except httpx.HTTPError:
                    continue
                ok += response.is_success

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return ok / (time.monotonic() - started)


async def hold(send: Send, rate: float, duration: float, max_in_flight: int) -> Held:
    """Open model: request ``i`` is due at ``start + i / rate``; latency from when it was due."""
    result = Held(rate, duration)
    in_flight = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(http: httpx.AsyncClient, serial: int, due: float) -> None:
        nonlocal in_flight
        try:
            response = await send(http, serial)
        except httpx.TimeoutException:
            result.errors["timeout"] += 1
        except httpx.HTTPError as exc:
            result.errors[f"transport:{type(exc).__name__}"] += 1
        except Exception as exc:  # counted, not lost in a task nobody awaits
            result.errors[f"client:{type(exc).__name__}"] += 1
        else:
            if response.is_success:
                result.ok += 1
            else:
                result.errors[f"status:{response.status_code}"] += 1
        finally:
            result.latencies.append(time.monotonic() - due)
            in_flight -= 1

    async with client(max_in_flight) as http:
        total = int(rate * duration)
        start = time.monotonic() + 0.05
        for i in range(total):
            due = start + i / rate
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                result.behind = max(result.behind, -wait)
            result.due += 1
            if in_flight >= max_in_flight:
                result.errors["over_cap"] += 1
                continue
            in_flight += 1
            task = asyncio.create_task(one(http, i, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(set(tasks))
    return result


# --- the endpoints -----------------------------------------------------------------------------


@dataclass
class Fixture:
    """The live stack's data the endpoints use."""

    live: LiveStack
    requester: Organisation  # an OPCC: raises requests, reads the registry
    holder: Organisation  # a council
    partnership_id: str
    request_id: str

    def headers(self) -> dict[str, str]:
        # A fresh token for each phase: the registry's last 15 minutes, a full run longer.
        token = self.live.token(self.requester.client_id, self.requester.client_secret)
        return {"Authorization": f"Bearer {token}"}


def request_body(holder_id: str) -> dict[str, Any]:
    return {
        "holder_organisation_id": holder_id,
        "purpose": "crime_and_disorder_reduction",
        "statutory_function": "Crime and disorder functions (CDA 1998 ss5-7; PRSRA 2011 s10)",
        "justification": "The strategic assessment needs ward-level anti-social behaviour trends.",
        "necessity": "Aggregate counts by ward and month are the least data that answers it.",
        "legal_gateways": ["cda-1998-s115", "cda-1998-s17a"],
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [
            {"name": "ward_code", "description": "ONS ward code", "category": "aggregate"},
            {"name": "month", "description": "Calendar month", "category": "aggregate"},
            {"name": "asb_incidents", "description": "ASB incidents", "category": "aggregate"},
        ],
        "identifiability": "aggregate",
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "retention_days": 365,
        "submit": True,
    }


def make_fixture(live: LiveStack) -> Fixture:
    requester = live.organisation(
        "Held OPCC", "local_policing_body", ["gateway:request", "registry:read"]
    )
    holder = live.organisation("Held Council", "local_authority", ["gateway:respond"])
    admin = {"Authorization": f"Bearer {live.admin_token()}"}
    partnership = created(
        live.urls["registry"] + "/v1/partnerships",
        {"name": "Held Community Safety Partnership", "type": "csp"},
        admin,
    )
    request = created(
        live.urls["gateway"] + "/v1/requests", request_body(holder.id), requester.headers()
    )
    return Fixture(live, requester, holder, partnership["id"], request["id"])


def created(url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(
        url, json=body, headers=headers | {"Idempotency-Key": uuid.uuid4().hex}, timeout=30
    )
    if response.status_code != 201:
        raise RuntimeError(f"{url}: {response.status_code} {response.text}")
    data: dict[str, Any] = response.json()
    return data


def endpoints(fx: Fixture) -> dict[str, Callable[[], Send]]:
    """Each endpoint's name and a maker of its sender (fresh token, fresh keys)."""
    registry, gateway = fx.live.urls["registry"], fx.live.urls["gateway"]

    def registry_read() -> Send:
        url, headers = f"{registry}/v1/partnerships/{fx.partnership_id}", fx.headers()
        return lambda http, _: http.get(url, headers=headers)

    def gateway_submit() -> Send:
        url, headers, body = f"{gateway}/v1/requests", fx.headers(), request_body(fx.holder.id)
        prefix = uuid.uuid4().hex

        def send(http: httpx.AsyncClient, serial: int) -> Awaitable[httpx.Response]:
            key = {"Idempotency-Key": f"{prefix}-{serial}"}
            return http.post(url, json=body, headers=headers | key)

        return send

    def gateway_read() -> Send:
        url, headers = f"{gateway}/v1/requests/{fx.request_id}", fx.headers()
        return lambda http, _: http.get(url, headers=headers)

    return {
        "registry GET /v1/partnerships/{id}": registry_read,
        "gateway POST /v1/requests (submit)": gateway_submit,
        "gateway GET /v1/requests/{id}": gateway_read,
    }


async def pg_checkpoints(database_url: str) -> int | None:
    """PostgreSQL's count of its own checkpoints so far (None on SQLite). On a shared server
    other suites' CREATE/DROP DATABASE force checkpoints, whose fsyncs stall every commit."""
    if not database_url.startswith("postgresql"):
        return None
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for query in (
            "SELECT num_timed + num_requested FROM pg_stat_checkpointer",  # PostgreSQL 17+
            "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter",
        ):
            try:
                return int(await conn.fetchval(query))
            except asyncpg.PostgresError:
                continue
        return None
    finally:
        await conn.close()


def cpu_jiffies(pids: list[int]) -> tuple[int, int, int] | None:
    """(busy, total) CPU jiffies of the whole machine (all cores) and those used so far by
    ``pids``, from /proc (None where there is none)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:9]]
        ours = 0
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            ours += int(stat[11]) + int(stat[12])
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields), ours


def cpu_use(before: tuple[int, int, int] | None, pids: list[int]) -> dict[str, Any]:
    """Cores busy on the whole machine since ``before``, and how many of them were ours (the
    load generator and the servers; PostgreSQL, ours or not, is in the rest)."""
    after = cpu_jiffies(pids)
    if before is None or after is None or after[1] == before[1]:
        return {"cpu_cores_busy": None, "cpu_cores_ours": None}
    wall = (after[1] - before[1]) / (os.cpu_count() or 1)
    return {
        "cpu_cores_busy": round((after[0] - before[0]) / wall, 2),
        "cpu_cores_ours": round((after[2] - before[2]) / wall, 2),
    }


async def observed(
    database_url: str, pids: list[int], send: Send, rate: float, duration: float, cap: int
) -> dict[str, Any]:
    """A held run's summary, with the PostgreSQL checkpoints that happened during it and the
    machine's CPU use (so that a neighbour's burst can be told from the service's own)."""
    before = await pg_checkpoints(database_url)
    cpu = cpu_jiffies(pids)
    held = await hold(send, rate, duration, cap)
    used = cpu_use(cpu, pids)
    after = await pg_checkpoints(database_url)
    during = None if before is None or after is None else after - before
    return held.summary() | {"pg_checkpoints_during": during} | used


async def measure(
    make: Callable[[], Send], database_url: str, pids: list[int], duration: float, cap: int
) -> dict[str, Any]:
    """Saturation (closed loop), then half of it held (open model)."""
    await closed_loop(make(), 4, WARM_SECONDS, cap)  # tokens, JWKS, caches, connections
    saturation = await closed_loop(make(), SATURATION_CLIENTS, SATURATION_SECONDS, cap)
    if saturation <= 0:
        raise RuntimeError("no 2xx answer at all in the saturation run")
    held = await observed(database_url, pids, make(), saturation / 2, duration, cap)
    return {"saturation_rps": round(saturation, 1), **held}


def pids(live: LiveStack) -> list[int]:
    """The load generator's process and the servers' (one uvicorn process each)."""
    return [os.getpid(), *(process.pid for process in live.processes.values())]


# --- checkpoint signing ------------------------------------------------------------------------


async def checkpoints_caught_up(database_url: str, within: float = 120.0) -> None:
    """Wait until the latest signed checkpoint covers the whole audit log (PostgreSQL only)."""
    if not database_url.startswith("postgresql"):
        await asyncio.sleep(3)
        return
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            size = await conn.fetchval("SELECT count(*) FROM audit_log")
            signed = await conn.fetchval("SELECT max(tree_size) FROM audit_checkpoints")
            if signed == size:
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"the checkpointer did not catch up ({signed} of {size})")
    finally:
        await conn.close()


async def audit_log_size(database_url: str) -> int | None:
    """Entries in the gateway's audit log (None on SQLite): the runs come one after another on
    one database, so each starts with a longer log than the one before."""
    if not database_url.startswith("postgresql"):
        return None
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_log"))
    finally:
        await conn.close()


def signing_comparison(
    fx: Fixture, make: Callable[[], Send], rate: float, duration: float, cap: int, pairs: int
) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    database = fx.live.databases["gateway"]
    for pair in range(pairs):
        # ABBA: off-on, on-off, ... so that a drift of the machine weighs on both arms.
        for signing in ("off", "on") if pair % 2 == 0 else ("on", "off"):
            interval = "1" if signing == "on" else "0"
            fx.live.restart("gateway", {"GATEWAY_CHECKPOINT_INTERVAL_SECONDS": interval})

            async def run(signing: str) -> dict[str, Any]:
                await closed_loop(make(), 4, WARM_SECONDS, cap)
                if signing == "on":
                    await checkpoints_caught_up(database)
                await asyncio.sleep(SETTLE_SECONDS)  # both arms: the restart's dust settles
                size = await audit_log_size(database)
                held = await observed(database, pids(fx.live), make(), rate, duration, cap)
                return held | {"audit_log_entries_at_start": size}

            runs.append({"signing": signing, "pair": pair + 1, **asyncio.run(run(signing))})
            print(f"  signing {signing:3} (pair {pair + 1}): {line(runs[-1])}", flush=True)
    arm = {s: [r for r in runs if r["signing"] == s] for s in ("off", "on")}
    p99 = {s: statistics.median(r["p99_ms"] for r in arm[s]) for s in arm}
    p50 = {s: statistics.median(r["p50_ms"] for r in arm[s]) for s in arm}
    return {
        "rate": round(rate, 1),
        "duration_seconds": duration,
        "checkpoint_interval_seconds_on": 1,
        "runs": runs,
        "p50_ms_off_median": p50["off"],
        "p50_ms_on_median": p50["on"],
        "p99_ms_off_median": p99["off"],
        "p99_ms_on_median": p99["on"],
        "p99_ratio_on_off": round(p99["on"] / p99["off"], 3),
        "goal_p99_ratio_at_most": SIGNING_GOAL,
    }


# --- the run -----------------------------------------------------------------------------------


def line(r: dict[str, Any]) -> str:
    text = (
        f"target {r['target_rate']:7.1f}/s achieved {r['achieved_rate']:7.1f}/s "
        f"errors {r['errors']:5d} p50 {r['p50_ms']:8.1f} ms p99 {r['p99_ms']:8.1f} ms"
    )
    if r.get("cpu_cores_busy") is not None:
        text += f"; cores busy {r['cpu_cores_busy']:.2f}, ours {r['cpu_cores_ours']:.2f}"
    if r.get("pg_checkpoints_during") is not None:
        text += f"; PostgreSQL checkpoints {r['pg_checkpoints_during']}"
    return text


def table(results: dict[str, Any]) -> str:
    rows = [
        "| endpoint | saturation req/s | target req/s | achieved req/s | errors | p50 ms "
        "| p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["endpoints"].items():
        rows.append(
            f"| {name} | {r['saturation_rps']:.1f} | {r['target_rate']:.1f} "
            f"| {r['achieved_rate']:.1f} | {r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    s = results.get("checkpoint_signing")
    if s:
        rows += [
            "",
            f"Checkpoint signing, gateway submit held at {s['rate']:.1f} req/s "
            f"({len(s['runs']) // 2} interleaved runs each):",
            "",
            "| signing | p50 ms (median) | p99 ms (median) |",
            "|---|---:|---:|",
            f"| off | {s['p50_ms_off_median']:.1f} | {s['p99_ms_off_median']:.1f} |",
            f"| on (every 1 s) | {s['p50_ms_on_median']:.1f} | {s['p99_ms_on_median']:.1f} |",
            "",
            f"p99 on / off: {s['p99_ratio_on_off']:.3f} (goal <= {SIGNING_GOAL})",
        ]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ.get("CONVENOR_HELD_SECONDS", "60")),
        help="seconds each rate is held (default 60, or CONVENOR_HELD_SECONDS)",
    )
    parser.add_argument("--max-in-flight", type=int, default=100)
    parser.add_argument("--signing-pairs", type=int, default=2, help="off/on runs of each")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    started = time.monotonic()
    results: dict[str, Any] = {
        "duration_seconds": args.duration,
        "max_in_flight": args.max_in_flight,
        "saturation": {"clients": SATURATION_CLIENTS, "seconds": SATURATION_SECONDS},
        "cpus": os.cpu_count(),
        "note": "load generator, servers and PostgreSQL share the machine's cores",
        "endpoints": {},
    }
    with LiveStack(services=("registry", "gateway")) as live:
        results["backend"] = live.databases["gateway"].split(":", 1)[0].split("+")[0]
        print(f"held load on {results['backend']}, {args.duration:.0f} s per hold", flush=True)
        fx = make_fixture(live)
        makers = endpoints(fx)
        for name, make in makers.items():
            database = live.databases["registry" if name.startswith("registry") else "gateway"]
            measured = asyncio.run(
                measure(make, database, pids(live), args.duration, args.max_in_flight)
            )
            results["endpoints"][name] = measured
            print(
                f"{name}: saturation {measured['saturation_rps']:.1f}/s; {line(measured)}",
                flush=True,
            )
        submit = "gateway POST /v1/requests (submit)"
        rate = results["endpoints"][submit]["target_rate"]
        results["checkpoint_signing"] = signing_comparison(
            fx, makers[submit], rate, args.duration, args.max_in_flight, args.signing_pairs
        )
    results["wall_seconds"] = round(time.monotonic() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\n(written to {args.output}; {results['wall_seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
