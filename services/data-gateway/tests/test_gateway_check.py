"""The gateway check: which gateways permit a sharing, what is missing, what is not and why."""

from __future__ import annotations

from typing import Any

import httpx

from convenor_shared.testing import LocalIssuer

from .conftest import FakeRegistry
from .factories import Api, partner


def check_body(requester: Api, holder: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requester_organisation_id": requester.id,
        "holder_organisation_id": holder.id,
        "purpose": "crime_and_disorder_reduction",
        "data_categories": ["aggregate"],
    }
    return body | overrides


async def check(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.client.post("/v1/gateway-check", json=body, headers=api.headers())
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


class Parties:
    def __init__(self, client: httpx.AsyncClient, registry: FakeRegistry, issuer: LocalIssuer):
        self.opcc = partner(client, registry, issuer, "local_policing_body", kind="pcc")
        self.council = partner(client, registry, issuer, "local_authority")
        self.icb = partner(client, registry, issuer, "health")
        self.charity = partner(client, registry, issuer, "vcse")


class TestCrimeAndDisorder:
    async def test_aggregate_asb_data_from_a_council_is_permitted_under_s115_and_s17a(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        result = await check(
            p.opcc,
            check_body(p.opcc, p.council, legal_gateways=["cda-1998-s115", "cda-1998-s17a"]),
        )
        assert result["permitted"] is True
        assert {g["id"]: g["kind"] for g in result["gateways"]} == {
            "cda-1998-s115": "power",
            "cda-1998-s17a": "duty",
        }
        codes = {c["code"] for c in result["missing_conditions"]}
        assert {"agreement", "statutory_function", "encoding_unconfirmed"} <= codes
        assert not any(c["blocking"] for c in result["missing_conditions"])
        assert result["catalogue_version"]

    async def test_without_cited_gateways_every_gateway_is_tested(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        result = await check(p.opcc, check_body(p.opcc, p.council))
        assert "cda-1998-s115" in {g["id"] for g in result["gateways"]}
        mappa = [n for n in result["not_permitted"] if n["gateway"] == "cja-2003-s325"]
        assert {n["code"] for n in mappa} == {"not_a_recipient", "purpose_not_covered"}
        assert any("the requester is a local policing body" in n["reason"] for n in mappa)


class TestSeriousViolenceHealthExclusion:
    async def test_identifiable_health_data_from_an_icb_under_s16_is_refused_naming_s16_4(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        body = check_body(
            p.opcc,
            p.icb,
            purpose="serious_violence_prevention",
            data_categories=["personal", "special_category"],
            legal_gateways=["pcsc-2022-s16"],
        )
        result = await check(p.opcc, body)
        assert result["permitted"] is False
        (refusal,) = result["not_permitted"]
        assert refusal["code"] == "pcsc-2022-s16-4-health"
        assert "s16(4)" in refusal["reason"] and "patient information" in refusal["reason"]
        assert "s16(4)" in result["summary"]

    async def test_aggregate_data_from_the_same_icb_is_not_excluded(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        body = check_body(
            p.opcc,
            p.icb,
            purpose="serious_violence_prevention",
            data_categories=["aggregate"],
            legal_gateways=["pcsc-2022-s16", "pcsc-2022-s17"],
        )
        result = await check(p.opcc, body)
        assert result["permitted"] is True
        assert {g["id"] for g in result["gateways"]} == {"pcsc-2022-s16", "pcsc-2022-s17"}

    async def test_s14_alone_is_a_function_not_a_power_to_disclose(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        body = check_body(
            p.opcc,
            p.council,
            purpose="serious_violence_prevention",
            legal_gateways=["pcsc-2022-s14"],
        )
        result = await check(p.opcc, body)
        assert result["permitted"] is False
        assert result["not_permitted"][0]["code"] == "needs_statutory_gateway"
        body["legal_gateways"] = ["pcsc-2022-s14", "pcsc-2022-s16"]
        assert (await check(p.opcc, body))["permitted"] is True


class TestRecognisedLegitimateInterests:
    async def test_a_charity_is_told_the_request_must_state_the_requesters_public_task(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        body = check_body(p.opcc, p.charity, legal_gateways=["duaa-2025-art6-1-ea"])
        result = await check(p.charity, body)
        assert result["permitted"] is False
        condition = next(
            c for c in result["missing_conditions"] if c["code"] == "requester_public_task"
        )
        assert condition["blocking"] is True
        assert "must state the requester's public task" in condition["explanation"]
        body["statutory_function"] = "Police and crime plan duties, PRSRA 2011 ss5-7"
        assert (await check(p.charity, body))["permitted"] is True

    async def test_a_public_authority_cannot_rely_on_recognised_legitimate_interests(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        body = check_body(
            p.opcc, p.council, legal_gateways=["duaa-2025-art6-1-ea"], statutory_function="x"
        )
        result = await check(p.opcc, body)
        assert result["permitted"] is False
        assert result["not_permitted"][0]["code"] == "not_a_discloser"
        assert "not available to a public authority" in result["not_permitted"][0]["reason"]


class TestMissingConditions:
    async def test_special_category_data_without_an_article_9_condition_is_flagged(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        body = check_body(
            p.opcc,
            p.council,
            purpose="serious_violence_prevention",
            data_categories=["special_category"],
            legal_gateways=["pcsc-2022-s16"],
        )
        codes = {c["code"] for c in (await check(p.opcc, body))["missing_conditions"]}
        assert {"special_category_condition", "dpia", "pcsc-2022-s16-4-social-care"} <= codes
        body["lawful_basis"] = {"article_9_condition": "substantial_public_interest"}
        codes = {c["code"] for c in (await check(p.opcc, body))["missing_conditions"]}
        assert "special_category_condition" not in codes and "schedule_1_condition" in codes


class TestCheckInputs:
    async def test_an_unknown_gateway_id_is_a_422_naming_it(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        body = check_body(p.opcc, p.council, legal_gateways=["cda-1998-s115", "made-up-s1"])
        response = await client.post("/v1/gateway-check", json=body, headers=p.opcc.headers())
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "legal_gateways", "1"]

    async def test_an_organisation_the_registry_does_not_know_is_a_422(
        self, client, registry, issuer
    ):
        p = Parties(client, registry, issuer)
        body = check_body(p.opcc, p.council)
        body["holder_organisation_id"] = "00000000-0000-4000-8000-000000000000"
        response = await client.post("/v1/gateway-check", json=body, headers=p.opcc.headers())
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "holder_organisation_id"]

    async def test_a_token_without_gateway_scopes_is_403(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        reader = partner(client, registry, issuer, "local_authority", scopes=("registry:read",))
        response = await client.post(
            "/v1/gateway-check", json=check_body(p.opcc, p.council), headers=reader.headers()
        )
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/insufficient-scope"


class TestRegistryFailures:
    async def lookup(self, client, registry, issuer, failure: str) -> httpx.Response:
        p = Parties(client, registry, issuer)
        registry.failures[p.council.id] = failure
        return await client.post(
            "/v1/gateway-check", json=check_body(p.opcc, p.council), headers=p.opcc.headers()
        )

    async def test_an_unreachable_registry_is_503_with_retry_after(self, client, registry, issuer):
        response = await self.lookup(client, registry, issuer, "down")
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert response.json()["type"] == "/problems/registry-unavailable"

    async def test_a_slow_registry_is_504(self, client, registry, issuer):
        response = await self.lookup(client, registry, issuer, "slow")
        assert response.status_code == 504
        assert response.json()["type"] == "/problems/registry-timeout"

    async def test_a_malformed_or_oversized_answer_is_502(self, client, registry, issuer):
        for failure in ("garbage", "huge", "error"):
            response = await self.lookup(client, registry, issuer, failure)
            assert response.status_code == 502, failure
            assert response.headers["content-type"] == "application/problem+json"

    async def test_organisations_are_looked_up_once_then_cached(self, client, registry, issuer):
        p = Parties(client, registry, issuer)
        before = registry.lookups
        for _ in range(3):
            await check(p.opcc, check_body(p.opcc, p.council))
        assert registry.lookups - before == 2
