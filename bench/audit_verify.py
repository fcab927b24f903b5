"""Verifying the gateway's audit log read from PostgreSQL, against chaining SHA-256 over the
same bytes in memory, in one process and one run.

    .venv/bin/python bench/audit_verify.py [--sizes 100000 500000 1000000] [--rounds 3]

For each size a fresh database is migrated and filled with a log of that many entries shaped
like the gateway's (about 640 bytes of canonical JSON each: ids, actor, parties, purpose,
gateways, hashes), with bulk COPY, and a checkpoint over all of it is signed. Then:

- **verify**: ``audit_service.verify_log``, what ``POST /v1/audit/verify`` runs: rows streamed
  with a server-side cursor, every leaf hash recomputed from the stored canonical bytes, the
  chain recomputed, the RFC 9162 root rebuilt and compared with the signed checkpoint's;
- **raw**: for the same canonical bytes held in memory (the first 200,000 entries), only
  ``leaf = SHA-256(0x00 || bytes)`` and ``chain = SHA-256(chain || leaf)``, nothing else.

The rounds interleave the sizes and the raw baseline. Printed: the time and rate of each
verification (median of ``--rounds``), the median per-round ratio of its rate to the raw rate
(goal at least 0.20), and the median per-round ratio of times between consecutive sizes (goal
at most 2.2 for a doubling). Needs PostgreSQL on localhost:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from convenor_gateway.app import MIGRATIONS
from convenor_gateway.audit import service as audit_service
from convenor_gateway.evidence.canonical import canonical_bytes
from convenor_gateway.evidence.merkle import CompactTree, leaf_hash
from convenor_gateway.evidence.signed_note import sign_checkpoint
from convenor_gateway.keys import SigningKeys, generate_signing_key
from convenor_shared import migrations, testing
from convenor_shared.db import Database

ORIGIN = "convenor-gateway/bench"
RAW_SAMPLE = 200_000
COPY_BATCH = 50_000
EVENTS = ("consultation", "submission", "approval", "disclosure", "acknowledgement")


def entries(count: int) -> Iterator[tuple[uuid.UUID, bytes]]:
    """(request id, canonical bytes) of ``count`` entries like the gateway's."""
    orgs = [str(uuid.uuid4()) for _ in range(50)]
    for n in range(count):
        request_id = uuid.UUID(int=(n // 6) * 7919 + 1)
        entry = {
            "v": 2,
            "event": EVENTS[n % len(EVENTS)],
            "request_id": str(request_id),
            "actor": {"client_id": f"client-{n % 97:04x}", "organisation_id": orgs[n % 50]},
            "parties": [orgs[n % 50], orgs[(n + 7) % 50]],
            "recipients": [orgs[(n + 7) % 50]],
            "purpose": "crime_and_disorder_reduction",
            "legal_gateways": ["cda-1998-s115", "cda-1998-s17a"],
            "justification_sha256": hashlib.sha256(b"j%d" % (n // 6)).hexdigest(),
            "at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:{n % 59:02d}."
            f"{n % 999_999:06d}Z",
            "transition": {"from": "submitted", "to": "approved"},
            "reason_code": None,
            "transition_hash": hashlib.sha256(b"t%d" % n).hexdigest(),
            "request_hash": hashlib.sha256(b"r%d" % n).hexdigest(),
        }
        yield request_id, canonical_bytes(entry)


async def fill(url: str, count: int, key_dir: Path) -> tuple[list[bytes], float]:
    """Fill the log; returns a sample of its canonical bytes and the seconds it took."""
    started = time.perf_counter()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    tree, chain, sample, batch = CompactTree(), bytes(32), [], []
    at = datetime(2026, 11, 26, tzinfo=UTC)
    try:
        for index, (request_id, canonical) in enumerate(entries(count)):
            leaf = leaf_hash(canonical)
            chain = hashlib.sha256(chain + leaf).digest()
            tree.append(leaf)
            batch.append((index, canonical, leaf.hex(), chain.hex(), at, request_id))
            if len(sample) < RAW_SAMPLE:
                sample.append(canonical)
            if len(batch) == COPY_BATCH:
                await conn.copy_records_to_table(
                    "audit_log",
                    records=batch,
                    columns=["index", "canonical", "leaf_hash", "chain_hash", "at", "request_id"],
                )
                batch = []
        if batch:
            await conn.copy_records_to_table(
                "audit_log",
                records=batch,
                columns=["index", "canonical", "leaf_hash", "chain_hash", "at", "request_id"],
            )
        keys = SigningKeys(key_dir, ORIGIN)
        keys.reload()
        signer = keys.signer
        timestamp = int(time.time())
        note = sign_checkpoint(
            ORIGIN, count, tree.root(), signer.private_key, signer.name, timestamp=timestamp
        )
        await conn.execute(
            "INSERT INTO audit_checkpoints (tree_size, root_hash, chain_hash, frontier, "
            "timestamp, note, verifier_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())",
            count,
            tree.root().hex(),
            chain.hex(),
            b"".join(tree.frontier),
            timestamp,
            note,
            signer.verifier_key,
        )
        await conn.execute("VACUUM ANALYZE audit_log")
    finally:
        await conn.close()
    return sample, time.perf_counter() - started


def raw_rate(sample: list[bytes], rounds: int) -> tuple[float, float]:
    """Entries and bytes per second of bare leaf-and-chain hashing over ``sample`` (the best
    of ``rounds``)."""
    sha256 = hashlib.sha256
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        chain = bytes(32)
        for canonical in sample:
            leaf = sha256(b"\x00" + canonical).digest()
            chain = sha256(chain + leaf).digest()
        times.append(time.perf_counter() - started)
    best = min(times)
    return len(sample) / best, sum(map(len, sample)) / best


async def verify_once(database: Database, keys: SigningKeys, size: int) -> float:
    started = time.perf_counter()
    report = await audit_service.verify_log(database, keys)
    elapsed = time.perf_counter() - started
    if not report.ok or report.checked != size or report.tree_size != size:
        raise SystemExit(f"the generated log did not verify: {report}")
    return elapsed


async def run(sizes: list[int], rounds: int) -> int:
    if testing.database_server() is None:
        print("needs PostgreSQL on localhost:5432", file=sys.stderr)
        return 2
    key_dir = Path(tempfile.mkdtemp(prefix="bench-audit-keys-"))
    generate_signing_key(key_dir)
    keys = SigningKeys(key_dir, ORIGIN)
    keys.reload()
    urls: dict[int, str] = {}
    databases: dict[int, Database] = {}
    sample: list[bytes] = []
    try:
        for size in sizes:
            urls[size] = await testing.create_database("bench_audit")
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, urls[size])
            filled_sample, filled = await fill(urls[size], size, key_dir)
            sample = sample or filled_sample
            databases[size] = Database(urls[size])
            print(f"  filled {size} entries in {filled:.1f} s", flush=True)
        # Rounds interleave the sizes and the raw baseline, so a machine that gets busier
        # or quieter during the run moves all of them alike.
        raws: list[float] = []
        times: dict[int, list[float]] = {size: [] for size in sizes}
        ratios: dict[int, list[float]] = {size: [] for size in sizes}
        for round_ in range(1, rounds + 1):
            raw = raw_rate(sample, 1)[0]
            raws.append(raw)
            line = [f"raw {raw:9.0f}/s"]
            for size in sizes:
                seconds = await verify_once(databases[size], keys, size)
                times[size].append(seconds)
                ratios[size].append(size / seconds / raw)
                line.append(f"{size}: {seconds:6.2f} s ({size / seconds / raw:.3f})")
            print(f"  round {round_}: " + ", ".join(line), flush=True)
    finally:
        for database in databases.values():
            await database.dispose()
        for url in urls.values():
            await testing.drop_database(url)
    average = sum(map(len, sample)) / len(sample)
    raw = statistics.median(raws)
    print(
        f"raw leaf+chain SHA-256 in memory: {raw:.0f} entries/s, {raw * average / 1e6:.1f} MB/s "
        f"(median of {rounds}; entries of {average:.0f} bytes on average)"
    )
    print(f"{'entries':>10} {'verify s':>9} {'entries/s':>11} {'MB/s':>7} {'ratio to raw':>13}")
    for size in sizes:
        seconds = statistics.median(times[size])
        rate = size / seconds
        print(
            f"{size:>10} {seconds:>9.2f} {rate:>11.0f} {rate * average / 1e6:>7.1f} "
            f"{statistics.median(ratios[size]):>13.3f}  (goal >= 0.20)"
        )
    for small, large in itertools.pairwise(sizes):
        per_round = [b / a for a, b in zip(times[small], times[large], strict=True)]
        scale = large / small
        print(
            f"t({large}) / t({small}) = {statistics.median(per_round):.2f} for {scale:g}x the "
            f"entries (goal <= {1.1 * scale:.1f}: linear); rounds "
            + ", ".join(f"{r:.2f}" for r in per_round)
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    return asyncio.run(run(args.sizes, args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
