"""Clients generated from the three OpenAPI documents compile, and the OPCC integration in
examples/ (written against them only) runs end to end against the real services."""

from __future__ import annotations

import compileall
import importlib.util
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from convenor_analytics.app import create_app as create_analytics
from convenor_gateway.app import create_app as create_gateway
from convenor_registry.app import create_app as create_registry

from .clients import generate
from .stack import ADMIN, ANALYTICS, GATEWAY, REGISTRY, Stack

ROOT = Path(__file__).resolve().parent.parent
APPS = {"registry": create_registry, "gateway": create_gateway, "analytics": create_analytics}
# What the generator may say without it being a defect: it has no model for a text/csv body
# (deliveries are sent as raw bytes, documented in the partner guide).
TOLERATED = ("Unsupported content type text/csv",)


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    into = tmp_path_factory.mktemp("clients")
    generated = {name: generate(name, factory(), into) for name, factory in APPS.items()}
    sys.path.insert(0, str(into))
    yield generated
    sys.path.remove(str(into))


class TestGeneratedClients:
    @pytest.mark.parametrize("name", sorted(APPS))
    def test_the_client_generates_every_model_and_compiles(
        self, name: str, clients: dict[str, tuple[Path, str]]
    ):
        package, log = clients[name]
        problems = [
            line
            for line in log.splitlines()
            if ("Unable to" in line or "duplicate" in line or "Cannot parse" in line)
            and not any(t in line for t in TOLERATED)
        ]
        assert not problems, "\n".join(problems)
        assert compileall.compile_dir(str(package), quiet=1)
        assert importlib.util.find_spec(f"convenor_{name}_client") is not None


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location(
        "opcc_integration", ROOT / "examples" / "opcc_integration.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestTheExampleIntegration:
    async def test_it_runs_against_the_real_services(
        self, clients: dict[str, tuple[Path, str]], stack: Stack
    ):
        admin = stack.client(await stack.token(*ADMIN))

        async def organisation_client(body: dict[str, str], scopes: list[str]) -> tuple[str, str]:
            def key() -> dict[str, str]:
                return {"Idempotency-Key": str(uuid.uuid4())}

            org = (
                await admin.post(f"{REGISTRY}/v1/organisations", json=body, headers=key())
            ).json()
            made = (
                await admin.post(
                    f"{REGISTRY}/v1/organisations/{org['id']}/clients",
                    json={"name": "system", "scopes": scopes},
                    headers=key(),
                )
            ).json()
            return org["id"], f"{made['client_id']}:{made['client_secret']}"

        _, opcc = await organisation_client(
            {
                "name": "OPCC for Exampleshire",
                "classification": "local_policing_body",
                "kind": "pcc",
            },
            ["registry:read", "registry:write", "gateway:request", "analytics:read"],
        )
        partner_id, partner = await organisation_client(
            {"name": "Exampleshire Borough Council", "classification": "local_authority"},
            ["registry:read", "gateway:respond"],
        )
        example = load_example()
        urls = {"registry": REGISTRY, "gateway": GATEWAY, "analytics": ANALYTICS}
        summary = await example.run(
            urls, opcc, partner, partner_id, httpx_args={"transport": stack.router}
        )
        assert summary["request_status"] == "approved"
        assert summary["indicator"]["indicator"] == "S4"
        assert summary["indicator"]["value"]["approved"]["count"] >= 1
