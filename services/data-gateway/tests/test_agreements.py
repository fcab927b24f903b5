"""Information sharing agreements: parties only, and what citing one changes in a check."""

from __future__ import annotations

from typing import Any

from .factories import Api, asb_request, partner


def agreement_body(*parties: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Community safety partnership data sharing agreement",
        "party_organisation_ids": [p.id for p in parties],
        "purposes": ["crime_and_disorder_reduction", "strategic_needs_assessment"],
        "legal_gateways": ["cda-1998-s115"],
        "data_items": [{"name": "asb_incidents", "category": "aggregate"}],
        "lawful_basis": {"article_6": "public_task"},
        "retention_days": 730,
        "dpia_reference": "DPIA-2026-014",
        "dpia_status": "completed",
        "review_date": "2027-04-01",
        "start_date": "2026-04-01",
        "status": "active",
    }
    return body | overrides


class TestAgreements:
    async def test_the_parties_see_an_agreement_and_others_do_not(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        outsider = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/agreements", agreement_body(council))
        assert sorted(created["party_organisation_ids"]) == sorted([opcc.id, council.id])
        assert (await council.get(f"/v1/agreements/{created['id']}")).status_code == 200
        assert (await outsider.get(f"/v1/agreements/{created['id']}")).status_code == 404
        listed = (await council.get("/v1/agreements")).json()["items"]
        assert [a["id"] for a in listed] == [created["id"]]
        assert (await outsider.get("/v1/agreements")).json()["items"] == []

    async def test_a_party_changes_it_with_its_etag(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/agreements", agreement_body(council))
        etag = (await council.get(f"/v1/agreements/{created['id']}")).headers["etag"]
        changed = await council.patch(
            f"/v1/agreements/{created['id']}",
            json={"review_date": "2027-10-01"},
            headers={"If-Match": etag},
        )
        assert changed.status_code == 200 and changed.json()["version"] == 2
        stale = await opcc.patch(
            f"/v1/agreements/{created['id']}",
            json={"status": "suspended"},
            headers={"If-Match": etag},
        )
        assert stale.status_code == 412

    async def test_only_a_draft_can_be_deleted(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        active = await opcc.created("/v1/agreements", agreement_body(council))
        assert (await opcc.delete(f"/v1/agreements/{active['id']}")).status_code == 409
        draft = await opcc.created("/v1/agreements", agreement_body(council, status="draft"))
        assert (await opcc.delete(f"/v1/agreements/{draft['id']}")).status_code == 204
        assert (await opcc.get(f"/v1/agreements/{draft['id']}")).status_code == 404

    async def test_unknown_parties_and_gateways_are_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        body = agreement_body(opcc)
        body["party_organisation_ids"].append("00000000-0000-4000-8000-000000000001")
        assert (await opcc.post("/v1/agreements", json=body)).status_code == 422
        body = agreement_body(opcc, legal_gateways=["no-such-act-s1"])
        assert (await opcc.post("/v1/agreements", json=body)).status_code == 422


class TestCitingAnAgreement:
    async def test_an_active_agreement_with_a_completed_dpia_settles_those_conditions(
        self, client, registry, issuer
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        agreement = await opcc.created("/v1/agreements", agreement_body(council))
        check = {
            "requester_organisation_id": opcc.id,
            "holder_organisation_id": council.id,
            "purpose": "crime_and_disorder_reduction",
            "data_categories": ["personal"],
            "legal_gateways": ["cda-1998-s115"],
            "statutory_function": "CDA 1998 s6 strategy",
        }
        without = (await opcc.post("/v1/gateway-check", json=check)).json()
        assert {"agreement", "dpia"} <= {c["code"] for c in without["missing_conditions"]}
        with_it = (
            await opcc.post("/v1/gateway-check", json=check | {"agreement_id": agreement["id"]})
        ).json()
        assert not {"agreement", "dpia"} & {c["code"] for c in with_it["missing_conditions"]}

    async def test_a_request_may_cite_only_an_agreement_between_its_parties(
        self, client, registry, issuer
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        elsewhere = partner(client, registry, issuer, "local_authority")
        agreement = await opcc.created("/v1/agreements", agreement_body(elsewhere))
        response = await opcc.post(
            "/v1/requests", json=asb_request(council, agreement_id=agreement["id"])
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "agreement_id"]
