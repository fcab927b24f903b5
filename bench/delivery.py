"""Delivering and downloading a large CSV through the gateway, against a bare read and write of
the same file in the same run.

    .venv/bin/python bench/delivery.py [--mb 64] [--rounds 3]

A CSV of ``--mb`` megabytes (an aggregate return: ward code, month, count) is written to a
temporary file. Then, in each round:

- **bare read**: the file read in 64 KiB pieces (the page cache is warm: this is memory speed);
- **bare write**: the same bytes written to a new file in 64 KiB pieces;
- **bare upload**: ``PUT`` of the file to a bare ASGI app on one uvicorn worker that only reads
  the body as a stream and hashes it (what HTTP and uvicorn cost on their own);
- **upload**: ``PUT /v1/requests/{id}/delivery`` of the file by the holder of a fresh approved
  request on the gateway (one uvicorn worker, PostgreSQL): checked row by row against the
  approval (columns, direct identifiers, small counts), encrypted with AES-256-GCM in 64 KiB
  chunks, written as 1 MiB rows, the request moved to ``delivered``, committed;
- **download**: ``GET`` of the same delivery with ``Data-Purpose`` by the requester, decrypted
  chunk by chunk and written to a file, compared byte for byte with the original.

Printed: MB/s of each (medians of ``--rounds``), the ratios upload/bare read, upload/bare upload,
download/bare write, and the gateway process's peak resident memory against the file's size (a
streamed path keeps it flat). Needs PostgreSQL on localhost:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

try:
    from _servers import ROOT, median, uvicorn
    from gateway_submit import COUNCIL, OPCC, SERVICE, prepare
except ImportError:  # imported by uvicorn in a server process
    from bench._servers import ROOT, median, uvicorn
    from bench.gateway_submit import COUNCIL, OPCC, SERVICE, prepare

PIECE = 64 * 1024
PURPOSE = "crime_and_disorder_reduction"


def create_bare_upload() -> FastAPI:
    """A PUT that reads its body as a stream and hashes it: HTTP's own cost."""
    app = FastAPI()

    @app.put("/upload")
    async def upload(request: Request) -> JSONResponse:
        digest, size = hashlib.sha256(), 0
        async for piece in request.stream():
            digest.update(piece)
            size += len(piece)
        return JSONResponse({"size": size, "sha256": digest.hexdigest()})

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def write_csv(path: Path, megabytes: int) -> int:
    """An approvable aggregate return of about ``megabytes`` MB; its size in bytes."""
    target = megabytes * 1_000_000
    with path.open("w", newline="") as out:
        out.write("ward_code,month,asb_incidents\n")
        n = 0
        while out.tell() < target:
            lines = [
                f"E05{(n + k) % 999_999:06d},20{20 + (n + k) % 6}-{1 + (n + k) % 12:02d},"
                f"{5 + (n + k) * 7 % 500}\n"
                for k in range(10_000)
            ]
            out.write("".join(lines))
            n += 10_000
    return path.stat().st_size


def bare_read(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as f:
        while f.read(PIECE):
            pass
    return time.perf_counter() - started


def bare_write(source: Path, target: Path) -> float:
    data = source.read_bytes()  # not timed: the write alone is the baseline
    started = time.perf_counter()
    with target.open("wb") as f:
        for i in range(0, len(data), PIECE):
            f.write(data[i : i + PIECE])
        f.flush()
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def peak_rss_mb(base: str) -> float:
    """The peak resident memory (VmHWM) of the server process listening at ``base``."""
    port = base.rsplit(":", 1)[1].encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"--port" in args and args[args.index(b"--port") + 1] == port:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            continue
    return float("nan")


def api(client: httpx.Client, method: str, url: str, token: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    response = client.request(method, url, headers=headers, **kwargs)
    if response.status_code >= 400:
        raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
    return response


def approved_request(client: httpx.Client, base: str, opcc: str, council: str) -> str:
    body = {
        "holder_organisation_id": COUNCIL,
        "purpose": PURPOSE,
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
        "retention_days": 30,
        "submit": True,
    }
    created = api(
        client,
        "POST",
        f"{base}/v1/requests",
        opcc,
        json=body,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    ).json()
    api(
        client,
        "POST",
        f"{base}/v1/requests/{created['id']}/transitions",
        council,
        json={"to": "approved"},
    )
    return str(created["id"])


def timed_upload(client: httpx.Client, url: str, path: Path, token: str | None) -> float:
    headers = {"Content-Type": "text/csv"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    with path.open("rb") as f:
        response = client.put(url, content=f, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code >= 400:
        raise RuntimeError(f"upload: {response.status_code} {response.text[:2000]}")
    return elapsed


def timed_download(
    client: httpx.Client, url: str, token: str, target: Path, expected: str
) -> float:
    headers = {"Authorization": f"Bearer {token}", "Data-Purpose": PURPOSE}
    digest = hashlib.sha256()
    started = time.perf_counter()
    with client.stream("GET", url, headers=headers) as response, target.open("wb") as out:
        if response.status_code != 200:
            raise RuntimeError(f"download: {response.status_code} {response.read()[:500]!r}")
        for piece in response.iter_raw(PIECE):
            out.write(piece)
            digest.update(piece)
    elapsed = time.perf_counter() - started
    target.unlink()
    if digest.hexdigest() != expected:
        raise RuntimeError("the download is not the file delivered")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from joserfc.jwk import OKPKey

    from convenor_shared import testing

    work = Path(tempfile.mkdtemp(prefix="bench-delivery-"))
    source = work / "delivery.csv"
    size = write_csv(source, args.mb)
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    mb = size / 1e6
    print(f"  file: {mb:.1f} MB, {sum(1 for _ in source.open('rb')) - 1} rows")
    key = OKPKey.generate_key("Ed25519")
    key.ensure_kid()
    organisations = {
        OPCC: {"id": OPCC, "name": "Bench OPCC", "classification": "local_policing_body"},
        COUNCIL: {"id": COUNCIL, "name": "Bench Council", "classification": "local_authority"},
    }
    url = asyncio.run(prepare("bench_delivery"))
    env = {
        "BENCH_KEY": json.dumps(key.as_dict(private=True)),
        "BENCH_ORGANISATIONS": json.dumps(organisations),
        "PYTHONPATH": str(ROOT),
    }
    times: dict[str, list[float]] = {
        k: [] for k in ("read", "write", "bare upload", "upload", "download")
    }
    try:
        with uvicorn("bench.gateway_submit:create_registry", env | {"BENCH_ISSUER": "x"}) as reg:
            env["BENCH_ISSUER"] = reg
        with uvicorn("bench.gateway_submit:create_registry", env) as registry:
            issuer = testing.LocalIssuer(registry)
            issuer.key = key
            opcc = issuer.token(
                ["gateway:request"], org=uuid.UUID(OPCC), client_id="bench-opcc", lifetime=7200
            )
            council = issuer.token(
                ["gateway:respond"], org=uuid.UUID(COUNCIL), client_id="bench-la", lifetime=7200
            )
            gateway_env = {
                "GATEWAY_REGISTRY_URL": registry,
                "GATEWAY_CLIENT_ID": SERVICE[0],
                "GATEWAY_CLIENT_SECRET": SERVICE[1],
                "GATEWAY_RATE_LIMIT_PER_MINUTE": "0",
                "GATEWAY_LOG_LEVEL": "WARNING",
                "GATEWAY_WEBHOOK_DELIVERY_INTERVAL_SECONDS": "0",
                "GATEWAY_DATABASE_URL": url,
                "GATEWAY_KEY_ENCRYPTION_KEY_FILE": str(work / "kek"),
                "GATEWAY_SIGNING_KEY_DIR": str(work / "keys"),
            }
            with (
                uvicorn("bench.delivery:create_bare_upload", env) as bare,
                uvicorn("convenor_gateway.app:create_app", env | gateway_env) as gateway,
                httpx.Client(timeout=600) as client,
            ):
                rss_before = peak_rss_mb(gateway)
                for round_ in range(1, args.rounds + 1):
                    times["read"].append(bare_read(source))
                    times["write"].append(bare_write(source, work / "copy.csv"))
                    times["bare upload"].append(
                        timed_upload(client, f"{bare}/upload", source, None)
                    )
                    request_id = approved_request(client, gateway, opcc, council)
                    delivery = f"{gateway}/v1/requests/{request_id}/delivery"
                    times["upload"].append(timed_upload(client, delivery, source, council))
                    times["download"].append(
                        timed_download(client, delivery, opcc, work / "download.csv", expected)
                    )
                    line = ", ".join(f"{k} {mb / v[-1]:7.1f}" for k, v in times.items())
                    print(f"  round {round_} MB/s: {line}", flush=True)
                rss_after = peak_rss_mb(gateway)
    finally:
        asyncio.run(testing.drop_database(url))
    rate = {k: mb / median(v) for k, v in times.items()}
    for name, value in rate.items():
        print(f"{name:12} {value:8.1f} MB/s (median of {args.rounds})")
    print(f"ratio upload / bare read       {rate['upload'] / rate['read']:.4f}")
    print(f"ratio upload / bare upload     {rate['upload'] / rate['bare upload']:.3f}")
    print(f"ratio download / bare write    {rate['download'] / rate['write']:.4f}")
    print(f"ratio download / bare upload   {rate['download'] / rate['bare upload']:.3f}")
    print(
        f"gateway peak memory: {rss_before:.0f} MB before, {rss_after:.0f} MB after "
        f"{args.rounds} uploads and downloads of {mb:.0f} MB"
    )
    for path in work.rglob("*"):
        if path.is_file():
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
