"""The deployment files agree with the code: every environment variable they set is one a
service reads; the manifests parse and name the right ports, probes and commands; the image
is multi-stage, runs as a non-root user and carries no build tools."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from convenor_analytics.config import AnalyticsSettings
from convenor_gateway.config import GatewaySettings
from convenor_registry.config import RegistrySettings

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {
    "registry": (RegistrySettings, "REGISTRY_", 8001),
    "gateway": (GatewaySettings, "GATEWAY_", 8002),
    "analytics": (AnalyticsSettings, "ANALYTICS_", 8003),
}
RUNTIME = {
    "PATH",
    "PYTHONUNBUFFERED",
    "CONVENOR_SERVICE",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}


def env_names(settings: type[BaseSettings], prefix: str) -> set[str]:
    """Every variable a settings class reads (its prefixed fields and their aliases)."""
    names = set()
    for name, field in settings.model_fields.items():
        names.add(prefix + name.upper())
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias)
    return names


def read_by_some_service(name: str) -> bool:
    for settings, prefix, _ in SERVICES.values():
        if name in env_names(settings, prefix):
            return True
        if name.startswith(prefix + "PARAMETERS__"):  # nested analytics parameters
            return True
    return False


def manifests() -> list[dict[str, Any]]:
    documents = []
    for path in sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml")):
        if path.name in ("kustomization.yaml", "secrets.example.yaml"):
            continue
        documents += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return documents


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


class TestEnvironmentVariables:
    def test_compose_sets_only_variables_a_service_reads(self):
        for name, service in compose()["services"].items():
            if name == "postgres":
                continue
            for variable in service.get("environment", {}):
                assert read_by_some_service(variable), f"{name}: {variable} is read by no service"

    def test_kubernetes_sets_only_variables_a_service_reads(self):
        for document in manifests():
            if document["kind"] == "ConfigMap":
                variables = list(document["data"])
            elif document["kind"] in ("Deployment", "Job"):
                containers = document["spec"]["template"]["spec"]["containers"]
                variables = [e["name"] for c in containers for e in c.get("env", [])]
            else:
                continue
            for variable in variables:
                assert read_by_some_service(variable), f"{document['metadata']['name']}: {variable}"

    def test_each_service_gets_its_own_prefix_only(self):
        for document in manifests():
            if document["kind"] != "ConfigMap":
                continue
            service = document["metadata"]["name"].removeprefix("convenor-")
            prefix = SERVICES[service][1]
            assert all(v.startswith(prefix) for v in document["data"]), document["metadata"]["name"]

    def test_production_manifests_say_production(self):
        configs = [d for d in manifests() if d["kind"] == "ConfigMap"]
        for document in configs:
            prefix = SERVICES[document["metadata"]["name"].removeprefix("convenor-")][1]
            assert document["data"][prefix + "ENVIRONMENT"] == "production"


class TestKubernetes:
    @pytest.mark.parametrize("service", sorted(SERVICES))
    def test_the_deployment_serves_on_its_port_with_probes(self, service: str):
        port = SERVICES[service][2]
        kinds = {
            d["kind"]: d
            for d in manifests()
            if d["metadata"]["name"].startswith(f"convenor-{service}")
        }
        assert {
            "ConfigMap",
            "Deployment",
            "Service",
            "Job",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
        } <= set(kinds)
        container = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == ["serve", "--host", "0.0.0.0", "--port", str(port)]
        assert container["ports"] == [{"name": "http", "containerPort": port}]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert kinds["Service"]["spec"]["ports"][0]["port"] == port
        assert kinds["Job"]["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
        assert (
            kinds["Deployment"]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]
            is True
        )
        secret_refs = [e for e in container.get("env", []) if "valueFrom" in e]
        assert any(e["name"].endswith("DATABASE_URL") for e in secret_refs), (
            "database URL from a Secret"
        )


class TestCompose:
    def test_a_migration_step_precedes_each_service(self):
        services = compose()["services"]
        for name in SERVICES:
            assert services[f"migrate-{name}"]["command"] == ["migrate"]
            depends = services[name]["depends_on"]
            assert depends[f"migrate-{name}"]["condition"] == "service_completed_successfully"
            assert str(SERVICES[name][2]) in " ".join(services[name]["healthcheck"]["test"])
            assert services[name]["command"][-1] == str(SERVICES[name][2])

    def test_the_database_gets_one_database_per_service(self):
        init = (ROOT / "deploy" / "postgres" / "init.sql").read_text()
        for name in SERVICES:
            assert f"CREATE DATABASE {name}" in init


class TestDockerfile:
    def test_it_is_multi_stage_non_root_and_chooses_the_service_by_argument(self):
        text = (ROOT / "deploy" / "Dockerfile").read_text()
        assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
        assert "ARG SERVICE" in text
        final = text.rsplit("\nFROM ", 1)[1]
        assert "USER 10001" in final
        for tool in ("build-essential", "gcc", "apt-get install"):
            assert tool not in final
        env_lines = [line for line in final.splitlines() if line.startswith("ENV ")]
        variables = {name for line in env_lines for name in re.findall(r"(\w+)=", line)}
        assert variables and variables <= RUNTIME, variables - RUNTIME
