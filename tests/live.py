"""The three services under uvicorn, each in its own process on its own fresh database.

The in-process stack (``stack.py``) is quick and lets a test reach into the apps; this one is
what a client meets: real sockets, true parallel connections, a server's own event loop, and
the registry as the token issuer of the other two. The schemathesis runs, the idempotency
tests and the held-load benchmark use it.

    with LiveStack() as live:
        admin = live.admin_token()
        opcc = live.organisation("OPCC", "local_policing_body", ["gateway:request"])
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from convenor_analytics.app import MIGRATIONS as ANALYTICS_MIGRATIONS
from convenor_gateway.app import MIGRATIONS as GATEWAY_MIGRATIONS
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_registry.app import MIGRATIONS as REGISTRY_MIGRATIONS
from convenor_registry.areas import reference
from convenor_shared import migrations, testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ("live-admin", "live-admin-secret-that-is-long-enough-0123")
FACTORIES = {
    "registry": "convenor_registry.app:create_app",
    "gateway": "convenor_gateway.app:create_app",
    "analytics": "convenor_analytics.app:create_app",
}
MIGRATION_FOLDERS = {
    "registry": REGISTRY_MIGRATIONS,
    "gateway": GATEWAY_MIGRATIONS,
    "analytics": ANALYTICS_MIGRATIONS,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _prepare(name: str) -> str:
    url = await testing.create_database(f"live_{name}")
    await asyncio.to_thread(migrations.upgrade, MIGRATION_FOLDERS[name], url)
    if name == "registry":
        database = Database(url)
        try:
            async with database.session() as session:
                await reference.load_all(session)
                await commit(session)
        finally:
            await database.dispose()
    return url


@dataclass
class Organisation:
    """An organisation in the live registry and a token of one of its clients."""

    id: str
    name: str
    classification: str
    client_id: str
    client_secret: str
    token: str

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}


@dataclass
class LiveStack:
    """Registry, gateway and analytics under uvicorn. ``env`` adds settings to each service
    (``{"gateway": {"GATEWAY_CHECKPOINT_INTERVAL_SECONDS": "1"}}``)."""

    env: dict[str, dict[str, str]] = field(default_factory=dict)
    services: tuple[str, ...] = ("registry", "gateway", "analytics")
    workers: int = 1
    log_dir: str | None = None  # keep each service's output in <log_dir>/<name>.log
    urls: dict[str, str] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _folders: list[str] = field(default_factory=list)
    _logs: dict[str, Any] = field(default_factory=dict)

    def __enter__(self) -> LiveStack:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        for name in self.services:
            self.databases[name] = asyncio.run(_prepare(name))
            self.urls[name] = f"http://127.0.0.1:{free_port()}"
        for name in self.services:
            self.processes[name] = self._spawn(name)
        for name in self.services:
            self._wait_ready(name)

    def _settings(self, name: str) -> dict[str, str]:
        folder = tempfile.mkdtemp(prefix=f"convenor-live-{name}-")
        self._folders.append(folder)
        registry = self.urls.get("registry", "http://127.0.0.1:9")
        common = {"LOG_LEVEL": "WARNING", "LOG_JSON": "false", "RATE_LIMIT_PER_MINUTE": "0"}
        values: dict[str, str] = {
            "DATABASE_URL": self.databases[name],
            "ISSUER_URL": registry,
            **common,
        }
        if name == "registry":
            values |= {"SIGNING_KEY_DIR": folder}
        elif name == "gateway":
            values |= {
                "REGISTRY_URL": registry,
                "CLIENT_ID": ADMIN[0],
                "CLIENT_SECRET": ADMIN[1],
                "SIGNING_KEY_DIR": folder,
                "KEY_ENCRYPTION_KEY": new_kek_entry("live-kek"),
                "CHECKPOINT_INTERVAL_SECONDS": "0",
                "WEBHOOK_DELIVERY_INTERVAL_SECONDS": "0",
                "RETENTION_INTERVAL_SECONDS": "0",
            }
        else:
            values |= {
                "REGISTRY_URL": registry,
                "GATEWAY_URL": self.urls.get("gateway", "http://127.0.0.1:9"),
                "CLIENT_ID": ADMIN[0],
                "CLIENT_SECRET": ADMIN[1],
                "SYNC_INTERVAL_SECONDS": "0",
                "RECOMPUTE_AFTER_SYNC": "false",
            }
        prefix = {"registry": "REGISTRY_", "gateway": "GATEWAY_", "analytics": "ANALYTICS_"}[name]
        env = {prefix + key: value for key, value in values.items()}
        return env | self.env.get(name, {})

    def _spawn(self, name: str) -> subprocess.Popen[bytes]:
        port = self.urls[name].rsplit(":", 1)[1]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("REGISTRY_", "GATEWAY_", "ANALYTICS_", "CONVENOR_BOOTSTRAP_"))
        }
        env |= self._settings(name)
        if name == "registry":
            env |= {
                "CONVENOR_BOOTSTRAP_CLIENT_ID": ADMIN[0],
                "CONVENOR_BOOTSTRAP_CLIENT_SECRET": ADMIN[1],
            }
        if self.log_dir:
            log = open(os.path.join(self.log_dir, f"{name}.log"), "w+b")  # noqa: SIM115
        else:
            log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close(); read on failure)
        self._logs[name] = log
        args = [sys.executable, "-m", "uvicorn", FACTORIES[name], "--factory"]
        args += ["--host", "127.0.0.1", "--port", port, "--workers", str(self.workers)]
        args += ["--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "5"]
        if self.workers > 1:
            # uvicorn's supervisor kills a worker that does not answer its health check within
            # 5 s; on a busy 2-core machine under a test's burst that can be a healthy worker.
            args += ["--timeout-worker-healthcheck", "60"]
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def _wait_ready(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                break
            try:
                if httpx.get(self.urls[name] + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} did not become ready:\n{self.output(name)}")

    def output(self, name: str) -> str:
        """What the service has printed (warnings and errors)."""
        log = self._logs.get(name)
        if log is None:
            return ""
        log.flush()
        log.seek(0)
        text: str = log.read().decode(errors="replace")
        return text

    def restart(self, name: str, env: dict[str, str] | None = None) -> None:
        """Stop ``name`` and start it again on the same database, with ``env`` added."""
        self._stop(name)
        self.env[name] = self.env.get(name, {}) | (env or {})
        self.processes[name] = self._spawn(name)
        self._wait_ready(name)

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        for name in list(self.processes):
            self._stop(name)
        for log in self._logs.values():
            log.close()
        for url in self.databases.values():
            with contextlib.suppress(Exception):
                asyncio.run(testing.drop_database(url))
        for folder in self._folders:
            shutil.rmtree(folder, ignore_errors=True)

    # --- tokens and organisations -----------------------------------------------------------

    def token(self, client_id: str, secret: str, **form: str) -> str:
        raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        response = httpx.post(
            self.urls["registry"] + "/oauth/token",
            data={"grant_type": "client_credentials", **form},
            headers={"Authorization": f"Basic {raw}"},
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def admin_token(self) -> str:
        return self.token(*ADMIN)

    def organisation(
        self, name: str, classification: str, scopes: list[str], **fields: Any
    ) -> Organisation:
        """A new organisation in the registry with one client holding ``scopes``."""
        admin = {"Authorization": f"Bearer {self.admin_token()}"}
        registry = self.urls["registry"]
        body = {"name": name, "classification": classification, **fields}
        org = self._created(f"{registry}/v1/organisations", body, admin)
        client = self._created(
            f"{registry}/v1/organisations/{org['id']}/clients",
            {"name": f"{name} system", "scopes": scopes},
            admin,
        )
        token = self.token(client["client_id"], client["client_secret"])
        return Organisation(
            org["id"], name, classification, client["client_id"], client["client_secret"], token
        )

    @staticmethod
    def _created(url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        response = httpx.post(
            url, json=body, headers=headers | {"Idempotency-Key": str(uuid.uuid4())}, timeout=10
        )
        if response.status_code != 201:
            raise RuntimeError(f"{url}: {response.status_code} {response.text}")
        data: dict[str, Any] = response.json()
        return data
