"""The legal-gateway catalogue and the purposes vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from convenor_gateway.catalogue import service as catalogue_service

REQUIRED = {
    "cda-1998-s115",
    "cda-1998-s17a",
    "pcsc-2022-s14",
    "pcsc-2022-s16",
    "pcsc-2022-s17",
    "vpa-2024-s6",
    "vpa-2024-s13",
    "care-act-2014-s45",
    "cja-2003-s325",
    "ca-2004-s10",
    "uk-gdpr-art6-1-e",
    "duaa-2025-art6-1-ea",
}


class TestCatalogue:
    async def test_every_required_gateway_is_served_with_the_catalogue_version(
        self, client: httpx.AsyncClient
    ):
        body = (await client.get("/v1/legal-gateways")).json()
        assert {g["id"] for g in body["items"]} >= REQUIRED
        assert body["catalogue_version"]
        one = (await client.get("/v1/legal-gateways/pcsc-2022-s16")).json()
        assert one["catalogue_version"] == body["catalogue_version"]
        assert one["kind"] == "power" and one["overrides_confidence"] is True

    async def test_confirmation_and_in_force_follow_the_reference(self, client: httpx.AsyncClient):
        items = {g["id"]: g for g in (await client.get("/v1/legal-gateways")).json()["items"]}
        assert items["cda-1998-s17a"]["confirmed"] is False
        assert items["uk-gdpr-art6-1-e"]["confirmed"] is False
        assert items["pcsc-2022-s16"]["confirmed"] is True
        assert items["vpa-2024-s6"]["in_force"] == items["vpa-2024-s13"]["in_force"] == "unknown"
        assert items["duaa-2025-art6-1-ea"]["in_force_since"] == "2026-02-05"
        assert items["pcsc-2022-s16"]["in_force_since"] == "2023-01-31"
        assert items["pcsc-2022-s17"]["kind"] == "power_to_require"

    async def test_the_s16_health_exclusion_is_data_and_bites_on_identifiable_data_only(
        self, client: httpx.AsyncClient
    ):
        s16 = (await client.get("/v1/legal-gateways/pcsc-2022-s16")).json()
        (exclusion,) = s16["exclusions"]
        assert exclusion["when"]["holder_classification_in"] == ["health"]
        assert "aggregate" not in exclusion["when"]["categories_any"]
        assert "s16(4)" in exclusion["citation"]

    async def test_purposes_carry_dpv_terms_or_null(self, client: httpx.AsyncClient):
        body = (await client.get("/v1/purposes")).json()
        purposes = {p["id"]: p for p in body["items"]}
        assert purposes["crime_and_disorder_reduction"]["dpv"] == "dpv:ProtectionOfPublicSecurity"
        assert purposes["safeguarding_children"]["dpv"] is None
        assert body["data_categories"]["criminal_offence"]["dpv"] is None
        assert body["catalogue_version"]

    async def test_every_response_names_the_catalogue_version(self, client: httpx.AsyncClient):
        version = (await client.get("/v1/legal-gateways")).json()["catalogue_version"]
        for path in ("/v1/transparency", "/v1/requests", "/healthz"):
            assert (await client.get(path)).headers["convenor-catalogue-version"] == version

    async def test_an_unknown_gateway_is_a_404_problem(self, client: httpx.AsyncClient):
        response = await client.get("/v1/legal-gateways/no-such-act")
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/legal-gateway-not-found"


class TestCatalogueFile:
    def test_a_catalogue_that_does_not_validate_is_refused(self, tmp_path: Path):
        data = json.loads(catalogue_service.SHIPPED.read_text())
        data["gateways"][0]["kind"] = "maybe"
        broken = tmp_path / "catalogue.json"
        broken.write_text(json.dumps(data))
        with pytest.raises(catalogue_service.CatalogueError):
            catalogue_service.load(broken)

    def test_another_catalogue_file_with_the_same_shape_loads(self, tmp_path: Path):
        data = json.loads(catalogue_service.SHIPPED.read_text())
        data["version"] = "local-1"
        data["gateways"] = data["gateways"][:3]
        other = tmp_path / "catalogue.json"
        other.write_text(json.dumps(data))
        assert catalogue_service.load(other).version == "local-1"
