"""GET /v1/partnerships/{id} with a bearer token, against a bare FastAPI GET, in one run.

Both run on one uvicorn worker; wrk (one thread, 16 connections) drives each in turn, three
rounds, and the medians and their ratio are printed. Uses PostgreSQL when one answers on
localhost:5432 (a fresh database), SQLite otherwise. The registry's pool holds 20 connections,
more than wrk's 16: a smaller pool opens and closes overflow connections under that load.

    .venv/bin/python bench/registry_read.py
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import tempfile
import urllib.request

from _servers import median, uvicorn, wrk

from convenor_registry.app import MIGRATIONS
from convenor_shared import migrations, testing

ROUNDS = 3
ADMIN = ("bench-admin", "bench-admin-secret-long-enough-1234")


def call(
    url: str,
    method: str = "GET",
    body: dict | None = None,
    token: str | None = None,
    form: bytes | None = None,
) -> dict:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    data = json.dumps(body).encode() if body is not None else form
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        raw = base64.b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
        headers["Authorization"] = f"Basic {raw}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def main() -> int:
    url = asyncio.run(testing.create_database("bench_registry"))
    migrations.upgrade(MIGRATIONS, url)
    env = {
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_SIGNING_KEY_DIR": tempfile.mkdtemp(),
        "CONVENOR_BOOTSTRAP_CLIENT_ID": ADMIN[0],
        "CONVENOR_BOOTSTRAP_CLIENT_SECRET": ADMIN[1],
        "REGISTRY_RATE_LIMIT_PER_MINUTE": "0",
        "REGISTRY_LOG_LEVEL": "WARNING",
        "REGISTRY_DATABASE_POOL_SIZE": "20",
    }
    try:
        with uvicorn("convenor_registry.app:create_app", env) as base:
            env["REGISTRY_ISSUER_URL"] = base
        # The issuer URL must be the one the server answers on, so restart with it known.
        with uvicorn("convenor_registry.app:create_app", env) as base:
            token = call(base + "/oauth/token", "POST", form=b"grant_type=client_credentials")[
                "access_token"
            ]
            area = call(base + "/v1/areas?gss_code=E08000011", token=token)["items"]
            created = call(
                base + "/v1/partnerships",
                "POST",
                token=token,
                body={
                    "name": "Community Safety Partnership",
                    "type": "csp",
                    "themes": ["asb", "drugs"],
                    "footprint_area_ids": [a["id"] for a in area],
                    "review_cycle_months": 36,
                    "established_date": "2019-04-01",
                },
            )
            target = f"{base}/v1/partnerships/{created['id']}"
            body = json.dumps(call(target, token=token))
            with uvicorn("bench._bare_app:create_app", {"BARE_BODY": body}) as bare_base:
                bare_target = f"{bare_base}/v1/partnerships/{created['id']}"
                wrk(target, seconds=2, headers=[f"Authorization: Bearer {token}"])  # warm up
                wrk(bare_target, seconds=2)
                service, bare = [], []
                for _ in range(ROUNDS):
                    service.append(wrk(target, headers=[f"Authorization: Bearer {token}"]))
                    bare.append(wrk(bare_target))
    finally:
        asyncio.run(testing.drop_database(url))
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    s, b = median(service), median(bare)
    print(f"registry GET /v1/partnerships/{{id}} ({backend}): {s:8.0f} req/s (median of {ROUNDS})")
    print(f"bare FastAPI GET                          : {b:8.0f} req/s (median of {ROUNDS})")
    print(f"ratio service / bare                      : {s / b:8.3f}   (goal >= 0.20)")
    print(
        "rounds: service "
        + ", ".join(f"{v:.0f}" for v in service)
        + " | bare "
        + ", ".join(f"{v:.0f}" for v in bare)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
